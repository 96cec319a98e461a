/**
 * Promotion effects by difference in differences. For a promotion on SKUs S over [start, end]:
 * the baseline is the same SKUs' daily units in comparable non-promo periods (the `baselineDays`
 * before and after, days when the group is on another promotion left out); a control group
 * (SKUs of untouched categories, neither promoted nor companions in the window) carries the
 * season: expected = baseline rate × (control during / control baseline) × days.
 *
 *   uplift          = promoted units / expected − 1
 *   cannibalisation = same for the other SKUs of the promoted categories (negative = lost)
 *   halo            = same for basket companions (SKUs of other categories bought with the
 *                     promoted ones: lift ≥ 1.5 in orders of the whole period)
 *
 * Margin: incremental margin of each group = actual margin − expected units × baseline margin
 * per unit; the promotion paid for itself when promoted + cannibalised + halo incremental
 * margin + supplier funding > 0.
 */
import { z } from 'zod';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { cell, dateCell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { compileFactQuery, num, str } from '../io/fact-query.js';
import type { Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { normalQuantile } from '../numeric/special-functions.js';

export const promoParams = z.object({
  promotion: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ arg: 'id', description: 'workspace: one promotion (default: every price promotion)' }),
  baselineDays: z.coerce
    .number()
    .int()
    .min(7)
    .max(120)
    .default(28)
    .meta({ arg: 'n', description: 'days before and after used as the baseline' }),
  companionLift: z.coerce
    .number()
    .gt(1)
    .max(1000)
    .default(1.5)
    .meta({ arg: 'x', description: 'minimum basket lift of a halo companion' }),
  confidence: z.coerce
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.95)
    .meta({ arg: 'x', description: 'confidence of the effect intervals' }),
});
export type PromoParams = z.infer<typeof promoParams>;

export interface PromotionDef {
  readonly id: string;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly skus: readonly string[];
  readonly funding: number;
}

interface Daily {
  units: number;
  revenue: number;
  cost: number;
}

export interface PromoData {
  readonly promotions: readonly PromotionDef[];
  /** Every promotion (for exclusions), including those not analysed. */
  readonly allPromotions: readonly PromotionDef[];
  readonly categories: ReadonlyMap<string, string>;
  /** sku → day → totals (all channels and locations). */
  readonly daily: ReadonlyMap<string, ReadonlyMap<number, Daily>>;
  /** sku → companion sku → lift (orders containing both / expected if independent). */
  readonly lifts: ReadonlyMap<string, ReadonlyMap<string, number>> | null;
  /** E[q²]/E[q] of line quantities: over-dispersion of unit counts for the intervals. */
  readonly dispersion: number;
  readonly source: string;
}

export interface GroupEffect {
  readonly skus: string[];
  readonly baseline_units_per_day: number;
  readonly units_per_day: number;
  readonly expected_units: number;
  readonly actual_units: number;
  /** actual / expected − 1; null without baseline sales. */
  readonly effect: number | null;
  readonly interval: [number, number] | null;
  readonly incremental_margin: number | null;
}

export interface PromoResult {
  readonly id: string;
  readonly name: string;
  readonly starts_on: string;
  readonly ends_on: string;
  readonly categories: string[];
  readonly seasonal_factor: number | null;
  readonly promoted: GroupEffect;
  readonly cannibalised: GroupEffect | null;
  readonly halo: GroupEffect | null;
  /** Gross margin of the promoted SKUs during the promotion + supplier funding. */
  readonly promo_margin: number;
  readonly supplier_funding: number;
  readonly net_incremental_margin: number | null;
  readonly paid_for_itself: boolean | null;
}

export interface PromoValues {
  readonly method: string;
  readonly promotions: PromoResult[];
}

function addDaily(map: Map<string, Map<number, Daily>>, sku: string, day: number, d: Daily): void {
  let m = map.get(sku);
  if (!m) map.set(sku, (m = new Map()));
  const cur = m.get(day);
  if (cur) {
    cur.units += d.units;
    cur.revenue += d.revenue;
    cur.cost += d.cost;
  } else m.set(day, { ...d });
}

