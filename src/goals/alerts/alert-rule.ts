/**
 * An alert rule: a KPI watched over a window (yesterday, last week, month to date…), with
 * optional filters and a scope, and one condition — a threshold, a change against N-1 or the
 * previous period, a gap to target, an objective falling behind its trajectory, or an anomaly
 * of the feed. Rules are data (DIR/alerts/rules.json) managed by the CLI, the API and the
 * dashboard; this module only says what a valid rule is.
 */
import { z } from 'zod';
import { VitrineError } from '../../util/errors.js';

export const ALERT_WINDOWS = [
  'today',
  'day',
  'week',
  'month',
  'week-to-date',
  'month-to-date',
  'year-to-date',
] as const;
export type AlertWindow = (typeof ALERT_WINDOWS)[number];

const filterSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]*$/, 'a dimension id'),
  z.array(z.string().min(1).max(200)).min(1).max(50),
);

export const alertConditionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('threshold'),
      /** Fires when the value is above (or below) `value`, in the KPI's unit (a rate as a fraction). */
      direction: z.enum(['above', 'below']),
      value: z.number().finite(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('change'),
      vs: z.enum(['yoy', 'previous']),
      /** `down` fires on a fall, `up` on a rise, `either` on both. */
      direction: z.enum(['down', 'up', 'either']),
      /** Size of the move that fires: in % of the compared value, or in points for a rate. */
      by: z.number().positive().max(1_000_000),
      unit: z.enum(['pct', 'points']),
    })
    .strict(),
  z
    .object({
      kind: z.literal('target-gap'),
      /** Fires when the value misses its target by more than this share, in % (0 = any miss). */
      by: z.number().min(0).max(1000).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('trajectory'),
      /** The objective (objectives.yaml) whose KPI must stay on its straight line to the deadline. */
      objective: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('anomaly'),
      severity: z.enum(['low', 'medium', 'high']),
    })
    .strict(),
]);
export type AlertCondition = z.infer<typeof alertConditionSchema>;

export const alertChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), to: z.array(z.email()).min(1).max(50) }).strict(),
  z
    .object({
      kind: z.literal('webhook'),
      url: z.url({ protocol: /^https?$/ }),
      /** `json`: Vitrine's own body; `slack`: a body Slack-compatible incoming webhooks accept. */
      format: z.enum(['json', 'slack']).default('json'),
    })
    .strict(),
  z.object({ kind: z.literal('dashboard') }).strict(),
]);
export type AlertChannel = z.infer<typeof alertChannelSchema>;

/** What a person or a client sends to create a rule. */
export const alertRuleInputSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    kpi: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a KPI id'),
    window: z.enum(ALERT_WINDOWS).default('day'),
    where: filterSchema.default({}),
    condition: alertConditionSchema,
    channels: z
      .array(alertChannelSchema)
      .min(1)
      .max(10)
      .default([{ kind: 'dashboard' }]),
    /** Language of the messages. */
    lang: z.enum(['en', 'fr']).default('en'),
  })
  .strict();
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;

export interface AlertRule extends z.output<typeof alertRuleInputSchema> {
  readonly id: string;
  /** The creating token's scope: the rule sees only what that token sees. */
  readonly scope: Readonly<Record<string, readonly string[]>>;
  /** Token id, or "cli" for a rule made on the command line. */
  readonly created_by: string;
  readonly created_at: string;
}

/** Parses a rule input; a problem names the field at fault. */
export function parseAlertRuleInput(input: unknown): z.output<typeof alertRuleInputSchema> {
  const parsed = alertRuleInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VitrineError(
      'BAD_ALERT',
      `alert rule: ${issue?.path.join('.') || '(rule)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const rule = parsed.data;
  if (rule.condition.kind === 'trajectory' && rule.window !== 'day') {
    // An objective has its own period; the window would be ignored, so say it.
    throw new VitrineError(
      'BAD_ALERT',
      'alert rule: window: a trajectory alert follows its objective’s own period; leave window out',
    );
  }
  return rule;
}

/**
 * The filters a rule's query uses: its own `where`, narrowed by its scope. A scoped rule asking
 * for a value outside its scope gets an empty filter, which matches nothing, rather than the
 * scope's values silently.
 */
export function effectiveWhere(
  rule: Pick<AlertRule, 'where' | 'scope'>,
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = { ...rule.where };
  for (const [dim, allowed] of Object.entries(rule.scope)) {
    const asked = out[dim];
    out[dim] = asked ? asked.filter((v) => allowed.includes(v)) : [...allowed];
  }
  return out;
}

/** One line naming what a rule watches, for lists and messages. */
export function describeCondition(c: AlertCondition): string {
  switch (c.kind) {
    case 'threshold':
      return `${c.direction} ${c.value}`;
    case 'change':
      return `${c.direction === 'either' ? 'moves' : c.direction === 'down' ? 'falls' : 'rises'} ${c.by}${c.unit === 'pct' ? ' %' : ' pts'} vs ${c.vs === 'yoy' ? 'N-1' : 'the previous period'}`;
    case 'target-gap':
      return c.by > 0 ? `misses its target by more than ${c.by} %` : 'misses its target';
    case 'trajectory':
      return `falls behind the trajectory of objective ${c.objective}`;
    case 'anomaly':
      return `an anomaly of severity ${c.severity} or more`;
  }
}
