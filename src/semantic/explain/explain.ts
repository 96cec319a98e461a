import { moneyDifference, roundMoney } from '../../format/number-format.js';
import { isVitrineError, VitrineError } from '../../util/errors.js';
import { evaluateDerived } from '../query/kpi-values.js';
import { isMoneyAmount } from '../query/money-values.js';
import { runQuery } from '../query/query-runner.js';
import type { QueryContext } from '../query/query-runner.js';
import type { Comparison, QueryRequest } from '../query/query-types.js';
import type { KpiDefinition } from '../dictionary/kpi-schema.js';
import type { Expr } from '../expression/expression-ast.js';
import { collectRefs } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';
import { driverTreeFor, factorKpis } from './driver-trees.js';
import type { DriverFactor, DriverTerm } from './driver-trees.js';

/**
 * "Why did it move": a KPI's change between a period and its comparison (N-1, previous period or
 * target), decomposed two ways, each adding up exactly to the total change:
 * - into drivers, for KPIs with a driver tree (net sales = traffic × conversion × ticket per
 *   channel family − refunds): Shapley contributions of each factor — the average, over every
 *   order of changing the factors one at a time, of the change each one causes — which are exact
 *   for products and need no special case for zeros;
 * - across a dimension: for an additive KPI each segment's own change; for a ratio KPI
 *   (numerator / denominator) the mix effect Σ (w₁ − w₀) r₀ and the rate effect Σ w₁ (r₁ − r₀),
 *   with w the segment's share of the denominator and r its ratio.
 */

export interface ExplainRequest {
  readonly kpi: string;
  readonly from: string;
  readonly to: string;
  readonly vs: Exclude<Comparison, 'yoy-weekday'> | 'yoy-weekday';
  readonly by?: string;
  readonly where?: QueryRequest['where'];
}

export interface DriverContribution {
  readonly term: string;
  readonly driver: string;
  /** Unit of `value` and `comparison` (the contribution is in the KPI's unit); null for "other". */
  readonly unit: DriverFactor['unit'] | null;
  readonly value: number | null;
  readonly comparison: number | null;
  readonly contribution: number;
}

export interface SegmentContribution {
  readonly segment: string | number | null;
  readonly value: number | null;
  readonly comparison: number | null;
  /** Additive KPIs: the segment's change. Ratios: mix + rate. */
  readonly contribution: number;
  readonly mix?: number;
  readonly rate?: number;
}

export interface ExplainResult {
  readonly kpi: string;
  /** The KPI's unit (dictionary): of value, comparison, change and every contribution. */
  readonly unit: KpiDefinition['unit'];
  readonly from: string;
  readonly to: string;
  readonly vs: string;
  readonly value: number | null;
  readonly comparison: number | null;
  readonly change: number | null;
  readonly drivers: readonly DriverContribution[];
  readonly by: string | null;
  readonly segments: readonly SegmentContribution[];
  readonly notes: readonly string[];
}

/** Shapley contributions of each factor to the change of their product. */
export function shapleyProduct(before: readonly number[], after: readonly number[]): number[] {
  const n = before.length;
  const out = new Array<number>(n).fill(0);
  const perms: number[][] = [];
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) perms.push(prefix);
    rest.forEach((x, i) => permute([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], [...Array(n).keys()]);
  const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
  for (const p of perms) {
    const state = [...before];
    for (const i of p) {
      const prev = product(state);
      state[i] = after[i] as number;
      out[i] = (out[i] as number) + (product(state) - prev) / perms.length;
    }
  }
  return out;
}

async function termValues(
  ctx: QueryContext,
  term: DriverTerm,
  req: ExplainRequest,
): Promise<{ now: number[]; then: number[] }> {
  const kpis = [...new Set(term.factors.flatMap(factorKpis))];
  const unfiltered = kpis.filter((k) => term.unfiltered?.includes(k));
  const filtered = kpis.filter((k) => !term.unfiltered?.includes(k));
  const values = new Map<string, { now: number | null; then: number | null }>();
  for (const [group, where] of [
    [filtered, { ...(req.where ?? {}), ...(term.where ?? {}) }],
    [unfiltered, req.where ?? {}],
  ] as const) {
    if (group.length === 0) continue;
    const res = await runQuery(ctx, {
      kpis: group,
      from: req.from,
      to: req.to,
      compare: [req.vs],
      where,
    });
    const row = res.rows[0];
    for (const id of group) {
      values.set(id, {
        now: row?.values[id] ?? null,
        then: row?.comparisons[req.vs]?.[id]?.value ?? null,
      });
    }
  }
  const valueOf = (id: string, role: 'now' | 'then') => values.get(id)?.[role] ?? null;
  const evalFactor = (expr: string, role: 'now' | 'then') =>
    evaluateDerived(parseExpression(expr), (id) => valueOf(id, role)) ?? 0;
  return {
    now: term.factors.map((f) => evalFactor(f.expr, 'now')),
    then: term.factors.map((f) => evalFactor(f.expr, 'then')),
  };
}

