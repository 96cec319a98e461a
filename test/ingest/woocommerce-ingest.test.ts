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

describe('WooCommerce REST orders', () => {
  it('loads orders, lines, customers and a refund field by field', async () => {
    const r = await load(ws, 'woocommerce', ['woocommerce/orders.json']);
    expect(r.tables.map((t) => [t.table, t.read, t.loaded, t.quarantined])).toEqual([
      ['customers', 2, 2, 0],
      ['orders', 3, 3, 0],
      ['order_lines', 4, 4, 0],
      ['returns', 1, 1, 0],
    ]);
    const guest = `woocommerce:${sha('guest@example.com').slice(0, 20)}`;
    expect(
      await rows(
        ws,
        `SELECT order_id, channel_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, status, currency, CAST(subtotal AS VARCHAR) AS sub,
           CAST(discount_total AS VARCHAR) AS disc, CAST(shipping_amount AS VARCHAR) AS ship, CAST(tax_total AS VARCHAR) AS tax,
           CAST(total AS VARCHAR) AS total, promo_code, payment_method FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      // subtotal = total − tax − shipping = 100.92 − 16.82 − 4.90 = 79.20 = 43.20 + 36.00.
      {
        order_id: '727',
        channel_id: 'web',
        customer_id: 'woocommerce:26',
        at: '2025-03-04 10:20:00+00',
        status: 'paid',
        currency: 'EUR',
        sub: '79.20',
        disc: '8.80',
        ship: '4.90',
        tax: '16.82',
        total: '100.92',
        promo_code: 'spring10',
        payment_method: 'Carte bancaire',
      },
      {
        order_id: '728',
        channel_id: 'web',
        customer_id: guest,
        at: '2025-03-05 15:00:00+00',
        status: 'delivered',
        currency: 'EUR',
        sub: '19.50',
        disc: '0.00',
        ship: '0.00',
        tax: '3.90',
        total: '23.40',
        promo_code: null,
        payment_method: 'PayPal',
      },
      {
        order_id: '729',
        channel_id: 'web',
        customer_id: 'woocommerce:26',
        at: '2025-03-06 08:30:00+00',
        status: 'cancelled',
        currency: 'EUR',
        sub: '24.00',
        disc: '0.00',
        ship: '0.00',
        tax: '4.80',
        total: '28.80',
        promo_code: null,
        payment_method: 'Carte bancaire',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity, CAST(unit_list_price AS VARCHAR) AS ulp, CAST(unit_price AS VARCHAR) AS up, CAST(discount_amount AS VARCHAR) AS disc, CAST(tax_amount AS VARCHAR) AS tax FROM order_lines ORDER BY order_id, line_no`,
      ),
    ).toEqual([
      {
        order_id: '727',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 2,
        ulp: '24.0000',
        up: '21.6000',
        disc: '4.80',
        tax: '8.64',
      },
      {
        order_id: '727',
        line_no: 2,
        sku: 'DF-CED',
        quantity: 1,
        ulp: '40.0000',
        up: '36.0000',
        disc: '4.00',
        tax: '7.20',
      },
      {
        order_id: '728',
        line_no: 1,
        sku: 'SV-LAV',
        quantity: 3,
        ulp: '6.5000',
        up: '6.5000',
        disc: '0.00',
        tax: '3.90',
      },
      {
        order_id: '729',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 1,
        ulp: '24.0000',
        up: '24.0000',
        disc: '0.00',
        tax: '4.80',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT return_id, order_id, line_no, sku, quantity, CAST(refund_amount AS VARCHAR) AS refund, CAST(returned_at AS VARCHAR) AS at, reason FROM returns`,
      ),
    ).toEqual([
      {
        return_id: 'woo-801-1',
        order_id: '728',
        line_no: 1,
        sku: 'SV-LAV',
        quantity: 1,
        refund: '6.50',
        at: '2025-03-12 09:00:00+00',
        reason: 'broken in transit',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT customer_id, CAST(created_at AS VARCHAR) AS created, email_hash, phone_hash, web_account_id, country, region FROM customers ORDER BY created_at`,
      ),
    ).toEqual([
      {
        customer_id: 'woocommerce:26',
        created: '2025-03-04 10:20:00+00',
        email_hash: sha('claire.dubois@example.fr'),
        phone_hash: sha('0611223344'),
        web_account_id: '26',
        country: 'FR',
        region: 'ARA',
      },
      {
        customer_id: guest,
        created: '2025-03-05 15:00:00+00',
        email_hash: sha('guest@example.com'),
        phone_hash: null,
        web_account_id: null,
        country: 'BE',
        region: null,
      },
    ]);
  });

  it('quarantines unknown statuses and currencies, negative quantities, wrong totals and a truncated record', async () => {
    const r = await load(ws, 'woocommerce', ['woocommerce/orders_broken.json']);
    expect(tableOf(r, 'orders')).toEqual({
      read: 5,
      loaded: 0,
      updated: 0,
      duplicates: 0,
      quarantined: 5,
      held: 0,
    });
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 4,
      loaded: 0,
      updated: 0,
      duplicates: 0,
      quarantined: 4,
      held: 3,
    });
    const held = (o: string, line: number) =>
      `order_id: order ${o} was refused (orders_broken.json line ${line}); held until a valid one arrives`;
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      [
        'orders',
        2,
        "status 'shipped-ish' is not a WooCommerce order status; status: 'shipped-ish' is not one of placed, paid, shipped, delivered, cancelled, fraud",
      ],
      ['order_lines', 2, held('801', 2)],
      ['orders', 8, 'tax_total: -1.30 is below the minimum 0'],
      [
        'order_lines',
        8,
        'quantity: -1 — a sale line needs a positive quantity; a negative quantity is a return (returns table); tax_amount: -1.30 is below the minimum 0',
      ],
      ['orders', 14, "currency: unknown currency code ('EURO'); expected ISO 4217 such as EUR"],
      ['order_lines', 14, held('803', 14)],
      ['orders', 20, 'subtotal: 94.20 differs from its lines (24.00)'],
      ['order_lines', 20, held('804', 20)],
      ['orders', 26, 'the record is cut off (truncated file?)'],
    ]);
  });

  it('re-ingesting the orders leaves every table unchanged', async () => {
    await load(ws, 'woocommerce', ['woocommerce/orders.json']);
    const before = await modelFingerprint(ws);
    await load(ws, 'woocommerce', ['woocommerce/orders.json']);
    await load(ws, 'woocommerce', ['woocommerce/orders.json'], { force: true });
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
