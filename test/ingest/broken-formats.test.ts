import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest-runner.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  fixture,
  load,
  quarantined,
  rows,
  tableOf,
  workspaceFingerprint,
  workspacePerTest,
} from './ingest-helpers.js';

// Broken files of every format: bad dates, missing columns, duplicate orders, negative
// quantities, unknown currencies, a truncated last line and bytes in the wrong encoding. Each
// test names what the fixture holds line by line; `load` checks read = loaded + updated +
// duplicates + quarantined for every table.

let ws: Workspace;
workspacePerTest((w) => (ws = w));

const NOT_UTF8 =
  'unreadable line: bytes that are not valid UTF-8 (a Latin-1 file? use --encoding latin-1)';
const NEGATIVE = (q: number) =>
  `quantity: ${q} — a sale line needs a positive quantity; a negative quantity is a return (returns table)`;
const DUPLICATE = (key: string) =>
  `duplicate key (order_id=${key}) appears 2 times in this load with different values; none was loaded`;
const held = (order: string, file: string, line: number) =>
  `order_id: order ${order} was refused (${file} line ${line}); held until a valid one arrives`;

/** A refused file leaves the workspace as it was, and says which file and column. */
async function refused(source: string, paths: string[], message: RegExp, mapping?: string) {
  const before = await workspaceFingerprint(ws);
  await expect(
    ingest(ws, {
      source,
      paths: paths.map(fixture),
      ...(mapping ? { mapping: fixture(mapping) } : {}),
    }),
  ).rejects.toThrow(message);
  expect(await workspaceFingerprint(ws)).toEqual(before);
}

describe('generic NDJSON and Parquet', () => {
  it('NDJSON: a bad date, an unknown currency, a conflicting duplicate, an exact copy, Latin-1 bytes, a cut-off last line', async () => {
    const r = await load(ws, 'orders', ['generic/orders-broken.ndjson']);
    // Lines: N1 good; N2 31 April; N3 XYZ; N4 twice with other amounts; N5 twice, identical;
    // N6 with Latin-1 bytes in a file whose other text is UTF-8 (Ë); N7 cut off without a line feed.
    expect(tableOf(r, 'orders')).toEqual({
      read: 9,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 6,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.file, q.line, q.reason])).toEqual([
      [
        'orders-broken.ndjson',
        2,
        "ordered_at: not a timestamp ('2025-04-31T10:00:00Z'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      [
        'orders-broken.ndjson',
        3,
        "currency: unknown currency code ('XYZ'); expected ISO 4217 such as EUR",
      ],
      ['orders-broken.ndjson', 4, DUPLICATE('N4')],
      ['orders-broken.ndjson', 5, DUPLICATE('N4')],
      ['orders-broken.ndjson', 8, NOT_UTF8],
      ['orders-broken.ndjson', 9, 'the last line is cut off: not valid JSON (a truncated file?)'],
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, channel_id, status, CAST(total AS VARCHAR) AS total, promo_code FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      { order_id: 'N1', channel_id: 'web', status: 'paid', total: '12.00', promo_code: null },
      {
        order_id: 'N5',
        channel_id: 'store',
        status: 'delivered',
        total: '9.60',
        promo_code: 'NOËL',
      },
    ]);
  });

  it('Parquet: a bad date, an unknown currency, a conflicting duplicate, a negative amount, a wrong total', async () => {
    const r = await load(ws, 'orders', ['generic/orders-broken.parquet']);
    // Rows (the line of a Parquet record is its row number): P1 good; P2 29 February 2025;
    // P3 ABC; P4 twice, on two channels; P5 shipping −1.00; P6 twice, identical; P7 total
    // 10.60 where 8.00 + 0.00 + 1.60 = 9.60.
    expect(tableOf(r, 'orders')).toEqual({
      read: 9,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 6,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [
        2,
        "ordered_at: not a timestamp ('2025-02-29T10:00:00Z'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      [3, "currency: unknown currency code ('ABC'); expected ISO 4217 such as EUR"],
      [4, DUPLICATE('P4')],
      [5, DUPLICATE('P4')],
      [6, 'shipping_amount: -1.00 is below the minimum 0'],
      [9, 'total: 10.60 differs from subtotal + shipping_amount + tax_total = 9.60'],
    ]);
    expect(await rows(ws, `SELECT order_id, currency FROM orders ORDER BY order_id`)).toEqual([
      { order_id: 'P1', currency: 'EUR' },
      { order_id: 'P6', currency: 'EUR' },
    ]);
  });

  it('Parquet: a file without a required column, or cut off, is refused whole and writes nothing', async () => {
    await refused(
      'orders',
      ['generic/orders-missing-column.parquet'],
      /orders-missing-column\.parquet: field currency: required column "currency" of orders is missing/,
    );
    await refused(
      'orders',
      ['generic/orders-truncated.parquet'],
      /orders-truncated\.parquet: not a readable Parquet file \(truncated, or not Parquet\)/,
    );
  });
});