/**
 * Why a KPI moved. Computed on the engine's doubles (a Shapley share of a product needs them);
 * money is then published at the currency's minor unit, the "other" line closing the sum of
 * the rounded contributions exactly on the rounded change.
 */
export async function explainKpi(ctx: QueryContext, req: ExplainRequest): Promise<ExplainResult> {
  const res = await explainBinary({ ...ctx, money: 'binary' }, req);
  return isMoneyAmount(ctx.dictionary, req.kpi)
    ? exactMoney(res, ctx.config.reporting_currency)
    : res;
}

function exactMoney(r: ExplainResult, currency: string): ExplainResult {
  const money = (v: number | null) => (v === null ? null : roundMoney(v, currency));
  const value = money(r.value);
  const comparison = money(r.comparison);
  const change =
    r.value === null || r.comparison === null
      ? null
      : moneyDifference(r.value, r.comparison, currency);
  const drivers = r.drivers.map((d) => ({
    ...d,
    ...(d.unit === 'currency' ? { value: money(d.value), comparison: money(d.comparison) } : {}),
    contribution: roundMoney(d.contribution, currency),
  }));
  const other = drivers.findIndex((d) => d.term === 'other');
  const o = drivers[other];
  if (o && change !== null) {
    const rest = drivers.reduce((acc, d, i) => (i === other ? acc : acc + d.contribution), 0);
    drivers[other] = { ...o, contribution: moneyDifference(change, rest, currency) };
  }
  const segments = r.segments.map((s) => ({
    ...s,
    value: money(s.value),
    comparison: money(s.comparison),
    contribution:
      s.mix === undefined && s.value !== null && s.comparison !== null
        ? moneyDifference(s.value, s.comparison, currency)
        : roundMoney(s.contribution, currency),
    ...(s.mix !== undefined ? { mix: roundMoney(s.mix, currency) } : {}),
    ...(s.rate !== undefined ? { rate: roundMoney(s.rate, currency) } : {}),
  }));
  return { ...r, value, comparison, change, drivers, segments };
}