/**
 * Daily SKU panel CSV: date,sku,units,revenue[,cost][,category][,promotion]; a promotion's
 * SKUs and dates are those of the rows naming it.
 */
export function readPromoFile(path: string): PromoData {
  const t = readCsv(path, ['date', 'sku', 'units', 'revenue'], 'promo --input');
  const daily = new Map<string, Map<number, Daily>>();
  const categories = new Map<string, string>();
  const promos = new Map<string, { skus: Set<string>; start: number; end: number }>();
  for (const row of t.rows) {
    const day = dateCell(t, row, 'date');
    const sku = nonEmptyCell(t, row, 'sku');
    addDaily(daily, sku, day, {
      units: numberCell(t, row, 'units', { min: 0 }),
      revenue: numberCell(t, row, 'revenue'),
      cost: t.index.has('cost') ? numberCell(t, row, 'cost') : 0,
    });
    if (t.index.has('category') && cell(t, row, 'category'))
      categories.set(sku, cell(t, row, 'category'));
    const id = t.index.has('promotion') ? cell(t, row, 'promotion') : '';
    if (id) {
      const p = promos.get(id) ?? { skus: new Set<string>(), start: day, end: day };
      p.skus.add(sku);
      p.start = Math.min(p.start, day);
      p.end = Math.max(p.end, day);
      promos.set(id, p);
    }
  }
  if (promos.size === 0) {
    throw new VitrineError('NO_PROMOTION', `${path}: no row names a promotion (column promotion)`);
  }
  const defs = [...promos.entries()].map(([id, p]) => ({
    id,
    name: id,
    start: p.start,
    end: p.end,
    skus: [...p.skus].sort(),
    funding: 0,
  }));
  return {
    promotions: defs,
    allPromotions: defs,
    categories,
    daily,
    lifts: null,
    dispersion: 1,
    source: path,
  };
}

