import { describe, expect, it } from 'vitest';
import { identityReport } from '../../src/ingest/identity/identity-resolver.js';
import { qualityReport } from '../../src/ingest/quality/data-quality.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  fixture,
  linesWithoutCost,
  load,
  rows,
  saltedSha,
  workspacePerTest,
} from './ingest-helpers.js';

let ws: Workspace;
workspacePerTest((w) => (ws = w));

const sha = (s: string) => saltedSha(ws, s);

describe('identity resolution', () => {
  it('links the e-shop, the POS and the web to CRM customers, whatever the order of the loads', async () => {
    // The e-shop first: its customers are provisional until the CRM arrives.
    await load(ws, 'shopify', ['shopify/orders_export.csv']);
    const crm = await load(ws, 'customers', ['generic/crm-customers.csv']);
    expect(crm.identitiesMerged).toBe(2);
    await load(ws, 'pos', ['pos/item-sales.csv'], { mapping: fixture('pos/pos.yaml') });
    await load(ws, 'woocommerce', ['woocommerce/orders.json']);
    await load(ws, 'ga4', ['ga4/events_20250310.ndjson']);

    const lea = `shopify:${sha('lea.martin@example.org').slice(0, 20)}`;
    const guest = `woocommerce:${sha('guest@example.com').slice(0, 20)}`;
    expect(
      await rows(
        ws,
        `SELECT order_id, customer_id FROM orders WHERE customer_id IS NOT NULL ORDER BY order_id`,
      ),
    ).toEqual([
      { order_id: '#1001', customer_id: 'C1' },
      { order_id: '#1003', customer_id: 'C2' },
      { order_id: '#1004', customer_id: lea },
      { order_id: '#1005', customer_id: 'C1' },
      { order_id: '727', customer_id: 'C1' },
      { order_id: '728', customer_id: guest },
      { order_id: '729', customer_id: 'C1' },
      { order_id: 'T-9001', customer_id: 'C1' },
      // GA4's purchase: its user id is no account of the CRM.
      { order_id: 'T-GA-1', customer_id: 'ga4:U-77' },
    ]);
    // Claire's CRM record gained the phone the e-shop knew; it kept its own creation date.
    expect(
      await rows(
        ws,
        `SELECT customer_id, email_hash, phone_hash, loyalty_id, web_account_id, CAST(created_at AS VARCHAR) AS created FROM customers WHERE customer_id = 'C1'`,
      ),
    ).toEqual([
      {
        customer_id: 'C1',
        email_hash: sha('claire.dubois@example.fr'),
        phone_hash: sha('+33611223344'),
        loyalty_id: 'LOY-001',
        web_account_id: '26',
        created: '2024-06-01 10:00:00+00',
      },
    ]);
    expect(await rows(ws, `SELECT customer_id FROM customers ORDER BY customer_id`)).toEqual(
      ['C1', 'C2', 'C3', 'ga4:U-77', lea, guest].sort().map((customer_id) => ({ customer_id })),
    );
    const report = await identityReport(ws.engine);
    expect(report).toEqual({
      customers: 6,
      reference: 3,
      multiSource: 2,
      sources: [
        { source: 'ga4', seen: 1, matched: 0, matchRate: 0, byRule: {} },
        { source: 'pos', seen: 1, matched: 1, matchRate: 1, byRule: { loyalty_id: 1 } },
        { source: 'shopify', seen: 3, matched: 2, matchRate: 2 / 3, byRule: { email_hash: 2 } },
        {
          source: 'woocommerce',
          seen: 2,
          matched: 1,
          matchRate: 0.5,
          byRule: { web_account_id: 1 },
        },
      ],
    });
  });
});

