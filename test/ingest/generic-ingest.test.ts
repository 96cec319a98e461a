import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest-runner.js';
import { INTERNAL } from '../../src/ingest/internal-tables.js';
import { heldReferences } from '../../src/ingest/validate/reference-rules.js';
import { TABLES } from '../../src/model/tables.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  fixture,
  load,
  modelFingerprint,
  quarantined,
  rows,
  saltedSha,
  tableOf,
  workspaceFingerprint,
  workspacePerTest,
} from './ingest-helpers.js';

let ws: Workspace;
workspacePerTest((w) => (ws = w));

const G = (f: string) => `generic/${f}`;

describe('generic import: clean files', () => {
  it('loads orders.csv field by field', async () => {
    const r = await load(ws, 'orders', [G('orders.csv')]);
    expect(tableOf(r, 'orders')).toEqual({
      read: 4,
      loaded: 4,
      updated: 0,
      duplicates: 0,
      quarantined: 0,
      held: 0,
    });
    const got = await rows(
      ws,
      `SELECT order_id, channel_id, location_id, customer_id, CAST(ordered_at AS VARCHAR) AS ordered_at, status, currency,
         CAST(subtotal AS VARCHAR) AS subtotal, CAST(discount_total AS VARCHAR) AS discount_total,
         CAST(shipping_amount AS VARCHAR) AS shipping_amount, CAST(tax_total AS VARCHAR) AS tax_total,
         CAST(total AS VARCHAR) AS total, promo_code, payment_method, fulfilment,
         CAST(promised_delivery_at AS VARCHAR) AS promised
       FROM orders ORDER BY order_id`,
    );
    expect(got).toEqual([
      {
        order_id: 'G1001',
        channel_id: 'web',
        location_id: null,
        customer_id: 'C1',
        ordered_at: '2025-03-10 09:15:00+00',
        status: 'paid',
        currency: 'EUR',
        subtotal: '54.00',
        discount_total: '6.00',
        shipping_amount: '4.90',
        tax_total: '10.80',
        total: '69.70',
        // A quoted field keeps its delimiter.
        promo_code: 'SPRING,10',
        payment_method: 'card',
        fulfilment: 'ship',
        promised: '2025-03-13 18:00:00+00',
      },
      {
        order_id: 'G1002',
        channel_id: 'store',
        location_id: 'L01',
        customer_id: null,
        // 14:02 at +01:00 is 13:02 UTC.
        ordered_at: '2025-03-10 13:02:00+00',
        status: 'delivered',
        currency: 'EUR',
        subtotal: '19.90',
        discount_total: '0.00',
        shipping_amount: '0.00',
        tax_total: '3.98',
        total: '23.88',
        promo_code: null,
        payment_method: 'cash',
        fulfilment: 'carry_out',
        promised: null,
      },
      {
        order_id: 'G1003',
        channel_id: 'web',
        location_id: null,
        customer_id: 'C2',
        ordered_at: '2025-03-11 20:40:00+00',
        status: 'cancelled',
        currency: 'EUR',
        subtotal: '30.00',
        discount_total: '0.00',
        shipping_amount: '0.00',
        tax_total: '6.00',
        total: '36.00',
        promo_code: null,
        payment_method: 'paypal',
        fulfilment: 'ship',
        promised: null,
      },
      {
        order_id: 'G1004',
        channel_id: 'app',
        location_id: null,
        customer_id: 'C1',
        ordered_at: '2025-03-12 07:05:30+00',
        status: 'shipped',
        currency: 'USD',
        subtotal: '100.00',
        discount_total: '0.00',
        shipping_amount: '5.00',
        tax_total: '0.00',
        total: '105.00',
        promo_code: null,
        payment_method: 'card',
        fulfilment: 'ship',
        promised: null,
      },
    ]);
    const stored = await rows(
      ws,
      `SELECT read, loaded, updated, duplicates, quarantined FROM ${INTERNAL.runTables} WHERE run_id = ${r.runId} AND table_name = 'orders'`,
    );
    expect(stored).toEqual([{ read: 4, loaded: 4, updated: 0, duplicates: 0, quarantined: 0 }]);
  });

  it('loads order lines, and re-ingesting the same file is a no-op', async () => {
    await load(ws, 'orders', [G('orders.csv')]);
    const r = await load(ws, 'order_lines', [G('order_lines.csv')]);
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 5, loaded: 5, quarantined: 0 });
    const got = await rows(
      ws,
      `SELECT order_id, line_no, sku, quantity, CAST(unit_list_price AS VARCHAR) AS ulp, CAST(unit_price AS VARCHAR) AS up,
         CAST(discount_amount AS VARCHAR) AS disc, CAST(unit_cost AS VARCHAR) AS cost, CAST(tax_amount AS VARCHAR) AS tax, promotion_id
       FROM order_lines ORDER BY order_id, line_no`,
    );
    expect(got).toEqual([
      {
        order_id: 'G1001',
        line_no: 1,
        sku: 'SKU-A',
        quantity: 2,
        ulp: '15.0000',
        up: '12.0000',
        disc: '6.00',
        cost: '7.5000',
        tax: '4.80',
        promotion_id: null,
      },
      {
        order_id: 'G1001',
        line_no: 2,
        sku: 'SKU-B',
        quantity: 1,
        ulp: '30.0000',
        up: '30.0000',
        disc: '0.00',
        cost: '14.0000',
        tax: '6.00',
        promotion_id: null,
      },
      {
        order_id: 'G1002',
        line_no: 1,
        sku: 'SKU-C',
        quantity: 1,
        ulp: '19.9000',
        up: '19.9000',
        disc: '0.00',
        cost: '8.0000',
        tax: '3.98',
        promotion_id: null,
      },
      {
        order_id: 'G1003',
        line_no: 1,
        sku: 'SKU-A',
        quantity: 2,
        ulp: '15.0000',
        up: '15.0000',
        disc: '0.00',
        cost: '7.5000',
        tax: '6.00',
        promotion_id: null,
      },
      {
        order_id: 'G1004',
        line_no: 1,
        sku: 'SKU-D',
        quantity: 4,
        ulp: '25.0000',
        up: '25.0000',
        disc: '0.00',
        cost: '11.0000',
        tax: '0.00',
        promotion_id: null,
      },
    ]);
    const before = await workspaceFingerprint(ws);
    const again = await load(ws, 'order_lines', [G('order_lines.csv')]);
    expect(again.runId).toBeNull();
    expect(again.files[0]).toMatchObject({ status: 'already loaded', previousRun: r.runId });
    expect(await workspaceFingerprint(ws)).toEqual(before);
  });

  it('re-reading a file with --force changes nothing: every record is a known duplicate', async () => {
    await load(ws, 'orders', [G('orders.csv')]);
    const before = await modelFingerprint(ws);
    const r = await load(ws, 'orders', [G('orders.csv')], { force: true });
    expect(tableOf(r, 'orders')).toEqual({
      read: 4,
      loaded: 0,
      updated: 0,
      duplicates: 4,
      quarantined: 0,
      held: 0,
    });
    expect(await modelFingerprint(ws)).toEqual(before);
  });

  it('upserts changed records by natural key and keeps the columns a file does not have', async () => {
    await load(ws, 'orders', [G('orders.csv')]);
    const r = await load(ws, 'orders', [G('orders-updated.csv')]);
    // G1001 changed status; G1002 is identical on every column the file has; G1005 is new.
    expect(tableOf(r, 'orders')).toEqual({
      read: 3,
      loaded: 1,
      updated: 1,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(
      await rows(
        ws,
        `SELECT order_id, status, customer_id, promo_code, location_id FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      {
        order_id: 'G1001',
        status: 'delivered',
        customer_id: 'C1',
        promo_code: 'SPRING,10',
        location_id: null,
      },
      {
        order_id: 'G1002',
        status: 'delivered',
        customer_id: null,
        promo_code: null,
        location_id: 'L01',
      },
      {
        order_id: 'G1003',
        status: 'cancelled',
        customer_id: 'C2',
        promo_code: null,
        location_id: null,
      },
      {
        order_id: 'G1004',
        status: 'shipped',
        customer_id: 'C1',
        promo_code: null,
        location_id: null,
      },
      {
        order_id: 'G1005',
        status: 'placed',
        customer_id: null,
        promo_code: null,
        location_id: null,
      },
    ]);
  });

  it('reads Parquet with its own types', async () => {
    const r = await load(ws, 'orders', [G('orders.parquet')]);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 3, loaded: 3, quarantined: 0 });
    expect(
      await rows(
        ws,
        `SELECT order_id, CAST(ordered_at AS VARCHAR) AS at, CAST(total AS VARCHAR) AS total, customer_id FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      { order_id: 'G1001', at: '2025-03-10 09:15:00+00', total: '69.70', customer_id: 'C1' },
      { order_id: 'G1002', at: '2025-03-10 13:02:00+00', total: '23.88', customer_id: null },
      { order_id: 'G1003', at: '2025-03-11 20:40:00+00', total: '36.00', customer_id: 'C2' },
    ]);
  });

  it('reads Latin-1 with semicolons and decimal commas, detected', async () => {
    const r = await load(ws, 'products', [G('products-latin1.csv')]);
    expect(tableOf(r, 'products')).toMatchObject({ read: 3, loaded: 3, quarantined: 0 });
    expect(
      await rows(
        ws,
        `SELECT sku, name, category, CAST(list_price AS VARCHAR) AS lp, CAST(unit_cost AS VARCHAR) AS uc, CAST(launched_on AS VARCHAR) AS launched FROM products ORDER BY sku`,
      ),
    ).toEqual([
      {
        sku: 'P-100',
        name: 'Crème hydratante',
        category: 'Soins',
        lp: '24.9000',
        uc: '9.8000',
        launched: '2024-01-15',
      },
      {
        sku: 'P-101',
        name: 'Sérum éclat "vitamine C"',
        category: 'Soins',
        lp: '1234.5000',
        uc: '410.0000',
        launched: '2024-02-01',
      },
      {
        sku: 'P-102',
        name: 'Baume à lèvres',
        category: 'Lèvres',
        lp: '4.5000',
        uc: '1.2000',
        launched: null,
      },
    ]);
  });

  it('reads NDJSON, hashes personal data with the workspace salt and keeps nothing in clear', async () => {
    const r = await load(ws, 'customers', [G('customers.ndjson')]);
    // Four records (the blank line is not one): three loaded, the broken line quarantined.
    expect(tableOf(r, 'customers')).toEqual({
      read: 4,
      loaded: 3,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 0,
    });
    expect(await quarantined(ws, r.runId)).toEqual([
      {
        table: 'customers',
        line: 5,
        reason: 'the line is not valid JSON',
        status: 'open',
        file: 'customers.ndjson',
      },
    ]);
    const sha = (s: string) => saltedSha(ws, s);
    expect(
      await rows(
        ws,
        `SELECT customer_id, CAST(created_at AS VARCHAR) AS created, email_hash, phone_hash, loyalty_id, web_account_id, country, segment FROM customers ORDER BY customer_id`,
      ),
    ).toEqual([
      // E-mail trimmed and lower-cased before hashing.
      {
        customer_id: 'C1',
        created: '2024-11-02 10:00:00+00',
        email_hash: sha('alice.martin@example.com'),
        phone_hash: null,
        loyalty_id: 'LOY-001',
        web_account_id: null,
        country: 'FR',
        segment: 'gold',
      },
      // Phone reduced to + and digits.
      {
        customer_id: 'C2',
        created: '2025-01-15 08:30:00+00',
        email_hash: sha('bob@example.org'),
        phone_hash: sha('+33612345678'),
        loyalty_id: null,
        web_account_id: null,
        country: 'FR',
        segment: null,
      },
      {
        customer_id: 'C3',
        created: '2025-02-01 00:00:00+00',
        email_hash: null,
        phone_hash: null,
        loyalty_id: null,
        web_account_id: 'U-77',
        country: null,
        segment: null,
      },
    ]);
    const leaks = await rows(
      ws,
      `SELECT count(*) AS n FROM (SELECT CAST(c AS VARCHAR) AS t FROM customers c UNION ALL SELECT CAST(q AS VARCHAR) FROM ${INTERNAL.quarantine} q) WHERE t ILIKE '%example%' OR t LIKE '%12 34%'`,
    );
    expect(leaks).toEqual([{ n: 0 }]);
  });
});