async function readPromoWorkspace(
  source: WorkspaceSource,
  params: PromoParams,
): Promise<PromoData> {
  const engine = source.engine;
  const settings = {
    timeZone: source.config.timezone,
    reportingCurrency: source.config.reporting_currency,
  };
  const promoRows = (
    await engine.run(
      "SELECT p.promotion_id, p.name, CAST(p.starts_on AS VARCHAR) AS s, CAST(p.ends_on AS VARCHAR) AS e, coalesce(CAST(p.supplier_funding AS DOUBLE), 0) AS funding, list(pp.sku ORDER BY pp.sku) AS skus FROM promotions AS p JOIN promotion_products AS pp ON pp.promotion_id = p.promotion_id WHERE p.kind <> 'free_shipping' GROUP BY p.promotion_id, p.name, p.starts_on, p.ends_on, p.supplier_funding ORDER BY p.starts_on, p.promotion_id",
    )
  ).rows;
  const all: PromotionDef[] = promoRows.map((r) => ({
    id: String(r['promotion_id']),
    name: String(r['name']),
    start: parseIsoDate(String(r['s']), 'starts_on'),
    end: parseIsoDate(String(r['e']), 'ends_on'),
    skus: (r['skus'] as unknown[]).map(String),
    funding: num(r['funding']) ?? 0,
  }));
  const selected = params.promotion ? all.filter((p) => p.id === params.promotion) : all;
  if (selected.length === 0) {
    throw new VitrineError(
      'NO_PROMOTION',
      params.promotion
        ? `no promotion "${params.promotion}" with products in the workspace`
        : 'the workspace has no promotion with products',
    );
  }
  const from = Math.min(...selected.map((p) => p.start)) - params.baselineDays;
  const to = Math.max(...selected.map((p) => p.end)) + params.baselineDays;
  const lines = compileFactQuery(
    {
      fact: 'sales_lines',
      columns: { sku: 'order_lines.sku', day: 'local_date(orders.ordered_at)' },
      aggregates: {
        units: { agg: 'sum', expr: 'order_lines.quantity' },
        revenue: { agg: 'sum', expr: 'order_lines.quantity * order_lines.unit_price * fact.fx' },
        cost: {
          agg: 'sum',
          expr: 'order_lines.quantity * coalesce(order_lines.unit_cost, 0) * fact.fx',
        },
        q2: { agg: 'sum', expr: 'order_lines.quantity * order_lines.quantity' },
      },
      filters: ['valid_order'],
      from: isoDate(from),
      to: isoDate(to),
    },
    settings,
  );
  const rows = (
    await engine.run(
      `SELECT sku, CAST(day AS VARCHAR) AS day, units, revenue, cost, q2 FROM (${lines.sql}) AS l`,
      lines.params,
    )
  ).rows;
  const daily = new Map<string, Map<number, Daily>>();
  let q = 0;
  let q2 = 0;
  for (const r of rows) {
    const units = num(r['units']) ?? 0;
    q += units;
    q2 += num(r['q2']) ?? 0;
    addDaily(daily, String(r['sku']), parseIsoDate(String(r['day']), 'day'), {
      units,
      revenue: num(r['revenue']) ?? 0,
      cost: num(r['cost']) ?? 0,
    });
  }
  // Basket co-occurrence of SKU pairs over the period, for the halo group.
  const basket = compileFactQuery(
    {
      fact: 'sales_lines',
      columns: { order_id: 'order_lines.order_id', sku: 'order_lines.sku' },
      filters: ['valid_order'],
      from: isoDate(from),
      to: isoDate(to),
    },
    settings,
  );
  const pairRows = (
    await engine.run(
      `WITH l AS (SELECT DISTINCT order_id, sku FROM (${basket.sql}) AS b), n AS (SELECT count(DISTINCT order_id) AS orders FROM l), s AS (SELECT sku, count(*) AS c FROM l GROUP BY sku)
       SELECT a.sku AS a, b.sku AS b, count(*) AS ab, sa.c AS ca, sb.c AS cb, n.orders AS orders
       FROM l AS a JOIN l AS b ON a.order_id = b.order_id AND a.sku <> b.sku
       JOIN s AS sa ON sa.sku = a.sku JOIN s AS sb ON sb.sku = b.sku CROSS JOIN n
       GROUP BY a.sku, b.sku, sa.c, sb.c, n.orders HAVING count(*) >= 20`,
      basket.params,
    )
  ).rows;
  const lifts = new Map<string, Map<string, number>>();
  for (const r of pairRows) {
    const a = String(r['a']);
    let m = lifts.get(a);
    if (!m) lifts.set(a, (m = new Map()));
    const lift =
      ((num(r['ab']) ?? 0) * (num(r['orders']) ?? 0)) / ((num(r['ca']) ?? 1) * (num(r['cb']) ?? 1));
    m.set(String(r['b']), lift);
  }
  const cat = await engine.run('SELECT sku, category FROM products WHERE category IS NOT NULL');
  return {
    promotions: selected,
    allPromotions: all,
    categories: new Map(cat.rows.map((r) => [String(r['sku']), String(str(r['category']))])),
    daily,
    lifts,
    dispersion: q > 0 ? Math.max(1, q2 / q) : 1,
    source: 'workspace',
  };
}

interface GroupSums {
  units: number;
  revenue: number;
  cost: number;
  days: number;
}

function sums(data: PromoData, skus: readonly string[], days: readonly number[]): GroupSums {
  const out = { units: 0, revenue: 0, cost: 0, days: days.length };
  for (const sku of skus) {
    const m = data.daily.get(sku);
    if (!m) continue;
    for (const d of days) {
      const x = m.get(d);
      if (!x) continue;
      out.units += x.units;
      out.revenue += x.revenue;
      out.cost += x.cost;
    }
  }
  return out;
}

