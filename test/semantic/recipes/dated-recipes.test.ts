import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { compared, OrderBook, query, valueAt } from './recipe-test-support.js';

/*
 * Recipes whose rows count on a day no fact declares, or that read a state at a date:
 * recognised sales, market size prorated, the reorder signal and covered range keys.
 *
 * Recognised sales (web orders ship; store orders are carried out or collected):
 *   o1 web ship 28 Mar, 100 − 10 discount; shipments delivered 2 Apr and 5 Apr 14:00 UTC → 5 Apr
 *   o2 web ship 29 Mar, 50; its shipment is not delivered → never recognised
 *   o3 store carry_out 30 Mar, 70 → 30 Mar
 *   o4 store click_collect 1 Apr, 30 → 1 Apr
 *   o5 web ship 1 Mar, 40; no shipment at all → never recognised
 *   o6 web ship 2 Mar, 60, CANCELLED, delivered 5 Mar → never
 *   o7 web, no fulfilment, 3 Apr, 20 → 3 Apr
 *   o8 store carry_out 2 Apr, 100 USD at 0.9 that day → 90 on 2 Apr
 *   o9 web ship 25 Mar, 500; one shipment delivered 27 Mar, the other not → never recognised
 * March: 70. April: 90 + 30 + 20 + 90 = 230 (web 110, store 120).
 */
let engine: Engine;
const book = new OrderBook();
const o1 = book.add({
  id: 'o1',
  day: '2025-03-28',
  fulfilment: 'ship',
  lines: [{ price: 100, discount: 10 }],
});
const o2 = book.add({ id: 'o2', day: '2025-03-29', fulfilment: 'ship', lines: [{ price: 50 }] });
book.add({
  id: 'o3',
  day: '2025-03-30',
  channel: 'store',
  fulfilment: 'carry_out',
  lines: [{ price: 70 }],
});
book.add({
  id: 'o4',
  day: '2025-04-01',
  channel: 'store',
  fulfilment: 'click_collect',
  lines: [{ price: 30 }],
});
book.add({ id: 'o5', day: '2025-03-01', fulfilment: 'ship', lines: [{ price: 40 }] });
const o6 = book.add({
  id: 'o6',
  day: '2025-03-02',
  fulfilment: 'ship',
  status: 'cancelled',
  lines: [{ price: 60 }],
});
book.add({ id: 'o7', day: '2025-04-03', lines: [{ price: 20 }] });
book.add({
  id: 'o8',
  day: '2025-04-02',
  channel: 'store',
  fulfilment: 'carry_out',
  currency: 'USD',
  lines: [{ price: 100 }],
});
const o9 = book.add({ id: 'o9', day: '2025-03-25', fulfilment: 'ship', lines: [{ price: 500 }] });

/*
 * Reorder signal (safety 2 days, demand over the 4 days before the last snapshot day D):
 * snapshots on 10 and 11 March, so D = 11 March and the window is 7–10 March.
 *   L1 P1: sold 4 + 4 → 2 a day; lead 3 + 2 → needs 10; sellable 12 − 3 reserved = 9 → signal
 *   L1 P2: sold 4 → 1 a day; no supplier (lead 0) + 2 → needs 2; sellable 1 → signal
 *   L2 P1: sold 8 → 2 a day → needs 10; sellable 10 → no (not below)
 *   L2 P3: sold 40 on 6 March and 100 on 11 March, both outside the window → no rate → no
 *   L1 P3: its 4 units of 8 March were a cancelled order → no rate → no, though at 0
 *   L2 P2: no snapshot on 11 March (only the 10th) → not counted
 */
const sale = (day: string, location: string, sku: string, qty: number, status = 'paid') =>
  book.add({ day, channel: 'pos', location, status, lines: [{ sku, qty, price: 1 }] });
sale('2025-03-07', 'L1', 'P1', 4);
sale('2025-03-09', 'L1', 'P1', 4);
sale('2025-03-08', 'L1', 'P2', 4);
sale('2025-03-10', 'L2', 'P1', 8);
sale('2025-03-06', 'L2', 'P3', 40);
sale('2025-03-11', 'L2', 'P3', 100);
sale('2025-03-08', 'L1', 'P3', 4, 'cancelled');
sale('2025-03-09', 'L2', 'P2', 40);
const snap = (day: string, location: string, sku: string, onHand: number, reserved = 0) => ({
  snapshot_on: day,
  location_id: location,
  sku,
  on_hand: onHand,
  reserved,
});

