import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { flattenResponse } from '../../../src/semantic/query/query-table.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { compared, OrderBook, query, rowAt, valueAt } from './recipe-test-support.js';

/*
 * Web orders ship from warehouse w1; stores s1 (100 m², open since 2020), s2 (50 m², opened
 * 15 March 2025) and s3 (no area). Product A is a shoe, B a bag.
 *
 *   2024-03-10  web  A 80           2024-03-12  s1  A 120
 *   2025-02-10  web  A 50           2025-02-12  s1  A 400
 *   2025-03-01  web  A 100          2025-03-10  web A 220, discount 20
 *   2025-03-05  s1   A 300 (one unit returned at s1 on 25 March, refund 30)
 *   2025-03-06  s3   A 70           2025-03-07  s1  A 999 CANCELLED
 *   2025-03-20  s1   A 60 + B 40    2025-03-20  s2  A 150     (both at 10:00 UTC = 11:00 Paris)
 *
 * Sales of March 2025: web 320, s1 400, s2 150, s3 70 → 940; discounts 20, refunds 30.
 * Catalogue errors (no EAN or no category): B launched 15 Feb 2025, C launched 10 March 2025;
 * D has no launch date and never counts.
 */
let engine: Engine;
const book = new OrderBook();
book.add({ day: '2024-03-10', location: 'w1', lines: [{ price: 80 }] });
book.add({ day: '2024-03-12', channel: 'store', location: 's1', lines: [{ price: 120 }] });
book.add({ day: '2025-02-10', location: 'w1', lines: [{ price: 50 }] });
book.add({ day: '2025-02-12', channel: 'store', location: 's1', lines: [{ price: 400 }] });
book.add({ day: '2025-03-01', location: 'w1', lines: [{ price: 100 }] });
book.add({ day: '2025-03-10', location: 'w1', lines: [{ price: 220, discount: 20 }] });
const returned = book.add({
  day: '2025-03-05',
  channel: 'store',
  location: 's1',
  lines: [{ qty: 3, price: 100 }],
});
book.add({ day: '2025-03-06', channel: 'store', location: 's3', lines: [{ price: 70 }] });
book.add({
  day: '2025-03-07',
  channel: 'store',
  location: 's1',
  status: 'cancelled',
  lines: [{ price: 999 }],
});
book.add({
  day: '2025-03-20',
  channel: 'store',
  location: 's1',
  lines: [{ price: 60 }, { sku: 'B', price: 40 }],
});
book.add({ day: '2025-03-20', channel: 'store', location: 's2', lines: [{ price: 150 }] });

const store = (id: string, area: number | null, opened: string) => ({
  location_id: id,
  name: id,
  kind: 'store',
  timezone: 'Europe/Paris',
  opened_on: opened,
  ...(area === null ? {} : { selling_area_sqm: area }),
});

beforeAll(async () => {
  engine = await fixtureDatabase({
    channels: [
      { channel_id: 'web', name: 'Web', kind: 'web' },
      { channel_id: 'store', name: 'Stores', kind: 'store' },
    ],
    locations: [
      {
        location_id: 'w1',
        name: 'W1',
        kind: 'warehouse',
        timezone: 'Europe/Paris',
        selling_area_sqm: 5000,
      },
      store('s1', 100, '2020-01-01'),
      store('s2', 50, '2025-03-15'),
      store('s3', null, '2020-01-01'),
    ],
    products: [
      { sku: 'A', name: 'A', category: 'shoes', ean: '1', launched_on: '2024-01-01' },
      { sku: 'B', name: 'B', category: 'bags', launched_on: '2025-02-15' },
      { sku: 'C', name: 'C', ean: '3', launched_on: '2025-03-10' },
      { sku: 'D', name: 'D', category: 'bags' },
    ],
    orders: book.orders,
    order_lines: book.lines,
    returns: [
      {
        return_id: 'r1',
        order_id: returned,
        line_no: 1,
        sku: 'A',
        quantity: 1,
        refund_amount: 30,
        returned_at: '2025-03-25T10:00:00Z',
        channel_id: 'store',
        location_id: 's1',
      },
    ],
  });
}, 120_000);
afterAll(async () => engine.close());

const march = { from: '2025-03-01', to: '2025-03-31' } as const;

