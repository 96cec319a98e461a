import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { STRAY_CR_REASON } from '../../src/ingest/csv/stray-carriage-returns.js';
import { INTERNAL } from '../../src/ingest/internal-tables.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { fixture, load, quarantined, rows, tableOf, workspacePerTest } from './ingest-helpers.js';

// A carriage return outside quotes that ends no line, or lines ending both in LF and CRLF, made
// the engine's strict CSV reader stop: the load's transaction was aborted ("Current transaction
// is aborted"), nothing loaded and nothing quarantined (issue 15, item 7). Each record must end
// loaded or quarantined with its reason, file and line, on the direct write (a one-table load
// into an empty table), the staged generic load and a connector's staging.

let ws: Workspace;
workspacePerTest((w) => (ws = w));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitrine-stray-'));
});

const HEADER =
  'order_id,channel_id,location_id,customer_id,session_id,ordered_at,status,currency,subtotal,discount_total,shipping_amount,tax_total,total,promo_code,campaign_id,payment_method,fulfilment,promised_delivery_at';
const order = (id: string, status = 'paid', promo = '') =>
  `${id},web,,,,2025-03-10T09:15:00Z,${status},EUR,10.00,0.00,0.00,0.00,10.00,${promo},,card,ship,`;

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function orderIds(): Promise<string[]> {
  return (await rows(ws, 'SELECT order_id FROM orders ORDER BY order_id')).map((r) =>
    String(r['order_id']),
  );
}

/** 4 KiB of bytes from a fixed LCG: no line feed and no quote, so one physical line. */
function junkLine(): Buffer {
  const out = Buffer.alloc(4096);
  let s = 20261208;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    let b = s & 0xff;
    if (b === 10 || b === 34) b = 0x41;
    out[i] = b;
  }
  // Bare CRs for sure (a random draw might have none): at the start, the middle and the end.
  out[7] = 13;
  out[2048] = 13;
  out[4095] = 13;
  return out;
}

describe('a carriage return inside an unquoted field', () => {
  const lines = [
    HEADER,
    order('S1'),
    order('S2', 'paid', '"SPRING\r10"'), // in quotes: a value like any other
    order('S3', 'pa\rid'), // line 4: the stray CR
    order('S4'),
    order('S5'),
  ];

  it('direct write: the line is quarantined with its reason and line, the others load', async () => {
    const r = await load(ws, 'orders', [write('orders.csv', lines.join('\n') + '\n')]);
    expect(tableOf(r, 'orders')).toEqual({
      read: 5,
      loaded: 4,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.file, q.line, q.reason])).toEqual([
      ['orders.csv', 4, STRAY_CR_REASON],
    ]);
    expect(await orderIds()).toEqual(['S1', 'S2', 'S4', 'S5']);
    expect(await rows(ws, `SELECT promo_code FROM orders WHERE order_id = 'S2'`)).toEqual([
      { promo_code: 'SPRING\r10' },
    ]);
    // The quarantine keeps the line as it was written, CR included (the CR splits it in two
    // for a CSV reader, so it is kept whole rather than as fields).
    const kept = await rows(
      ws,
      `SELECT json_extract_string(record, '$.line') AS line FROM ${INTERNAL.quarantine} WHERE run_id = ${r.runId}`,
    );
    expect(kept).toEqual([{ line: order('S3', 'pa\rid') }]);
  });

  it('staged load (the table already holds orders): same outcome', async () => {
    await load(ws, 'orders', ['generic/orders.csv']);
    const r = await load(ws, 'orders', [write('orders.csv', lines.join('\n') + '\n')]);
    expect(tableOf(r, 'orders')).toEqual({
      read: 5,
      loaded: 4,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [4, STRAY_CR_REASON],
    ]);
    expect(await orderIds()).toEqual(['G1001', 'G1002', 'G1003', 'G1004', 'S1', 'S2', 'S4', 'S5']);
  });

  it('CRLF file: a CR that ends no line is stray, the CRLF line breaks are not', async () => {
    const r = await load(ws, 'orders', [write('orders-crlf.csv', lines.join('\r\n') + '\r\n')]);
    expect(tableOf(r, 'orders').loaded).toBe(4);
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [4, STRAY_CR_REASON],
    ]);
  });

  it('a quoted field with a line break before the stray CR: later lines keep their numbers', async () => {
    const multi = [
      HEADER,
      order('M1', 'paid', '"two\nlines"'), // lines 2-3
      order('M2', 'pa\rid'), // line 4
      order('M3', 'paid', 'X'),
      `M4,web,,,,2025-03-10T09:15:00Z,paid,EUR,10.00,0.00,0.00,0.00,10.00,,,card,ship,,extra`, // line 6
    ];
    const r = await load(ws, 'orders', [write('orders-multi.csv', multi.join('\n') + '\n')]);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 4, loaded: 2, quarantined: 2 });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [4, STRAY_CR_REASON],
      [6, 'unreadable line: 19 fields where the header has 18 (an unquoted delimiter?)'],
    ]);
    expect(await orderIds()).toEqual(['M1', 'M3']);
  });

  it('a connector staging its file (POS): the line is quarantined, the tickets load', async () => {
    const pos = readFileSync(fixture('pos/item-sales.csv'), 'utf8').trimEnd().split('\n');
    // Line 4: a ticket whose item name holds a CR.
    const bad =
      '2025-03-08,12:00:00,Europe/Paris,Savons,Savon\rRose,1,SV-ROS,€6.50,€0.00,€6.50,€1.30,T-9003,P-9,Caisse 1,Payment,Paris Marais,';
    const file = write(
      'item-sales.csv',
      [...pos.slice(0, 3), bad, ...pos.slice(3)].join('\n') + '\n',
    );
    const r = await load(ws, 'pos', [file], { mapping: fixture('pos/pos.yaml') });
    // The clean export loads 2 tickets, 3 lines and a refund; the bad line is one more line read.
    expect(r.tables.map((t) => [t.table, t.read, t.loaded, t.quarantined])).toEqual([
      ['customers', 1, 1, 0],
      ['orders', 2, 2, 0],
      ['order_lines', 4, 3, 1],
      ['returns', 1, 1, 0],
    ]);
    expect((await quarantined(ws, r.runId)).map((q) => [q.table, q.line, q.reason])).toEqual([
      ['order_lines', 4, STRAY_CR_REASON],
    ]);
  });
});