beforeAll(async () => {
  engine = await fixtureDatabase({
    channels: [
      { channel_id: 'web', name: 'Web', kind: 'web' },
      { channel_id: 'store', name: 'Stores', kind: 'store' },
      // The sales of the reorder signal, kept apart from the recognised-sales orders.
      { channel_id: 'pos', name: 'Tills', kind: 'store' },
    ],
    locations: [
      { location_id: 'L1', name: 'L1', kind: 'store', timezone: 'Europe/Paris', region: 'North' },
      { location_id: 'L2', name: 'L2', kind: 'store', timezone: 'Europe/Paris', region: 'South' },
    ],
    suppliers: [{ supplier_id: 'sup1', name: 'Sup', lead_time_days: 3 }],
    /*
     * Covered range keys: K1 ← P1, P4; K2 ← P2; K3 ← P3; K4 ← P4, PX (PX is not in the
     * catalogue). P1 launched 1 Jan 2025; P2 launched 15 Mar 2025; P3 never launched-dated,
     * discontinued 1 Feb 2025; P4 launched 2024, discontinued 31 Mar 2025.
     * End of January: P1, P3, P4 → K1, K3, K4. End of February: P1, P4 → K1, K4.
     * End of March: P1, P2 (P4 is discontinued on the 31st itself) → K1, K2.
     */
    products: [
      { sku: 'A', name: 'A' },
      { sku: 'P1', name: 'P1', category: 'shoes', supplier_id: 'sup1', launched_on: '2025-01-01' },
      { sku: 'P2', name: 'P2', category: 'bags', launched_on: '2025-03-15' },
      {
        sku: 'P3',
        name: 'P3',
        category: 'shoes',
        supplier_id: 'sup1',
        discontinued_on: '2025-02-01',
      },
      {
        sku: 'P4',
        name: 'P4',
        category: 'bags',
        launched_on: '2024-01-01',
        discontinued_on: '2025-03-31',
      },
    ],
    range_targets: ['K1', 'K2', 'K3', 'K4'].map((k) => ({ range_key: k })),
    product_fitments: [
      { sku: 'P1', range_key: 'K1' },
      { sku: 'P4', range_key: 'K1' },
      { sku: 'P2', range_key: 'K2' },
      { sku: 'P3', range_key: 'K3' },
      { sku: 'P4', range_key: 'K4' },
      { sku: 'PX', range_key: 'K4' },
    ],
    orders: book.orders,
    order_lines: book.lines,
    shipments: [
      { shipment_id: 'sh1', order_id: o1, delivered_at: '2025-04-02T09:00:00Z' },
      { shipment_id: 'sh2', order_id: o1, delivered_at: '2025-04-05T14:00:00Z' },
      { shipment_id: 'sh3', order_id: o2 },
      { shipment_id: 'sh4', order_id: o6, delivered_at: '2025-03-05T09:00:00Z' },
      { shipment_id: 'sh5', order_id: o9, delivered_at: '2025-03-27T09:00:00Z' },
      { shipment_id: 'sh6', order_id: o9 },
    ],
    fx_rates: [
      { rate_on: '2025-04-02', currency: 'USD', rate_to_reporting: 0.9 },
      { rate_on: '2025-04-05', currency: 'USD', rate_to_reporting: 0.5 },
    ],
    inventory_snapshots: [
      snap('2025-03-10', 'L1', 'P1', 20),
      snap('2025-03-11', 'L1', 'P1', 12, 3),
      snap('2025-03-11', 'L1', 'P2', 1),
      snap('2025-03-11', 'L2', 'P1', 10),
      snap('2025-03-11', 'L2', 'P3', 0),
      snap('2025-03-11', 'L1', 'P3', 0),
      snap('2025-03-10', 'L2', 'P2', 0),
    ],
    /*
     * Market studies: FR shoes over 2025 (36 500 → 100 a day), FR bags over Q1 2025 (9 000 over
     * 90 days → 100 a day), DE shoes over 2024 (36 600 over 366 days → 100 a day).
     */
    market_size: [
      {
        period_start: '2025-01-01',
        period_end: '2025-12-31',
        region: 'FR',
        category: 'shoes',
        market_sales: 36500,
      },
      {
        period_start: '2025-01-01',
        period_end: '2025-03-31',
        region: 'FR',
        category: 'bags',
        market_sales: 9000,
      },
      {
        period_start: '2024-01-01',
        period_end: '2024-12-31',
        region: 'DE',
        category: 'shoes',
        market_sales: 36600,
      },
    ],
  });
}, 120_000);
afterAll(async () => engine.close());

describe('recognised_sales', () => {
  it('counts shipped orders on their last delivery and the others on the order day', async () => {
    const res = await query(engine, {
      kpis: ['r_recognised', 'r_sales'],
      from: '2025-03-01',
      to: '2025-04-30',
      grain: 'month',
      compare: ['previous'],
      where: { channel: ['web', 'store'] },
    });
    expect(valueAt(res, 'r_recognised', '2025-03-01')).toBeCloseTo(70, 9);
    expect(valueAt(res, 'r_recognised', '2025-04-01')).toBeCloseTo(230, 9);
    expect(compared(res, 'r_recognised', 'previous', '2025-04-01')).toBeCloseTo(70, 9);
  });

  it('splits by channel and by date, and answers by hour of the delivery', async () => {
    const april = { from: '2025-04-01', to: '2025-04-30' } as const;
    const byChannel = await query(engine, {
      kpis: ['r_recognised'],
      by: ['channel'],
      where: { channel: ['web', 'store'] },
      ...april,
    });
    expect(valueAt(byChannel, 'r_recognised', '2025-04-01', { channel: 'web' })).toBeCloseTo(
      110,
      9,
    );
    expect(valueAt(byChannel, 'r_recognised', '2025-04-01', { channel: 'store' })).toBeCloseTo(
      120,
      9,
    );
    const byDate = await query(engine, { kpis: ['r_recognised'], by: ['date'], ...april });
    const days = Object.fromEntries(
      byDate.rows.map((r) => [r.dims['date'], r.values['r_recognised']]),
    );
    expect(days).toEqual({
      '2025-04-01': 30,
      '2025-04-02': 90,
      '2025-04-03': 20,
      '2025-04-05': 90,
    });
    // Delivered at 14:00 UTC on 5 April: 16:00 in Paris (summer time).
    const hourly = await query(engine, {
      kpis: ['r_recognised'],
      from: '2025-04-05',
      to: '2025-04-05',
      grain: 'hour',
    });
    expect(hourly.rows.map((r) => [r.period, r.values['r_recognised']])).toEqual([
      ['2025-04-05 16:00', 90],
    ]);
  });
});

