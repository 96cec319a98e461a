import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/backends/engine.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest, QueryRow } from '../../src/semantic/query/query-types.js';
import { epochDay, isoDate } from '../../src/time/civil-date.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import { defaultConfig } from '../../src/workspace/workspace-config.js';

const config = defaultConfig('engine');
const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('./kpis/', import.meta.url)),
});
let engine: Engine;

type OrderSpec = {
  day: string;
  amount: number;
  customer?: string;
  location?: string;
  hourUtc?: number;
  status?: string;
};
const orders: Record<string, unknown>[] = [];
const lines: Record<string, unknown>[] = [];
function order(spec: OrderSpec): void {
  const id = `o${orders.length + 1}`;
  const hh = String(spec.hourUtc ?? 10).padStart(2, '0');
  orders.push({
    order_id: id,
    channel_id: spec.location ? 'store' : 'web',
    location_id: spec.location ?? null,
    customer_id: spec.customer ?? null,
    ordered_at: `${spec.day}T${hh}:00:00Z`,
    status: spec.status ?? 'paid',
    subtotal: spec.amount,
  });
  lines.push({
    order_id: id,
    line_no: 1,
    sku: 'A',
    quantity: 1,
    unit_list_price: spec.amount,
    unit_price: spec.amount,
  });
}

// Every day of 2023 and 2024 (and January–March 2025) sells one order of 10.00 — so a period's
// sales are 10 × its number of days — plus the special orders below.
for (let d = epochDay(2023, 1, 1); d <= epochDay(2025, 3, 31); d++)
  order({ day: isoDate(d), amount: 10 });
// Black Friday 2024 (29 Nov) and 2025 (28 Nov) sell an extra 1000.
order({ day: '2024-11-29', amount: 1000 });
order({ day: '2025-11-28', amount: 1000 });
// Customer c1 buys in two weeks of March 2025; c2 once.
order({ day: '2025-03-04', amount: 50, customer: 'c1' });
order({ day: '2025-03-12', amount: 70, customer: 'c1' });
order({ day: '2025-03-12', amount: 30, customer: 'c2' });
// Store s_old is open since 2020, s_new since 2025-02-01: in March 2025 both sell 100 a day (one order).
for (let d = epochDay(2025, 3, 1); d <= epochDay(2025, 3, 31); d++) {
  order({ day: isoDate(d), amount: 100, location: 's_old' });
  order({ day: isoDate(d), amount: 100, location: 's_new' });
}
for (let d = epochDay(2024, 3, 1); d <= epochDay(2024, 3, 31); d++)
  order({ day: isoDate(d), amount: 80, location: 's_old' });
// Two orders at 08:30 and 17:45 Paris time on 2025-01-15 (UTC+1): hours 8 and 17.
order({ day: '2025-01-15', amount: 5, hourUtc: 7 });
order({ day: '2025-01-15', amount: 7, hourUtc: 16 });

// Stock: two locations, 1–14 March 2025; location X holds 10 + day, Y holds 100 − day.
const snapshots: Record<string, unknown>[] = [];
for (let day = 1; day <= 14; day++) {
  const on = `2025-03-${String(day).padStart(2, '0')}`;
  snapshots.push({ snapshot_on: on, location_id: 'X', sku: 'A', on_hand: 10 + day });
  snapshots.push({ snapshot_on: on, location_id: 'Y', sku: 'A', on_hand: 100 - day });
}

beforeAll(async () => {
  engine = await fixtureDatabase({
    channels: [
      { channel_id: 'web', name: 'Web', kind: 'web' },
      { channel_id: 'store', name: 'Stores', kind: 'store' },
    ],
    locations: [
      {
        location_id: 's_old',
        name: 'Old',
        kind: 'store',
        timezone: 'Europe/Paris',
        opened_on: '2020-01-01',
      },
      {
        location_id: 's_new',
        name: 'New',
        kind: 'store',
        timezone: 'Europe/Paris',
        opened_on: '2025-02-01',
      },
    ],
    products: [{ sku: 'A', name: 'Item', category: 'C' }],
    orders,
    order_lines: lines,
    inventory_snapshots: snapshots,
    targets: [
      {
        kpi_id: 't_sales',
        period_start: '2024-01-01',
        period_end: '2024-01-31',
        target_value: 620,
      },
      {
        kpi_id: 't_sales',
        period_start: '2024-02-01',
        period_end: '2024-02-29',
        target_value: 290,
      },
      { kpi_id: 't_aov', period_start: '2024-01-01', period_end: '2024-12-31', target_value: 12 },
    ],
  });
}, 120_000);
afterAll(async () => engine.close());

