import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClickHouseEngine } from '../../src/backends/clickhouse/clickhouse-engine.js';
import { openClickHouseEngine } from '../../src/backends/clickhouse/clickhouse-engine.js';
import { pushWorkspace } from '../../src/backends/push/push-workspace.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../src/semantic/query/query-types.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import type { ClickHouseCluster } from './clickhouse-cluster.js';
import { clickhouseServerMissing, startClickHouseCluster } from './clickhouse-cluster.js';
import { sameValue } from './engine-suite-requests.js';

/**
 * The two-shard 18.16 cluster really splits the data: after a push of the small demo's sales
 * tables, each shard's own `_local` table holds part of the rows, the parts add up to the
 * workspace's count, and KPIs computed through the Distributed tables equal DuckDB's.
 */

const missing = clickhouseServerMissing();
if (missing && process.env['CI']) throw new Error(`CI needs the ClickHouse cluster: ${missing}`);

/** The tables the KPIs below read. */
const TABLES = ['orders', 'order_lines', 'fx_rates', 'locations', 'channels', 'products'];

describe.skipIf(missing !== null)(
  `two-shard ClickHouse 18.16 cluster${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const dir = inject('smallDemoDir') ?? process.env['VITRINE_SMALL_DEMO_DIR'] ?? '';
    let cluster: ClickHouseCluster;
    let engine: ClickHouseEngine;
    let ws: Workspace;
    const shards: ClickHouseEngine[] = [];

    beforeAll(async () => {
      cluster = await startClickHouseCluster(2);
      const nodes = cluster.shards.map((s) => `127.0.0.1:${s.httpPort}`).join(',');
      engine = await openClickHouseEngine({
        url: `${cluster.url}/default?nodes=${nodes}`,
        cluster: cluster.cluster,
      });
      for (const s of cluster.shards) shards.push(await openClickHouseEngine({ url: s.httpUrl }));
      ws = await openWorkspace(dir, { readOnly: true });
    });

    afterAll(async () => {
      try {
        for (const s of shards) await s.close();
        await engine?.close();
        await ws?.close();
      } finally {
        await cluster?.stop();
      }
    });

    it('push spreads order_lines over both shards, and the parts add up', async () => {
      const report = await pushWorkspace({ source: ws.engine, target: engine, tables: TABLES });
      expect(report.tables.filter((t) => !t.ok)).toEqual([]);
      const expected = Number(
        (await ws.engine.run('SELECT count(*) AS n FROM order_lines')).rows[0]?.['n'],
      );
      expect(expected).toBeGreaterThan(10_000);
      const parts: number[] = [];
      for (const s of shards) {
        const r = await s.run('SELECT count() AS n FROM "order_lines_local"');
        parts.push(Number(r.rows[0]?.['n']));
      }
      // rand() sharding: each shard gets about half; a shard with none means no sharding.
      for (const [i, n] of parts.entries())
        expect(n, `shard ${i + 1}`).toBeGreaterThan(expected / 4);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(expected);
      const through = await engine.run('SELECT count() AS n FROM "order_lines"');
      expect(through.rows[0]?.['n']).toBe(expected);
      const engineName = await shards[0]?.run(
        "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'order_lines'",
      );
      expect(engineName?.rows[0]?.['engine']).toBe('Distributed');
    }, 900_000);

    it('KPIs through the Distributed tables equal DuckDB (counts exact, money 1e-9)', async () => {
      const dictionary = loadDictionary();
      const req: QueryRequest = {
        kpis: ['orders', 'units_sold', 'gross_sales'],
        grain: 'month',
        from: '2025-06-01',
        to: '2026-05-31',
        compare: ['previous'],
      };
      const duck = await runQuery({ engine: ws.engine, dictionary, config: ws.config }, req);
      const ch = await runQuery({ engine, dictionary, config: ws.config }, req);
      expect(duck.rows.length).toBe(12);
      expect(ch.rows.map((r) => r.period)).toEqual(duck.rows.map((r) => r.period));
      for (const [i, row] of duck.rows.entries()) {
        for (const k of req.kpis) {
          const a = row.values[k] ?? null;
          const b = ch.rows[i]?.values[k] ?? null;
          expect(a, `${k} ${row.period}`).not.toBeNull();
          const exact = k !== 'gross_sales';
          expect(sameValue(a, b, exact), `${k} ${row.period}: duckdb ${a}, cluster ${b}`).toBe(
            true,
          );
        }
      }
    });
  },
);
