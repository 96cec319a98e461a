import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { runCli } from '../helpers/run-cli.js';
import {
  fixture,
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

function customerKey(email: string): string {
  return `shopify:${saltedSha(ws, email).slice(0, 20)}`;
}

const DIST = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('shopify orders export', () => {
  it('loads orders, lines, customers and returns field by field', async () => {
    const r = await load(ws, 'shopify', ['shopify/orders_export.csv']);
    expect(r.tables.map((t) => [t.table, t.read, t.loaded, t.quarantined])).toEqual([
      ['customers', 3, 3, 0],
      ['orders', 5, 5, 0],
      ['order_lines', 9, 9, 0],
      ['returns', 2, 2, 0],
    ]);
    const claire = customerKey('claire.dubois@example.fr');
    const marc = customerKey('marc@example.com');
    const lea = customerKey('lea.martin@example.org');
    expect(
      await rows(
        ws,
        `SELECT order_id, channel_id, location_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, status, currency,
           CAST(subtotal AS VARCHAR) AS sub, CAST(discount_total AS VARCHAR) AS disc, CAST(shipping_amount AS VARCHAR) AS ship,
           CAST(tax_total AS VARCHAR) AS tax, CAST(total AS VARCHAR) AS total, promo_code, payment_method, fulfilment
         FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      // 2 × 24.00 + 40.00 = 88.00 of items, SPRING10 takes 8.80: subtotal 79.20.
      {
        order_id: '#1001',
        channel_id: 'web',
        location_id: null,
        customer_id: claire,
        at: '2025-03-03 09:15:00+00',
        status: 'shipped',
        currency: 'EUR',
        sub: '79.20',
        disc: '8.80',
        ship: '5.90',
        tax: '17.02',
        total: '102.12',
        promo_code: 'SPRING10',
        payment_method: 'Shopify Payments',
        fulfilment: 'ship',
      },
      // Shopify POS: the store channel, carried out, no customer.
      {
        order_id: '#1002',
        channel_id: 'store',
        location_id: 'Paris Marais',
        customer_id: null,
        at: '2025-03-05 15:40:00+00',
        status: 'shipped',
        currency: 'EUR',
        sub: '19.50',
        disc: '0.00',
        ship: '0.00',
        tax: '3.90',
        total: '23.40',
        promo_code: null,
        payment_method: 'Cash',
        fulfilment: 'carry_out',
      },
      {
        order_id: '#1003',
        channel_id: 'web',
        location_id: null,
        customer_id: marc,
        at: '2025-03-06 08:00:00+00',
        status: 'cancelled',
        currency: 'EUR',
        sub: '37.00',
        disc: '0.00',
        ship: '5.90',
        tax: '8.58',
        total: '51.48',
        promo_code: null,
        payment_method: 'PayPal Express Checkout',
        fulfilment: 'ship',
      },
      {
        order_id: '#1004',
        channel_id: 'web',
        location_id: null,
        customer_id: lea,
        at: '2025-03-10 13:30:00+00',
        status: 'shipped',
        currency: 'EUR',
        sub: '40.00',
        disc: '0.00',
        ship: '0.00',
        tax: '8.00',
        total: '48.00',
        promo_code: null,
        payment_method: 'Shopify Payments',
        fulfilment: 'ship',
      },
      // CLAIRE.DUBOIS@… is Claire: one customer.
      {
        order_id: '#1005',
        channel_id: 'web',
        location_id: null,
        customer_id: claire,
        at: '2025-03-20 10:00:00+00',
        status: 'shipped',
        currency: 'EUR',
        sub: '85.00',
        disc: '5.00',
        ship: '5.90',
        tax: '18.18',
        total: '109.08',
        promo_code: 'WELCOME5',
        payment_method: 'Shopify Payments',
        fulfilment: 'ship',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity, CAST(unit_list_price AS VARCHAR) AS ulp, CAST(unit_price AS VARCHAR) AS up, CAST(discount_amount AS VARCHAR) AS disc FROM order_lines ORDER BY order_id, line_no`,
      ),
    ).toEqual([
      {
        order_id: '#1001',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 2,
        ulp: '24.0000',
        up: '21.6000',
        disc: '4.80',
      },
      {
        order_id: '#1001',
        line_no: 2,
        sku: 'DF-CED',
        quantity: 1,
        ulp: '40.0000',
        up: '36.0000',
        disc: '4.00',
      },
      {
        order_id: '#1002',
        line_no: 1,
        sku: 'SV-LAV',
        quantity: 3,
        ulp: '6.5000',
        up: '6.5000',
        disc: '0.00',
      },
      {
        order_id: '#1003',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 1,
        ulp: '24.0000',
        up: '24.0000',
        disc: '0.00',
      },
      {
        order_id: '#1003',
        line_no: 2,
        sku: 'SV-LAV',
        quantity: 2,
        ulp: '6.5000',
        up: '6.5000',
        disc: '0.00',
      },
      {
        order_id: '#1004',
        line_no: 1,
        sku: 'DF-CED',
        quantity: 1,
        ulp: '40.0000',
        up: '40.0000',
        disc: '0.00',
      },
      // WELCOME5 (5.00, no Lineitem discount) spread on 24 / 26 / 40: 1.33, 1.44 and the rest 2.23.
      {
        order_id: '#1005',
        line_no: 1,
        sku: 'BG-FIG',
        quantity: 1,
        ulp: '24.0000',
        up: '22.6700',
        disc: '1.33',
      },
      {
        order_id: '#1005',
        line_no: 2,
        sku: 'SV-LAV',
        quantity: 4,
        ulp: '6.5000',
        up: '6.1400',
        disc: '1.44',
      },
      {
        order_id: '#1005',
        line_no: 3,
        sku: 'DF-CED',
        quantity: 1,
        ulp: '40.0000',
        up: '37.7700',
        disc: '2.23',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT return_id, order_id, line_no, sku, quantity, CAST(refund_amount AS VARCHAR) AS refund, CAST(returned_at AS VARCHAR) AS at, reason FROM returns ORDER BY return_id`,
      ),
    ).toEqual([
      // Fully refunded: the line at its net value.
      {
        return_id: '#1004-R1',
        order_id: '#1004',
        line_no: 1,
        sku: 'DF-CED',
        quantity: 1,
        refund: '40.00',
        at: '2025-03-10 13:30:00+00',
        reason: 'refund (Shopify export)',
      },
      // 30.00 refunded, tax included: 30.00 × (109.08 − 18.18) / 109.08 = 25.00, on the line of highest value.
      {
        return_id: '#1005-R3',
        order_id: '#1005',
        line_no: 3,
        sku: 'DF-CED',
        quantity: 1,
        refund: '25.00',
        at: '2025-03-20 10:00:00+00',
        reason: 'partial refund (Shopify export: lines unknown)',
      },
    ]);
    const sha = (s: string) => saltedSha(ws, s);
    expect(
      await rows(
        ws,
        `SELECT customer_id, CAST(created_at AS VARCHAR) AS created, email_hash, phone_hash, region, country FROM customers ORDER BY created_at`,
      ),
    ).toEqual([
      {
        customer_id: claire,
        created: '2025-03-03 09:15:00+00',
        email_hash: sha('claire.dubois@example.fr'),
        phone_hash: sha('+33611223344'),
        region: 'Auvergne-Rhône-Alpes',
        country: 'FR',
      },
      {
        customer_id: marc,
        created: '2025-03-06 08:00:00+00',
        email_hash: sha('marc@example.com'),
        phone_hash: null,
        region: null,
        country: 'BE',
      },
      {
        customer_id: lea,
        created: '2025-03-10 13:30:00+00',
        email_hash: sha('lea.martin@example.org'),
        phone_hash: null,
        region: 'Île-de-France',
        country: 'FR',
      },
    ]);
  });

  it('net sales, orders and average order value equal the values computed by hand', async () => {
    await load(ws, 'shopify', ['shopify/orders_export.csv']);
    const res = await runQuery(
      {
        engine: ws.engine,
        dictionary: loadDictionary({ workspaceDir: ws.dir }),
        config: ws.config,
      },
      { kpis: ['net_sales', 'orders', 'aov'], from: '2025-03-01', to: '2025-03-31' },
    );
    // Valid orders #1001, #1002, #1004, #1005 (#1003 cancelled): 4.
    // Goods after discounts: 79.20 + 19.50 + 40.00 + 85.00 = 223.70; refunds 40.00 + 25.00 = 65.00.
    // Net sales 223.70 − 65.00 = 158.70; AOV 223.70 / 4 = 55.925.
    expect(res.rows[0]?.values).toEqual({ net_sales: 158.7, orders: 4, aov: 55.925 });
  });

  it.skipIf(!existsSync(DIST))(
    'vitrine ingest shopify, then vitrine query, from the command line',
    async () => {
      const dir = ws.dir;
      await ws.close();
      const ingested = await runCli([
        'ingest',
        'shopify',
        fixture('shopify/orders_export.csv'),
        '--workspace',
        dir,
      ]);
      expect(ingested.code, ingested.stderr).toBe(0);
      expect(ingested.stdout).toContain('order_lines: 9 = 9 + 0 + 0 + 0');
      const q = await runCli([
        'query',
        '--kpi',
        'net_sales,orders,aov',
        '--from',
        '2025-03-01',
        '--to',
        '2025-03-31',
        '--format',
        'json',
        '--workspace',
        dir,
      ]);
      expect(q.code, q.stderr).toBe(0);
      const out = JSON.parse(q.stdout) as Array<{ values: Record<string, number> }>;
      expect(out[0]?.values).toEqual({ net_sales: 158.7, orders: 4, aov: 55.925 });
      const again = await runCli([
        'ingest',
        'shopify',
        fixture('shopify/orders_export.csv'),
        '--workspace',
        dir,
        '--format',
        'json',
      ]);
      expect(JSON.parse(again.stdout)).toMatchObject({
        runId: null,
        files: [{ status: 'already loaded', previousRun: 1 }],
      });
      ws = await (await import('../../src/workspace/workspace.js')).openWorkspace(dir);
    },
  );

  it("prices including tax are brought to tax-excluded amounts with each order's rate", async () => {
    const r = await load(ws, 'shopify', ['shopify/orders_export_tax_included.csv'], {
      mapping: fixture('shopify/shopify-tax-included.yaml'),
    });
    expect(tableOf(r, 'orders')).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
    // Total 60.00 with 10.00 of tax: factor 50 / 60. Items 2 × 30.00 incl. → 25.00 excl.;
    // Subtotal 54.00 incl. (6.00 off) → 45.00; shipping 6.00 incl. → 5.00.
    expect(
      await rows(
        ws,
        `SELECT CAST(subtotal AS VARCHAR) AS sub, CAST(discount_total AS VARCHAR) AS disc, CAST(shipping_amount AS VARCHAR) AS ship, CAST(tax_total AS VARCHAR) AS tax, CAST(total AS VARCHAR) AS total, channel_id FROM orders`,
      ),
    ).toEqual([
      {
        sub: '45.00',
        disc: '5.00',
        ship: '5.00',
        tax: '10.00',
        total: '60.00',
        channel_id: 'eshop',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT CAST(unit_list_price AS VARCHAR) AS ulp, CAST(unit_price AS VARCHAR) AS up, CAST(discount_amount AS VARCHAR) AS disc FROM order_lines`,
      ),
    ).toEqual([{ ulp: '25.0000', up: '22.5000', disc: '5.00' }]);
  });

  it('quarantines a broken export: unknown currency, bad date, negative quantity, wrong subtotal, duplicates, a truncated line', async () => {
    const r = await load(ws, 'shopify', ['shopify/orders_export_broken.csv']);
    // Orders: 8 order blocks (#2005 twice): #2001 and #2005 loaded, its copy a duplicate, 5 refused.
    expect(tableOf(r, 'orders')).toEqual({
      read: 8,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 5,
      held: 0,
    });
    // Lines: 10 rows and the truncated one; the lines of refused orders are held.
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 11,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 8,
      held: 6,
    });
    const heldFor = (order: string, line: number) =>
      `order_id: order ${order} was refused (orders_export_broken.csv line ${line}); held until a valid one arrives`;
    expect(
      (await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.status, q.reason]),
    ).toEqual([
      [
        'orders',
        3,
        'open',
        "currency: unknown currency code ('EUX'); expected ISO 4217 such as EUR",
      ],
      ['order_lines', 3, 'held', heldFor('#2002', 3)],
      [
        'orders',
        4,
        'open',
        "ordered_at: not a timestamp ('02/04/2025 11:00'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      ['order_lines', 4, 'held', heldFor('#2003', 4)],
      ['orders', 5, 'open', 'Subtotal 40.00 exceeds the line items (33.50)'],
      ['order_lines', 5, 'held', heldFor('#2004', 5)],
      [
        'order_lines',
        6,
        'open',
        'quantity: -1 — a sale line needs a positive quantity; a negative quantity is a return (returns table)',
      ],
      ['orders', 8, 'open', 'Subtotal 60.00 exceeds the line items (50.00)'],
      ['order_lines', 8, 'held', heldFor('#2006', 8)],
      ['order_lines', 9, 'held', heldFor('#2006', 8)],
      ['orders', 11, 'open', 'Subtotal 30.50 exceeds the line items (24.00)'],
      ['order_lines', 11, 'held', heldFor('#2007', 11)],
      [
        'order_lines',
        12,
        'open',
        'unreadable line: 24 fields where the header has 53 (missing fields, or a truncated line)',
      ],
    ]);
    // Personal data: the raw text of the unreadable line (it holds an e-mail) is not kept.
    expect(await rows(ws, `SELECT record FROM _vitrine_quarantine WHERE line = 12`)).toEqual([
      { record: null },
    ]);
    expect(await rows(ws, 'SELECT order_id FROM orders ORDER BY 1')).toEqual([
      { order_id: '#2001' },
      { order_id: '#2005' },
    ]);
  });

  it('re-ingesting the export twice leaves every table unchanged, even when forced', async () => {
    await load(ws, 'shopify', ['shopify/orders_export.csv']);
    const before = await modelFingerprint(ws);
    const again = await load(ws, 'shopify', ['shopify/orders_export.csv']);
    expect(again.runId).toBeNull();
    const forced = await load(ws, 'shopify', ['shopify/orders_export.csv'], { force: true });
    expect(
      forced.tables.every((t) => t.loaded === 0 && t.updated === 0 && t.duplicates === t.read),
    ).toBe(true);
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
