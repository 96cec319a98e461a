import { describe, expect, it } from 'vitest';
import type { IngestRequest } from '../../src/ingest/ingest-runner.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { fixture, load, modelFingerprint, workspacePerTest } from './ingest-helpers.js';

// Re-ingesting any fixture — clean or broken — leaves every model table exactly as it was (the
// fingerprint hashes every row of every table, not a count). Twice: the load log skips the same
// content; then forced, every record is read again and must merge as a known duplicate.

let ws: Workspace;
workspacePerTest((w) => (ws = w));

interface Case {
  readonly source: string;
  readonly files: readonly string[];
  readonly extra?: Partial<IngestRequest>;
  /** Loads that come first (parents the fixture's records refer to). */
  readonly before?: ReadonlyArray<{ source: string; files: readonly string[] }>;
}

const pos = { mapping: fixture('pos/pos.yaml') };
const withOrders = [{ source: 'orders', files: ['generic/orders.csv'] }];
const MAGENTO = ['magento/sales_order.csv', 'magento/sales_order_item.csv'];

const CASES: Record<string, Case> = {
  'generic orders.csv': { source: 'orders', files: ['generic/orders.csv'] },
  'generic orders-broken.csv': { source: 'orders', files: ['generic/orders-broken.csv'] },
  'generic orders-updated.csv': {
    source: 'orders',
    files: ['generic/orders-updated.csv'],
    before: withOrders,
  },
  'generic orders-local-times.csv': {
    source: 'orders',
    files: ['generic/orders-local-times.csv'],
    extra: { parse: { timestampFormat: '%d/%m/%Y %H:%M', timeZone: 'Europe/Paris' } },
  },
  'generic orders.parquet': { source: 'orders', files: ['generic/orders.parquet'] },
  'generic orders-broken.parquet': { source: 'orders', files: ['generic/orders-broken.parquet'] },
  'generic orders-broken.ndjson': { source: 'orders', files: ['generic/orders-broken.ndjson'] },
  'generic order_lines.csv': {
    source: 'order_lines',
    files: ['generic/order_lines.csv'],
    before: withOrders,
  },
  'generic order_lines-broken.csv (a held line)': {
    source: 'order_lines',
    files: ['generic/order_lines-broken.csv'],
    before: withOrders,
  },
  'generic order_lines-multiline.csv': {
    source: 'order_lines',
    files: ['generic/order_lines-multiline.csv'],
    before: withOrders,
  },
  'generic customers.ndjson': { source: 'customers', files: ['generic/customers.ndjson'] },
  'generic crm-customers.csv': { source: 'customers', files: ['generic/crm-customers.csv'] },
  'generic products-latin1.csv': { source: 'products', files: ['generic/products-latin1.csv'] },
  'generic products-bad-values.csv': {
    source: 'products',
    files: ['generic/products-bad-values.csv'],
  },
  'generic products-mixed-encoding.csv': {
    source: 'products',
    files: ['generic/products-mixed-encoding.csv'],
  },
  'generic targets.csv then targets-revised.csv': {
    source: 'targets',
    files: ['generic/targets-revised.csv'],
    before: [{ source: 'targets', files: ['generic/targets.csv'] }],
  },
  'model directory': { source: 'model', files: ['generic/model'] },
  'shopify orders_export.csv': { source: 'shopify', files: ['shopify/orders_export.csv'] },
  'shopify orders_export_broken.csv': {
    source: 'shopify',
    files: ['shopify/orders_export_broken.csv'],
  },
  'shopify orders_export_bad_bytes.csv': {
    source: 'shopify',
    files: ['shopify/orders_export_bad_bytes.csv'],
  },
  'shopify tax included': {
    source: 'shopify',
    files: ['shopify/orders_export_tax_included.csv'],
    extra: { mapping: fixture('shopify/shopify-tax-included.yaml') },
  },
  'woocommerce orders.json': { source: 'woocommerce', files: ['woocommerce/orders.json'] },
  'woocommerce orders_broken.json': {
    source: 'woocommerce',
    files: ['woocommerce/orders_broken.json'],
  },
  'woocommerce orders_broken_more.json': {
    source: 'woocommerce',
    files: ['woocommerce/orders_broken_more.json'],
  },
  'magento export': { source: 'magento', files: MAGENTO },
  'magento broken export': {
    source: 'magento',
    files: ['magento/sales_order_broken.csv', 'magento/sales_order_item_broken.csv'],
  },
  'magento bad values': {
    source: 'magento',
    files: ['magento/sales_order_bad_values.csv', 'magento/sales_order_item_bad_values.csv'],
  },
  'pos item-sales.csv': { source: 'pos', files: ['pos/item-sales.csv'], extra: pos },
  'pos broken Latin-1': {
    source: 'pos',
    files: ['pos/item-sales-broken-latin1.csv'],
    extra: pos,
  },
  'pos broken UTF-8': { source: 'pos', files: ['pos/item-sales-broken-utf8.csv'], extra: pos },
  'pos overlapping exports': {
    source: 'pos',
    files: ['pos/item-sales.csv', 'pos/item-sales-overlap.csv'],
    extra: pos,
  },
  'ga4 two days (NDJSON and Parquet)': {
    source: 'ga4',
    files: ['ga4/events_20250310.ndjson', 'ga4/events_20250311.parquet'],
  },
  'ga4 a rewritten day': {
    source: 'ga4',
    files: ['ga4/events_20250310_rewritten.ndjson'],
    before: [{ source: 'ga4', files: ['ga4/events_20250310.ndjson'] }],
  },
  'ga4 broken 12 March': { source: 'ga4', files: ['ga4/events_20250312_broken.ndjson'] },
  'ga4 broken 13 March': { source: 'ga4', files: ['ga4/events_20250313_broken.ndjson'] },
  'mapping catalogue': {
    source: 'mapping',
    files: ['mapping/catalogue-fournisseur.csv'],
    extra: { mapping: fixture('mapping/catalogue.yaml') },
  },
  'mapping flat orders': {
    source: 'mapping',
    files: ['mapping/flat-orders.csv'],
    extra: { mapping: fixture('mapping/flat-orders.yaml') },
  },
  'mapping broken flat orders': {
    source: 'mapping',
    files: ['mapping/flat-orders-broken.csv'],
    extra: { mapping: fixture('mapping/flat-orders-devise.yaml') },
  },
};

describe('re-ingesting any fixture leaves every table unchanged', () => {
  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    for (const b of c.before ?? []) await load(ws, b.source, [...b.files]);
    const first = await load(ws, c.source, [...c.files], c.extra);
    expect(first.runId).not.toBeNull();
    const before = await modelFingerprint(ws);

    const again = await load(ws, c.source, [...c.files], c.extra);
    expect(again.runId).toBeNull();
    expect(again.files.every((f) => f.status === 'already loaded')).toBe(true);
    expect(await modelFingerprint(ws)).toEqual(before);

    const forced = await load(ws, c.source, [...c.files], { ...c.extra, force: true });
    for (const t of forced.tables) {
      expect({ table: t.table, loaded: t.loaded, updated: t.updated, removed: t.removed }).toEqual({
        table: t.table,
        loaded: 0,
        updated: 0,
        removed: 0,
      });
    }
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