describe('generic import: broken files', () => {
  it('quarantines bad dates, unknown currencies, duplicates, bad codes, missing values, wrong totals, a truncated line', async () => {
    const r = await load(ws, 'orders', [G('orders-broken.csv')]);
    // 12 records: B1 and B5 loaded, B5's identical copy merged, nine refused.
    expect(tableOf(r, 'orders')).toEqual({
      read: 12,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 9,
      held: 0,
    });
    expect(await quarantined(ws, r.runId)).toEqual(
      [
        [
          3,
          "ordered_at: not a timestamp ('31/04/2025 10:00'); expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format",
        ],
        [4, "currency: unknown currency code ('EUX'); expected ISO 4217 such as EUR"],
        [
          5,
          'duplicate key (order_id=B4) appears 2 times in this load with different values; none was loaded',
        ],
        [
          6,
          'duplicate key (order_id=B4) appears 2 times in this load with different values; none was loaded',
        ],
        [9, "status: 'shiped' is not one of placed, paid, shipped, delivered, cancelled, fraud"],
        [10, 'channel_id: required value missing'],
        [11, 'total: 70.00 differs from subtotal + shipping_amount + tax_total = 65.00'],
        [12, "subtotal: not a number ('12,50'); decimal comma? use --decimal-comma"],
        [
          13,
          'unreadable line: 9 fields where the header has 10 (missing fields, or a truncated line)',
        ],
      ].map(([line, reason]) => ({
        table: 'orders',
        line,
        reason,
        status: 'open',
        file: 'orders-broken.csv',
      })),
    );
    expect(await rows(ws, 'SELECT order_id FROM orders ORDER BY order_id')).toEqual([
      { order_id: 'B1' },
      { order_id: 'B5' },
    ]);
  });

  it('quarantines negative and fractional quantities, inconsistent prices; holds lines until their order arrives', async () => {
    await load(ws, 'orders', [G('orders.csv')]);
    const r = await load(ws, 'order_lines', [G('order_lines-broken.csv')]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 6,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 5,
      held: 1,
    });
    expect(await quarantined(ws, r.runId)).toEqual(
      [
        {
          line: 3,
          status: 'open',
          reason:
            'quantity: -1 — a sale line needs a positive quantity; a negative quantity is a return (returns table)',
        },
        { line: 4, status: 'open', reason: "quantity: not a whole number ('1.5')" },
        {
          line: 5,
          status: 'held',
          reason: 'order_id: G9999 not found in orders; held until it arrives',
        },
        {
          line: 6,
          status: 'open',
          reason:
            'unit_price: 2 × 14.0000 differs from quantity × unit_list_price − discount_amount = 30.0000',
        },
        { line: 7, status: 'open', reason: "line_no: not a whole number ('x')" },
      ].map((q) => ({ table: 'order_lines', file: 'order_lines-broken.csv', ...q })),
    );

    // The order arrives: the held line is released and loaded by that load.
    const late = await load(ws, 'orders', [G('orders-late.csv')]);
    const lines = late.tables.find((t) => t.table === 'order_lines');
    expect(lines?.released).toEqual({
      read: 1,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 0,
    });
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity FROM order_lines WHERE order_id = 'G9999'`,
      ),
    ).toEqual([{ order_id: 'G9999', line_no: 1, sku: 'SKU-Z', quantity: 1 }]);
    expect(
      await rows(
        ws,
        `SELECT status, released_run FROM ${INTERNAL.quarantine} WHERE run_id = ${r.runId} AND line = 5`,
      ),
    ).toEqual([{ status: 'released', released_run: late.runId }]);
  });

  it('gives the right line numbers with blank lines and line breaks inside quoted fields', async () => {
    await load(ws, 'orders', [G('orders.csv')]);
    const r = await load(ws, 'order_lines', [G('order_lines-multiline.csv')]);
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    expect(await quarantined(ws, r.runId)).toEqual([
      {
        table: 'order_lines',
        line: 5,
        status: 'open',
        file: 'order_lines-multiline.csv',
        reason:
          'quantity: 0 — a sale line needs a positive quantity; a negative quantity is a return (returns table)',
      },
    ]);
    expect(await rows(ws, `SELECT promotion_id FROM order_lines WHERE order_id = 'G1001'`)).toEqual(
      [{ promotion_id: 'PROMO\nSPRING' }],
    );
  });

  it('gives every value of a line the reader could not convert', async () => {
    const r = await load(ws, 'products', [G('products-bad-values.csv')]);
    expect(tableOf(r, 'products')).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [
        2,
        "list_price: not a number ('abc'); decimal comma? use --decimal-comma; unit_cost: not a number ('def'); decimal comma? use --decimal-comma; launched_on: not a date ('2025-02-30'); expected YYYY-MM-DD, or set --date-format",
      ],
    ]);
  });

  it('quarantines the lines of a UTF-8 file that are not UTF-8 (wrong encoding)', async () => {
    const r = await load(ws, 'products', [G('products-mixed-encoding.csv')]);
    expect(tableOf(r, 'products')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    expect(await quarantined(ws, r.runId)).toEqual([
      {
        table: 'products',
        line: 3,
        status: 'open',
        file: 'products-mixed-encoding.csv',
        reason:
          'unreadable line: bytes that are not valid UTF-8 (a Latin-1 file? use --encoding latin-1)',
      },
    ]);
    expect(await rows(ws, 'SELECT sku, name FROM products ORDER BY sku')).toEqual([
      { sku: 'P-200', name: 'Crème mains' },
      { sku: 'P-202', name: 'Savon' },
    ]);
  });

  it('forcing the wrong encoding quarantines every line that cannot be read', async () => {
    const r = await load(ws, 'products', [G('products-latin1.csv')], {
      csv: { encoding: 'utf-8', delimiter: ';' },
      parse: { decimalComma: true },
    });
    // Lines 2, 3 and 4 hold é, è or à as single Latin-1 bytes.
    expect(tableOf(r, 'products')).toMatchObject({ read: 3, loaded: 0, quarantined: 3 });
    expect((await quarantined(ws, r.runId)).map((q) => q.line)).toEqual([2, 3, 4]);
  });

  it('refuses a file missing a required column, naming file, line and field, and writes nothing', async () => {
    const before = await workspaceFingerprint(ws);
    await expect(
      ingest(ws, { source: 'orders', paths: [fixture(G('orders-missing-column.csv'))] }),
    ).rejects.toThrow(
      /orders-missing-column\.csv: line 1: field currency: required column "currency" of orders is missing/,
    );
    expect(await workspaceFingerprint(ws)).toEqual(before);
  });

  it('reads day-first local times with --timestamp-format and --timezone', async () => {
    const r = await load(ws, 'orders', [G('orders-local-times.csv')], {
      parse: { timestampFormat: '%d/%m/%Y %H:%M', timeZone: 'Europe/Paris' },
    });
    expect(tableOf(r, 'orders')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    // Paris is UTC+1 on 10 March and UTC+2 on 30 March (summer time from 30 March 2025, 02:00).
    expect(
      await rows(
        ws,
        `SELECT order_id, CAST(ordered_at AS VARCHAR) AS at FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      { order_id: 'L1', at: '2025-03-10 09:00:00+00' },
      { order_id: 'L2', at: '2025-03-30 08:00:00+00' },
    ]);
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [4, "ordered_at: not a timestamp ('2025-03-10 10:00')"],
    ]);
  });

  it('a dry run reports and writes nothing', async () => {
    const before = await workspaceFingerprint(ws);
    const r = await load(ws, 'orders', [G('orders-broken.csv')], { dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 12, loaded: 2, quarantined: 9 });
    expect(await workspaceFingerprint(ws)).toEqual(before);
  });
});

