import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTERNAL } from '../../src/ingest/internal-tables.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { load, rows, tempWorkspace, workspaceFingerprint } from './ingest-helpers.js';

const BIN = fileURLToPath(new URL('../../bin/vitrine.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A model export big enough that writing its order lines takes a few seconds. */
function bigExport(dir: string, lines: number): void {
  mkdirSync(dir, { recursive: true });
  const orders = [
    'order_id,channel_id,ordered_at,status,currency,subtotal,discount_total,shipping_amount,tax_total,total',
  ];
  const out = ['order_id,line_no,sku,quantity,unit_list_price,unit_price,discount_amount'];
  const perOrder = 4;
  for (let o = 0; o < lines / perOrder; o++) {
    orders.push(`K${o},web,2025-06-01T10:00:00Z,paid,EUR,40.00,0.00,0.00,8.00,48.00`);
    for (let l = 1; l <= perOrder; l++) out.push(`K${o},${l},SKU-${l},1,10.00,10.00,0.00`);
  }
  writeFileSync(join(dir, 'orders.csv'), orders.join('\n') + '\n');
  writeFileSync(join(dir, 'order_lines.csv'), out.join('\n') + '\n');
}

describe('a load is one transaction', () => {
  it.skipIf(!existsSync(DIST))(
    'a process killed with SIGKILL in the middle of a load leaves the workspace as it was',
    async () => {
      const ws = await tempWorkspace();
      await load(ws, 'orders', ['generic/orders.csv']);
      const before = await workspaceFingerprint(ws);
      const dir = ws.dir;
      await ws.close();
      const data = join(mkdtempSync(join(tmpdir(), 'vitrine-kill-')), 'export');
      bigExport(data, 400_000);

      // Killed once the orders of the load are written and its 400,000 lines are on their way.
      const child = spawn(process.execPath, [BIN, 'ingest', 'model', data, '--workspace', dir], {
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const killedAfter = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/writing orders: done/.test(stderr) && child.exitCode === null) {
            child.kill('SIGKILL');
            resolve(stderr);
          }
        });
        child.on('exit', (code, signal) => {
          if (signal !== 'SIGKILL')
            reject(new Error(`the load ended before it was killed (${code}): ${stderr}`));
        });
      });
      await new Promise((r) => child.once('close', r));
      expect(child.signalCode).toBe('SIGKILL');
      expect(killedAfter).not.toMatch(/writing order_lines: done/);

      const reopened = await openWorkspace(dir);
      try {
        expect(await workspaceFingerprint(reopened)).toEqual(before);
        expect(
          await rows(reopened, `SELECT count(*) AS n FROM orders WHERE order_id LIKE 'K%'`),
        ).toEqual([{ n: 0 }]);
        // The workspace works: the same load, run to its end, loads everything.
        const r = await load(reopened, 'model', [data]);
        expect(r.tables.map((t) => [t.table, t.loaded])).toEqual([
          ['orders', 100_000],
          ['order_lines', 400_000],
        ]);
        expect(
          await rows(
            reopened,
            `SELECT count(*) AS n FROM ${INTERNAL.loadLog} WHERE source = 'model'`,
          ),
        ).toEqual([{ n: 2 }]);
      } finally {
        await reopened.close();
      }
    },
  );

  it('a load refused half-way (a bad file after a good one) writes nothing', async () => {
    const ws = await tempWorkspace();
    try {
      const before = await workspaceFingerprint(ws);
      await expect(
        load(ws, 'orders', ['generic/orders.csv', 'generic/orders-missing-column.csv']),
      ).rejects.toThrow(/orders-missing-column\.csv: line 1: field currency/);
      expect(await workspaceFingerprint(ws)).toEqual(before);
    } finally {
      await ws.close();
    }
  });
});
