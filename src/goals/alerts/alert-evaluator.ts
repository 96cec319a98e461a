/**
 * Evaluates alert rules against the data as it stands: the window a rule watches, as of a
 * local day of the workspace, the KPI's value there through the semantic layer (so a rule
 * reads exactly the number a board shows), and whether the condition holds.
 */
import type { ValueUnit } from '../../format/number-format.js';
import { anomaliesModel } from '../../analytics/anomalies/anomalies-model.js';
import type { Anomaly } from '../../analytics/anomalies/anomalies-model.js';
import { runModel } from '../../analytics/analytic-model.js';
import { runQuery } from '../../semantic/query/query-runner.js';
import type { QueryContext } from '../../semantic/query/query-runner.js';
import type { Comparison } from '../../semantic/query/query-types.js';
import { calendarFromConfig } from '../../time/calendar.js';
import { isoDate } from '../../time/civil-date.js';
import type { DayRange } from '../../time/period.js';
import { oneLine } from '../../util/errors.js';
import { objectivesProgress, readObjectives } from '../objectives.js';
import { effectiveWhere } from './alert-rule.js';
import type { AlertRule, AlertWindow } from './alert-rule.js';

export interface AlertEvaluation {
  readonly ruleId: string;
  /** `no_data`: nothing to judge (no value, no comparison); it neither fires nor recovers. */
  readonly status: 'firing' | 'ok' | 'no_data' | 'error';
  readonly window: { readonly from: string; readonly to: string };
  readonly value: number | null;
  /** What the value was compared with: a threshold, N-1, the previous period, a target… */
  readonly compared: {
    readonly label: string;
    readonly value: number | null;
    /** The move or gap measured, in the rule's unit (% or points). */
    readonly change: number | null;
    readonly changeUnit: 'pct' | 'points' | null;
  } | null;
  readonly detail: string;
  /** The KPI's unit and the currency of money values, so every shell formats the same way. */
  readonly unit: ValueUnit;
  readonly currency: string;
}

/** The days a window covers, as of a local day (`today`: the workspace's current local date). */
export function alertWindow(
  window: AlertWindow,
  today: number,
  config: QueryContext['config'],
): DayRange {
  const cal = calendarFromConfig(config);
  switch (window) {
    case 'today':
      return { start: today, end: today };
    case 'day':
      return { start: today - 1, end: today - 1 };
    case 'week': {
      const p = cal.periodOf(cal.periodOf(today, 'week').start - 1, 'week');
      return { start: p.start, end: p.end };
    }
    case 'month': {
      const p = cal.periodOf(cal.periodOf(today, 'month').start - 1, 'month');
      return { start: p.start, end: p.end };
    }
    case 'week-to-date':
      return { start: cal.periodOf(today, 'week').start, end: today };
    case 'month-to-date':
      return { start: cal.periodOf(today, 'month').start, end: today };
    case 'year-to-date':
      return { start: cal.periodOf(today, 'year').start, end: today };
  }
}

const SEVERITY_RANK = { low: 1, medium: 2, high: 3 } as const;

/**
 * The severity of an anomaly: the feed's own when it states one, else from how far past the
 * feed's threshold its z-score lies (up to 1.5×: low, up to 2×: medium, beyond: high).
 */
export function anomalySeverity(a: Anomaly, threshold: number): keyof typeof SEVERITY_RANK {
  const stated = (a as { severity?: unknown }).severity;
  if (stated === 'low' || stated === 'medium' || stated === 'high') return stated;
  const r = Math.abs(a.z) / threshold;
  return r >= 2 ? 'high' : r >= 1.5 ? 'medium' : 'low';
}

export async function evaluateAlert(
  ctx: QueryContext & { readonly dir?: string },
  rule: AlertRule,
  today: number,
): Promise<AlertEvaluation> {
  const range = alertWindow(rule.window, today, ctx.config);
  const window = { from: isoDate(range.start), to: isoDate(range.end) };
  const unit: ValueUnit = ctx.dictionary.has(rule.kpi)
    ? ctx.dictionary.get(rule.kpi).def.unit
    : 'number';
  const base = { ruleId: rule.id, window, unit, currency: ctx.config.reporting_currency };
  try {
    return { ...base, ...(await judge(ctx, rule, range, today)) };
  } catch (e) {
    return { ...base, status: 'error', value: null, compared: null, detail: oneLine(e) };
  }
}

type Judgement = Omit<AlertEvaluation, 'ruleId' | 'window' | 'unit' | 'currency'>;

