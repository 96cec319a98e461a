import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/backends/engine.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../src/semantic/query/query-types.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import { defaultConfig } from '../../src/workspace/workspace-config.js';

const config = defaultConfig('fixture');
const dictionary = loadDictionary();
let engine: Engine;

// A tiny shop in March 2025 (Paris time = UTC+1 in early March, UTC+2 from 30 March).
//  o1 web  2025-03-03 paid       A 2 × 10.00 (disc 2.00), B 1 × 30.00         gross 50, disc 2
//  o2 s1   2025-03-03 paid       A 1 × 10.00, D 1 × 5.00 (both Kitchen)        gross 15
//  o3 web  2025-03-04 cancelled  A 5 × 10.00                                  (excluded)
//  o4 s1   2025-03-10 delivered  B 2 × 30.00 (disc 6.00)                      gross 60, disc 6
//  o5 web  2025-03-31 23:30 Paris (21:30 UTC) paid, C 1 × 8.00               gross 8
//  r1 return of 1 × A of o1 on 2025-03-12, refund 9.00
beforeAll(async () => {
  engine = await fixtureDatabase({
    channels: [
      { channel_id: 'web', name: 'E-shop', kind: 'web' },
      { channel_id: 'store', name: 'Stores', kind: 'store' },
    ],
    locations: [
      {
        location_id: 's1',
        name: 'Nantes',
        kind: 'store',
        region: 'Ouest',
        timezone: 'Europe/Paris',
      },
    ],
    products: [
      { sku: 'A', name: 'Mug', category: 'Kitchen' },
      { sku: 'B', name: 'Lamp', category: 'Lighting' },
      { sku: 'C', name: 'Candle', category: 'Deco' },
      { sku: 'D', name: 'Spoon', category: 'Kitchen' },
    ],
    orders: [
      {
        order_id: 'o1',
        channel_id: 'web',
        customer_id: 'c1',
        ordered_at: '2025-03-03T09:00:00Z',
        status: 'paid',
      },
      {
        order_id: 'o2',
        channel_id: 'store',
        location_id: 's1',
        ordered_at: '2025-03-03T10:00:00Z',
        status: 'paid',
      },
      {
        order_id: 'o3',
        channel_id: 'web',
        ordered_at: '2025-03-04T10:00:00Z',
        status: 'cancelled',
      },
      {
        order_id: 'o4',
        channel_id: 'store',
        location_id: 's1',
        customer_id: 'c1',
        ordered_at: '2025-03-10T10:00:00Z',
        status: 'delivered',
      },
      { order_id: 'o5', channel_id: 'web', ordered_at: '2025-03-31T21:30:00Z', status: 'paid' },
    ],
    order_lines: [
      {
        order_id: 'o1',
        line_no: 1,
        sku: 'A',
        quantity: 2,
        unit_list_price: 10,
        unit_price: 9,
        discount_amount: 2,
      },
      { order_id: 'o1', line_no: 2, sku: 'B', quantity: 1, unit_list_price: 30, unit_price: 30 },
      { order_id: 'o2', line_no: 1, sku: 'A', quantity: 1, unit_list_price: 10, unit_price: 10 },
      { order_id: 'o2', line_no: 2, sku: 'D', quantity: 1, unit_list_price: 5, unit_price: 5 },
      { order_id: 'o3', line_no: 1, sku: 'A', quantity: 5, unit_list_price: 10, unit_price: 10 },
      {
        order_id: 'o4',
        line_no: 1,
        sku: 'B',
        quantity: 2,
        unit_list_price: 30,
        unit_price: 27,
        discount_amount: 6,
      },
      { order_id: 'o5', line_no: 1, sku: 'C', quantity: 1, unit_list_price: 8, unit_price: 8 },
    ],
    returns: [
      {
        return_id: 'r1',
        order_id: 'o1',
        line_no: 1,
        sku: 'A',
        quantity: 1,
        refund_amount: 9,
        returned_at: '2025-03-12T14:00:00Z',
        channel_id: 'web',
      },
    ],
  });
});
afterAll(async () => engine.close());

const q = (req: Omit<QueryRequest, 'from' | 'to'> & Partial<QueryRequest>) =>
  runQuery({ engine, dictionary, config }, { from: '2025-03-01', to: '2025-03-31', ...req });