describe('breakdown', () => {
  it('adds its split to the answer, with comparisons, beside KPIs at the request split', async () => {
    const res = await query(engine, {
      kpis: ['r_sales', 'r_sales_by_channel'],
      ...march,
      compare: ['yoy'],
    });
    // March 2025: web 100 + 220 = 320, stores 400 + 150 + 70 = 620; March 2024: 80 and 120.
    expect(valueAt(res, 'r_sales_by_channel', '2025-03-01', { channel: 'web' })).toBeCloseTo(
      320,
      9,
    );
    expect(valueAt(res, 'r_sales_by_channel', '2025-03-01', { channel: 'store' })).toBeCloseTo(
      620,
      9,
    );
    expect(
      compared(res, 'r_sales_by_channel', 'yoy', '2025-03-01', { channel: 'store' }),
    ).toBeCloseTo(120, 9);
    // The total stays on its own row, and tables get the added column.
    expect(valueAt(res, 'r_sales', '2025-03-01')).toBeCloseTo(940, 9);
    expect(rowAt(res, '2025-03-01')?.values['r_sales_by_channel']).toBeNull();
    expect(res.request.by).toEqual(['channel']);
    expect(flattenResponse(res).columns.map((c) => c.name)).toContain('channel');
  });

  it('reports shares that sum to 1 within each period and request split', async () => {
    const res = await query(engine, { kpis: ['r_sales_mix'], ...march, compare: ['yoy'] });
    expect(valueAt(res, 'r_sales_mix', '2025-03-01', { channel: 'web' })).toBeCloseTo(
      320 / 940,
      12,
    );
    expect(valueAt(res, 'r_sales_mix', '2025-03-01', { channel: 'store' })).toBeCloseTo(
      620 / 940,
      12,
    );
    expect(compared(res, 'r_sales_mix', 'yoy', '2025-03-01', { channel: 'web' })).toBeCloseTo(
      0.4,
      12,
    );
    // No empty total row when the only KPI brings its own split.
    expect(res.rows).toHaveLength(2);
    const byCategory = await query(engine, { kpis: ['r_sales_mix'], by: ['category'], ...march });
    // Shoes: web 320, stores 300 + 60 + 150 + 70 = 580. Bags: stores 40 only.
    expect(
      valueAt(byCategory, 'r_sales_mix', '2025-03-01', { category: 'shoes', channel: 'web' }),
    ).toBeCloseTo(320 / 900, 12);
    expect(
      valueAt(byCategory, 'r_sales_mix', '2025-03-01', { category: 'bags', channel: 'store' }),
    ).toBe(1);
  });

  it('answers at its default grain when the request names none', async () => {
    const res = await query(engine, {
      kpis: ['r_sales_hourly'],
      from: '2025-03-20',
      to: '2025-03-20',
    });
    // Both orders of the 20th at 10:00 UTC, 11:00 in Paris: 100 + 150.
    expect(res.request.grain).toBe('hour');
    expect(
      res.rows.find((r) => r.period === '2025-03-20 11:00')?.values['r_sales_hourly'],
    ).toBeCloseTo(250, 9);
  });
});