export function fitPromo(data: PromoData, params: PromoParams): ModelResult<PromoValues> {
  const d = new DiagnosticsBuilder();
  const W = params.baselineDays;
  const z = normalQuantile(1 - (1 - params.confidence) / 2);
  const method = `difference in differences: baseline = the ${W} days before and after (days the group is on another promotion excluded); season from a control group of SKUs in untouched categories; halo companions = SKUs of other categories with basket lift ≥ ${params.companionLift}`;
  d.assume(method);
  d.assume(
    'effects are on units sold (all channels and locations, valid orders); stockouts during the promotion cap sales, so uplift is understated where shelves ran empty (see lost-sales)',
  );
  d.assume(
    `intervals: unit counts as over-dispersed Poisson (factor ${fmt(data.dispersion, 2)} from line quantities), on the log of the ratio of ratios`,
  );
  d.assume(
    'incremental margin of a group = actual margin − expected units × its baseline margin per unit; the promotion paid for itself when promoted + cannibalised + halo incremental margin + supplier funding > 0',
  );
  const promoDaysOf = (sku: string, except: string) => {
    const set = new Set<number>();
    for (const p of data.allPromotions) {
      if (p.id === except || !p.skus.includes(sku)) continue;
      for (let x = p.start; x <= p.end; x++) set.add(x);
    }
    return set;
  };
  const results: PromoResult[] = [];
  for (const p of data.promotions) {
    const categories = [
      ...new Set(p.skus.map((s) => data.categories.get(s)).filter((c): c is string => !!c)),
    ].sort();
    const promoted = [...p.skus];
    const cannibalised = [...data.categories.entries()]
      .filter(([s, c]) => categories.includes(c) && !promoted.includes(s))
      .map(([s]) => s)
      .sort();
    let companions: string[] = [];
    if (data.lifts) {
      const best = new Map<string, number>();
      for (const s of promoted) {
        for (const [other, lift] of data.lifts.get(s) ?? []) {
          const c = data.categories.get(other);
          if (!c || categories.includes(c) || lift < params.companionLift) continue;
          best.set(other, Math.max(best.get(other) ?? 0, lift));
        }
      }
      companions = [...best.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([s]) => s);
    }
    // Control: SKUs outside the promoted categories and companions, on no promotion in the window.
    const windowFrom = p.start - W;
    const windowTo = p.end + W;
    const busy = (sku: string) =>
      data.allPromotions.some(
        (q) => q.skus.includes(sku) && q.start <= windowTo && q.end >= windowFrom,
      );
    const control = [...data.categories.entries()]
      .filter(([s, c]) => !categories.includes(c) && !companions.includes(s) && !busy(s))
      .map(([s]) => s);
    const during: number[] = [];
    for (let x = p.start; x <= p.end; x++) during.push(x);
    const baselineOf = (skus: readonly string[]) => {
      const excluded = new Set<number>();
      for (const s of skus) for (const x of promoDaysOf(s, p.id)) excluded.add(x);
      const out: number[] = [];
      for (let x = p.start - W; x < p.start; x++) if (!excluded.has(x)) out.push(x);
      for (let x = p.end + 1; x <= p.end + W; x++) if (!excluded.has(x)) out.push(x);
      return out;
    };
    const ctrlDuring = sums(data, control, during);
    const ctrlBase = sums(data, control, baselineOf(control));
    let season: number | null = null;
    if (control.length === 0 || ctrlBase.units === 0) {
      d.warn('NO_CONTROL', `${p.id}: no control group with sales; the season is not adjusted for`);
    } else {
      season = ctrlDuring.units / ctrlDuring.days / (ctrlBase.units / ctrlBase.days);
    }
    const k = season ?? 1;
    const effect = (skus: string[]): GroupEffect => {
      const base = sums(data, skus, baselineOf(skus));
      const act = sums(data, skus, during);
      const baseRate = base.days > 0 ? base.units / base.days : 0;
      const expected = baseRate * k * act.days;
      const eff = expected > 0 ? act.units / expected - 1 : null;
      // Var of ln(ratio of ratios): Σ c / count over the four counts (Poisson × dispersion).
      const counts = [
        act.units,
        base.units,
        ...(season !== null ? [ctrlDuring.units, ctrlBase.units] : []),
      ];
      const se = counts.every((c) => c > 0)
        ? Math.sqrt(counts.reduce((s, c) => s + data.dispersion / c, 0))
        : null;
      const interval: [number, number] | null =
        eff === null || se === null
          ? null
          : [Math.exp(Math.log(eff + 1) - z * se) - 1, Math.exp(Math.log(eff + 1) + z * se) - 1];
      const unitMargin = base.units > 0 ? (base.revenue - base.cost) / base.units : null;
      return {
        skus,
        baseline_units_per_day: baseRate,
        units_per_day: act.days > 0 ? act.units / act.days : 0,
        expected_units: expected,
        actual_units: act.units,
        effect: eff,
        interval,
        incremental_margin:
          unitMargin === null ? null : act.revenue - act.cost - expected * unitMargin,
      };
    };
    const promotedEffect = effect(promoted);
    const cannibalisedEffect = cannibalised.length > 0 ? effect(cannibalised) : null;
    const haloEffect = companions.length > 0 ? effect(companions) : null;
    if (promotedEffect.effect === null) {
      d.warn(
        'NO_BASELINE',
        `${p.id}: the promoted SKUs sold nothing in the baseline periods; uplift is undefined`,
      );
    }
    const act = sums(data, promoted, during);
    const parts = [promotedEffect, cannibalisedEffect, haloEffect]
      .filter((g): g is GroupEffect => g !== null)
      .map((g) => g.incremental_margin);
    const net = parts.some((x) => x === null)
      ? null
      : parts.reduce<number>((s, x) => s + (x ?? 0), 0) + p.funding;
    results.push({
      id: p.id,
      name: p.name,
      starts_on: isoDate(p.start),
      ends_on: isoDate(p.end),
      categories,
      seasonal_factor: season,
      promoted: promotedEffect,
      cannibalised: cannibalisedEffect,
      halo: haloEffect,
      promo_margin: act.revenue - act.cost + p.funding,
      supplier_funding: p.funding,
      net_incremental_margin: net,
      paid_for_itself: net === null ? null : net > 0,
    });
  }
  if (!data.lifts) d.assume('no baskets in a file: no halo group');
  return { values: { method, promotions: results }, diagnostics: d.build() };
}