describe('shopify', () => {
  it('refuses an export missing a column it needs, naming file, line and column', async () => {
    await refused(
      'shopify',
      ['shopify/orders_export_missing_column.csv'],
      /orders_export_missing_column\.csv: line 1: field Lineitem quantity: column "Lineitem quantity" of the Shopify orders export is missing/,
    );
  });

  it('quarantines a line with Latin-1 bytes in a UTF-8 export', async () => {
    const r = await load(ws, 'shopify', ['shopify/orders_export_bad_bytes.csv']);
    // #1001 (two lines, "Diffuseur Cèdre" in UTF-8) loads; #1002's only line has "Savon été"
    // in Latin-1: the line, and the order it opened, cannot be read.
    expect(tableOf(r, 'orders')).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      ['order_lines', 4, NOT_UTF8],
    ]);
    expect(
      await rows(ws, `SELECT order_id, line_no, sku FROM order_lines ORDER BY order_id, line_no`),
    ).toEqual([
      { order_id: '#1001', line_no: 1, sku: 'BG-FIG' },
      { order_id: '#1001', line_no: 2, sku: 'DF-CED' },
    ]);
  });
});

describe('woocommerce', () => {
  it('quarantines a bad date, a conflicting duplicate, a missing date and a record with Latin-1 bytes', async () => {
    const r = await load(ws, 'woocommerce', ['woocommerce/orders_broken_more.json']);
    // Records start on lines 2 (901 good), 8 (902, 31 April), 14 and 20 (903 twice, processing
    // then completed), 26 (904 without date_created_gmt), 32 (905, billing city in Latin-1).
    expect(tableOf(r, 'orders')).toEqual({
      read: 6,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 5,
      held: 0,
    });
    // One item per record, 905's unread: the two copies of 903's item are the same line.
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 5,
      loaded: 1,
      updated: 0,
      duplicates: 1,
      quarantined: 3,
      held: 3,
    });
    const F = 'orders_broken_more.json';
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      [
        'orders',
        8,
        "ordered_at: not a timestamp ('2025-04-31T10:00:00Z'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      ['order_lines', 8, held('902', F, 8)],
      ['orders', 14, DUPLICATE('903')],
      ['order_lines', 14, held('903', F, 14)],
      ['orders', 20, DUPLICATE('903')],
      ['orders', 26, 'ordered_at: required value missing'],
      ['order_lines', 26, held('904', F, 26)],
      ['orders', 32, 'bytes that are not valid UTF-8 (JSON must be UTF-8)'],
    ]);
    expect(await rows(ws, `SELECT order_id FROM orders`)).toEqual([{ order_id: '901' }]);
  });
});