describe('identity resolution of web analytics', () => {
  it("links GA4's user id to the CRM customer with that web account, and says which rule did", async () => {
    // customers.ndjson: C3 has web account U-77, the user id of GA4's purchase on 10 March.
    await load(ws, 'customers', ['generic/customers.ndjson']);
    const ga4 = await load(ws, 'ga4', ['ga4/events_20250310.ndjson']);
    expect(ga4.identitiesMerged).toBe(1);
    expect(await rows(ws, `SELECT order_id, customer_id FROM orders`)).toEqual([
      { order_id: 'T-GA-1', customer_id: 'C3' },
    ]);
    expect(
      await rows(ws, `SELECT session_id, customer_id FROM sessions WHERE customer_id IS NOT NULL`),
    ).toEqual([{ session_id: '1741590000.1234567.1001', customer_id: 'C3' }]);
    expect(
      await rows(ws, `SELECT count(*) AS n FROM customers WHERE customer_id = 'ga4:U-77'`),
    ).toEqual([{ n: 0 }]);
    expect(
      await rows(
        ws,
        `SELECT customer_key, customer_id, source, rule FROM _vitrine_identity_links ORDER BY customer_key`,
      ),
    ).toEqual([
      { customer_key: 'ga4:U-77', customer_id: 'C3', source: 'ga4', rule: 'web_account_id' },
    ]);
    expect((await identityReport(ws.engine)).sources).toEqual([
      { source: 'ga4', seen: 1, matched: 1, matchRate: 1, byRule: { web_account_id: 1 } },
    ]);
  });
});

describe('data-quality report', () => {
  it('reports freshness, completeness, duplicates, orphans, quarantine, catalogue errors and the KPIs at risk', async () => {
    await load(ws, 'shopify', ['shopify/orders_export.csv']);
    await load(ws, 'orders', ['generic/orders-broken.csv']);
    await load(ws, 'products', ['generic/products-latin1.csv']);
    const r = await qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
      today: '2025-04-10',
      timeZone: ws.config.timezone,
    });
    const orders = r.tables.find((t) => t.table === 'orders');
    // 7 orders (5 Shopify, B1 and B5); the latest, B5, on 3 April.
    expect(orders).toMatchObject({
      rows: 7,
      latest: '2025-04-03',
      ageDays: 7,
      stale: true,
      quarantined: { open: 9, held: 0 },
    });
    // Optional columns filled: location 1, customer 4, session 0, promo 2, campaign 0, payment 5,
    // fulfilment 5, promised 0 → 17 of 8 × 7 = 56.
    expect(orders?.completeness).toBeCloseTo(17 / 56, 10);
    // Duplicates: the copy of B5 among the 5 + 12 records read.
    expect(orders?.duplicateRate).toBeCloseTo(1 / 17, 10);
    expect(orders?.orphans).toEqual([
      { column: 'channel_id', references: 'channels.channel_id', rows: 7 },
      { column: 'location_id', references: 'locations.location_id', rows: 1 },
    ]);
    expect(r.tables.find((t) => t.table === 'order_lines')?.orphans).toEqual([
      { column: 'sku', references: 'products.sku', rows: 9 },
    ]);
    expect(r.catalogue).toEqual({
      products: 3,
      missingPrice: 0,
      missingCost: 0,
      missingCategory: 0,
      missingEan: 3,
      invalidEan: 0,
    });
    expect(r.sources.find((s) => s.source === 'shopify' && s.table === 'orders')).toMatchObject({
      latest: '2025-03-20',
      ageDays: 21,
      stale: true,
      read: 5,
    });
    const flag = r.kpis.find((k) => k.kpi === 'orders');
    expect(flag?.reasons).toEqual(
      expect.arrayContaining([
        'orders: latest data 2025-04-03, 7 days before 2025-04-10',
        'orders: 9 records in quarantine',
      ]),
    );
  });

  it('counts the catalogue errors: missing price, cost, category and EAN, and a wrong check digit', async () => {
    // K1 complete (EAN …7891, check digit 1, right); K2 without a price; K3 without a cost nor
    // an EAN; K4 without a category, EAN …7920 (3+21+0+3+2+9+4+15+6+21+9+6 = 99: check digit
    // 1, not 0).
    await load(ws, 'products', ['generic/products-incomplete.csv']);
    const r = await qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
      today: '2025-04-10',
      timeZone: 'Europe/Paris',
    });
    expect(r.catalogue).toEqual({
      products: 4,
      missingPrice: 1,
      missingCost: 1,
      missingCategory: 1,
      missingEan: 1,
      invalidEan: 1,
    });
  });

  it('flags invalid EAN check digits', async () => {
    await load(ws, 'mapping', ['mapping/catalogue-fournisseur.csv'], {
      mapping: fixture('mapping/catalogue.yaml'),
    });
    const check = () =>
      qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
        today: '2025-04-10',
        timeZone: 'Europe/Paris',
      });
    // 370123456789: 3+21+0+3+2+9+4+15+6+21+8+27 = 119, check digit 1, so …7890 is wrong.
    // 370123456790: 3+21+0+3+2+9+4+15+6+21+9+0 = 93, check digit 7, so …7906 is wrong.
    expect((await check()).catalogue).toMatchObject({ products: 2, invalidEan: 2, missingEan: 0 });
    await ws.engine.run(`UPDATE products SET ean = '3701234567891' WHERE sku = 'BG-FIG'`);
    expect((await check()).catalogue).toMatchObject({ products: 2, invalidEan: 1, missingEan: 0 });
  });
});

