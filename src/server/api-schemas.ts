import { z } from 'zod';

/**
 * Request bodies of the HTTP API. The query body is `QueryRequest` (src/semantic/query/
 * query-types.ts), the same shape `vitrine query` builds from its flags; deeper checks (known
 * KPI, known dimension, valid dates) stay in the semantic layer, whose errors become 400s.
 */

/**
 * Dates a request may name: a retailer's history and plans, with room on both sides. Beyond
 * them a period's arithmetic (a previous year, a day series) leaves the calendar the engines and
 * JavaScript dates share, and the answer would be a 500 instead of a named refusal.
 */
export const DATE_RANGE = { min: '1900-01-01', max: '2199-12-31' } as const;
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (d) => d >= DATE_RANGE.min && d <= DATE_RANGE.max,
    `expected a date between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
  );

/**
 * Largest target magnitude: targets are DECIMAL(18,8), 10 digits before the point. A JSON number
 * beyond it (18446744073709552000) is refused here, naming the field, not by the database.
 */
export const TARGET_VALUE_LIMIT = 1e10;
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected an identifier (lowercase, digits, _)');

export const queryRequestSchema = z
  .object({
    kpis: z.array(id).min(1, 'ask for at least one KPI').max(30),
    by: z.array(id).max(4).optional(),
    grain: z.enum(['hour', 'day', 'week', 'month', 'quarter', 'year']).optional(),
    from: isoDate,
    to: isoDate,
    where: z.record(id, z.array(z.string().min(1).max(200)).min(1).max(200)).optional(),
    compare: z
      .array(z.enum(['previous', 'yoy', 'yoy-weekday', 'target']))
      .max(4)
      .optional(),
    cumulative: z.enum(['ytd', 'qtd', 'mtd']).optional(),
    calendar: z.enum(['civil', 'retail-454']).optional(),
    lfl: z.boolean().optional(),
  })
  .strict();

export const explainRequestSchema = z
  .object({
    kpi: id,
    from: isoDate,
    to: isoDate,
    vs: z.enum(['previous', 'yoy', 'yoy-weekday', 'target']).default('yoy'),
    by: id.optional(),
    where: z.record(id, z.array(z.string().min(1).max(200)).min(1).max(200)).optional(),
  })
  .strict();

export const targetsWriteSchema = z
  .object({
    targets: z
      .array(
        z
          .object({
            kpi_id: id,
            period_start: isoDate,
            period_end: isoDate,
            segment_key: id.nullable().optional(),
            segment_value: z.string().min(1).nullable().optional(),
            target_value: z
              .number()
              .finite()
              .refine(
                (v) => Math.abs(v) < TARGET_VALUE_LIMIT,
                'out of range: a target has at most 10 digits before the decimal point',
              ),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

export const tokenCreateSchema = z
  .object({
    role: z.enum(['viewer', 'analyst', 'admin', 'ingest']),
    scopes: z.array(z.string().min(3)).max(10).optional(),
    label: z.string().max(200).optional(),
  })
  .strict();

export const modelRunSchema = z
  .object({
    params: z.record(z.string(), z.unknown()).default({}),
    /** full: the model's whole result; dashboard: what an analysis board draws (the model's entry, src/analytics/<model>/<model>-entry.ts). */
    view: z.enum(['full', 'dashboard']).default('full'),
  })
  .strict();

/** Many queries in one round trip (a board's first screen); answers stream as each completes. */
export const queryBatchSchema = z
  .object({ queries: z.array(z.unknown()).min(1, 'send at least one query').max(40) })
  .strict();

export const dataQualityQuerySchema = z
  .object({
    today: isoDate.optional(),
    stale_days: z
      .string()
      .regex(/^\d{1,4}$/, 'expected a whole number of days')
      .optional(),
  })
  .strict();

/** The first problem of a failed parse, as one line naming the field ("field kpis.0: …"). */
export function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.map(String).join('.');
  return `${path ? `field ${path}` : 'body'}: ${issue.message}`;
}
