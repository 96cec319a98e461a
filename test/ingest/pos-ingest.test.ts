import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  fixture,
  load,
  modelFingerprint,
  quarantined,
  rows,
  tableOf,
  workspacePerTest,
} from './ingest-helpers.js';

let ws: Workspace;
workspacePerTest((w) => (ws = w));

const mapping = { mapping: fixture('pos/pos.yaml') };

describe('POS item-sales export', () => {
  it('loads tickets, lines, a refund and the loyalty customer field by field', async () => {
    const r = await load(ws, 'pos', ['pos/item-sales.csv'], mapping);
    expect(r.tables.map((t) => [t.table, t.read, t.loaded, t.quarantined])).toEqual([
      ['customers', 1, 1, 0],
      ['orders', 2, 2, 0],
      ['order_lines', 3, 3, 0],
      ['returns', 1, 1, 0],
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, channel_id, location_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, status, currency,
           CAST(subtotal AS VARCHAR) AS sub, CAST(discount_total AS VARCHAR) AS disc, CAST(shipping_amount AS VARCHAR) AS ship,
           CAST(tax_total AS VARCHAR) AS tax, CAST(total AS VARCHAR) AS total, fulfilment FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      // 43.20 + 6.50 net, 4.80 off, 8.64 + 1.30 tax; 10:12:05 in Paris is 09:12:05 UTC.
      {
        order_id: 'T-9001',
        channel_id: 'store',
        location_id: 'L01',
        customer_id: 'pos:LOY-001',
        at: '2025-03-08 09:12:05+00',
        status: 'paid',
        currency: 'EUR',
        sub: '49.70',
        disc: '4.80',
        ship: '0.00',
        tax: '9.94',
        total: '59.64',
        fulfilment: 'carry_out',
      },
      {
        order_id: 'T-9002',
        channel_id: 'store',
        location_id: 'L02',
        customer_id: null,
        at: '2025-03-08 10:40:00+00',
        status: 'paid',
        currency: 'EUR',
        sub: '40.00',
        disc: '0.00',
        ship: '0.00',
        tax: '8.00',
        total: '48.00',
        fulfilment: 'carry_out',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity, CAST(unit_list_price AS VARCHAR) AS ulp, CAST(unit_price AS VARCHAR) AS up, CAST(discount_amount AS VARCHAR) AS disc, CAST(tax_amount AS VARCHAR) AS tax FROM order_lines ORDER BY order_id, line_no`,
      ),
    ).toEqual([
      {
        order_id: 'T-9001',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 2,
        ulp: '24.0000',
        up: '21.6000',
        disc: '4.80',
        tax: '8.64',
      },
      {
        order_id: 'T-9001',
        line_no: 2,
        sku: 'SV-LAV',
        quantity: 1,
        ulp: '6.5000',
        up: '6.5000',
        disc: '0.00',
        tax: '1.30',
      },
      {
        order_id: 'T-9002',
        line_no: 1,
        sku: 'DF-CED',
        quantity: 1,
        ulp: '40.0000',
        up: '40.0000',
        disc: '0.00',
        tax: '8.00',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT return_id, order_id, line_no, sku, quantity, CAST(refund_amount AS VARCHAR) AS refund, CAST(returned_at AS VARCHAR) AS at, channel_id, location_id FROM returns`,
      ),
    ).toEqual([
      // The refund row of ticket T-9001 returns its BG-FIG line: one unit, 21.60 net.
      {
        return_id: 'T-9001-R1',
        order_id: 'T-9001',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 1,
        refund: '21.60',
        at: '2025-03-09 15:05:30+00',
        channel_id: 'store',
        location_id: 'L01',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT customer_id, loyalty_id, CAST(created_at AS VARCHAR) AS created FROM customers`,
      ),
    ).toEqual([
      { customer_id: 'pos:LOY-001', loyalty_id: 'LOY-001', created: '2025-03-08 09:12:05+00' },
    ]);
  });

  it('quarantines a Latin-1 till export with negative sale quantities, bad amounts and dates', async () => {
    const r = await load(ws, 'pos', ['pos/item-sales-broken-latin1.csv'], mapping);
    expect(tableOf(r, 'orders')).toEqual({
      read: 5,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 4,
      held: 0,
    });
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 5,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 4,
      held: 0,
    });
    expect(tableOf(r, 'returns')).toEqual({
      read: 2,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      ['orders', 3, 'tax_total: -2.60 is below the minimum 0'],
      [
        'order_lines',
        3,
        'quantity: -2 — a sale line needs a positive quantity; a negative quantity is a return (returns table); tax_amount: -2.60 is below the minimum 0',
      ],
      [
        'orders',
        4,
        'subtotal: 38.00 differs from its lines (0.00); discount_total: 4.00 differs from its lines (0.00); 1 of its 1 lines refused',
      ],
      [
        'order_lines',
        4,
        'Net Sales 38,00 € differs from Gross Sales 40,00 € + Discounts -4,00 €; unit_price: 1 × 38.0000 differs from quantity × unit_list_price − discount_amount = 36.0000',
      ],
      [
        'orders',
        5,
        "ordered_at: not a timestamp ('2025-13-15 10:20:00'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      ['order_lines', 5, "Date and Time: not a date and time ('2025-13-15 10:20:00')"],
      ['orders', 6, 'subtotal: 6.50 differs from its lines (0.00); 1 of its 1 lines refused'],
      [
        'order_lines',
        6,
        "Gross Sales: not an amount ('six €'); unit_list_price: required value missing",
      ],
      ['returns', 8, 'SKU SV-LAV is not on ticket T-9101; line_no: required value missing'],
    ]);
    expect(
      await rows(
        ws,
        `SELECT return_id, line_no, CAST(refund_amount AS VARCHAR) AS refund, CAST(returned_at AS VARCHAR) AS at FROM returns`,
      ),
    ).toEqual([
      { return_id: 'T-9101-R1', line_no: 1, refund: '24.00', at: '2025-03-16 11:00:00+00' },
    ]);
  });

  it('re-ingesting the export leaves every table unchanged', async () => {
    await load(ws, 'pos', ['pos/item-sales.csv'], mapping);
    const before = await modelFingerprint(ws);
    await load(ws, 'pos', ['pos/item-sales.csv'], mapping);
    await load(ws, 'pos', ['pos/item-sales.csv'], { ...mapping, force: true });
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
