import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { qualityReport } from '../../src/ingest/quality/data-quality.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { load, quarantined, rows, tableOf, workspacePerTest } from './ingest-helpers.js';

// Orders against their lines (issue 13, items 15 and 12): an order is refused when any of its
// lines is refused, even a line worth 0 (its subtotal still agrees), as docs/ingest.md says
// ("1 of its N lines refused"); `vitrine check` reports the orders without lines and the orders
// whose stored lines disagree with them when they came in separate loads.

let ws: Workspace;
workspacePerTest((w) => (ws = w));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitrine-orders-lines-'));
});

const ORDERS =
  'order_id,channel_id,location_id,customer_id,session_id,ordered_at,status,currency,subtotal,discount_total,shipping_amount,tax_total,total,promo_code,campaign_id,payment_method,fulfilment,promised_delivery_at';
const LINES =
  'order_id,line_no,sku,quantity,unit_list_price,unit_price,discount_amount,unit_cost,tax_amount,promotion_id';
const order = (id: string, subtotal: string) =>
  `${id},web,,,,2025-03-10T09:15:00Z,paid,EUR,${subtotal},0.00,0.00,0.00,${subtotal},,,card,ship,`;

describe('an order whose refused lines are worth 0', () => {
  it('is refused with them, not loaded without its lines (model load of both files)', async () => {
    const data = join(dir, 'export');
    mkdirSync(data);
    // Z1: its only line is a write-off (-1 at price 0): worth 0, refused (negative quantity).
    // Z2: a 10.00 line and a write-off: subtotal 10.00 agrees with the accepted line.
    // Z3: one good line.
    writeFileSync(
      join(data, 'orders.csv'),
      [ORDERS, order('Z1', '0.00'), order('Z2', '10.00'), order('Z3', '10.00')].join('\n') + '\n',
    );
    writeFileSync(
      join(data, 'order_lines.csv'),
      [
        LINES,
        'Z1,1,SKU-W,-1,0.00,0.00,0.00,,0.00,',
        'Z2,1,SKU-A,1,10.00,10.00,0.00,,0.00,',
        'Z2,2,SKU-W,-1,0.00,0.00,0.00,,0.00,',
        'Z3,1,SKU-A,1,10.00,10.00,0.00,,0.00,',
      ].join('\n') + '\n',
    );
    const r = await load(ws, 'model', [data]);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 3, loaded: 1, quarantined: 2 });
    // Z1/1 and Z2/2 refused for their quantity; Z2/1 held until a valid Z2 arrives.
    expect(tableOf(r, 'order_lines')).toMatchObject({
      read: 4,
      loaded: 1,
      quarantined: 3,
      held: 1,
    });
    const q = await quarantined(ws, r.runId, 'orders');
    expect(q.map((x) => [x.line, x.reason])).toEqual([
      [2, '1 of its 1 lines refused'],
      [3, '1 of its 2 lines refused'],
    ]);
    expect(await rows(ws, 'SELECT order_id FROM orders ORDER BY 1')).toEqual([{ order_id: 'Z3' }]);
    const held = await quarantined(ws, r.runId, 'order_lines');
    expect(held.filter((x) => x.status === 'held').map((x) => [x.line, x.reason])).toEqual([
      [3, 'order_id: order Z2 was refused (orders.csv line 3); held until a valid one arrives'],
    ]);
  });
});

describe('vitrine check: orders against their stored lines', () => {
  it('counts orders without lines and subtotals that disagree with lines of another load', async () => {
    // generic/orders.csv: G1001 subtotal 54.00 discount 6.00; G1002 19.90; G1003 30.00;
    // G1004 100.00. Lines loaded on their own: G1001 agrees (1 × 54.00, 6.00 off 60.00),
    // G1002 agrees (19.90), G1003 has 25.00 of lines for 30.00, G1004 has none.
    await load(ws, 'orders', ['generic/orders.csv']);
    const lines = join(dir, 'order_lines.csv');
    writeFileSync(
      lines,
      [
        LINES,
        'G1001,1,SKU-A,1,60.00,54.00,6.00,,0.00,',
        'G1002,1,SKU-B,1,19.90,19.90,0.00,,0.00,',
        'G1003,1,SKU-C,1,25.00,25.00,0.00,,0.00,',
      ].join('\n') + '\n',
    );
    const l = await load(ws, 'order_lines', [lines]);
    expect(tableOf(l, 'order_lines')).toMatchObject({ read: 3, loaded: 3 });
    const r = await qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
      today: '2025-03-20',
      timeZone: ws.config.timezone,
    });
    expect(r.orders).toEqual({
      withoutLines: 1,
      disagreeing: 1,
      examples: [
        { orderId: 'G1004', problem: 'no line' },
        { orderId: 'G1003', problem: 'subtotal 30.00 differs from its lines (25.00)' },
      ],
    });
  });

  it('per source, records released from the quarantine no longer count as quarantined', async () => {
    const lines = join(dir, 'order_lines.csv');
    writeFileSync(lines, [LINES, 'G1001,1,SKU-A,1,60.00,54.00,6.00,,0.00,'].join('\n') + '\n');
    const first = await load(ws, 'order_lines', [lines]);
    expect(tableOf(first, 'order_lines')).toMatchObject({ read: 1, quarantined: 1, held: 1 });
    // The order arrives: its line is released and loaded.
    const second = await load(ws, 'orders', ['generic/orders.csv']);
    expect(second.tables.find((t) => t.table === 'order_lines')?.released).toMatchObject({
      read: 1,
      loaded: 1,
    });
    const r = await qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
      today: '2025-03-20',
      timeZone: ws.config.timezone,
    });
    expect(
      r.sources
        .map((x) => [x.source, x.table, x.read, x.quarantined])
        .filter((x) => x[0] !== 'orders'),
    ).toEqual([['order_lines', 'order_lines', 1, 0]]);
  });
});
