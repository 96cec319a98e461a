import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LiveWorkspace } from './live-helpers.js';
import {
  liveWorkspace,
  postEvents,
  readWorkspace,
  startServerProcess,
  stopServer,
} from './live-helpers.js';

/**
 * SIGKILL of a real `vitrine serve` during event intake, at several points: right after an
 * acknowledgement (events only in the journal), with requests in flight, while micro-batches are
 * being applied. After each restart the journal is replayed: every acknowledged event is in the
 * model exactly once, and an unacknowledged one at most once.
 */

let ws: LiveWorkspace;

beforeAll(async () => {
  ws = await liveWorkspace(inject('smallDemoDir'));
}, 120_000);

afterAll(() => ws.cleanup());

function order(id: string, sku: string, web: string) {
  return {
    id: `evt-${id}`,
    type: 'order',
    data: {
      order_id: id,
      channel_id: web,
      ordered_at: '2026-12-02T10:00:00Z',
      status: 'paid',
      currency: 'EUR',
      subtotal: '25.00',
      discount_total: '0',
      shipping_amount: '0',
      tax_total: '5.00',
      total: '30.00',
      lines: [
        { sku, quantity: 1, unit_list_price: '10.00', discount_amount: '0', unit_price: '10.00' },
        { sku, quantity: 1, unit_list_price: '15.00', discount_amount: '0', unit_price: '15.00' },
      ],
    },
  };
}

describe('SIGKILL during event intake', () => {
  it('every acknowledged event is in the model exactly once after restarts', async () => {
    const acked = new Set<string>();
    const sent = new Set<string>();
    const sku = ws.ref.skus[0] ?? '';
    let next = 0;
    const batch = (n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(order(`K-${next++}`, sku, ws.ref.web));
      return out;
    };
    const send = async (url: string, events: ReturnType<typeof batch>, wait = false) => {
      for (const e of events) sent.add(e.data.order_id);
      try {
        const res = await postEvents(url, ws.tokens.ingest, events, { ndjson: true, wait });
        if (res.status === 202) {
          const rejected = res.body['rejected'] as unknown[];
          expect(rejected).toEqual([]);
          for (const e of events) acked.add(e.data.order_id);
        }
      } catch {
        // The server died before answering: not acknowledged.
      }
    };
    /** Sends batches back to back until stopped, two requests in flight. */
    const stream = (url: string) => {
      let stop = false;
      const worker = async () => {
        while (!stop) await send(url, batch(25));
      };
      const done = Promise.all([worker(), worker()]);
      return { stop: () => (stop = true), done };
    };
    const points: ((url: string) => Promise<void>)[] = [
      // 1. Right after an acknowledgement, before the applier's batch window ends.
      async (url) => {
        await send(url, batch(40));
      },
      // 2. Requests in flight, applier busy.
      async (url) => {
        const s = stream(url);
        await new Promise((r) => setTimeout(r, 700));
        s.stop();
      },
      // 3. After a batch fully applied (wait=1), then mid-stream again.
      async (url) => {
        await send(url, batch(30), true);
        const s = stream(url);
        await new Promise((r) => setTimeout(r, 250));
        s.stop();
      },
    ];
    let lastBatch: ReturnType<typeof batch> = [];
    for (const point of points) {
      const server = await startServerProcess(ws.dir);
      // What was sent before the previous kill goes again: ids make it change nothing.
      if (lastBatch.length > 0) await send(server.url, lastBatch);
      const from = next;
      await point(server.url);
      server.child.kill('SIGKILL');
      await server.exited;
      lastBatch = [];
      for (let i = Math.max(from, next - 30); i < next; i++) {
        lastBatch.push(order(`K-${i}`, sku, ws.ref.web));
      }
    }
    // The last restart replays what the last kill left in the journal; a clean stop after.
    const server = await startServerProcess(ws.dir);
    expect(await stopServer(server)).toBe(0);

    // 40 + 30 acknowledged for sure, plus what the streams got through before each kill.
    expect(acked.size).toBeGreaterThan(70);
    const rows = await readWorkspace<{ order_id: string; n: number; lines: number }>(
      ws.dir,
      `SELECT o.order_id, count(*) AS n, any_value((SELECT count(*) FROM order_lines l WHERE l.order_id = o.order_id)) AS lines FROM orders o WHERE o.order_id LIKE 'K-%' GROUP BY o.order_id`,
    );
    const found = new Map(rows.map((r) => [r.order_id, r]));
    const missing = [...acked].filter((id) => !found.has(id));
    expect(missing).toEqual([]);
    for (const r of rows) {
      expect(sent.has(r.order_id)).toBe(true);
      expect({ id: r.order_id, n: r.n, lines: r.lines }).toEqual({
        id: r.order_id,
        n: 1,
        lines: 2,
      });
    }
    const applied = await readWorkspace<{ dup: number }>(
      ws.dir,
      `SELECT count(*) AS dup FROM (SELECT event_id FROM _vitrine_live_events GROUP BY event_id HAVING count(*) > 1)`,
    );
    expect(applied).toEqual([{ dup: 0 }]);
  }, 240_000);
});
