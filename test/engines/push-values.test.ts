import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/backends/clickhouse/clickhouse-chdb-engine.js';
import { openClickHouseEngine } from '../../src/backends/clickhouse/clickhouse-engine.js';
import { DuckDbEngine } from '../../src/backends/duckdb/duckdb-engine.js';
import type { CellValue, Engine } from '../../src/backends/engine.js';
import { openEngine } from '../../src/backends/backend-registry.js';
import { pushWorkspace } from '../../src/backends/push/push-workspace.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import type { ClickHouseCluster } from './clickhouse-cluster.js';
import { clickhouseServerMissing, startClickHouseCluster } from './clickhouse-cluster.js';
import type { PostgresDatabase } from './postgres-server.js';
import { startPostgres } from './postgres-server.js';

/**
 * Push writes every chunk as a CSV file with DuckDB and streams it into the target: values that
 * CSV, TabSeparated or SQL treat specially must arrive exactly. Twelve returns, copied three rows
 * per chunk (so several chunks, and on the cluster several files per chunk), each with a
 * troublesome reason text, a decimal refund (negatives, zero, the largest of Decimal(18,2)), an
 * instant with an offset or a fraction, and a boolean or NULL. The instants' UTC text is written
 * by hand; each engine keeps them to its precision (PostgreSQL microseconds, current ClickHouse
 * milliseconds, 18.16 seconds), truncated.
 */
const ROWS: ReadonlyArray<{
  id: string;
  reason: string | null;
  refund: string;
  at: string;
  utc: string;
  restocked: boolean | null;
}> = [
  {
    id: 'R01',
    reason: 'say "hi", then\nleave',
    refund: '-12.34',
    at: '2024-03-01 10:11:12.345+00',
    utc: '2024-03-01 10:11:12.345000',
    restocked: true,
  },
  {
    id: 'R02',
    reason: 'tab\there\\back\\slash\\n',
    refund: '0.00',
    at: '1999-12-31 23:59:59.999+02',
    utc: '1999-12-31 21:59:59.999000',
    restocked: false,
  },
  {
    id: 'R03',
    reason: '',
    refund: '99999999.99',
    at: '2024-06-30 23:59:59.999999+00',
    utc: '2024-06-30 23:59:59.999999',
    restocked: null,
  },
  {
    id: 'R04',
    reason: null,
    refund: '0.01',
    at: '2024-01-01 00:00:00+00',
    utc: '2024-01-01 00:00:00.000000',
    restocked: null,
  },
  {
    id: 'R05',
    reason: 'line1\r\nline2\r',
    refund: '-0.05',
    at: '2024-02-29 12:00:00.5-05:30',
    utc: '2024-02-29 17:30:00.500000',
    restocked: true,
  },
  {
    id: 'R06',
    reason: 'é 😀 中文 ünï',
    refund: '1.50',
    at: '2024-01-01 00:00:00.001+00',
    utc: '2024-01-01 00:00:00.001000',
    restocked: false,
  },
  {
    id: 'R07',
    reason: '\\N',
    refund: '2.00',
    at: '2023-12-31 23:00:00+00',
    utc: '2023-12-31 23:00:00.000000',
    restocked: true,
  },
  {
    id: 'R08',
    reason: 'NULL',
    refund: '0.10',
    at: '2024-07-14 08:00:00.25+00',
    utc: '2024-07-14 08:00:00.250000',
    restocked: false,
  },
  {
    id: 'R09',
    reason: "'single quoted'",
    refund: '-1.11',
    at: '2024-03-31 01:59:59+00',
    utc: '2024-03-31 01:59:59.000000',
    restocked: null,
  },
  {
    id: 'R10',
    reason: '  padded, "both"  ',
    refund: '4.44',
    at: '2024-10-27 00:30:00.123456+00',
    utc: '2024-10-27 00:30:00.123456',
    restocked: true,
  },
  {
    id: 'R11',
    reason: ',',
    refund: '0.00',
    at: '2024-01-02 03:04:05.999+00',
    utc: '2024-01-02 03:04:05.999000',
    restocked: false,
  },
  {
    id: 'R12',
    reason: '"',
    refund: '5.55',
    at: '2024-01-02 03:04:05+00',
    utc: '2024-01-02 03:04:05.000000',
    restocked: true,
  },
];
/** Sum of the refunds, by hand: 99999999.99 − 12.34 + 0.01 − 0.05 + 1.50 + 2 + 0.10 − 1.11 + 4.44 + 5.55. */
const REFUND_SUM = '100000000.09';

const source = () =>
  fixtureDatabase({
    returns: ROWS.map((r) => ({
      return_id: r.id,
      order_id: 'O1',
      line_no: 1,
      sku: 'A',
      quantity: 1,
      refund_amount: r.refund,
      returned_at: r.at,
      reason: r.reason,
      restocked: r.restocked,
    })),
  });

/** A decimal's text without trailing zeros (servers differ on printing them). */
const trim = (v: CellValue | undefined) =>
  String(v)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');