const q = (req: QueryRequest, cfg = config) => runQuery({ engine, dictionary, config: cfg }, req);
const byStart = (rows: readonly QueryRow[]) => new Map(rows.map((r) => [r.period_start, r]));

describe('time comparisons', () => {
  it('compares a month to date with the same days of the previous month and of last year', async () => {
    const res = await q({
      kpis: ['t_sales'],
      from: '2024-03-01',
      to: '2024-03-17',
      grain: 'month',
      compare: ['previous', 'yoy'],
    });
    const row = res.rows[0];
    // Web: 17 days × 10 = 170; store s_old 17 × 80 = 1360 → 1530. Previous: 1–17 Feb 2024 = 170.
    // N-1: 1–17 March 2023 = 170 (web only). Never the whole of February or of March 2023.
    expect(row?.values['t_sales']).toBeCloseTo(1530, 6);
    expect(row?.comparisons['previous']?.['t_sales']?.value).toBeCloseTo(170, 6);
    expect(row?.comparisons['yoy']?.['t_sales']?.value).toBeCloseTo(170, 6);
    expect(row?.comparisons['yoy']?.['t_sales']?.change).toBeCloseTo(1360, 6);
    expect(row?.comparisons['yoy']?.['t_sales']?.change_ratio).toBeCloseTo(1360 / 170, 9);
  });

  it('aligns N-1 by weekday: Black Friday 2025 against Black Friday 2024', async () => {
    const res = await q({
      kpis: ['t_sales'],
      from: '2025-11-28',
      to: '2025-11-28',
      grain: 'day',
      compare: ['yoy', 'yoy-weekday'],
    });
    const row = res.rows[0];
    expect(row?.values['t_sales']).toBeCloseTo(1000, 6);
    // Calendar N-1 is 2024-11-28 (a Thursday: 10); weekday-aligned N-1 is Friday 2024-11-29 (1010).
    expect(row?.comparisons['yoy']?.['t_sales']?.value).toBeCloseTo(10, 6);
    expect(row?.comparisons['yoy-weekday']?.['t_sales']?.value).toBeCloseTo(1010, 6);
  });

  it('counts the 53rd week of a 4-5-4 retail year', async () => {
    // NRF fiscal 2023 runs 2023-01-29 → 2024-02-03 (53 weeks, 371 days) and holds one web order
    // a day; the other orders of the fixture fall outside it.
    const res = await q({
      kpis: ['t_orders'],
      from: '2023-01-29',
      to: '2024-02-03',
      grain: 'year',
      calendar: 'retail-454',
    });
    expect(res.rows).toHaveLength(1);
    expect(res.rows[0]?.period_start).toBe('2023-01-29');
    expect(res.rows[0]?.period_end).toBe('2024-02-03');
    expect(res.rows[0]?.values['t_orders']).toBe(371);
  });

  it('accumulates year to date and compares with the same days of last year', async () => {
    const res = await q({
      kpis: ['t_sales'],
      from: '2024-01-01',
      to: '2024-02-29',
      grain: 'month',
      cumulative: 'ytd',
      compare: ['yoy', 'target'],
    });
    const rows = byStart(res.rows);
    // The period rows of a cumulative answer start at the year start.
    const jan = res.rows.find((r) => r.period_end === '2024-01-31');
    const feb = res.rows.find((r) => r.period_end === '2024-02-29');
    expect(rows.size).toBe(1);
    expect(jan?.values['t_sales']).toBeCloseTo(310, 6);
    expect(feb?.values['t_sales']).toBeCloseTo(600, 6); // 60 days of 2024 × 10
    // N-1 YTD covers the same number of days (60) from 1 January 2023: to 1 March 2023
    // (docs/calendars.md: period-to-date compares like with like).
    expect(feb?.comparisons['yoy']?.['t_sales']?.value).toBeCloseTo(600, 6);
    // Targets: January 620; YTD February = 620 + 290 = 910.
    expect(jan?.comparisons['target']?.['t_sales']?.value).toBeCloseTo(620, 6);
    expect(feb?.comparisons['target']?.['t_sales']?.value).toBeCloseTo(910, 6);
  });

  it('prorates additive targets and averages ratio targets over the days', async () => {
    const res = await q({
      kpis: ['t_sales', 't_aov'],
      from: '2024-01-16',
      to: '2024-01-31',
      compare: ['target'],
    });
    const t = res.rows[0]?.comparisons['target'];
    expect(t?.['t_sales']?.value).toBeCloseTo((620 * 16) / 31, 6);
    expect(t?.['t_aov']?.value).toBeCloseTo(12, 9);
  });
});