async function explainBinary(ctx: QueryContext, req: ExplainRequest): Promise<ExplainResult> {
  const entry = ctx.dictionary.get(req.kpi);
  const tree = driverTreeFor(req.kpi, ctx.dictionary);
  const total = await runQuery(ctx, {
    kpis: [req.kpi],
    from: req.from,
    to: req.to,
    compare: [req.vs],
    ...(req.where ? { where: req.where } : {}),
  });
  const row = total.rows[0];
  const value = row?.values[req.kpi] ?? null;
  const comparison = row?.comparisons[req.vs]?.[req.kpi]?.value ?? null;
  const change = value !== null && comparison !== null ? value - comparison : null;
  const notes: string[] = [...total.warnings];

  const drivers: DriverContribution[] = [];
  // A slice a tree reads may not exist for the caller (a store-scoped token has no sessions):
  // the change then has no drivers, and says why.
  let terms: { now: number[]; then: number[] }[] | null = null;
  if (tree && change !== null && req.vs !== 'target') {
    try {
      terms = [];
      for (const term of tree.terms) terms.push(await termValues(ctx, term, req));
    } catch (e) {
      if (!isVitrineError(e)) throw e;
      terms = null;
      notes.push(`no drivers for ${req.kpi} here: ${e.message}`);
    }
  }
  if (tree && terms && change !== null) {
    let explained = 0;
    for (const [t, term] of tree.terms.entries()) {
      const { now, then } = terms[t] ?? { now: [], then: [] };
      const sign = term.sign ?? 1;
      const contributions = shapleyProduct(then, now);
      term.factors.forEach((f, i) => {
        const c = sign * (contributions[i] ?? 0);
        explained += c;
        drivers.push({
          term: term.label,
          driver: f.label,
          unit: f.unit,
          value: now[i] ?? null,
          comparison: then[i] ?? null,
          contribution: c,
        });
      });
    }
    // Whatever the tree does not cover (another channel family, rounding of the identity) is
    // shown, never hidden, so that the contributions add up to the change exactly.
    drivers.push({
      term: 'other',
      driver: tree.otherLabel,
      unit: null,
      value: null,
      comparison: null,
      contribution: change - explained,
    });
  } else if (tree && req.vs === 'target') {
    notes.push(
      'driver trees compare two measured periods; against a target only segments are shown',
    );
  } else if (!tree && !req.by) {
    notes.push(noDriversReason(req.kpi, entry.def.formula, entry.def.additivity));
  }
  if (change === null) {
    notes.push(
      `${req.kpi} has no ${value === null ? 'value for the period' : `${req.vs} value to compare with`}: there is no change to explain`,
    );
  }

  const segments: SegmentContribution[] = [];
  if (req.by && change !== null) {
    const formula = entry.def.formula;
    const ratio = 'expr' in formula ? ratioParts(formula.expr) : null;
    const kpis = [...new Set([req.kpi, ...(ratio?.deps ?? [])])];
    const split = await runQuery(ctx, {
      kpis,
      by: [req.by],
      from: req.from,
      to: req.to,
      compare: [req.vs],
      ...(req.where ? { where: req.where } : {}),
    });
    let sum = 0;
    if (entry.def.additivity === 'additive' && !ratio) {
      for (const r of split.rows) {
        const v = r.values[req.kpi] ?? 0;
        const c = r.comparisons[req.vs]?.[req.kpi]?.value ?? 0;
        sum += v - c;
        segments.push({
          segment: r.dims[req.by] ?? null,
          value: v,
          comparison: c,
          contribution: v - c,
        });
      }
    } else if (ratio) {
      const part = (r: (typeof split.rows)[number], e: Expr, role: 'now' | 'then') =>
        evaluateDerived(
          e,
          (id) => (role === 'now' ? r.values[id] : r.comparisons[req.vs]?.[id]?.value) ?? 0,
        ) ?? 0;
      const d1 = split.rows.reduce((acc, r) => acc + part(r, ratio.den, 'now'), 0);
      const d0 = split.rows.reduce((acc, r) => acc + part(r, ratio.den, 'then'), 0);
      for (const r of split.rows) {
        const den1 = part(r, ratio.den, 'now');
        const den0 = part(r, ratio.den, 'then');
        const w1 = d1 === 0 ? 0 : den1 / d1;
        const w0 = d0 === 0 ? 0 : den0 / d0;
        const r1 = den1 === 0 ? 0 : part(r, ratio.num, 'now') / den1;
        const r0 = den0 === 0 ? 0 : part(r, ratio.num, 'then') / den0;
        const mix = (w1 - w0) * r0;
        const rate = w1 * (r1 - r0);
        sum += mix + rate;
        segments.push({
          segment: r.dims[req.by] ?? null,
          value: r.values[req.kpi] ?? null,
          comparison: r.comparisons[req.vs]?.[req.kpi]?.value ?? null,
          contribution: mix + rate,
          mix,
          rate,
        });
      }
    } else {
      throw new VitrineError(
        'EXPLAIN_NOT_DECOMPOSABLE',
        `KPI ${req.kpi} is neither additive nor a ratio of two KPIs: it cannot be split into segment contributions`,
      );
    }
    if (Math.abs(sum - change) > 1e-6 * Math.max(1, Math.abs(change))) {
      // Segments that overlap (an order with lines in two categories counts in both) cannot
      // add up to the whole: say so rather than force the sum.
      notes.push(
        `segments of ${req.by} overlap for ${req.kpi}: their contributions sum to ${sum}, not ${change}`,
      );
    }
  }
  return {
    kpi: req.kpi,
    unit: entry.def.unit,
    from: req.from,
    to: req.to,
    vs: req.vs,
    value,
    comparison,
    change,
    drivers,
    by: req.by ?? null,
    segments,
    notes,
  };
}

/**
 * Why a KPI has no drivers, in one line, with what to ask instead: only KPIs written as a sum of
 * products of other KPIs (DRIVER_TREES) split into drivers; any KPI splits across a dimension.
 */
function noDriversReason(
  kpi: string,
  formula: KpiDefinition['formula'],
  additivity: KpiDefinition['additivity'],
): string {
  const by = 'add --by <dimension> (channel, region, category…) to split its change';
  if ('expr' in formula) {
    const ratio = ratioParts(formula.expr);
    if (ratio)
      return `${kpi} = ${formula.expr} is a ratio with no driver tree: ${by} into mix and rate effects`;
    return `${kpi} = ${formula.expr} has no driver tree: ${by}, or explain the KPIs it reads`;
  }
  if ('measure' in formula)
    return `${kpi} is a single ${additivity === 'additive' ? 'additive measure' : `measure (${formula.measure.agg})`} of ${formula.measure.fact}, not a product of other KPIs, so it has no drivers: ${by}`;
  if ('recipe' in formula)
    return `${kpi} is computed by the ${formula.recipe} recipe, not as a product of other KPIs, so it has no drivers: ${by}`;
  return `${kpi} comes from a model and has no drivers: ${by}`;
}

/** The numerator and denominator of a ratio KPI (`(a - b) / c`), with the KPIs they read. */
function ratioParts(text: string): { num: Expr; den: Expr; deps: string[] } | null {
  const e = parseExpression(text);
  if (e.kind !== 'binary' || e.op !== '/') return null;
  return { num: e.left, den: e.right, deps: [...new Set(collectRefs(e).map((r) => r.name))] };
}