describe('data-quality report: KPIs made incomplete by empty columns', () => {
  const check = (incompleteAbove?: number) =>
    qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
      today: '2025-03-13',
      timeZone: 'Europe/Paris',
      ...(incompleteAbove === undefined ? {} : { incompleteAbove }),
    });

  it('flags gross margin when 3 of 10 order lines have no unit cost, with the rate and the threshold', async () => {
    await load(ws, 'orders', ['generic/orders.csv']);
    await load(ws, 'order_lines', [linesWithoutCost()]);
    const r = await check();
    expect(r.incompleteAbove).toBe(0.05);
    const lines = r.tables.find((t) => t.table === 'order_lines');
    // Optional columns of order_lines: unit_cost (7 of 10), tax_amount (10), promotion_id (0).
    expect(lines?.columns).toEqual([
      { column: 'unit_cost', filled: 0.7, empty: 3 },
      { column: 'tax_amount', filled: 1, empty: 0 },
      { column: 'promotion_id', filled: 0, empty: 10 },
    ]);
    const unitCost = {
      table: 'order_lines',
      column: 'unit_cost',
      role: 'value',
      rows: 10,
      empty: 3,
      emptyRate: 0.3,
      threshold: 0.05,
    };
    const margin = r.kpis.find((k) => k.kpi === 'gross_margin');
    // gross_margin = net_sales − net_cogs; net_cogs = cogs − returned_cogs; cogs reads the cost.
    expect(margin?.incomplete).toEqual([{ ...unitCost, via: 'cogs' }]);
    expect(margin?.reasons).toContain(
      'order_lines.unit_cost: empty in 3 of 10 rows (30.0 %, above 5.0 %), read through cogs',
    );
    expect(r.kpis.find((k) => k.kpi === 'cogs')?.incomplete).toEqual([
      { ...unitCost, via: 'cogs' },
    ]);
    // Net sales reads no cost; the empty promotion ids (no promotion) make nothing incomplete.
    expect(r.kpis.find((k) => k.kpi === 'net_sales')?.incomplete ?? []).toEqual([]);
    expect(r.kpis.flatMap((k) => k.incomplete).filter((i) => i.column !== 'unit_cost')).toEqual([]);
  });

  it('flags nothing when the empty share is not above the threshold (30 % against 30 %)', async () => {
    await load(ws, 'orders', ['generic/orders.csv']);
    await load(ws, 'order_lines', [linesWithoutCost()]);
    const r = await check(0.3);
    expect(r.kpis.flatMap((k) => k.incomplete)).toEqual([]);
    const strict = await check(0.29);
    expect(strict.kpis.find((k) => k.kpi === 'gross_margin')?.incomplete).toHaveLength(1);
  });

  it('flags the KPIs split by category when products have no category', async () => {
    // K1..K4, K4 without a category: 1 of 4 = 25 %; K2 has no list price (25 %).
    await load(ws, 'products', ['generic/products-incomplete.csv']);
    const r = await check();
    expect(r.kpis.find((k) => k.kpi === 'margin_by_category')?.incomplete).toEqual([
      {
        table: 'products',
        column: 'category',
        role: 'dimension',
        via: 'margin_by_category',
        rows: 4,
        empty: 1,
        emptyRate: 0.25,
        threshold: 0.05,
      },
    ]);
    expect(r.kpis.find((k) => k.kpi === 'margin_by_category')?.reasons).toContain(
      'products.category: empty in 1 of 4 rows (25.0 %, above 5.0 %)',
    );
    // Net sales is split by nothing and reads no product column.
    expect(r.kpis.find((k) => k.kpi === 'net_sales')?.incomplete ?? []).toEqual([]);
  });
});