describe('the query engine on a hand-built shop', () => {
  it('computes the sales KPIs over the month', async () => {
    const res = await q({
      kpis: [
        'gross_sales',
        'discounts',
        'refunds',
        'net_sales',
        'orders',
        'units_sold',
        'aov',
        'upt',
      ],
    });
    expect(res.rows).toHaveLength(1);
    const v = res.rows[0]?.values ?? {};
    // gross 50 + 15 + 60 + 8 = 133; discounts 2 + 6 = 8; refunds 9; net 133 − 8 − 9 = 116
    expect(v['gross_sales']).toBeCloseTo(133, 9);
    expect(v['discounts']).toBeCloseTo(8, 9);
    expect(v['refunds']).toBeCloseTo(9, 9);
    expect(v['net_sales']).toBeCloseTo(116, 9);
    // orders o1 o2 o4 o5 = 4; units 2+1+1+1+2+1 = 8; aov (133 − 8)/4 = 31.25; upt 8/4 = 2
    expect(v['orders']).toBe(4);
    expect(v['units_sold']).toBe(8);
    expect(v['aov']).toBeCloseTo(31.25, 9);
    expect(v['upt']).toBeCloseTo(2, 9);
  });

  it('counts an instant on its local Paris date', async () => {
    // o5 is 2025-03-31 23:30 in Paris (summer time since 30 March): in March, not April.
    const april = await q({ kpis: ['orders'], from: '2025-04-01', to: '2025-04-30' });
    expect(april.rows[0]?.values['orders']).toBe(0);
  });

  it('keeps order measures right when split by a product attribute (fan-out)', async () => {
    const res = await q({ kpis: ['orders', 'gross_sales'], by: ['category'] });
    const by = Object.fromEntries(res.rows.map((r) => [r.dims['category'], r.values]));
    // o1 has Kitchen and Lighting lines: it counts once in each; o2 has two Kitchen lines and
    // counts once there (a plain join of lines would count it twice).
    expect(by['Kitchen']?.['orders']).toBe(2); // o1, o2
    expect(by['Lighting']?.['orders']).toBe(2); // o1, o4
    expect(by['Deco']?.['orders']).toBe(1); // o5
    expect(by['Kitchen']?.['gross_sales']).toBeCloseTo(35, 9); // 20 + 10 + 5
    expect(by['Lighting']?.['gross_sales']).toBeCloseTo(90, 9); // 30 + 60
  });

  it('computes ratios as ratios of sums at each grain', async () => {
    const res = await q({ kpis: ['aov', 'orders'], grain: 'week' });
    const weeks = res.rows.map((r) => [r.period_start, r.values['orders'], r.values['aov']]);
    // Week of 3 March: o1 (48) + o2 (15) → 2 orders, aov 31.5; week of 10 March: o4 (54) → 54;
    // week of 31 March (clipped to 31 March): o5 → 8.
    expect(weeks).toContainEqual(['2025-03-03', 2, 31.5]);
    expect(weeks).toContainEqual(['2025-03-10', 1, 54]);
    expect(weeks).toContainEqual(['2025-03-31', 1, 8]);
  });

  it('filters by a dimension with bound values', async () => {
    const res = await q({ kpis: ['gross_sales'], where: { channel: ['store'] } });
    expect(res.rows[0]?.values['gross_sales']).toBeCloseTo(75, 9);
    const evil = await q({ kpis: ['gross_sales'], where: { channel: ["store' OR '1'='1"] } });
    expect(evil.rows[0]?.values['gross_sales']).toBe(0);
  });

  it('names what is wrong in a request', async () => {
    await expect(q({ kpis: ['net_sale'] })).rejects.toThrow(
      /unknown KPI "net_sale"; did you mean net_sales/,
    );
    await expect(q({ kpis: ['orders'], by: ['colour'] })).rejects.toThrow(
      /unknown dimension "colour"; dimensions are: date, hour/,
    );
    await expect(q({ kpis: ['orders'], from: '2025-02-30' })).rejects.toThrow(
      /--from "2025-02-30" is not a valid date/,
    );
    await expect(q({ kpis: ['orders'], by: ['carrier'] })).rejects.toThrow(
      /dimension carrier does not apply to KPI orders/,
    );
  });
});
