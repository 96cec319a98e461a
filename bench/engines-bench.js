// The sales and margin pack on every engine, side by side: the workspace's DuckDB, PostgreSQL
// and a two-shard ClickHouse 18.16 cluster (or the server VITRINE_BENCH_CLICKHOUSE names). The demo
// is pushed to each server first (`vitrine push`, timed, with its rows/s; a re-run resumes it),
// each engine's answer is checked equal to DuckDB's, then the pack is raced (interleaved runs,
// medians). Needs a built tree (npm run build).
//   node bench/engines-bench.js --workspace DIR [--pg postgres://…] [--runs 3]
//   node bench/run.js --only engines        (on the large demo of .bench/)
// Without a PostgreSQL server (VITRINE_BENCH_PG, default 127.0.0.1:5432) it says so and skips.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  clickhouseServerMissing,
  startClickHouseCluster,
} from '../dist/backends/clickhouse/clickhouse-local-cluster.js';
import { openEngine } from '../dist/backends/backend-registry.js';
import { pushWorkspace } from '../dist/backends/push/push-workspace.js';
import { loadDictionary } from '../dist/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../dist/semantic/query/query-runner.js';
import { openWorkspace } from '../dist/workspace/workspace.js';
import { stderrProgress } from '../dist/cli/progress-renderer.js';
import { PACK } from './sales-pack-bench.js';
import { race } from './timing.js';

const BENCH_DB = 'vitrine_bench';

/** A database of its own on the server (created when missing), so a re-run resumes the push. */
async function benchDatabase(serverUrl) {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    return { skip: `no PostgreSQL at ${serverUrl} (${e.message})` };
  }
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${BENCH_DB}`;
  return { url: u.toString() };
}

function same(a, b) {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export async function enginesBench(ws, runs, options = {}) {
  const serverUrl =
    options.pg ?? process.env['VITRINE_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const targets = [];
  const pgDb = await benchDatabase(serverUrl);
  if (pgDb.skip) console.log(`engines: PostgreSQL skipped: ${pgDb.skip}`);
  else targets.push({ name: 'postgres', url: pgDb.url });
  // ClickHouse: a server named by VITRINE_BENCH_CLICKHOUSE (and its cluster), or else a
  // throwaway two-shard cluster of Debian's clickhouse-server 18.16 started here, as the tests do.
  let chCluster = null;
  if (process.env['VITRINE_BENCH_NO_CLICKHOUSE'] === '1') {
    console.log('engines: ClickHouse skipped (VITRINE_BENCH_NO_CLICKHOUSE=1)');
  } else if (process.env['VITRINE_BENCH_CLICKHOUSE']) {
    targets.push({
      name: 'clickhouse',
      url: process.env['VITRINE_BENCH_CLICKHOUSE'],
      cluster: process.env['VITRINE_BENCH_CLICKHOUSE_CLUSTER'],
    });
  } else {
    const missing = clickhouseServerMissing();
    if (missing) console.log(`engines: ClickHouse skipped: ${missing}`);
    else {
      // 6 GB per query and server: the large demo's pack outgrew 2 GB (2.26 GiB) where shards merge.
      chCluster = await startClickHouseCluster(2, { maxMemoryBytes: 6e9 });
      const nodes = chCluster.shards.map((x) => `127.0.0.1:${x.httpPort}`).join(',');
      targets.push({
        name: 'clickhouse-2-shards',
        url: `clickhouse://127.0.0.1:${chCluster.shards[0].httpPort}/default?nodes=${nodes}`,
        cluster: chCluster.cluster,
      });
    }
  }
  if (targets.length === 0) return;

  const meta = await ws.engine.run(
    'SELECT CAST(min(CAST(timezone($1, ordered_at) AS DATE)) AS VARCHAR) AS a, CAST(max(CAST(timezone($1, ordered_at) AS DATE)) AS VARCHAR) AS b FROM orders',
    ['Europe/Paris'],
  );
  const from = String(meta.rows[0].a);
  const to = String(meta.rows[0].b);
  const lines = (await ws.engine.run('SELECT count(*) AS n FROM order_lines')).rows[0].n;
  const dictionary = loadDictionary({ workspaceDir: ws.dir });
  const request = { kpis: PACK, by: ['channel'], grain: 'day', from, to };
  const on = (engine) => () => runQuery({ engine, dictionary, config: ws.config }, request);

  const contenders = [{ name: 'duckdb', run: on(ws.engine) }];
  const opened = [];
  const pushTimes = [];
  try {
    for (const t of targets) {
      const engine = await openEngine(t.url, t.cluster ? { cluster: t.cluster } : {});
      opened.push(engine);
      const t0 = Date.now();
      const report = await pushWorkspace({
        source: ws.engine,
        target: engine,
        ...(t.cluster ? { cluster: t.cluster } : {}),
        progress: stderrProgress(),
      });
      if (!report.ok) throw new Error(`push to ${t.name}: reconciliation failed`);
      const copied = report.tables.filter((x) => !x.skipped);
      const rows = copied.reduce((a, x) => a + x.sourceRows, 0);
      const seconds = (Date.now() - t0) / 1000;
      pushTimes.push(
        `${t.name} ${seconds.toFixed(1)}s (${copied.length} tables, ${rows.toLocaleString('en-US')} rows copied: ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s; ${report.tables.length - copied.length} already there)`,
      );
      contenders.push({ name: t.name, run: on(engine) });
    }
    // Same numbers first: every engine against DuckDB.
    const ref = await contenders[0].run();
    const key = (r) => `${r.period_start}|${r.dims.channel}`;
    const refRows = new Map(ref.rows.map((r) => [key(r), r]));
    for (const c of contenders.slice(1)) {
      const res = await c.run();
      let compared = 0;
      for (const row of res.rows) {
        const base = refRows.get(key(row));
        for (const k of PACK) {
          if (!same(row.values[k] ?? null, base?.values[k] ?? null)) {
            throw new Error(
              `${c.name}: ${k} on ${key(row)} is ${row.values[k]}, DuckDB ${base?.values[k]}`,
            );
          }
          compared++;
        }
      }
      console.log(`engines: ${c.name} equals DuckDB on ${compared} values`);
    }
    console.log(
      `engines: sales and margin pack (${PACK.length} KPIs by day × channel, ${from} → ${to}, ${Number(lines).toLocaleString('en-US')} order lines); push: ${pushTimes.join(', ')}`,
    );
    const t = await race(contenders, runs);
    const base = t.get('duckdb');
    for (const [name, ms] of t) {
      console.log(
        `  ${name.padEnd(12)} ${ms.toFixed(0).padStart(7)} ms (median of ${runs}), ${(ms / base).toFixed(2)}× DuckDB`,
      );
    }
  } finally {
    for (const e of opened) await e.close();
    await chCluster?.stop();
  }
}

// Run on its own: node bench/engines-bench.js --workspace DIR
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      workspace: { type: 'string' },
      pg: { type: 'string' },
      runs: { type: 'string', default: '3' },
    },
  });
  const dir = values.workspace ?? fileURLToPath(new URL('../.bench/large-42', import.meta.url));
  if (!existsSync(`${dir}/vitrine.yaml`)) {
    console.log(`engines: skipped, no demo workspace at ${dir} (give --workspace DIR)`);
  } else {
    const ws = await openWorkspace(dir, { readOnly: true });
    try {
      await enginesBench(ws, Number(values.runs), values.pg ? { pg: values.pg } : {});
    } finally {
      await ws.close();
    }
  }
}