describe('targets of a filtered answer', () => {
  it('never compares a filtered answer with the whole business target', async () => {
    const res = await q({
      kpis: ['t_sales'],
      from: '2024-01-01',
      to: '2024-01-31',
      compare: ['target'],
      where: { channel: ['web'] },
    });
    // Only a whole-business January target (620) exists: the web-only answer has none.
    expect(res.rows[0]?.comparisons['target']?.['t_sales']?.value).toBeNull();
    const whole = await q({
      kpis: ['t_sales'],
      from: '2024-01-01',
      to: '2024-01-31',
      compare: ['target'],
    });
    expect(whole.rows[0]?.comparisons['target']?.['t_sales']?.value).toBeCloseTo(620, 6);
  });
});

describe('aggregation across grains', () => {
  it('recomputes distinct customers and medians at each grain, never summing them', async () => {
    const weekly = await q({
      kpis: ['t_customers'],
      from: '2025-03-03',
      to: '2025-03-16',
      grain: 'week',
    });
    const monthly = await q({
      kpis: ['t_customers', 't_median_order'],
      from: '2025-03-03',
      to: '2025-03-16',
    });
    const w = byStart(weekly.rows);
    expect(w.get('2025-03-03')?.values['t_customers']).toBe(1); // c1
    expect(w.get('2025-03-10')?.values['t_customers']).toBe(2); // c1, c2
    expect(monthly.rows[0]?.values['t_customers']).toBe(2); // not 3
    // 3–16 March: 14 web orders of 10, 28 store orders of 100, 50, 70, 30 → 45 orders;
    // sorted, the 23rd is 100 (14 × 10, 30, 50, 70, then 28 × 100).
    expect(monthly.rows[0]?.values['t_median_order']).toBe(100);
  });

  it('takes the closing stock of each period, summed over locations', async () => {
    const res = await q({
      kpis: ['t_stock', 't_avg_stock'],
      from: '2025-03-01',
      to: '2025-03-14',
      grain: 'week',
    });
    const rows = byStart(res.rows);
    // Week of 3 March ends Sunday 9 March: X 19 + Y 91 = 110. Week of 10 March (clipped at the
    // 14th): X 24 + Y 86 = 110. Saturday 1 and Sunday 2 March belong to the week of 24 February.
    expect(rows.get('2025-03-03')?.values['t_stock']).toBe(110);
    expect(rows.get('2025-03-10')?.values['t_stock']).toBe(110);
    expect(rows.get('2025-03-01')?.values['t_stock']).toBe(12 + 98);
    const whole = await q({
      kpis: ['t_stock'],
      by: ['location'],
      from: '2025-03-01',
      to: '2025-03-31',
    });
    const loc = new Map(whole.rows.map((r) => [r.dims['location'], r.values['t_stock']]));
    // Last snapshot of the month is the 14th: X 24, Y 86.
    expect(loc.get('X')).toBe(24);
    expect(loc.get('Y')).toBe(86);
    // Average daily stock is 110 every day.
    expect(rows.get('2025-03-03')?.values['t_avg_stock']).toBe(110);
  });

  it('splits by hour of the local day', async () => {
    const res = await q({ kpis: ['t_sales'], from: '2025-01-15', to: '2025-01-15', grain: 'hour' });
    const byHour = new Map(res.rows.map((r) => [r.period, r.values['t_sales']]));
    expect(byHour.get('2025-01-15 08:00')).toBeCloseTo(5, 9);
    expect(byHour.get('2025-01-15 11:00')).toBeCloseTo(10, 9); // the daily order at 10:00 UTC
    expect(byHour.get('2025-01-15 17:00')).toBeCloseTo(7, 9);
  });
});