describe('generic import of every table', () => {
  it('upserts by a natural key with empty parts (targets for the whole business)', async () => {
    await load(ws, 'targets', [G('targets.csv')]);
    const r = await load(ws, 'targets', [G('targets-revised.csv')]);
    expect(tableOf(r, 'targets')).toEqual({
      read: 2,
      loaded: 0,
      updated: 1,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(
      await rows(
        ws,
        `SELECT segment_key, CAST(target_value AS DOUBLE) AS v FROM targets ORDER BY segment_key NULLS FIRST`,
      ),
    ).toEqual([
      { segment_key: null, v: 160000 },
      { segment_key: 'channel', v: 60000 },
    ]);
  });

  const SAMPLE: Record<string, string> = {
    id: 'X1',
    text: 'x',
    money: '1.50',
    price: '2.5000',
    rate: '0.25000000',
    int: '3',
    bigint: '4',
    number: '5.5',
    date: '2025-01-02',
    timestamp: '2025-01-02 03:04:05+00',
    bool: 'true',
    currency: 'EUR',
  };
  // Amounts that must agree with each other in the sample record.
  const OVERRIDE: Record<string, string> = {
    'order_lines.discount_amount': '0.00',
    'orders.total': '4.50',
  };
  const sampleValue = (table: string, c: (typeof TABLES)[number]['columns'][number]) =>
    OVERRIDE[`${table}.${c.name}`] ??
    (c.values ? (c.values[0] as string) : c.name === 'country' ? 'FR' : (SAMPLE[c.type] as string));
  const sampleFile = (name: string): string => {
    const t = TABLES.find((x) => x.name === name) as (typeof TABLES)[number];
    const file = join(mkdtempSync(join(tmpdir(), 'vitrine-every-')), `${name}.csv`);
    writeFileSync(
      file,
      `${t.columns.map((c) => c.name).join(',')}\n${t.columns.map((c) => sampleValue(name, c)).join(',')}\n`,
    );
    return file;
  };
  it.each(TABLES.map((t) => t.name))(
    '%s: one record with every column loads as written',
    async (name) => {
      const t = TABLES.find((x) => x.name === name) as (typeof TABLES)[number];
      // A child needs its parent first (its X1 is the parent's X1), or it would be held.
      for (const ref of heldReferences(name)) await load(ws, ref.parent, [sampleFile(ref.parent)]);
      const r = await load(ws, name, [sampleFile(name)]);
      expect(tableOf(r, name)).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
      const got = await rows(
        ws,
        `SELECT ${t.columns.map((c) => `CAST("${c.name}" AS VARCHAR) AS "${c.name}"`).join(', ')} FROM "${name}"`,
      );
      // Personal columns are hashed; every other value reads back as written.
      const expected = Object.fromEntries(
        t.columns.filter((c) => !c.personal).map((c) => [c.name, sampleValue(name, c)]),
      );
      expect(got[0]).toMatchObject(expected);
      for (const c of t.columns.filter((x) => x.personal)) {
        expect(String(got[0]?.[c.name])).toMatch(/^[0-9a-f]{64}$/);
      }
    },
  );
});

describe('model import: several tables in one load', () => {
  it('loads parents first, checks orders against their lines, holds the lines of a refused order', async () => {
    const dir = join('generic', 'model');
    const r = await load(ws, 'model', [dir]);
    // orders.csv: M1 fine; M2's subtotal 50.00 disagrees with its lines (40.00).
    expect(tableOf(r, 'orders')).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
    expect(tableOf(r, 'order_lines')).toMatchObject({
      read: 3,
      loaded: 1,
      quarantined: 2,
      held: 2,
    });
    const q = await quarantined(ws, r.runId);
    expect(q).toEqual([
      {
        table: 'orders',
        line: 3,
        status: 'open',
        file: 'orders.csv',
        reason: 'subtotal: 50.00 differs from its lines (40.00)',
      },
      {
        table: 'order_lines',
        line: 3,
        status: 'held',
        file: 'order_lines.csv',
        reason:
          'order_id: order M2 was refused (orders.csv line 3); held until a valid one arrives',
      },
      {
        table: 'order_lines',
        line: 4,
        status: 'held',
        file: 'order_lines.csv',
        reason:
          'order_id: order M2 was refused (orders.csv line 3); held until a valid one arrives',
      },
    ]);
    // The corrected order arrives alone: its two held lines are released.
    const fixed = await load(ws, 'orders', [G('orders-m2-fixed.csv')]);
    expect(fixed.tables.find((t) => t.table === 'order_lines')?.released).toEqual({
      read: 2,
      loaded: 2,
      updated: 0,
      duplicates: 0,
      quarantined: 0,
    });
    expect(
      await rows(ws, `SELECT order_id, count(*) AS n FROM order_lines GROUP BY 1 ORDER BY 1`),
    ).toEqual([
      { order_id: 'M1', n: 1 },
      { order_id: 'M2', n: 2 },
    ]);
  });
});