async function pushAndRead(
  target: Engine,
  read: string,
  options: { cluster?: string } = {},
): Promise<Array<Record<string, CellValue>>> {
  const src = await source();
  try {
    const report = await pushWorkspace({
      source: src,
      target,
      tables: ['returns'],
      chunkRows: 3,
      restart: true,
      ...options,
    });
    expect(report.ok).toBe(true);
    const returns = report.tables[0];
    expect(returns?.targetRows).toBe(12);
    expect(returns?.money).toEqual([
      { column: 'refund_amount', source: REFUND_SUM, target: REFUND_SUM },
    ]);
  } finally {
    await src.close();
  }
  return [...(await target.run(read)).rows];
}

let pg: PostgresDatabase | null = null;
afterAll(async () => pg?.close());

describe('push: tricky values arrive exactly', () => {
  it('into another DuckDB database', async () => {
    const target = await DuckDbEngine.open({ path: ':memory:' });
    try {
      const rows = await pushAndRead(
        target,
        `SELECT return_id, reason, CAST(refund_amount AS VARCHAR) AS refund, strftime(timezone('UTC', returned_at), '%Y-%m-%d %H:%M:%S.%f') AS at, restocked FROM returns ORDER BY return_id`,
      );
      expect(rows).toEqual(
        ROWS.map((r) => ({
          return_id: r.id,
          reason: r.reason,
          refund: r.refund,
          at: r.utc,
          restocked: r.restocked,
        })),
      );
    } finally {
      await target.close();
    }
  });

  it('into PostgreSQL (instants to the microsecond)', async (ctx) => {
    const h = await startPostgres();
    if (!h.ok) {
      if (process.env['CI'] === 'true') throw new Error(h.skip);
      return ctx.skip();
    }
    pg = h.db;
    const target = await openEngine(pg.url);
    try {
      const rows = await pushAndRead(
        target,
        `SELECT return_id, reason, refund_amount::text AS refund, to_char(returned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at, restocked FROM returns ORDER BY return_id`,
      );
      expect(rows).toEqual(
        ROWS.map((r) => ({
          return_id: r.id,
          reason: r.reason,
          refund: r.refund,
          at: r.utc,
          restocked: r.restocked,
        })),
      );
    } finally {
      await target.close();
    }
  });

  it('a failed load names the table and leaves no file behind', async (ctx) => {
    if (!pg) return ctx.skip();
    const target = await openEngine(pg.url);
    const parent = mkdtempSync(join(tmpdir(), 'vitrine-push-test-'));
    const src = await source();
    try {
      // Rows already there pass; every new row is refused by the server mid-COPY.
      await target.exec('ALTER TABLE returns ADD CONSTRAINT no_new_rows CHECK (false) NOT VALID');
      await expect(
        pushWorkspace({
          source: src,
          target,
          tables: ['returns'],
          chunkRows: 3,
          restart: true,
          tempDir: parent,
        }),
      ).rejects.toThrow(/push returns: .*no_new_rows/);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      await target.exec('ALTER TABLE returns DROP CONSTRAINT IF EXISTS no_new_rows');
      await src.close();
      await target.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('into chDB (current ClickHouse: instants to the millisecond, booleans 1/0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-chdb-push-'));
    const target = await openChdbEngine(join(dir, 'db'));
    try {
      const rows = await pushAndRead(
        target,
        'SELECT return_id, reason, toString(refund_amount) AS refund, toString(returned_at) AS at, restocked FROM returns ORDER BY return_id',
      );
      expect(rows.map((r) => ({ ...r, refund: trim(r['refund']) }))).toEqual(
        ROWS.map((r) => ({
          return_id: r.id,
          reason: r.reason,
          refund: trim(r.refund),
          at: r.utc.slice(0, 23),
          restocked: r.restocked === null ? null : Number(r.restocked),
        })),
      );
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const missing = clickhouseServerMissing();
  if (missing && process.env['CI']) throw new Error(`CI needs the ClickHouse cluster: ${missing}`);
  it.skipIf(missing !== null)(
    'into the two-shard 18.16 cluster (each shard written directly; instants to the second)',
    async () => {
      let cluster: ClickHouseCluster | null = null;
      const engines: Engine[] = [];
      try {
        cluster = await startClickHouseCluster(2);
        const nodes = cluster.shards.map((s) => `127.0.0.1:${s.httpPort}`).join(',');
        const target = await openClickHouseEngine({
          url: `${cluster.url}/default?nodes=${nodes}`,
          cluster: cluster.cluster,
        });
        engines.push(target);
        const rows = await pushAndRead(
          target,
          'SELECT return_id, reason, toString(refund_amount) AS refund, toString(returned_at) AS at, restocked FROM returns ORDER BY return_id',
          { cluster: cluster.cluster },
        );
        expect(rows.map((r) => ({ ...r, refund: trim(r['refund']) }))).toEqual(
          ROWS.map((r) => ({
            return_id: r.id,
            reason: r.reason,
            refund: trim(r.refund),
            at: r.utc.slice(0, 19),
            restocked: r.restocked === null ? null : Number(r.restocked),
          })),
        );
        // Both shards hold rows of their own, which add up to the twelve.
        const parts: number[] = [];
        for (const s of cluster.shards) {
          const shard = await openClickHouseEngine({ url: s.httpUrl });
          engines.push(shard);
          const r = await shard.run('SELECT count() AS n FROM "returns_local"');
          parts.push(Number(r.rows[0]?.['n']));
        }
        expect(parts.every((n) => n > 0)).toBe(true);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(12);
      } finally {
        for (const e of engines) await e.close();
        await cluster?.stop();
      }
    },
    300_000,
  );
});
