import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/workspace/workspace.js';
import { load, quarantined, rows, tableOf, tempWorkspace } from './ingest-helpers.js';

// A one-table load into an empty table writes its records straight into the table as it reads
// them, and stages them only when a check refuses something. These files exercise each way out
// of that path: the outcome must be the one of any load (counts, reasons, lines, rows).

const HEADER =
  'order_id,line_no,sku,quantity,unit_list_price,unit_price,discount_amount,unit_cost,tax_amount,promotion_id';
const A1 = 'G1001,1,SKU-A,2,15.00,12.00,6.00,7.50,4.80,';
const A2 = 'G1001,2,SKU-B,1,30.00,30.00,0.00,14.00,6.00,';
const B1 = 'G1002,1,SKU-C,1,19.90,19.90,0.00,8.00,3.98,';
/** B1 with a unit price that disagrees with its list price and discount (19.90 − 0 ≠ 10.00). */
const B1_BAD_PRICE = 'G1002,1,SKU-C,1,19.90,10.00,0.00,8.00,3.98,';

let ws: Workspace;
let dir: string;
beforeEach(async () => {
  ws = await tempWorkspace();
  dir = mkdtempSync(join(tmpdir(), 'vitrine-direct-'));
  await load(ws, 'orders', ['generic/orders.csv']);
});
afterEach(async () => {
  await ws.close();
});

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...lines].join('\n') + '\n');
  return path;
}

async function keys(): Promise<string[]> {
  const got = await rows(
    ws,
    `SELECT order_id || '/' || line_no || '/' || sku AS k FROM order_lines ORDER BY order_id, line_no, sku`,
  );
  return got.map((r) => String(r['k']));
}

describe('one-table load into an empty table (written as read)', () => {
  it('a clean file: every record loaded, values as in the file', async () => {
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, A2, B1])]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 3,
      loaded: 3,
      updated: 0,
      duplicates: 0,
      quarantined: 0,
      held: 0,
    });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1001/2/SKU-B', 'G1002/1/SKU-C']);
    const a1 = await rows(
      ws,
      `SELECT CAST(unit_price AS VARCHAR) AS up, CAST(discount_amount AS VARCHAR) AS d FROM order_lines WHERE order_id = 'G1001' AND line_no = 1`,
    );
    expect(a1).toEqual([{ up: '12.0000', d: '6.00' }]);
  });

  it('a record refused by a check: the others stay loaded, the refused one is quarantined at its line', async () => {
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, B1_BAD_PRICE, A2])]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 3,
      loaded: 2,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 0,
    });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1001/2/SKU-B']);
    const q = await quarantined(ws, r.runId, 'order_lines');
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ line: 3, status: 'open', file: 'lines.csv' });
    expect(q[0]?.reason).toMatch(/^unit_price: /);
  });

  it('an identical copy of a record: merged as a duplicate, stored once', async () => {
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, A2, A1, B1])]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 4,
      loaded: 3,
      updated: 0,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1001/2/SKU-B', 'G1002/1/SKU-C']);
  });

  it('two records with the same key and different values: both quarantined at their lines', async () => {
    const other = A1.replace('SKU-A', 'SKU-Z');
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, A2, other, B1])]);
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 4, loaded: 2, quarantined: 2 });
    expect(await keys()).toEqual(['G1001/2/SKU-B', 'G1002/1/SKU-C']);
    const q = await quarantined(ws, r.runId, 'order_lines');
    expect(q.map((x) => x.line)).toEqual([2, 4]);
    for (const x of q) {
      expect(x.reason).toBe(
        'duplicate key (order_id=G1001, line_no=1) appears 2 times in this load with different values; none was loaded',
      );
    }
  });

  it('a line whose order is unknown: held at its line, the others loaded', async () => {
    const orphan = 'G9999,1,SKU-A,1,15.00,15.00,0.00,7.50,3.00,';
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, orphan, B1])]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 3,
      loaded: 2,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 1,
    });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1002/1/SKU-C']);
    const q = await quarantined(ws, r.runId, 'order_lines');
    expect(q).toEqual([
      {
        table: 'order_lines',
        line: 3,
        reason: 'order_id: G9999 not found in orders; held until it arrives',
        status: 'held',
        file: 'lines.csv',
      },
    ]);
  });

  it('a refused record and a duplicate together: the table holds each accepted record once', async () => {
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, B1_BAD_PRICE, A2, A1])]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 4,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 1,
      held: 0,
    });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1001/2/SKU-B']);
    expect((await quarantined(ws, r.runId, 'order_lines')).map((x) => x.line)).toEqual([3]);
  });

  it('two files in one load repeating a record: the copy is a duplicate across files', async () => {
    const a = csv('a.csv', [A1, A2]);
    const b = csv('b.csv', [A2, B1]);
    const r = await load(ws, 'order_lines', [a, b]);
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 4,
      loaded: 3,
      updated: 0,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1001/2/SKU-B', 'G1002/1/SKU-C']);
  });

  it('a line the reader cannot split is quarantined at its line; the others are loaded', async () => {
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, `${A2},extra`, B1])]);
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    expect(await keys()).toEqual(['G1001/1/SKU-A', 'G1002/1/SKU-C']);
    const q = await quarantined(ws, r.runId, 'order_lines');
    expect(q.map((x) => [x.line, x.reason])).toEqual([
      [3, 'unreadable line: 11 fields where the header has 10 (an unquoted delimiter?)'],
    ]);
  });

  it('a dry run writes nothing even when the records went straight to the table', async () => {
    const r = await load(ws, 'order_lines', [csv('lines.csv', [A1, A2])], { dryRun: true });
    expect(tableOf(r, 'order_lines')).toMatchObject({ read: 2, loaded: 2 });
    expect(await keys()).toEqual([]);
  });
});
