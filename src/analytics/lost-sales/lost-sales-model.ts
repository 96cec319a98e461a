/**
 * Lost sales from stockouts: on a day a SKU ends with no stock at a location, demand it could
 * not serve is estimated from the item's own in-stock sales around that day, relative to the
 * location's sales of everything else (L′), so that weekdays, seasons and events carry over:
 *
 *   λ(d)    = share × L′(d),  share = Σ units on in-stock open days of ±window / Σ L′ there
 *   lost(d) = E[D − s | D ≥ s] for D ~ Poisson(λ(d)) and s the units sold on d (see below)
 *
 * A day is in stock when its end-of-day stock is positive; a location is open on a day with any
 * sale. Value = lost units × the item's realised net unit price at the location in the window.
 */
import { z } from 'zod';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { gammaP } from '../numeric/special-functions.js';
import { cell, dateCell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { compileFactQuery, num } from '../io/fact-query.js';
import type { Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt } from '../analytic-model.js';
import { isoDay, topRows } from '../model-params.js';

export const lostSalesParams = z.object({
  windowDays: z.coerce
    .number()
    .int()
    .min(3)
    .max(180)
    .default(28)
    .meta({ arg: 'n', description: 'days each side of a stockout for the in-stock rate' }),
  top: topRows(15).meta({ arg: 'n', description: 'items shown in the summary' }),
  from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first day' }),
  to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last day' }),
});
export type LostSalesParams = z.infer<typeof lostSalesParams>;

interface DaySales {
  units: number;
  revenue: number;
}

export interface LostSalesData {
  /** Location → SKU → days whose end-of-day stock is 0. */
  readonly stockouts: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>;
  /** location|sku → first and last day carried, and number of snapshots. */
  readonly pairs: ReadonlyMap<string, { first: number; last: number; snapshots: number }>;
  /** location|sku → day → sales (only pairs with stockouts are needed). */
  readonly sales: ReadonlyMap<string, ReadonlyMap<number, DaySales>>;
  /** Location → day → units sold (all SKUs): open days and the location's activity. */
  readonly locationDays: ReadonlyMap<string, ReadonlyMap<number, number>>;
  readonly categories: ReadonlyMap<string, string>;
  /** SKU → E[q²]/E[q] of the quantity per order line: units come in lines, so demand in units
   * is over-dispersed by this factor against a Poisson (1 when lines are single units). */
  readonly dispersion: ReadonlyMap<string, number>;
  /** SKU → days it was on promotion: a promoted day's demand is judged on promoted days. */
  readonly promoDays: ReadonlyMap<string, ReadonlySet<number>>;
  readonly source: string;
}

export interface LostRow {
  readonly key: string;
  readonly stockout_days: number;
  readonly lost_units: number;
  readonly lost_value: number;
}

/** Lost sales of one local day, over every location and SKU (the run the KPI `lost_sales` reads). */
export interface LostDay {
  readonly day: string;
  readonly lost_units: number;
  readonly lost_value: number;
}

export interface LostSalesValues {
  readonly total: LostRow;
  /** First and last day of stock snapshots read: the days the run answers for. */
  readonly coverage: { readonly from: string; readonly to: string } | null;
  readonly byDay: LostDay[];
  readonly byLocation: LostRow[];
  readonly byCategory: LostRow[];
  readonly bySkuLocation: (LostRow & { sku: string; location: string; category: string | null })[];
}

const pairKey = (loc: string, sku: string) => `${loc}|${sku}`;

/** Daily panel CSV: date,location,sku,on_hand,units_sold[,revenue][,category][,promotion]. */
export function readLostSalesFile(path: string): LostSalesData {
  const t = readCsv(
    path,
    ['date', 'location', 'sku', 'on_hand', 'units_sold'],
    'lost-sales --input',
  );
  const stockouts = new Map<string, Map<string, number[]>>();
  const pairs = new Map<string, { first: number; last: number; snapshots: number }>();
  const sales = new Map<string, Map<number, DaySales>>();
  const locationDays = new Map<string, Map<number, number>>();
  const categories = new Map<string, string>();
  const promoDays = new Map<string, Set<number>>();
  for (const row of t.rows) {
    const day = dateCell(t, row, 'date');
    const loc = nonEmptyCell(t, row, 'location');
    const sku = nonEmptyCell(t, row, 'sku');
    const onHand = numberCell(t, row, 'on_hand');
    const units = numberCell(t, row, 'units_sold', { min: 0 });
    const revenue = t.index.has('revenue') ? numberCell(t, row, 'revenue', { min: 0 }) : units;
    if (t.index.has('category') && cell(t, row, 'category'))
      categories.set(sku, cell(t, row, 'category'));
    if (t.index.has('promotion') && cell(t, row, 'promotion') !== '') {
      let set = promoDays.get(sku);
      if (!set) promoDays.set(sku, (set = new Set()));
      set.add(day);
    }
    const k = pairKey(loc, sku);
    const p = pairs.get(k);
    pairs.set(
      k,
      p
        ? { first: Math.min(p.first, day), last: Math.max(p.last, day), snapshots: p.snapshots + 1 }
        : { first: day, last: day, snapshots: 1 },
    );
    let s = sales.get(k);
    if (!s) sales.set(k, (s = new Map()));
    s.set(day, { units, revenue });
    let ld = locationDays.get(loc);
    if (!ld) locationDays.set(loc, (ld = new Map()));
    ld.set(day, (ld.get(day) ?? 0) + units);
    if (onHand <= 0) {
      let bySku = stockouts.get(loc);
      if (!bySku) stockouts.set(loc, (bySku = new Map()));
      const list = bySku.get(sku) ?? [];
      list.push(day);
      bySku.set(sku, list);
    }
  }
  return {
    stockouts,
    pairs,
    sales,
    locationDays,
    categories,
    dispersion: new Map(),
    promoDays,
    source: path,
  };
}

async function readLostSalesWorkspace(
  source: WorkspaceSource,
  params: LostSalesParams,
): Promise<LostSalesData> {
  const settings = {
    timeZone: source.config.timezone,
    reportingCurrency: source.config.reporting_currency,
  };
  const range = {
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  };
  const engine = source.engine;
  const out = compileFactQuery(
    {
      fact: 'inventory',
      columns: {
        location: 'inventory_snapshots.location_id',
        sku: 'inventory_snapshots.sku',
        day: 'inventory_snapshots.snapshot_on',
      },
      filters: ['inventory_snapshots.on_hand <= 0'],
      ...range,
    },
    settings,
  );
  const stockRows = (await engine.run(out.sql, out.params)).rows;
  const pairQ = compileFactQuery(
    {
      fact: 'inventory',
      columns: { location: 'inventory_snapshots.location_id', sku: 'inventory_snapshots.sku' },
      aggregates: {
        first: { agg: 'min', expr: 'inventory_snapshots.snapshot_on' },
        last: { agg: 'max', expr: 'inventory_snapshots.snapshot_on' },
        snapshots: { agg: 'count', expr: 'inventory_snapshots.on_hand' },
      },
      ...range,
    },
    settings,
  );
  const pairRows = (await engine.run(pairQ.sql, pairQ.params)).rows;
  const salesQ = compileFactQuery(
    {
      fact: 'sales_lines',
      columns: {
        location: 'orders.location_id',
        sku: 'order_lines.sku',
        day: 'local_date(orders.ordered_at)',
      },
      aggregates: {
        units: { agg: 'sum', expr: 'order_lines.quantity' },
        revenue: { agg: 'sum', expr: 'order_lines.quantity * order_lines.unit_price * fact.fx' },
      },
      filters: ['valid_order'],
      ...range,
    },
    settings,
  );
  // Only days within the window of a stockout of the same pair are needed: the stockout query
  // is composed into the same statement, its placeholders numbered after the sales query's.
  const outInner = compileFactQuery(
    {
      fact: 'inventory',
      columns: {
        location: 'inventory_snapshots.location_id',
        sku: 'inventory_snapshots.sku',
        day: 'inventory_snapshots.snapshot_on',
      },
      filters: ['inventory_snapshots.on_hand <= 0'],
      ...range,
    },
    { ...settings, paramOffset: salesQ.params.length },
  );
  const allParams = [...salesQ.params, ...outInner.params, params.windowDays];
  const w = `CAST($${allParams.length} AS INTEGER)`;
  const salesRows = (
    await engine.run(
      `SELECT s.location, s.sku, CAST(s.day AS VARCHAR) AS day, s.units, s.revenue FROM (${salesQ.sql}) AS s WHERE EXISTS (SELECT 1 FROM (${outInner.sql}) AS o WHERE o.location = s.location AND o.sku = s.sku AND s.day BETWEEN o.day - ${w} AND o.day + ${w})`,
      allParams,
    )
  ).rows;
  const locQ = compileFactQuery(
    {
      fact: 'sales_lines',
      columns: { location: 'orders.location_id', day: 'local_date(orders.ordered_at)' },
      aggregates: { units: { agg: 'sum', expr: 'order_lines.quantity' } },
      filters: ['valid_order'],
      ...range,
    },
    settings,
  );
  const locRows = (
    await engine.run(
      `SELECT location, CAST(day AS VARCHAR) AS day, units FROM (${locQ.sql}) AS l`,
      locQ.params,
    )
  ).rows;
  const cat = await engine.run('SELECT sku, category FROM products');
  const dispQ = compileFactQuery(
    {
      fact: 'sales_lines',
      columns: { sku: 'order_lines.sku' },
      aggregates: {
        q: { agg: 'sum', expr: 'order_lines.quantity' },
        q2: { agg: 'sum', expr: 'order_lines.quantity * order_lines.quantity' },
      },
      filters: ['valid_order', 'order_lines.quantity > 0'],
      ...range,
    },
    settings,
  );
  const dispRows = (await engine.run(dispQ.sql, dispQ.params)).rows;
  // Days each SKU was on a price promotion (free shipping does not move an item's demand).
  const promoRows = (
    await engine.run(
      "SELECT pp.sku, CAST(p.starts_on AS VARCHAR) AS s, CAST(p.ends_on AS VARCHAR) AS e FROM promotion_products AS pp JOIN promotions AS p ON p.promotion_id = pp.promotion_id WHERE p.kind <> 'free_shipping'",
    )
  ).rows;
  const promoDays = new Map<string, Set<number>>();
  for (const r of promoRows) {
    const sku = String(r['sku']);
    let set = promoDays.get(sku);
    if (!set) promoDays.set(sku, (set = new Set()));
    const e = parseIsoDate(String(r['e']), 'ends_on');
    for (let d = parseIsoDate(String(r['s']), 'starts_on'); d <= e; d++) set.add(d);
  }

  const stockouts = new Map<string, Map<string, number[]>>();
  for (const r of stockRows) {
    const loc = String(r['location']);
    const sku = String(r['sku']);
    let bySku = stockouts.get(loc);
    if (!bySku) stockouts.set(loc, (bySku = new Map()));
    const list = bySku.get(sku) ?? [];
    list.push(parseIsoDate(String(r['day']), 'day'));
    bySku.set(sku, list);
  }
  const sales = new Map<string, Map<number, DaySales>>();
  for (const r of salesRows) {
    const k = pairKey(String(r['location']), String(r['sku']));
    let m = sales.get(k);
    if (!m) sales.set(k, (m = new Map()));
    m.set(parseIsoDate(String(r['day']), 'day'), {
      units: num(r['units']) ?? 0,
      revenue: num(r['revenue']) ?? 0,
    });
  }
  const locationDays = new Map<string, Map<number, number>>();
  for (const r of locRows) {
    const loc = String(r['location']);
    let m = locationDays.get(loc);
    if (!m) locationDays.set(loc, (m = new Map()));
    m.set(parseIsoDate(String(r['day']), 'day'), num(r['units']) ?? 0);
  }
  return {
    stockouts,
    pairs: new Map(
      pairRows.map((r) => [
        pairKey(String(r['location']), String(r['sku'])),
        {
          first: parseIsoDate(String(r['first']), 'first'),
          last: parseIsoDate(String(r['last']), 'last'),
          snapshots: num(r['snapshots']) ?? 0,
        },
      ]),
    ),
    sales,
    locationDays,
    categories: new Map(
      cat.rows
        .filter((r) => r['category'] !== null)
        .map((r) => [String(r['sku']), String(r['category'])]),
    ),
    dispersion: new Map(
      dispRows.map((r) => [
        String(r['sku']),
        Math.max(1, (num(r['q2']) ?? 1) / (num(r['q']) ?? 1)),
      ]),
    ),
    promoDays,
    source: 'workspace',
  };
}

/**
 * Expected demand beyond what was sold on a day that ended out of stock: the day sold all it
 * had (s units), so its demand D was at least s. Units come in order lines, so D is modelled as
 * c·N with N ~ Poisson(λ/c) and c = E[q²]/E[q] the dispersion of line quantities (c = 1: plain
 * Poisson). With μ = λ/c and k = s/c (P the regularized incomplete gamma, continuous in k):
 *   E[D − s | D ≥ s] = c·(μ·P(k − 1, μ) / P(k, μ) − k),   P(·) = 1 for a non-positive order.
 * A day that started empty (s = 0) loses λ; a day that ran out after a burst of demand loses
 * more than λ − s, which the plain difference would miss (stockouts select high-demand days).
 */
export function censoredExcess(lambda: number, sold: number, dispersion = 1): number {
  if (!(lambda > 0)) return 0;
  if (!(sold > 0)) return lambda;
  const c = Math.max(1, dispersion);
  const mu = lambda / c;
  const k = sold / c;
  const atLeast = (order: number) => (order <= 0 ? 1 : gammaP(order, mu));
  const pk = atLeast(k);
  if (!(pk > 1e-280)) return 0;
  return Math.max(0, c * ((mu * atLeast(k - 1)) / pk - k));
}

export function fitLostSales(
  data: LostSalesData,
  params: LostSalesParams,
): ModelResult<LostSalesValues> {
  const d = new DiagnosticsBuilder();
  const W = params.windowDays;
  d.assume(
    `a stockout day is a day the item ends with no stock at the location; its expected demand λ is the item's share of the location's other sales over in-stock open days within ±${W} days, times the location's other sales that day; demand is over-dispersed Poisson (units come in order lines) and, having sold out, at least what was sold (s): lost = E[D − s | D ≥ s]`,
  );
  d.assume(
    'a location is open on days it sold anything; a stockout day on a price promotion of the item is judged on the promoted in-stock days of the window (at least 3), other days on the days off promotion; value = lost units × the item’s realised net unit price (excluding tax) at the location in the window',
  );
  let sparse = 0;
  for (const p of data.pairs.values()) if (p.snapshots < 0.9 * (p.last - p.first + 1)) sparse++;
  if (sparse > 0) {
    d.warn(
      'SPARSE_SNAPSHOTS',
      `${sparse} location × SKU pair(s) have no daily stock snapshot: stockouts between snapshots are missed and lost sales are understated`,
    );
  }
  const rows: (LostRow & { sku: string; location: string; category: string | null })[] = [];
  const perDay = new Map<number, { units: number; value: number }>();
  let unestimated = 0;
  let closed = 0;
  for (const [loc, bySku] of data.stockouts) {
    const locDays = data.locationDays.get(loc) ?? new Map<number, number>();
    for (const [sku, days] of bySku) {
      const k = pairKey(loc, sku);
      const pair = data.pairs.get(k) ?? {
        first: Math.min(...days),
        last: Math.max(...days),
        snapshots: days.length,
      };
      const out = new Set(days);
      const sales = data.sales.get(k) ?? new Map<number, DaySales>();
      let units = 0;
      let value = 0;
      let count = 0;
      for (const day of days) {
        if ((locDays.get(day) ?? 0) <= 0) {
          closed++;
          continue;
        }
        // The item's share of the location's other sales on in-stock open days of the window,
        // applied to the location's other sales of the day: weekdays, seasons and events that
        // lift the whole store (the very days stockouts cluster on) carry into the expectation.
        // A day on promotion is judged on promoted days of the window when there are some.
        const promo = data.promoDays.get(sku);
        const onPromo = promo?.has(day) ?? false;
        let su = 0;
        let sl = 0;
        let suSame = 0;
        let slSame = 0;
        let nSame = 0;
        let ru = 0;
        let rv = 0;
        for (let t = Math.max(day - W, pair.first); t <= Math.min(day + W, pair.last); t++) {
          const s = sales.get(t);
          if (s) {
            ru += s.units;
            rv += s.revenue;
          }
          const lt = locDays.get(t) ?? 0;
          if (out.has(t) || lt <= 0) continue;
          su += s?.units ?? 0;
          sl += lt - (s?.units ?? 0);
          if ((promo?.has(t) ?? false) === onPromo) {
            suSame += s?.units ?? 0;
            slSame += lt - (s?.units ?? 0);
            nSame++;
          }
        }
        if (nSame >= 3 && slSame > 0) {
          su = suSame;
          sl = slSame;
        }
        if (sl <= 0) {
          unestimated++;
          continue;
        }
        const sold = sales.get(day)?.units ?? 0;
        const others = (locDays.get(day) ?? 0) - sold;
        const expected = (su / sl) * Math.max(0, others);
        const lost = censoredExcess(expected, sold, data.dispersion.get(sku) ?? 1);
        const price = ru > 0 ? rv / ru : 0;
        units += lost;
        value += lost * price;
        count++;
        const pd = perDay.get(day) ?? { units: 0, value: 0 };
        pd.units += lost;
        pd.value += lost * price;
        perDay.set(day, pd);
      }
      rows.push({
        key: `${loc} / ${sku}`,
        sku,
        location: loc,
        category: data.categories.get(sku) ?? null,
        stockout_days: count,
        lost_units: units,
        lost_value: value,
      });
    }
  }
  if (unestimated > 0) {
    d.warn(
      'NO_IN_STOCK_DAYS',
      `${unestimated} stockout day(s) have no in-stock day in their window: not estimated`,
    );
  }
  if (closed > 0)
    d.assume(
      `${closed} stockout day(s) fell on days the location sold nothing (closed): no demand lost`,
    );
  const roll = (key: string, list: readonly LostRow[]): LostRow => ({
    key,
    stockout_days: list.reduce((s, r) => s + r.stockout_days, 0),
    lost_units: list.reduce((s, r) => s + r.lost_units, 0),
    lost_value: list.reduce((s, r) => s + r.lost_value, 0),
  });
  const by = (keyOf: (r: (typeof rows)[number]) => string) => {
    const m = new Map<string, LostRow[]>();
    for (const r of rows) {
      const k = keyOf(r);
      m.set(k, [...(m.get(k) ?? []), r]);
    }
    return [...m.entries()].map(([k, l]) => roll(k, l)).sort((a, b) => b.lost_value - a.lost_value);
  };
  if (rows.length === 0)
    d.warn('NO_STOCKOUT', 'no day ended with empty stock: nothing was lost to stockouts');
  let first = Infinity;
  let last = -Infinity;
  for (const p of data.pairs.values()) {
    first = Math.min(first, p.first);
    last = Math.max(last, p.last);
  }
  return {
    values: {
      total: roll('all', rows),
      coverage: Number.isFinite(first) ? { from: isoDate(first), to: isoDate(last) } : null,
      byDay: [...perDay.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([day, p]) => ({ day: isoDate(day), lost_units: p.units, lost_value: p.value })),
      byLocation: by((r) => r.location),
      byCategory: by((r) => r.category ?? '(none)'),
      bySkuLocation: rows.sort((a, b) => b.lost_value - a.lost_value),
    },
    diagnostics: d.build(),
  };
}

function summarizeLostSales(result: ModelResult<LostSalesValues>, params: LostSalesParams): string {
  const v = result.values;
  const row = (r: LostRow) =>
    `  ${r.key.padEnd(32)} ${fmt(r.stockout_days, 0).padStart(8)} ${fmt(r.lost_units, 1).padStart(10)} ${fmt(r.lost_value).padStart(12)}`;
  const head = `  ${''.padEnd(32)} ${'days out'.padStart(8)} ${'lost units'.padStart(10)} ${'lost value'.padStart(12)}`;
  const lines = [
    `Lost sales from stockouts — ${fmt(v.total.stockout_days, 0)} stockout days, ${fmt(v.total.lost_units, 0)} units, ${fmt(v.total.lost_value)} lost`,
    '',
    'By location:',
    head,
    ...v.byLocation.map(row),
    '',
    'By category:',
    head,
    ...v.byCategory.map(row),
    '',
    `Top ${Math.min(params.top, v.bySkuLocation.length)} items:`,
    head,
    ...v.bySkuLocation.slice(0, params.top).map(row),
    '',
    diagnosticsText(result.diagnostics),
  ];
  return lines.join('\n') + '\n';
}

export const lostSalesModel: Model<LostSalesParams, LostSalesData, LostSalesValues> = {
  name: 'lost-sales',
  description:
    'expected demand lost on stockout days, in units and value, per SKU, location and category',
  params: lostSalesParams,
  needs: [
    { fact: 'inventory', filters: [], reads: 'end-of-day stock per location and SKU' },
    {
      fact: 'sales_lines',
      filters: ['valid_order'],
      reads: 'units and net revenue per location, SKU and local day',
    },
  ],
  fromWorkspace: readLostSalesWorkspace,
  fromFile: (path) => readLostSalesFile(path),
  fit: fitLostSales,
  summarize: summarizeLostSales,
};
