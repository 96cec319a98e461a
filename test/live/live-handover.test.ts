import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import type { LiveWorkspace, ServerProcess } from './live-helpers.js';
import { liveWorkspace, startServerProcess, stopServer } from './live-helpers.js';

/**
 * While `vitrine serve` runs, the write commands hand their work to it instead of failing on the
 * database lock; a query running during a load sees the state before it or after it.
 */

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

/** The day the loads below fill (after the demo's last day: nothing else on it). */
const DAY = '2026-12-03';
const ORDERS = 4000;

async function dayKpis(): Promise<{ orders: number | null; net_sales: number | null }> {
  const res = await fetch(`${server.url}/api/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ws.tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kpis: ['orders', 'net_sales'], from: DAY, to: DAY }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { rows: { values: Record<string, number | null> }[] };
  const v = body.rows[0]?.values ?? {};
  return { orders: v['orders'] ?? null, net_sales: v['net_sales'] ?? null };
}

describe('write commands beside a running server', () => {
  it('vitrine ingest hands the load over: same report, exit 0; queries see before or after', async () => {
    const dir = join(ws.root, 'load');
    mkdirSync(dir, { recursive: true });
    // ORDERS orders of one line each: 2 × 12.50, so the day's net sales are ORDERS × 25.00.
    const orders = [
      'order_id,channel_id,ordered_at,status,currency,subtotal,discount_total,shipping_amount,tax_total,total',
    ];
    const lines = ['order_id,line_no,sku,quantity,unit_list_price,unit_price,discount_amount'];
    for (let i = 0; i < ORDERS; i++) {
      orders.push(`H-${i},${ws.ref.web},${DAY}T10:00:00Z,paid,EUR,25.00,0,0,5.00,30.00`);
      lines.push(`H-${i},1,${ws.ref.skus[0]},2,12.50,12.50,0`);
    }
    writeFileSync(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
    writeFileSync(join(dir, 'order_lines.csv'), `${lines.join('\n')}\n`);

    const before = await dayKpis();
    expect(before.orders ?? 0).toBe(0);
    const seen: { orders: number | null; net_sales: number | null }[] = [];
    let loading = true;
    const poll = (async () => {
      while (loading) seen.push(await dayKpis());
    })();
    const run = await runCli(['ingest', 'model', dir, '--workspace', ws.dir]);
    loading = false;
    await poll;
    expect(run.stderr).not.toMatch(/lock/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ingest model: 2 files, run \d+/);
    expect(run.stdout).toContain(
      `orders: ${ORDERS.toLocaleString('en-US')} = ${ORDERS.toLocaleString('en-US')} + 0 + 0 + 0`,
    );
    expect(run.stdout).toContain(
      `order_lines: ${ORDERS.toLocaleString('en-US')} = ${ORDERS.toLocaleString('en-US')} + 0 + 0 + 0`,
    );

    // The dashboard's numbers move at once (the cache is keyed by the data version).
    const after = await dayKpis();
    expect(after.orders).toBe(ORDERS);
    expect(after.net_sales).toBeCloseTo(ORDERS * 25, 6);
    // Every answer during the load is the state before or after it, never orders without
    // their lines.
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      const isBefore = (s.orders ?? 0) === 0 && (s.net_sales ?? 0) === 0;
      const isAfter = s.orders === ORDERS && Math.abs((s.net_sales ?? 0) - ORDERS * 25) < 1e-6;
      expect({ s, consistent: isBefore || isAfter }).toEqual({ s, consistent: true });
    }

    // Reading commands work beside the server too (it owns the file; they read through it).
    const sql = await runCli([
      'sql',
      "SELECT count(*) AS n FROM orders WHERE order_id LIKE 'H-%'",
      '--workspace',
      ws.dir,
    ]);
    expect(sql.stderr).not.toMatch(/lock/i);
    expect(sql.code).toBe(0);
    expect(sql.stdout).toMatch(/\b4,?000\b/);
    const tables = await runCli(['tables', '--workspace', ws.dir]);
    expect(tables.code).toBe(0);
    expect(tables.stdout).toMatch(/order_lines/);

    // Loading the same files again: skipped, as the command says by itself.
    const again = await runCli(['ingest', 'model', dir, '--workspace', ws.dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already loaded by run \d+ \(same content\): skipped/);
    // A missing file: the same message and exit code as without a server.
    const missing = await runCli(['ingest', 'orders', 'no-such.csv', '--workspace', ws.dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such.csv: no such file or directory');
  }, 120_000);

  it('vitrine targets load hands the file over: same report, exit 0', async () => {
    const file = join(ws.root, 'targets.csv');
    writeFileSync(
      file,
      'kpi_id,period_start,period_end,segment_key,segment_value,target_value\nnet_sales,2031-01-01,2031-01-31,,,150000\norders,2031-01-01,2031-01-31,,,2500\n',
    );
    const run = await runCli(['targets', 'load', file, '--workspace', ws.dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${file}: 2 read = 2 new + 0 replaced\n`);
    const res = await fetch(`${server.url}/api/targets?kpi=orders`, {
      headers: { authorization: `Bearer ${ws.tokens.admin}` },
    });
    const body = (await res.json()) as { targets: { target_value: number }[] };
    expect(body.targets.map((t) => t.target_value)).toContain(2500);
  }, 60_000);
});