describe('market_size_prorated', () => {
  it('spreads each study over its days, split by region and category', async () => {
    const res = await query(engine, {
      kpis: ['r_market'],
      from: '2025-01-01',
      to: '2025-04-30',
      grain: 'month',
      compare: ['yoy'],
    });
    // 100 a day per study: January 31 days × (FR shoes + FR bags); April FR shoes only.
    expect(valueAt(res, 'r_market', '2025-01-01')).toBeCloseTo(6200, 6);
    expect(valueAt(res, 'r_market', '2025-02-01')).toBeCloseTo(5600, 6);
    expect(valueAt(res, 'r_market', '2025-04-01')).toBeCloseTo(3000, 6);
    expect(compared(res, 'r_market', 'yoy', '2025-01-01')).toBeCloseTo(3100, 6);
    const split = await query(engine, {
      kpis: ['r_market'],
      by: ['category'],
      where: { region: ['FR'] },
      from: '2025-03-16',
      to: '2025-04-15',
    });
    // 16 March – 15 April: shoes 31 days, bags 16 days (their study ends on 31 March).
    expect(valueAt(split, 'r_market', '2025-03-16', { category: 'shoes' })).toBeCloseTo(3100, 6);
    expect(valueAt(split, 'r_market', '2025-03-16', { category: 'bags' })).toBeCloseTo(1600, 6);
    await expect(
      query(engine, { kpis: ['r_market'], by: ['channel'], from: '2025-01-01', to: '2025-01-31' }),
    ).rejects.toThrow(/dimension channel does not apply to KPI r_market \(fact market_size\)/);
  });
});

describe('reorder_signal', () => {
  it('counts the pairs under lead time + safety days of sales at the last snapshot', async () => {
    const res = await query(engine, {
      kpis: ['r_reorder'],
      from: '2025-03-01',
      to: '2025-03-11',
      compare: ['previous'],
    });
    expect(res.rows[0]?.values['r_reorder']).toBe(2);
    // 18–28 February has no snapshot: nothing to signal.
    expect(res.rows[0]?.comparisons['previous']?.['r_reorder']?.value).toBe(0);
  });

  it('answers per week at each week’s last snapshot, and by region', async () => {
    const weekly = await query(engine, {
      kpis: ['r_reorder'],
      from: '2025-03-03',
      to: '2025-03-16',
      grain: 'week',
    });
    expect(valueAt(weekly, 'r_reorder', '2025-03-03')).toBe(0);
    expect(valueAt(weekly, 'r_reorder', '2025-03-10')).toBe(2);
    const byRegion = await query(engine, {
      kpis: ['r_reorder'],
      by: ['region'],
      from: '2025-03-01',
      to: '2025-03-11',
    });
    expect(valueAt(byRegion, 'r_reorder', '2025-03-01', { region: 'North' })).toBe(2);
    expect(valueAt(byRegion, 'r_reorder', '2025-03-01', { region: 'South' })).toBeUndefined();
  });
});

describe('covered_range_keys', () => {
  it('counts the range keys with a sellable product at each period end', async () => {
    const res = await query(engine, {
      kpis: ['r_covered', 'r_coverage'],
      from: '2025-01-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['previous'],
    });
    expect(res.rows.map((r) => r.values['r_covered'])).toEqual([3, 2, 2]);
    expect(valueAt(res, 'r_coverage', '2025-01-01')).toBe(0.75);
    expect(compared(res, 'r_covered', 'previous', '2025-02-01')).toBe(3);
  });

  it('splits by category of the fitting products', async () => {
    const res = await query(engine, {
      kpis: ['r_covered', 'r_range_keys'],
      by: ['category'],
      from: '2025-01-01',
      to: '2025-01-31',
    });
    // End of January: shoes P1 (K1), P3 (K3); bags P4 (K1, K4). All fitted keys: shoes K1, K3;
    // bags K1, K2, K4.
    expect(valueAt(res, 'r_covered', '2025-01-01', { category: 'shoes' })).toBe(2);
    expect(valueAt(res, 'r_covered', '2025-01-01', { category: 'bags' })).toBe(2);
    expect(valueAt(res, 'r_range_keys', '2025-01-01', { category: 'bags' })).toBe(3);
  });
});
