import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { compared, OrderBook, query, valueAt } from './recipe-test-support.js';

/*
 * Customers a and c (gold), b and d (silver); every order on the web, in euros.
 *
 *   2023-03-01  a   1 × 200
 *   2024-03-10  a   1 × 100
 *   2024-03-15  b   1 × 50                       returned 2025-03-25, refund 10
 *   2024-03-20  anonymous 1 × 4000 (more than all identified sales: it must never count)
 *   2025-02-01  d   1 × 500 CANCELLED
 *   2025-03-05  a   2 × 60, discount 20 (net 100) returned 2025-03-20, refund 30
 *   2025-03-08  c   1 × 80 (a new customer)
 *
 * r_net_sales = sales − discounts − refunds; refunds reach the customer of the returned order.
 */
let engine: Engine;
const book = new OrderBook();
book.add({ day: '2023-03-01', customer: 'a', lines: [{ price: 200 }] });
book.add({ day: '2024-03-10', customer: 'a', lines: [{ price: 100 }] });
const bOrder = book.add({ day: '2024-03-15', customer: 'b', lines: [{ price: 50 }] });
book.add({ day: '2024-03-20', lines: [{ price: 4000 }] });
book.add({ day: '2025-02-01', customer: 'd', status: 'cancelled', lines: [{ price: 500 }] });
const aOrder = book.add({
  day: '2025-03-05',
  customer: 'a',
  lines: [{ qty: 2, price: 60, discount: 20 }],
});
book.add({ day: '2025-03-08', customer: 'c', lines: [{ price: 80 }] });

beforeAll(async () => {
  engine = await fixtureDatabase({
    channels: [{ channel_id: 'web', name: 'Web', kind: 'web' }],
    customers: [
      { customer_id: 'a', created_at: '2023-01-01T00:00:00Z', segment: 'gold' },
      { customer_id: 'b', created_at: '2023-01-01T00:00:00Z', segment: 'silver' },
      { customer_id: 'c', created_at: '2023-01-01T00:00:00Z', segment: 'gold' },
      { customer_id: 'd', created_at: '2023-01-01T00:00:00Z', segment: 'silver' },
    ],
    products: [{ sku: 'A', name: 'A' }],
    orders: book.orders,
    order_lines: book.lines,
    returns: [
      {
        return_id: 'r1',
        order_id: aOrder,
        line_no: 1,
        sku: 'A',
        quantity: 1,
        refund_amount: 30,
        returned_at: '2025-03-20T10:00:00Z',
      },
      {
        return_id: 'r2',
        order_id: bOrder,
        line_no: 1,
        sku: 'A',
        quantity: 1,
        refund_amount: 10,
        returned_at: '2025-03-25T10:00:00Z',
      },
    ],
  });
}, 120_000);
afterAll(async () => engine.close());

describe('nrr', () => {
  it('is the value of last year’s customers now over their value then', async () => {
    const res = await query(engine, {
      kpis: ['r_nrr'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['yoy'],
    });
    // March 2025: C = March 2024's customers {a, b} (not the anonymous order, not c, new).
    // Now: a 120 − 20 − 30 = 70, b −10 (her refund) → 60. Then: a 100 + b 50 = 150 → 0.4.
    expect(valueAt(res, 'r_nrr', '2025-03-01')).toBeCloseTo(0.4, 12);
    // March 2024: C = {a} (March 2023): 100 / 200.
    expect(compared(res, 'r_nrr', 'yoy', '2025-03-01')).toBeCloseTo(0.5, 12);
    // February 2024 had no customer: nothing to retain.
    expect(valueAt(res, 'r_nrr', '2025-02-01')).toBeNull();
  });

  it('splits by segment as the answer filtered on it', async () => {
    const march = { from: '2025-03-01', to: '2025-03-31' } as const;
    const split = await query(engine, { kpis: ['r_nrr'], by: ['customer_segment'], ...march });
    const gold = await query(engine, {
      kpis: ['r_nrr'],
      where: { customer_segment: ['gold'] },
      ...march,
    });
    // Gold: a alone, 70 / 100. Silver: b alone, −10 / 50.
    expect(valueAt(split, 'r_nrr', '2025-03-01', { customer_segment: 'gold' })).toBeCloseTo(
      0.7,
      12,
    );
    expect(valueAt(split, 'r_nrr', '2025-03-01', { customer_segment: 'silver' })).toBeCloseTo(
      -0.2,
      12,
    );
    expect(gold.rows[0]?.values['r_nrr']).toBeCloseTo(0.7, 12);
  });
});

describe('clv_historical', () => {
  it('divides the value of identified customers to date by the customers to date', async () => {
    const res = await query(engine, {
      kpis: ['r_clv'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['yoy'],
    });
    // End of February 2025: a 200 + 100, b 50 → 350 over a and b (d's only order was
    // cancelled; the anonymous 4000 belongs to nobody) → 175.
    expect(valueAt(res, 'r_clv', '2025-02-01')).toBeCloseTo(175, 9);
    // End of March 2025: a 300 + 100 − 30 = 370, b 50 − 10 = 40, c 80 → 490 / 3.
    expect(valueAt(res, 'r_clv', '2025-03-01')).toBeCloseTo(490 / 3, 9);
    // End of March 2024: a 300, b 50 → 175.
    expect(compared(res, 'r_clv', 'yoy', '2025-03-01')).toBeCloseTo(175, 9);
  });

  it('splits by segment and refuses a value that cannot be summed over customers', async () => {
    const res = await query(engine, {
      kpis: ['r_clv'],
      by: ['customer_segment'],
      from: '2025-03-01',
      to: '2025-03-31',
    });
    // Gold: a 370 + c 80 over 2; silver: b 40 over 1 (d never bought).
    expect(valueAt(res, 'r_clv', '2025-03-01', { customer_segment: 'gold' })).toBeCloseTo(225, 9);
    expect(valueAt(res, 'r_clv', '2025-03-01', { customer_segment: 'silver' })).toBeCloseTo(40, 9);
    await expect(
      query(engine, { kpis: ['r_clv_median'], from: '2025-03-01', to: '2025-03-31' }),
    ).rejects.toThrow(/KPI r_clv_median: r_median_line cannot be attributed to customers/);
    await expect(
      query(engine, { kpis: ['r_clv'], by: ['date'], from: '2025-03-01', to: '2025-03-31' }),
    ).rejects.toThrow(/dimension date does not apply to KPI r_clv/);
  });
});