describe('cumulative', () => {
  it('accumulates from the start of the year, compared with last year at the same date', async () => {
    const res = await query(engine, {
      kpis: ['r_sales_ytd'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['yoy'],
    });
    // February: 50 + 400. March: 450 + 940. N-1 to 31 March 2024: 80 + 120.
    const feb = res.rows.find((r) => r.period_end === '2025-02-28');
    const mar = res.rows.find((r) => r.period_end === '2025-03-31');
    expect(feb?.values['r_sales_ytd']).toBeCloseTo(450, 9);
    expect(mar?.values['r_sales_ytd']).toBeCloseTo(1390, 9);
    expect(mar?.comparisons['yoy']?.['r_sales_ytd']?.value).toBeCloseTo(200, 9);
    await expect(
      query(engine, { kpis: ['r_sales_ytd'], ...march, grain: 'month', compare: ['previous'] }),
    ).rejects.toThrow(/KPI r_sales_ytd: it accumulates from the start of the year/);
  });

  it('accumulates from the first day with data with period: all, split and compared', async () => {
    const res = await query(engine, {
      kpis: ['r_sales_all'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['previous', 'yoy'],
    });
    // To 28 Feb 2025: 80 + 120 + 50 + 400 = 650; to 31 March: 650 + 940; to 31 March 2024: 200.
    expect(valueAt(res, 'r_sales_all', '2025-02-01')).toBeCloseTo(650, 9);
    expect(valueAt(res, 'r_sales_all', '2025-03-01')).toBeCloseTo(1590, 9);
    expect(compared(res, 'r_sales_all', 'previous', '2025-03-01')).toBeCloseTo(650, 9);
    expect(compared(res, 'r_sales_all', 'yoy', '2025-03-01')).toBeCloseTo(200, 9);
    const split = await query(engine, { kpis: ['r_sales_all'], by: ['channel'], ...march });
    expect(valueAt(split, 'r_sales_all', '2025-03-01', { channel: 'web' })).toBeCloseTo(450, 9);
    expect(valueAt(split, 'r_sales_all', '2025-03-01', { channel: 'store' })).toBeCloseTo(1140, 9);
  });

  it('rebuilds a state from dated events: products with errors launched by each month end', async () => {
    const res = await query(engine, {
      kpis: ['r_errors_all'],
      from: '2025-01-01',
      to: '2025-03-31',
      grain: 'month',
    });
    expect(res.rows.map((r) => r.values['r_errors_all'])).toEqual([0, 1, 2]);
  });
});

describe('decomposition', () => {
  it('sums its parts and flags a part computed by a model as missing', async () => {
    const res = await query(engine, {
      kpis: ['r_leakage', 'r_leakage_known'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['yoy'],
    });
    // March: discounts 20 + refunds 30; February nothing; March 2024 nothing.
    expect(valueAt(res, 'r_leakage_known', '2025-03-01')).toBeCloseTo(50, 9);
    expect(valueAt(res, 'r_leakage_known', '2025-02-01')).toBe(0);
    expect(compared(res, 'r_leakage_known', 'yoy', '2025-03-01')).toBe(0);
    expect(valueAt(res, 'r_leakage', '2025-03-01')).toBeCloseTo(50, 9);
    expect(res.warnings.join('\n')).toMatch(
      /KPI r_leakage is incomplete: .*r_lost \(model lost-sales\)/,
    );
    const known = await query(engine, { kpis: ['r_leakage_known'], by: ['channel'], ...march });
    expect(known.warnings).toEqual([]);
    // The discount was on the web; the refund came back through a store.
    expect(valueAt(known, 'r_leakage_known', '2025-03-01', { channel: 'web' })).toBeCloseTo(20, 9);
    expect(valueAt(known, 'r_leakage_known', '2025-03-01', { channel: 'store' })).toBeCloseTo(
      30,
      9,
    );
  });
});

describe('per_selling_area', () => {
  it('divides store sales by the area of the stores open in the period', async () => {
    const res = await query(engine, {
      kpis: ['r_net_per_sqm'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['previous', 'yoy'],
    });
    // March: s1 400 − 30 refunded + s2 150 = 520 over 100 + 50 m² (s2 open from the 15th);
    // web sales (warehouse w1) and s3 (no area) are left out of both terms.
    expect(valueAt(res, 'r_net_per_sqm', '2025-03-01')).toBeCloseTo(520 / 150, 12);
    // February: s1 400 over 100 m² (s2 not open yet). March 2024: 120 / 100.
    expect(valueAt(res, 'r_net_per_sqm', '2025-02-01')).toBeCloseTo(4, 12);
    expect(compared(res, 'r_net_per_sqm', 'previous', '2025-03-01')).toBeCloseTo(4, 12);
    expect(compared(res, 'r_net_per_sqm', 'yoy', '2025-03-01')).toBeCloseTo(1.2, 12);
  });

  it('splits area with a location attribute, and sales over the same area otherwise', async () => {
    const byStore = await query(engine, { kpis: ['r_net_per_sqm'], by: ['location'], ...march });
    expect(valueAt(byStore, 'r_net_per_sqm', '2025-03-01', { location: 's1' })).toBeCloseTo(
      3.7,
      12,
    );
    expect(valueAt(byStore, 'r_net_per_sqm', '2025-03-01', { location: 's2' })).toBeCloseTo(3, 12);
    const byCategory = await query(engine, { kpis: ['r_net_per_sqm'], by: ['category'], ...march });
    // Shoes 300 + 60 − 30 + 150 = 480, bags 40, both over 150 m²: they add up to the whole.
    expect(valueAt(byCategory, 'r_net_per_sqm', '2025-03-01', { category: 'shoes' })).toBeCloseTo(
      3.2,
      12,
    );
    expect(valueAt(byCategory, 'r_net_per_sqm', '2025-03-01', { category: 'bags' })).toBeCloseTo(
      40 / 150,
      12,
    );
    // A caller scoped to s1 sees s1 over s1's area.
    const scoped = await query(engine, { kpis: ['r_net_per_sqm'], ...march }, { location: ['s1'] });
    expect(scoped.rows[0]?.values['r_net_per_sqm']).toBeCloseTo(3.7, 12);
  });
});
