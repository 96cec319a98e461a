import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { liveFilePath } from '../../src/live/live-lock.js';
import type { LiveWorkspace, ServerProcess } from './live-helpers.js';
import {
  liveWorkspace,
  postEvents,
  readWorkspace,
  startServerProcess,
  stopServer,
} from './live-helpers.js';

/**
 * Hand-made events with known amounts, sent to a real `vitrine serve` process, become rows of
 * the model exactly once. The day is after the demo's last one, so it holds only these events.
 *
 * Day 2026-11-30 (Paris, UTC+1):
 * - order L-A (web): 2 × 30.00 with 6.00 discount (unit price 27.00) + 1 × 15.50 → gross 75.50,
 *   discounts 6.00; subtotal 69.50, shipping 4.90, tax 13.90, total 88.30;
 * - POS ticket L-B: 3 × 10.00 → 30.00;
 * - order L-C: 1 × 100.00, then cancelled by a status event (excluded from sales and orders);
 * - return of L-A's second line: refund 15.50 on the same day.
 * net_sales = 75.50 − 6.00 + 30.00 − 15.50 = 84.00; orders = 2 (L-A, L-B).
 */
const DAY = '2026-11-30';

let ws: LiveWorkspace;
let server: ServerProcess;

beforeAll(async () => {
  ws = await liveWorkspace(inject('smallDemoDir'));
  server = await startServerProcess(ws.dir);
}, 120_000);

afterAll(async () => {
  if (server.child.exitCode === null) await stopServer(server);
  ws.cleanup();
});

const line = (sku: string, quantity: number, list: string, discount: string, unit: string) => ({
  sku,
  quantity,
  unit_list_price: list,
  discount_amount: discount,
  unit_price: unit,
});

function orderA() {
  return {
    id: 'evt-a',
    type: 'order',
    data: {
      order_id: 'L-A',
      channel_id: ws.ref.web,
      ordered_at: `${DAY}T09:15:00Z`,
      status: 'paid',
      currency: 'EUR',
      subtotal: '69.50',
      discount_total: '6.00',
      shipping_amount: '4.90',
      tax_total: '13.90',
      total: '88.30',
      lines: [
        line(ws.ref.skus[0] ?? '', 2, '30.00', '6.00', '27.00'),
        line(ws.ref.skus[1] ?? '', 1, '15.50', '0', '15.50'),
      ],
    },
  };
}