function summarizePromo(result: ModelResult<PromoValues>): string {
  const v = result.values;
  const lines = [
    `Promotions — ${v.promotions.length} analysed`,
    '',
    `  ${'promotion'.padEnd(14)} ${'dates'.padEnd(23)} ${'uplift'.padStart(8)} ${'cannib.'.padStart(8)} ${'halo'.padStart(8)} ${'incr. margin'.padStart(13)} ${'funding'.padStart(10)}  paid?`,
  ];
  for (const p of v.promotions) {
    lines.push(
      `  ${p.id.padEnd(14)} ${`${p.starts_on} – ${p.ends_on}`.padEnd(23)} ${pct(p.promoted.effect, 0).padStart(8)} ${pct(p.cannibalised?.effect, 0).padStart(8)} ${pct(p.halo?.effect, 0).padStart(8)} ${fmt(p.net_incremental_margin).padStart(13)} ${fmt(p.supplier_funding).padStart(10)}  ${p.paid_for_itself === null ? '—' : p.paid_for_itself ? 'yes' : 'no'}`,
    );
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const promoModel: Model<PromoParams, PromoData, PromoValues> = {
  name: 'promo',
  description:
    'promotion uplift against a baseline of comparable non-promo periods, cannibalisation, halo, promo margin with supplier funding, and whether it paid for itself',
  params: promoParams,
  needs: [
    {
      fact: 'promotions',
      filters: ["kind <> 'free_shipping'"],
      reads: 'promotions, their SKUs and supplier funding',
    },
    {
      fact: 'sales_lines',
      filters: ['valid_order'],
      reads: 'units, revenue and cost per SKU and local day; order × SKU presence for basket lifts',
    },
  ],
  fromWorkspace: readPromoWorkspace,
  fromFile: (path) => readPromoFile(path),
  fit: fitPromo,
  summarize: (r) => summarizePromo(r),
};