describe('like-for-like', () => {
  it('keeps only the locations open over both compared periods', async () => {
    const all = await q({
      kpis: ['t_sales'],
      by: ['location'],
      from: '2025-03-01',
      to: '2025-03-31',
      compare: ['yoy'],
      where: { channel: ['store'] },
    });
    expect(all.rows.map((r) => r.dims['location']).sort()).toEqual(['s_new', 's_old']);
    const lfl = await q({
      kpis: ['t_sales'],
      from: '2025-03-01',
      to: '2025-03-31',
      compare: ['yoy'],
      where: { channel: ['store'] },
      lfl: true,
    });
    const row = lfl.rows[0];
    // s_old only: 31 × 100 = 3100 against 31 × 80 = 2480.
    expect(row?.values['t_sales']).toBeCloseTo(3100, 6);
    expect(row?.comparisons['yoy']?.['t_sales']?.value).toBeCloseTo(2480, 6);
    expect(row?.comparisons['yoy']?.['t_sales']?.change_ratio).toBeCloseTo(0.25, 9);
  });
});

describe('explaining a change', () => {
  it('splits a ratio change into mix and rate effects that add up exactly', async () => {
    const { explainKpi } = await import('../../src/semantic/explain/explain.js');
    // t_aov by location, March 2025 vs March 2024, stores only:
    //  now:  s_old 31 orders × 100, s_new 31 × 100 → aov 100; then: s_old 31 × 80 → aov 80.
    //  w1 = (0.5, 0.5), w0 = (1, 0); r1 = (100, 100), r0 = (80, 0 for s_new, which had no orders)
    //  mix:  s_old (0.5 − 1) × 80 = −40, s_new (0.5 − 0) × 0 = 0
    //  rate: s_old 0.5 × (100 − 80) = 10, s_new 0.5 × (100 − 0) = 50 → total −40 + 10 + 50 = 20 ✓
    const res = await explainKpi(
      { engine, dictionary, config },
      {
        kpi: 't_aov',
        from: '2025-03-01',
        to: '2025-03-31',
        vs: 'yoy',
        by: 'location',
        where: { channel: ['store'] },
      },
    );
    expect(res.change).toBeCloseTo(20, 9);
    const seg = new Map(res.segments.map((s) => [s.segment, s]));
    expect(seg.get('s_old')?.mix).toBeCloseTo(-40, 9);
    expect(seg.get('s_old')?.rate).toBeCloseTo(10, 9);
    expect(seg.get('s_new')?.mix).toBeCloseTo(0, 9);
    expect(seg.get('s_new')?.rate).toBeCloseTo(50, 9);
    expect(res.segments.reduce((a, s) => a + s.contribution, 0)).toBeCloseTo(res.change ?? NaN, 9);
    expect(res.notes).toEqual([]);
  });

  it('gives each factor of a product its Shapley share of the change', async () => {
    const { shapleyProduct } = await import('../../src/semantic/explain/explain.js');
    // y = a·b from (2, 3) to (4, 5): Δy = 20 − 6 = 14.
    // a first: (4·3 − 6) = 6 then b: 20 − 12 = 8; b first: 2·5 − 6 = 4 then a: 20 − 10 = 10.
    // a = (6 + 10)/2 = 8, b = (8 + 4)/2 = 6.
    const [a, b] = shapleyProduct([2, 3], [4, 5]);
    expect(a).toBeCloseTo(8, 12);
    expect(b).toBeCloseTo(6, 12);
    const three = shapleyProduct([1000, 0.02, 50], [1200, 0.025, 48]);
    expect(three.reduce((x, y) => x + y, 0)).toBeCloseTo(1200 * 0.025 * 48 - 1000 * 0.02 * 50, 9);
  });
});

describe('recipes', () => {
  it('computes cumulative and like-for-like growth KPIs beside ordinary ones', async () => {
    const res = await q({
      kpis: ['t_sales', 't_sales_ytd', 't_lfl_growth'],
      from: '2025-03-01',
      to: '2025-03-31',
      where: { channel: ['store'] },
    });
    const v = res.rows[0]?.values ?? {};
    // Stores in March 2025: 31 × (100 + 100) = 6200; YTD the same (no store sales before March).
    expect(v['t_sales']).toBeCloseTo(6200, 6);
    expect(v['t_sales_ytd']).toBeCloseTo(6200, 6);
    // Like-for-like: s_old 3100 vs 2480 → +25 %.
    expect(v['t_lfl_growth']).toBeCloseTo(0.25, 9);
  });
});
