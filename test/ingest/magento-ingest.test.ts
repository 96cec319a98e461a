import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  load,
  modelFingerprint,
  quarantined,
  rows,
  saltedSha,
  tableOf,
  workspacePerTest,
} from './ingest-helpers.js';

let ws: Workspace;
workspacePerTest((w) => (ws = w));

const sha = (s: string) => saltedSha(ws, s);

const BOTH = ['magento/sales_order.csv', 'magento/sales_order_item.csv'];

describe('Magento sales_order / sales_order_item export', () => {
  it('loads orders, lines (a configurable child merged into its parent), customers and a credit memo', async () => {
    const r = await load(ws, 'magento', BOTH);
    expect(r.tables.map((t) => [t.table, t.read, t.loaded, t.quarantined])).toEqual([
      ['customers', 2, 2, 0],
      ['orders', 3, 3, 0],
      ['order_lines', 4, 4, 0],
      ['returns', 1, 1, 0],
    ]);
    const guest = `magento:${sha('guest@example.com').slice(0, 20)}`;
    expect(
      await rows(
        ws,
        `SELECT order_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, status, CAST(subtotal AS VARCHAR) AS sub, CAST(discount_total AS VARCHAR) AS disc,
           CAST(shipping_amount AS VARCHAR) AS ship, CAST(tax_total AS VARCHAR) AS tax, CAST(total AS VARCHAR) AS total, promo_code FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      // 88.00 − 8.80 = 79.20 after discount; + 5.00 + 16.84 = 101.04.
      {
        order_id: '000000101',
        customer_id: 'magento:55',
        at: '2025-03-02 09:30:00+00',
        status: 'delivered',
        sub: '79.20',
        disc: '8.80',
        ship: '5.00',
        tax: '16.84',
        total: '101.04',
        promo_code: 'SPRING10',
      },
      {
        order_id: '000000102',
        customer_id: guest,
        at: '2025-03-04 18:05:00+00',
        status: 'paid',
        sub: '26.00',
        disc: '0.00',
        ship: '0.00',
        tax: '5.20',
        total: '31.20',
        promo_code: null,
      },
      {
        order_id: '000000103',
        customer_id: 'magento:55',
        at: '2025-03-05 12:00:00+00',
        status: 'cancelled',
        sub: '40.00',
        disc: '0.00',
        ship: '0.00',
        tax: '8.00',
        total: '48.00',
        promo_code: null,
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity, CAST(unit_list_price AS VARCHAR) AS ulp, CAST(unit_price AS VARCHAR) AS up, CAST(discount_amount AS VARCHAR) AS disc, CAST(tax_amount AS VARCHAR) AS tax FROM order_lines ORDER BY order_id, line_no`,
      ),
    ).toEqual([
      {
        order_id: '000000101',
        line_no: 1,
        sku: 'BG-FIG-L',
        quantity: 2,
        ulp: '24.0000',
        up: '21.6000',
        disc: '4.80',
        tax: '8.64',
      },
      {
        order_id: '000000101',
        line_no: 2,
        sku: 'DF-CED',
        quantity: 1,
        ulp: '40.0000',
        up: '36.0000',
        disc: '4.00',
        tax: '7.20',
      },
      {
        order_id: '000000102',
        line_no: 1,
        sku: 'SV-LAV',
        quantity: 4,
        ulp: '6.5000',
        up: '6.5000',
        disc: '0.00',
        tax: '5.20',
      },
      {
        order_id: '000000103',
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
        `SELECT return_id, order_id, line_no, sku, quantity, CAST(refund_amount AS VARCHAR) AS refund, CAST(returned_at AS VARCHAR) AS at FROM returns`,
      ),
    ).toEqual([
      {
        return_id: '000000102-1004',
        order_id: '000000102',
        line_no: 1,
        sku: 'SV-LAV',
        quantity: 2,
        refund: '13.00',
        at: '2025-03-11 08:00:00+00',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT customer_id, CAST(created_at AS VARCHAR) AS created, email_hash, web_account_id, country FROM customers ORDER BY created_at`,
      ),
    ).toEqual([
      {
        customer_id: 'magento:55',
        created: '2025-03-02 09:30:00+00',
        email_hash: sha('claire.dubois@example.fr'),
        web_account_id: '55',
        country: 'FR',
      },
      {
        customer_id: guest,
        created: '2025-03-04 18:05:00+00',
        email_hash: sha('guest@example.com'),
        web_account_id: null,
        country: 'BE',
      },
    ]);
  });

  it('quarantines an unknown status, fractional quantities, a missing SKU, and items without their orders file', async () => {
    const r = await load(ws, 'magento', [
      'magento/sales_order_broken.csv',
      'magento/sales_order_item_broken.csv',
    ]);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 2, loaded: 0, quarantined: 2 });
    expect(tableOf(r, 'order_lines')).toMatchObject({
      read: 2,
      loaded: 0,
      quarantined: 2,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.file, q.line, q.reason])).toEqual([
      [
        'sales_order_broken.csv',
        2,
        'subtotal: 24.75 differs from its lines (0.00); 2 of its 2 lines refused',
      ],
      ['sales_order_item_broken.csv', 2, "quantity: not a whole number ('1.5000')"],
      [
        'sales_order_broken.csv',
        3,
        // 202 has no item in the items file of the load either (both items are 201's).
        "status 'suspected_fraud' is not a Magento order status; no item of this order could be read from the sales_order_item file of this load; status: 'suspected_fraud' is not one of placed, paid, shipped, delivered, cancelled, fraud",
      ],
      ['sales_order_item_broken.csv', 3, 'sku: required value missing'],
    ]);
    const alone = await load(ws, 'magento', ['magento/sales_order_item.csv']);
    expect(tableOf(alone, 'order_lines')).toMatchObject({ read: 4, loaded: 0, quarantined: 4 });
    expect((await quarantined(ws, alone.runId))[0]?.reason).toBe(
      'order entity_id 101 is not in the sales_order file of this load (load both files together); order_id: required value missing',
    );
  });

  it('re-ingesting both files leaves every table unchanged', async () => {
    await load(ws, 'magento', BOTH);
    const before = await modelFingerprint(ws);
    await load(ws, 'magento', BOTH);
    await load(ws, 'magento', BOTH, { force: true });
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