describe('live events on a real server process', () => {
  it('acknowledges sound events, refuses a bad one with its field, keeps the good ones', async () => {
    const before = (await (
      await fetch(`${server.url}/api/data-version`, {
        headers: { authorization: `Bearer ${ws.tokens.ingest}` },
      })
    ).json()) as { data_version: number };
    const res = await postEvents(
      server.url,
      ws.tokens.ingest,
      [
        orderA(),
        {
          id: 'evt-b',
          type: 'pos_ticket',
          data: {
            order_id: 'L-B',
            channel_id: ws.ref.storeChannel,
            location_id: ws.ref.store,
            ordered_at: `${DAY}T15:00:00Z`,
            currency: 'EUR',
            subtotal: '30.00',
            discount_total: '0',
            shipping_amount: '0',
            tax_total: '6.00',
            total: '36.00',
            lines: [line(ws.ref.skus[2] ?? '', 3, '10.00', '0', '10.00')],
          },
        },
        {
          id: 'evt-c',
          type: 'order',
          data: {
            order_id: 'L-C',
            channel_id: ws.ref.web,
            ordered_at: `${DAY}T11:00:00Z`,
            status: 'placed',
            currency: 'EUR',
            subtotal: '100.00',
            discount_total: '0',
            shipping_amount: '0',
            tax_total: '20.00',
            total: '120.00',
            lines: [line(ws.ref.skus[3] ?? '', 1, '100.00', '0', '100.00')],
          },
        },
        // A sale line of zero units: refused by the ingest's own rule, with its field.
        {
          id: 'evt-bad',
          type: 'order',
          data: {
            order_id: 'L-BAD',
            channel_id: ws.ref.web,
            ordered_at: `${DAY}T12:00:00Z`,
            status: 'paid',
            currency: 'EUR',
            subtotal: '0',
            discount_total: '0',
            shipping_amount: '0',
            tax_total: '0',
            total: '0',
            lines: [line(ws.ref.skus[0] ?? '', 0, '10.00', '0', '10.00')],
          },
        },
      ],
      { wait: true },
    );
    expect(res.status).toBe(202);
    expect(res.body['accepted']).toBe(3);
    expect(res.body['rejected']).toEqual([
      expect.objectContaining({
        index: 3,
        id: 'evt-bad',
        field: 'data.lines[0].quantity',
        reason: expect.stringMatching(/positive quantity/),
      }),
    ]);
    expect(res.body['data_version']).toBeGreaterThan(before.data_version);
  });

  it('applies status changes and returns sent as NDJSON; an id sent twice changes nothing', async () => {
    const res = await postEvents(
      server.url,
      ws.tokens.ingest,
      [
        {
          id: 'evt-c-cancel',
          type: 'order_status',
          data: { order_id: 'L-C', status: 'cancelled' },
        },
        {
          id: 'evt-ret',
          type: 'return',
          data: {
            return_id: 'L-R1',
            order_id: 'L-A',
            line_no: 2,
            sku: ws.ref.skus[1],
            quantity: 1,
            refund_amount: '15.50',
            returned_at: `${DAY}T17:30:00Z`,
            reason: 'size',
          },
        },
        orderA(),
        { id: 'evt-unknown', type: 'order_status', data: { order_id: 'NOPE', status: 'paid' } },
      ],
      { ndjson: true, wait: true },
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(res.body['rejected']).toEqual([
      expect.objectContaining({
        index: 3,
        field: 'data.order_id',
        reason: expect.stringMatching(/order NOPE is unknown/),
      }),
    ]);
    // The same batch again: everything is a duplicate (the refused one is refused again).
    const again = await postEvents(server.url, ws.tokens.ingest, [orderA()], { wait: true });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('the day answers from the new rows: net sales 84.00, 2 orders', async () => {
    const res = await fetch(`${server.url}/api/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kpis: ['net_sales', 'orders'], from: DAY, to: DAY }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { values: Record<string, number> }[] };
    expect(body.rows[0]?.values['net_sales']).toBeCloseTo(84, 9);
    expect(body.rows[0]?.values['orders']).toBe(2);
  });

  it('an ingest token reads nothing; a store-scoped one writes its own store only', async () => {
    const q = await fetch(`${server.url}/api/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.tokens.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kpis: ['orders'], from: DAY, to: DAY }),
    });
    expect(q.status).toBe(403);
    const ticket = (id: string, location: string) => ({
      id,
      type: 'pos_ticket',
      data: {
        order_id: id,
        channel_id: ws.ref.storeChannel,
        location_id: location,
        ordered_at: '2026-12-01T10:00:00Z',
        currency: 'EUR',
        subtotal: '10.00',
        discount_total: '0',
        shipping_amount: '0',
        tax_total: '2.00',
        total: '12.00',
        lines: [line(ws.ref.skus[0] ?? '', 1, '10.00', '0', '10.00')],
      },
    });
    const res = await postEvents(
      server.url,
      ws.tokens.storeIngest,
      [ticket('S-OWN', ws.ref.store), ticket('S-OTHER', ws.ref.otherStore)],
      { wait: true },
    );
    expect(res.body['accepted']).toBe(1);
    expect(res.body['rejected']).toEqual([
      expect.objectContaining({
        index: 1,
        field: 'data.location_id',
        reason: expect.stringMatching(/outside your token's scope/),
      }),
    ]);
  });

  it('after a clean stop: rows exactly once, the bad event in the quarantine, no live.json', async () => {
    expect(existsSync(liveFilePath(ws.dir))).toBe(true);
    expect(await stopServer(server)).toBe(0);
    expect(existsSync(liveFilePath(ws.dir))).toBe(false);
    const orders = await readWorkspace<{ order_id: string; status: string; n: number }>(
      ws.dir,
      `SELECT order_id, any_value(status) AS status, count(*) AS n FROM orders WHERE order_id IN ('L-A', 'L-B', 'L-C', 'L-BAD', 'S-OWN', 'S-OTHER') GROUP BY order_id ORDER BY order_id`,
    );
    expect(orders).toEqual([
      { order_id: 'L-A', status: 'paid', n: 1 },
      { order_id: 'L-B', status: 'delivered', n: 1 },
      { order_id: 'L-C', status: 'cancelled', n: 1 },
      { order_id: 'S-OWN', status: 'delivered', n: 1 },
    ]);
    const lines = await readWorkspace<{ n: number; amount: string }>(
      ws.dir,
      `SELECT count(*) AS n, CAST(sum(quantity * unit_price) AS VARCHAR) AS amount FROM order_lines WHERE order_id = 'L-A'`,
    );
    expect(lines).toEqual([{ n: 2, amount: '69.5000' }]);
    const q = await readWorkspace<{ reason: string; file: string }>(
      ws.dir,
      `SELECT reason, file FROM _vitrine_quarantine WHERE source = 'events' ORDER BY run_id, seq`,
    );
    expect(q.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^data\.lines\[0\]\.quantity: .*positive quantity/),
      expect.stringMatching(/^data\.order_id: order NOPE is unknown/),
      expect.stringMatching(/^data\.location_id: .*outside your token's scope/),
    ]);
  });
});