describe('4 KiB of random bytes mid-file', () => {
  it('one junk line among good ones: it alone is quarantined (direct write)', async () => {
    const head = [HEADER, order('R1'), order('R2')].join('\n') + '\n';
    const tail = [order('R3'), order('R4')].join('\n') + '\n';
    const file = write(
      'junk.csv',
      Buffer.concat([Buffer.from(head), junkLine(), Buffer.from(`\n${tail}`)]),
    );
    const r = await load(ws, 'orders', [file]);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 5, loaded: 4, quarantined: 1 });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [4, STRAY_CR_REASON],
    ]);
    expect(await orderIds()).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  it('random bytes with line feeds: every good line loads, the rest is quarantined within the junk lines', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      await ws.engine.run('DELETE FROM orders');
      const junk = Buffer.alloc(4096);
      let s = seed;
      for (let i = 0; i < junk.length; i++) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        junk[i] = (s >> 8) & 0xff;
      }
      // No quote: one opening a field would rightly run on into the good lines after the block.
      for (let i = 0; i < junk.length; i++) if (junk[i] === 34) junk[i] = 0x41;
      const head = [HEADER, ...Array.from({ length: 10 }, (_, i) => order(`P${seed}-${i}`))];
      const tail = Array.from({ length: 10 }, (_, i) => order(`Q${seed}-${i}`));
      const junkLines = junk.filter((b) => b === 10).length + 1;
      const file = write(
        `random-${seed}.csv`,
        Buffer.concat([
          Buffer.from(head.join('\n') + '\n'),
          junk,
          Buffer.from('\n' + tail.join('\n') + '\n'),
        ]),
      );
      const r = await load(ws, 'orders', [file]);
      const t = tableOf(r, 'orders');
      expect(t.loaded, `seed ${seed}`).toBe(20);
      expect(t.read, `seed ${seed}`).toBe(20 + t.quarantined);
      const q = await quarantined(ws, r.runId);
      for (const x of q) {
        expect(x.line, `seed ${seed}`).toBeGreaterThanOrEqual(12);
        expect(x.line, `seed ${seed}`).toBeLessThan(12 + junkLines);
      }
    }
  });
});

describe('lines ending both ways', () => {
  // The last column holds a value: a CR after a value is what stops the reader.
  const dated = (id: string) =>
    `${id},web,,,,2025-03-10T09:15:00Z,paid,EUR,10.00,0.00,0.00,0.00,10.00,,,card,ship,2025-03-12T18:00:00Z`;

  it('an LF file with CRLF lines appended, and a CRLF file with LF lines: every record loads', async () => {
    const lf = write(
      'lf.csv',
      `${HEADER}\n${dated('A1')}\n${dated('A2')}\r\n${dated('A3')}\n${dated('A4')}\r\n`,
    );
    const crlf = write(
      'crlf.csv',
      `${HEADER}\r\n${dated('B1')}\r\n${dated('B2')}\n${dated('B3')}\r\n${dated('B4')}\n`,
    );
    const r = await load(ws, 'orders', [lf, crlf]);
    expect(tableOf(r, 'orders')).toEqual({
      read: 8,
      loaded: 8,
      updated: 0,
      duplicates: 0,
      quarantined: 0,
      held: 0,
    });
    const due = await rows(
      ws,
      `SELECT count(*) AS n FROM orders WHERE promised_delivery_at = TIMESTAMPTZ '2025-03-12 18:00:00+00'`,
    );
    expect(Number(due[0]?.['n'])).toBe(8);
  });
});

describe('at size', () => {
  it('50,000 lines with a stray CR on line 25,001: 49,999 load, that line is quarantined', async () => {
    const parts: string[] = [HEADER];
    for (let i = 1; i <= 50_000; i++) {
      parts.push(i === 25_000 ? order(`L${i}`, 'pa\rid') : order(`L${i}`));
    }
    const r = await load(ws, 'orders', [write('big.csv', parts.join('\n') + '\n')]);
    expect(tableOf(r, 'orders')).toEqual({
      read: 50_000,
      loaded: 49_999,
      updated: 0,
      duplicates: 0,
      quarantined: 1,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [25_001, STRAY_CR_REASON],
    ]);
  }, 60_000);
});