describe('magento', () => {
  const BAD = ['magento/sales_order_bad_values.csv', 'magento/sales_order_item_bad_values.csv'];

  it('quarantines bad dates, duplicates, unknown currencies, negative quantities, Latin-1 bytes and a cut-off line', async () => {
    const r = await load(ws, 'magento', BAD);
    // Orders file: 301 good; 302 31 April; 303 twice (processing, then complete); 304 ZZZ; 305
    // whose item has qty −1; 306 whose item line is Latin-1 in a UTF-8 file ("Cèdre"); 307
    // whose item line is cut off.
    expect(tableOf(r, 'orders')).toEqual({
      read: 8,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 7,
      held: 0,
    });
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 7,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 6,
      held: 3,
    });
    const O = 'sales_order_bad_values.csv';
    const I = 'sales_order_item_bad_values.csv';
    const noItem =
      'no item of this order could be read from the sales_order_item file of this load';
    expect((await quarantined(ws, r.runId)).map((q) => [q.file, q.line, q.reason])).toEqual([
      [
        O,
        3,
        "ordered_at: not a timestamp ('2025-04-31 10:00:00'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      [I, 3, held('000000302', O, 3)],
      [O, 4, DUPLICATE('000000303')],
      [I, 4, held('000000303', O, 4)],
      [O, 5, DUPLICATE('000000303')],
      [I, 5, held('000000304', O, 6)],
      [O, 6, "currency: unknown currency code ('ZZZ'); expected ISO 4217 such as EUR"],
      [I, 6, NEGATIVE(-1)],
      [O, 7, 'subtotal: 24.00 differs from its lines (0.00); 1 of its 1 lines refused'],
      [I, 7, NOT_UTF8],
      [O, 8, noItem],
      [
        I,
        8,
        'unreadable line: 9 fields where the header has 14 (missing fields, or a truncated line)',
      ],
      [O, 9, noItem],
    ]);
    expect(await rows(ws, `SELECT order_id FROM orders`)).toEqual([{ order_id: '000000301' }]);
  });

  it('refuses a sales_order export missing its currency column', async () => {
    await refused(
      'magento',
      ['magento/sales_order_missing_column.csv', 'magento/sales_order_item.csv'],
      /sales_order_missing_column\.csv: line 1: field order_currency_code: column "order_currency_code" of the sales_order export is missing/,
    );
  });
});

describe('pos', () => {
  const mapping = { mapping: fixture('pos/pos.yaml') };

  it('quarantines Latin-1 bytes in a UTF-8 till export and a cut-off last line', async () => {
    const r = await load(ws, 'pos', ['pos/item-sales-broken-utf8.csv'], mapping);
    // T-9201 (Diffuseur Cèdre, UTF-8) loads; T-9202's line is Latin-1; T-9203's is cut off.
    expect(tableOf(r, 'orders')).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 3, loaded: 1, quarantined: 2 });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [3, NOT_UTF8],
      [
        4,
        'unreadable line: 9 fields where the header has 17 (missing fields, or a truncated line)',
      ],
    ]);
    expect(
      await rows(
        ws,
        `SELECT o.order_id, o.location_id, CAST(o.total AS VARCHAR) AS total, l.sku FROM orders o JOIN order_lines l USING (order_id)`,
      ),
    ).toEqual([{ order_id: 'T-9201', location_id: 'L01', total: '48.00', sku: 'DF-CED' }]);
  });

  it('a ticket repeated by an overlapping export is a duplicate, not a second sale', async () => {
    const r = await load(ws, 'pos', ['pos/item-sales.csv', 'pos/item-sales-overlap.csv'], mapping);
    // item-sales.csv: T-9001 (2 lines + a refund), T-9002 (1 line). The overlap repeats T-9002
    // and adds T-9003.
    expect(tableOf(r, 'orders')).toEqual({
      read: 4,
      loaded: 3,
      updated: 0,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 5,
      loaded: 4,
      updated: 0,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(
      await rows(ws, `SELECT order_id, count(*) AS n FROM order_lines GROUP BY 1 ORDER BY 1`),
    ).toEqual([
      { order_id: 'T-9001', n: 2 },
      { order_id: 'T-9002', n: 1 },
      { order_id: 'T-9003', n: 1 },
    ]);
  });

  it('a till set to an unknown currency has every ticket refused, its lines held', async () => {
    const r = await load(ws, 'pos', ['pos/item-sales.csv'], {
      mapping: fixture('pos/pos-unknown-currency.yaml'),
    });
    expect(tableOf(r, 'orders')).toMatchObject({ read: 2, loaded: 0, quarantined: 2 });
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 3, loaded: 0, held: 3 });
    expect(tableOf(r, 'returns')).toMatchObject({ read: 1, loaded: 0, held: 1 });
    const reasons = (await quarantined(ws, r.runId, 'orders')).map((q) => [q.line, q.reason]);
    expect(reasons).toEqual([
      [2, "currency: unknown currency code ('EUX'); expected ISO 4217 such as EUR"],
      [4, "currency: unknown currency code ('EUX'); expected ISO 4217 such as EUR"],
    ]);
  });

  it('refuses an export missing its Net Sales column', async () => {
    await refused(
      'pos',
      ['pos/item-sales-missing-column.csv'],
      /item-sales-missing-column\.csv: line 1: field Net Sales: column "Net Sales" of the item-sales export is missing/,
      'pos/pos.yaml',
    );
  });
});

