/**
 * Budget allocation by marginal return. Each marketing channel gets a response curve from its
 * weekly spend and attributed gross margin, margin = β · spend^θ (a power curve: diminishing
 * returns when 0 < θ < 1), fitted by least squares on logs with Duan's smearing factor for
 * the level. A budget is then split to equalise marginal returns β·θ·s^(θ−1) across channels —
 * the optimum of a sum of concave curves — within ±maxShift of each channel's current spend,
 * because a curve says nothing reliable far from the spend it was fitted on.
 */
import { z } from 'zod';
import { isoDate, isoWeekday, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { attributionModel, attributionParams } from '../attribution/attribution-model.js';
import { touchWeights } from '../attribution/heuristic-attribution.js';
import { nonEmptyCell, numberCell, readCsv, cell } from '../io/csv-input.js';
import { num, readFactRows } from '../io/fact-query.js';
import type { Diagnostic, Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay } from '../model-params.js';

export const budgetParams = z.object({
  budget: z.coerce.number().positive().max(1e12).optional().meta({
    arg: 'amount',
    description: 'budget per period to allocate (default: current spend)',
  }),
  maxShift: z.coerce.number().min(0).max(10).default(0.3).meta({
    arg: 'x',
    description: 'largest change of a channel’s spend, as a share of its current spend',
  }),
  recentPeriods: z.coerce
    .number()
    .int()
    .min(1)
    .max(520)
    .default(13)
    .meta({ arg: 'n', description: 'periods averaged for the current spend' }),
  minPeriods: z.coerce
    .number()
    .int()
    .min(3)
    .max(520)
    .default(8)
    .meta({ arg: 'n', description: 'periods a channel needs for a curve' }),
  from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first day' }),
  to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last day' }),
});
export type BudgetParams = z.infer<typeof budgetParams>;

export interface BudgetPoint {
  readonly period: string;
  readonly channel: string;
  readonly spend: number;
  readonly margin: number;
}

export interface BudgetData {
  readonly points: readonly BudgetPoint[];
  readonly source: string;
  readonly readWarnings: readonly Diagnostic[];
}

export interface ResponseCurve {
  readonly beta: number;
  /** θ used (clamped to [0.05, 0.95]); `theta_raw` is the least-squares estimate. */
  readonly theta: number;
  readonly theta_raw: number;
  readonly r2: number;
  readonly periods: number;
}

export interface ChannelAllocation {
  readonly channel: string;
  readonly curve: ResponseCurve | null;
  readonly current_spend: number;
  readonly suggested_spend: number;
  readonly change: number;
  readonly predicted_margin_current: number | null;
  readonly predicted_margin_suggested: number | null;
  readonly marginal_return_current: number | null;
  readonly marginal_return_suggested: number | null;
}

export interface BudgetValues {
  readonly periods: number;
  readonly budget: number;
  readonly channels: ChannelAllocation[];
  readonly expected_effect: {
    readonly margin_current: number;
    readonly margin_suggested: number;
    readonly change: number;
  };
}

/** CSV period,channel,spend,margin (margin: attributed gross margin of the period). */
export function readBudgetFile(path: string): BudgetData {
  const t = readCsv(path, ['period', 'channel', 'spend', 'margin'], 'budget --input');
  return {
    source: path,
    readWarnings: [],
    points: t.rows.map((row) => ({
      period: cell(t, row, 'period') || String(row.line),
      channel: nonEmptyCell(t, row, 'channel'),
      spend: numberCell(t, row, 'spend', { min: 0 }),
      margin: numberCell(t, row, 'margin'),
    })),
  };
}

/** Monday (or Sunday) starting the week of a day. */
function weekStart(day: number, weekStartsSunday: boolean): number {
  const wd = isoWeekday(day); // 1 = Monday … 7 = Sunday
  return weekStartsSunday ? day - (wd % 7) : day - (wd - 1);
}

async function readBudgetWorkspace(
  source: WorkspaceSource,
  params: BudgetParams,
): Promise<BudgetData> {
  const sunday = source.config.week_start === 'sunday';
  const range = {
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  };
  const spendRows = await readFactRows(source, {
    fact: 'ad_spend',
    columns: { channel: 'ad_spend.channel', day: 'ad_spend.spend_on' },
    aggregates: { spend: { agg: 'sum', expr: 'ad_spend.spend * fact.fx' } },
    ...range,
  });
  if (spendRows.length === 0)
    throw new VitrineError('NO_DATA', 'no advertising spend in the period');
  const attribution = await attributionModel.fromWorkspace(source, attributionParams.parse(range));
  const cells = new Map<string, { spend: number; margin: number }>();
  const cellOf = (week: number, channel: string) => {
    const k = `${isoDate(week)}|${channel}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { spend: 0, margin: 0 }));
    return c;
  };
  for (const r of spendRows) {
    const day = parseIsoDate(String(r['day']), 'day');
    cellOf(weekStart(day, sunday), String(r['channel'])).spend += num(r['spend']) ?? 0;
  }
  // Weekly attributed margin: each conversion's margin split linearly over its touches, in the
  // week it converted (a weekly Markov chain would be too sparse to estimate).
  const opts = { halfLife: 7, firstShare: 0.4, lastShare: 0.4 };
  for (const j of attribution.journeys) {
    if (j.conversions <= 0 || j.at === undefined || j.margin === undefined) continue;
    const week = weekStart(Math.floor(j.at / 86_400_000), sunday);
    touchWeights('linear', j, opts).forEach((w, i) => {
      cellOf(week, j.channels[i] as string).margin += w * (j.margin ?? 0);
    });
  }
  const weeks = [...new Set([...cells.keys()].map((k) => k.split('|')[0] as string))].sort();
  // The first and last weeks are usually partial: left out.
  const full = new Set(weeks.slice(1, -1));
  return {
    source: 'workspace',
    readWarnings: attribution.readWarnings,
    points: [...cells.entries()]
      .map(([k, c]) => {
        const [period, channel] = k.split('|') as [string, string];
        return { period, channel, spend: c.spend, margin: c.margin };
      })
      .filter((p) => full.has(p.period))
      .sort((a, b) =>
        a.period < b.period ? -1 : a.period > b.period ? 1 : a.channel < b.channel ? -1 : 1,
      ),
  };
}

/** Least squares of ln margin on ln spend, with Duan's smearing for E[margin]. */
export function fitResponseCurve(
  points: readonly { spend: number; margin: number }[],
): ResponseCurve | null {
  const pts = points.filter((p) => p.spend > 0 && p.margin > 0);
  const n = pts.length;
  if (n < 3) return null;
  const x = pts.map((p) => Math.log(p.spend));
  const y = pts.map((p) => Math.log(p.margin));
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += ((x[i] as number) - mx) ** 2;
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    syy += ((y[i] as number) - my) ** 2;
  }
  if (!(sxx > 0)) return null;
  const thetaRaw = sxy / sxx;
  const theta = Math.min(0.95, Math.max(0.05, thetaRaw));
  // With θ clamped the intercept is refitted: ln β = mean(y − θ x).
  const lnBeta = my - theta * mx;
  const residuals = y.map((v, i) => v - lnBeta - theta * (x[i] as number));
  const smear = residuals.reduce((s, r) => s + Math.exp(r), 0) / n;
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  return {
    beta: Math.exp(lnBeta) * smear,
    theta,
    theta_raw: thetaRaw,
    r2: syy > 0 ? 1 - sse / syy : 1,
    periods: n,
  };
}

const response = (c: ResponseCurve, s: number) => c.beta * Math.pow(s, c.theta);
const marginal = (c: ResponseCurve, s: number) =>
  s > 0 ? c.beta * c.theta * Math.pow(s, c.theta - 1) : null;

/**
 * Splits `budget` to equalise marginal returns: s(λ) = clamp((βθ/λ)^(1/(1−θ)), lo, hi), with
 * λ found by bisection so that Σ s(λ) = budget (Σ s is non-increasing in λ).
 */
export function allocate(
  channels: readonly { curve: ResponseCurve; lo: number; hi: number }[],
  budget: number,
): number[] {
  const at = (lambda: number) =>
    channels.map(({ curve, lo, hi }) =>
      Math.min(
        hi,
        Math.max(lo, Math.pow((curve.beta * curve.theta) / lambda, 1 / (1 - curve.theta))),
      ),
    );
  const total = (lambda: number) => at(lambda).reduce((s, v) => s + v, 0);
  let lo = -60;
  let hi = 60; // ln λ
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (total(Math.exp(mid)) > budget) lo = mid;
    else hi = mid;
  }
  return at(Math.exp((lo + hi) / 2));
}

export function fitBudget(data: BudgetData, params: BudgetParams): ModelResult<BudgetValues> {
  const d = new DiagnosticsBuilder();
  for (const w of data.readWarnings) d.warn(w.code, w.message);
  d.assume(
    'response curve per channel: margin = β · spend^θ by least squares on logs (Duan smearing for the level), θ kept within [0.05, 0.95] (diminishing returns)',
  );
  d.assume(
    `the budget is split to equalise marginal returns β·θ·s^(θ−1), each channel within ±${pct(params.maxShift, 0)} of its current spend (mean of the last ${params.recentPeriods} periods)`,
  );
  d.assume(
    'curves are correlations of spend and attributed margin over time, not experiments: confirm large moves with tests',
  );
  const periods = [...new Set(data.points.map((p) => p.period))].sort();
  if (periods.length === 0) throw new VitrineError('NO_DATA', `${data.source}: no period`);
  const recent = new Set(periods.slice(-params.recentPeriods));
  const channels = [...new Set(data.points.map((p) => p.channel))].sort();
  const rows: {
    channel: string;
    curve: ResponseCurve | null;
    current: number;
  }[] = [];
  for (const ch of channels) {
    const pts = data.points.filter((p) => p.channel === ch);
    const recentPts = pts.filter((p) => recent.has(p.period));
    const current = recentPts.reduce((s, p) => s + p.spend, 0) / Math.max(1, recent.size);
    if (pts.every((p) => p.spend === 0)) {
      d.assume(`${ch} has no paid spend: not part of the allocation`);
      continue;
    }
    const curve = fitResponseCurve(pts);
    if (!curve || curve.periods < params.minPeriods) {
      d.warn(
        'THIN_DATA',
        `${ch}: ${curve?.periods ?? 0} period(s) with both spend and margin (${params.minPeriods} needed): kept at its current spend`,
      );
      rows.push({ channel: ch, curve: null, current });
      continue;
    }
    if (curve.theta !== curve.theta_raw) {
      d.warn(
        'ELASTICITY_CLAMPED',
        `${ch}: fitted elasticity θ = ${fmt(curve.theta_raw, 3)} is outside [0.05, 0.95]; ${fmt(curve.theta, 2)} is used`,
      );
    }
    if (curve.r2 < 0.2)
      d.warn('WEAK_CURVE', `${ch}: the response curve explains little (R² = ${fmt(curve.r2, 2)})`);
    rows.push({ channel: ch, curve, current });
  }
  const fitted = rows.filter((r) => r.curve !== null && r.current > 0);
  const fixed = rows.filter((r) => !fitted.includes(r));
  const fixedSpend = fixed.reduce((s, r) => s + r.current, 0);
  const currentTotal = fitted.reduce((s, r) => s + r.current, 0);
  const budget = params.budget ?? currentTotal + fixedSpend;
  const movable = Math.max(0, budget - fixedSpend);
  const bounds = fitted.map((r) => ({
    curve: r.curve as ResponseCurve,
    lo: r.current * Math.max(0, 1 - params.maxShift),
    hi: r.current * (1 + params.maxShift),
  }));
  const sumLo = bounds.reduce((s, b) => s + b.lo, 0);
  const sumHi = bounds.reduce((s, b) => s + b.hi, 0);
  if (fitted.length > 0 && (movable < sumLo - 1e-9 || movable > sumHi + 1e-9)) {
    d.warn(
      'BUDGET_OUT_OF_RANGE',
      `the budget to allocate (${fmt(movable)}) is outside what ±${pct(params.maxShift, 0)} allows (${fmt(sumLo)} – ${fmt(sumHi)}): spends stop at the bounds`,
    );
  }
  const suggested =
    fitted.length > 0 ? allocate(bounds, Math.min(sumHi, Math.max(sumLo, movable))) : [];
  const out: ChannelAllocation[] = rows.map((r) => {
    const i = fitted.indexOf(r);
    const s = i >= 0 ? (suggested[i] as number) : r.current;
    const c = r.curve;
    return {
      channel: r.channel,
      curve: c,
      current_spend: r.current,
      suggested_spend: s,
      change: s - r.current,
      predicted_margin_current: c ? response(c, r.current) : null,
      predicted_margin_suggested: c ? response(c, s) : null,
      marginal_return_current: c ? marginal(c, r.current) : null,
      marginal_return_suggested: c ? marginal(c, s) : null,
    };
  });
  const current = out.reduce((s, r) => s + (r.predicted_margin_current ?? 0), 0);
  const next = out.reduce((s, r) => s + (r.predicted_margin_suggested ?? 0), 0);
  return {
    values: {
      periods: periods.length,
      budget,
      channels: out,
      expected_effect: { margin_current: current, margin_suggested: next, change: next - current },
    },
    diagnostics: d.build(),
  };
}

function summarizeBudget(result: ModelResult<BudgetValues>): string {
  const v = result.values;
  const lines = [
    `Budget allocation — ${v.periods} periods, budget ${fmt(v.budget)} per period; expected margin ${fmt(v.expected_effect.margin_current)} → ${fmt(v.expected_effect.margin_suggested)} (${v.expected_effect.change >= 0 ? '+' : ''}${fmt(v.expected_effect.change)})`,
    '',
    `  ${'channel'.padEnd(12)} ${'θ'.padStart(6)} ${'R²'.padStart(6)} ${'current'.padStart(11)} ${'suggested'.padStart(11)} ${'change'.padStart(10)} ${'marg. now'.padStart(10)} ${'marg. then'.padStart(10)}`,
  ];
  for (const c of v.channels) {
    lines.push(
      `  ${c.channel.padEnd(12)} ${fmt(c.curve?.theta, 2).padStart(6)} ${fmt(c.curve?.r2, 2).padStart(6)} ${fmt(c.current_spend).padStart(11)} ${fmt(c.suggested_spend).padStart(11)} ${fmt(c.change).padStart(10)} ${fmt(c.marginal_return_current).padStart(10)} ${fmt(c.marginal_return_suggested).padStart(10)}`,
    );
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const budgetModel: Model<BudgetParams, BudgetData, BudgetValues> = {
  name: 'budget',
  description:
    'response curves per marketing channel and a reallocation of the budget by marginal return',
  params: budgetParams,
  needs: [
    { fact: 'ad_spend', filters: [], reads: 'daily spend per channel' },
    {
      fact: 'touchpoints + sales_lines',
      filters: ['valid_order'],
      reads:
        'journeys and the margin of their conversions (as attribution), credited linearly by week',
    },
  ],
  fromWorkspace: readBudgetWorkspace,
  fromFile: (path) => readBudgetFile(path),
  fit: fitBudget,
  summarize: (r) => summarizeBudget(r),
};