async function judge(
  ctx: QueryContext & { readonly dir?: string },
  rule: AlertRule,
  range: DayRange,
  today: number,
): Promise<Judgement> {
  const c = rule.condition;
  const def = ctx.dictionary.get(rule.kpi).def;
  // The rule's scope is enforced by the plan exactly as a token's would be (facts and targets).
  ctx = { ...ctx, scopes: rule.scope };
  const where = effectiveWhere(rule);
  if (c.kind === 'trajectory') {
    const objective = readObjectives(ctx.dir ?? '.').find((o) => o.id === c.objective);
    if (!objective) {
      return {
        status: 'error',
        value: null,
        compared: null,
        detail: `unknown objective "${c.objective}"`,
      };
    }
    const target = objective.kpis.find((k) => k.kpi === rule.kpi);
    if (!target) {
      return {
        status: 'error',
        value: null,
        compared: null,
        detail: `objective "${c.objective}" has no target for ${rule.kpi}`,
      };
    }
    const [progress] = await objectivesProgress(ctx, [{ ...objective, kpis: [target] }], today);
    const k = progress?.kpis[0];
    if (!k || k.status === 'no_data') return noData('no value yet in the objective’s period');
    return {
      status: k.status === 'behind' ? 'firing' : 'ok',
      value: k.value,
      compared: { label: 'trajectory', value: k.expectedByNow, change: null, changeUnit: null },
      detail: `objective ${objective.id}: ${k.status.replace('_', ' ')}`,
    };
  }
  if (c.kind === 'anomaly') {
    const { result } = await runModel(
      anomaliesModel,
      { kind: 'workspace', source: { engine: ctx.engine, config: ctx.config, dir: ctx.dir } },
      { kpis: rule.kpi, to: isoDate(range.end), windowDays: range.end - range.start + 1 },
    );
    const threshold = 3.5;
    const hits = result.values.anomalies.filter(
      (a) =>
        a.kpi === rule.kpi &&
        (a.dimension === 'all' || (where[a.dimension]?.includes(a.segment) ?? false)) &&
        SEVERITY_RANK[anomalySeverity(a, threshold)] >= SEVERITY_RANK[c.severity],
    );
    const worst = hits.sort((a, b) => Math.abs(b.z) - Math.abs(a.z))[0];
    return {
      status: worst ? 'firing' : 'ok',
      value: worst?.actual ?? null,
      compared: worst
        ? {
            label: 'expected',
            value: worst.expected,
            change: worst.relative_change === null ? null : worst.relative_change * 100,
            changeUnit: 'pct',
          }
        : null,
      detail: worst
        ? `${anomalySeverity(worst, threshold)} anomaly on ${worst.date}${worst.dimension === 'all' ? '' : ` (${worst.dimension} ${worst.segment})`}, z = ${worst.z.toFixed(1)}`
        : 'no anomaly at that severity',
    };
  }

  const compare: Comparison[] =
    c.kind === 'change' ? [c.vs] : c.kind === 'target-gap' ? ['target'] : [];
  const res = await runQuery(ctx, {
    kpis: [rule.kpi],
    from: isoDate(range.start),
    to: isoDate(range.end),
    where: rule.where,
    ...(compare.length > 0 ? { compare } : {}),
  });
  const row = res.rows[0];
  const value = toNumber(row?.values[rule.kpi]);
  if (value === null) return noData('no value in the window');

  if (c.kind === 'threshold') {
    const firing = c.direction === 'above' ? value > c.value : value < c.value;
    return {
      status: firing ? 'firing' : 'ok',
      value,
      compared: { label: 'threshold', value: c.value, change: null, changeUnit: null },
      detail: '',
    };
  }
  const cmp = row?.comparisons[compare[0] ?? '']?.[rule.kpi];
  const other = toNumber(cmp?.value);
  if (other === null) {
    return {
      ...noData(`no ${c.kind === 'change' ? c.vs : 'target'} value to compare with`),
      value,
    };
  }
  if (c.kind === 'change') {
    // A rate moves in points (its values are fractions: 0.031 → 0.025 is −0.6 pt); anything
    // else in % of the compared value.
    const change =
      c.unit === 'points'
        ? (value - other) * 100
        : other === 0
          ? null
          : ((value - other) / Math.abs(other)) * 100;
    if (change === null) return { ...noData('the compared value is 0'), value };
    const firing =
      c.direction === 'down'
        ? change <= -c.by
        : c.direction === 'up'
          ? change >= c.by
          : Math.abs(change) >= c.by;
    return {
      status: firing ? 'firing' : 'ok',
      value,
      compared: { label: c.vs, value: other, change, changeUnit: c.unit },
      detail: '',
    };
  }
  // target-gap: the bad side is given by the KPI's polarity.
  const gap = other === 0 ? null : ((value - other) / Math.abs(other)) * 100;
  const bad = def.polarity === 'down' ? value > other : value < other;
  const firing = bad && (c.by === 0 || (gap !== null && Math.abs(gap) > c.by));
  return {
    status: firing ? 'firing' : 'ok',
    value,
    compared: { label: 'target', value: other, change: gap, changeUnit: 'pct' },
    detail: '',
  };
}

function noData(detail: string): Judgement {
  return { status: 'no_data', value: null, compared: null, detail };
}

/** KPI values are numbers, or exact decimals written as strings for money. */
function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