describe('ga4', () => {
  it('quarantines a bad event_date, an unknown currency, a negative item quantity, Latin-1 bytes, a cut-off line; an exact copy is a duplicate', async () => {
    const r = await load(ws, 'ga4', ['ga4/events_20250313_broken.ndjson']);
    // Session 1005 on 13 March: session_start, page_view, the same page_view again (exported
    // twice), a page_view dated '2025-03-13', a purchase in 'EURO', a purchase of −1 soap, a
    // page_view with Latin-1 bytes (the file's city, Besançon, is UTF-8), a cut-off line.
    expect(tableOf(r, 'web_events')).toEqual({
      read: 7,
      loaded: 3,
      updated: 0,
      duplicates: 1,
      quarantined: 3,
      held: 0,
    });
    expect(tableOf(r, 'orders')).toMatchObject({ read: 2, loaded: 0, quarantined: 2 });
    const F = 'events_20250313_broken.ndjson';
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      ['web_events', 4, "event_date: not YYYYMMDD ('2025-03-13')"],
      ['orders', 5, "currency: unknown currency code ('EURO'); expected ISO 4217 such as EUR"],
      ['order_lines', 5, held('T-GA-9', F, 5)],
      ['orders', 6, 'subtotal: -6.50 differs from its lines (0.00); 1 of its 1 lines refused'],
      ['order_lines', 6, NEGATIVE(-1)],
      ['web_events', 7, NOT_UTF8],
      ['web_events', 8, 'the last line is cut off: not a JSON object (a truncated file?)'],
    ]);
    // The copy is not a second page view.
    expect(await rows(ws, `SELECT pageviews FROM sessions`)).toEqual([{ pageviews: 1 }]);
    expect(await rows(ws, `SELECT event_no, event_name FROM web_events ORDER BY event_no`)).toEqual(
      [
        { event_no: 1, event_name: 'page_view' },
        { event_no: 2, event_name: 'purchase' },
        { event_no: 3, event_name: 'purchase' },
      ],
    );
  });
});

describe('mapping', () => {
  it('quarantines a bad date, an unknown currency, a negative quantity, a conflicting duplicate, Latin-1 bytes, a cut-off line', async () => {
    const r = await load(ws, 'mapping', ['mapping/flat-orders-broken.csv'], {
      mapping: fixture('mapping/flat-orders-devise.yaml'),
    });
    // C-601 good; C-602 on 31/02; C-603 in EUX; C-604 with −1 soap; C-605 twice (web, then
    // store); C-606 with Latin-1 bytes (the header's N° is UTF-8); C-607 cut off.
    expect(tableOf(r, 'orders')).toEqual({
      read: 6,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 5,
      held: 0,
    });
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 8,
      loaded: 1,
      updated: 0,
      duplicates: 1,
      quarantined: 6,
      held: 3,
    });
    const F = 'flat-orders-broken.csv';
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      [
        'orders',
        3,
        "Date + Heure: not in the format %d/%m/%Y %H:%M ('31/02/2025 09:30'); ordered_at: not a timestamp ('31/02/2025 09:30'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
      ],
      ['order_lines', 3, held('C-602', F, 3)],
      ['orders', 4, "currency: unknown currency code ('EUX'); expected ISO 4217 such as EUR"],
      ['order_lines', 4, held('C-603', F, 4)],
      ['orders', 5, 'tax_total: -1.30 is below the minimum 0'],
      ['order_lines', 5, NEGATIVE(-1)],
      ['orders', 6, DUPLICATE('C-605')],
      ['order_lines', 6, held('C-605', F, 6)],
      ['orders', 7, DUPLICATE('C-605')],
      ['order_lines', 8, NOT_UTF8],
      [
        'order_lines',
        9,
        'unreadable line: 8 fields where the header has 17 (missing fields, or a truncated line)',
      ],
    ]);
    expect(await rows(ws, `SELECT order_id, currency FROM orders`)).toEqual([
      { order_id: 'C-601', currency: 'EUR' },
    ]);
  });
});
