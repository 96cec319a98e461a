// Generic ingest of a clean CSV of order lines, with every validation, against DuckDB's own
// read_csv into the same table on the same file (the goal: at most 1.5× its time).
//   npm run build && node bench/ingest-bench.js [--lines 10000000] [--runs 3]
// Both contenders start from the same workspace (orders already loaded, order_lines empty) and
// end with the same table: Vitrine also hashes the file for the load log, types and checks every
// value, checks keys and that every line's order exists, and writes the reconciliation.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingest } from '../dist/ingest/ingest-runner.js';
import { initWorkspace, openWorkspace } from '../dist/workspace/workspace.js';
import { race } from './timing.js';

/**
 * Generates (once, reused) a clean CSV of `lines` order lines and its orders, then races
 * `vitrine ingest order_lines` against DuckDB's read_csv into the same table; prints medians,
 * rows/s and the ratio.
 */
export async function ingestBench({ lines = 10_000_000, runs = 3, dir } = {}) {
  // Hundreds of MB of generated data: outside the repository, reused between runs.
  const root = join(dir ?? join(tmpdir(), 'vitrine-bench'), `ingest-${lines}`) + '/';
  mkdirSync(root, { recursive: true });
  const linesCsv = `${root}order_lines.csv`;
  const ordersCsv = `${root}orders.csv`;

  /**
   * Deterministic clean data written by DuckDB from generate_series: 1 to 4 lines per order, a 10 %
   * discount on every fifth order (a whole number of cents per unit, so unit prices are exact), the
   * order totals summed from its lines.
   */
  async function generate() {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // Orders of 1, 2, 3, 4 lines in turn: 10 lines per 4 orders.
    await conn.run(`CREATE TEMPORARY TABLE l AS
      WITH g AS (SELECT i, i // 10 AS blk, i % 10 AS r FROM generate_series(0, ${lines - 1}) t(i)),
      p AS (
        SELECT i,
          blk * 4 + CASE WHEN r < 1 THEN 1 WHEN r < 3 THEN 2 WHEN r < 6 THEN 3 ELSE 4 END AS o,
          CASE WHEN r < 1 THEN r + 1 WHEN r < 3 THEN r WHEN r < 6 THEN r - 2 ELSE r - 5 END AS line_no
        FROM g)
      SELECT i, o, line_no, 1 + (o + line_no) % 3 AS q, 499 + (o * 7 + line_no * 13) % 20000 AS cents,
        CASE WHEN o % 5 = 0 THEN (499 + (o * 7 + line_no * 13) % 20000) // 10 ELSE 0 END AS dcents
      FROM p`);
    await conn.run(`COPY (
        SELECT 'O' || o AS order_id, line_no, 'SKU' || ((o * 13 + line_no) % 5000) AS sku, q AS quantity,
          CAST(cents / 100 AS DECIMAL(12, 2)) AS unit_list_price,
          CAST((cents - dcents) / 100 AS DECIMAL(14, 4)) AS unit_price,
          CAST(q * dcents / 100 AS DECIMAL(12, 2)) AS discount_amount,
          CAST(cents * 45 / 10000 AS DECIMAL(14, 4)) AS unit_cost,
          CAST(round(q * (cents - dcents) * 0.2) / 100 AS DECIMAL(12, 2)) AS tax_amount,
          CASE WHEN dcents > 0 THEN 'P1' END AS promotion_id
        FROM l ORDER BY i
      ) TO '${linesCsv}' (HEADER, DELIMITER ',')`);
    await conn.run(`COPY (
        SELECT 'O' || o AS order_id, 'web' AS channel_id,
          strftime(TIMESTAMP '2025-03-01 10:00:00' + to_days(CAST(o % 28 AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ordered_at,
          'paid' AS status, 'EUR' AS currency,
          CAST(sum(q * (cents - dcents)) / 100 AS DECIMAL(14, 2)) AS subtotal,
          CAST(sum(q * dcents) / 100 AS DECIMAL(14, 2)) AS discount_total,
          0.00 AS shipping_amount,
          CAST(sum(round(q * (cents - dcents) * 0.2)) / 100 AS DECIMAL(14, 2)) AS tax_total,
          CAST((sum(q * (cents - dcents)) + sum(round(q * (cents - dcents) * 0.2))) / 100 AS DECIMAL(14, 2)) AS total
        FROM l GROUP BY o ORDER BY o
      ) TO '${ordersCsv}' (HEADER, DELIMITER ',')`);
    const n = await conn.runAndReadAll('SELECT count(DISTINCT o) AS n FROM l');
    conn.closeSync();
    instance.closeSync();
    return Number(n.getRowObjectsJson()[0]?.['n'] ?? 0);
  }

  if (!existsSync(ordersCsv)) {
    rmSync(linesCsv, { force: true });
    const t0 = Date.now();
    const orders = await generate();
    console.log(
      `generated ${lines.toLocaleString('en-US')} order lines of ${orders.toLocaleString('en-US')} orders in ${((Date.now() - t0) / 1000).toFixed(1)}s (${root})`,
    );
  }

  // The workspace both contenders start from: orders loaded (without Vitrine, untimed).
  const template = `${root}template`;
  if (!existsSync(`${template}/vitrine.yaml`)) {
    rmSync(template, { recursive: true, force: true });
    const ws = await initWorkspace(template);
    await ws.engine.run(`INSERT INTO orders BY NAME SELECT * FROM read_csv($1)`, [ordersCsv]);
    await ws.engine.exec('CHECKPOINT');
    await ws.close();
  }

  let round = 0;
  function freshWorkspace() {
    round++;
    const dir = `${root}run-${round}`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    copyFileSync(`${template}/vitrine.yaml`, `${dir}/vitrine.yaml`);
    copyFileSync(`${template}/vitrine.duckdb`, `${dir}/vitrine.duckdb`);
    return dir;
  }

  let checked = null;
  const contenders = [
    {
      name: 'duckdb read_csv',
      async run() {
        const dir = freshWorkspace();
        const instance = await DuckDBInstance.create(`${dir}/vitrine.duckdb`);
        const conn = await instance.connect();
        await conn.run('BEGIN');
        await conn.run(`INSERT INTO order_lines SELECT * FROM read_csv('${linesCsv}')`);
        await conn.run('COMMIT');
        conn.closeSync();
        instance.closeSync();
        rmSync(dir, { recursive: true, force: true });
      },
    },
    {
      name: 'vitrine ingest',
      async run() {
        const dir = freshWorkspace();
        const ws = await openWorkspace(dir);
        const report = await ingest(ws, { source: 'order_lines', paths: [linesCsv] });
        const t = report.tables[0];
        if (!t || t.loaded !== lines || t.quarantined !== 0) {
          throw new Error(`vitrine loaded ${JSON.stringify(t)}; expected ${lines} clean lines`);
        }
        checked = t;
        await ws.close();
        rmSync(dir, { recursive: true, force: true });
      },
    },
  ];

  // Each run's time, in order: the ratio of each interleaved round is printed too, since on a
  // shared machine a median alone hides how much the rounds disagree.
  const times = new Map(contenders.map((c) => [c.name, []]));
  for (const c of contenders) {
    const run = c.run;
    c.run = async () => {
      const t0 = process.hrtime.bigint();
      await run();
      times.get(c.name).push(Number(process.hrtime.bigint() - t0) / 1e6);
    };
  }
  const load0 = loadavg()[0];
  const medians = await race(contenders, runs);
  const load1 = loadavg()[0];
  const duck = medians.get('duckdb read_csv');
  const vitrine = medians.get('vitrine ingest');
  const rate = (ms) => Math.round(lines / (ms / 1000)).toLocaleString('en-US');
  console.log(
    `\ningest of ${lines.toLocaleString('en-US')} clean order lines (median of ${runs} interleaved runs)`,
  );
  console.log(
    `  duckdb read_csv into order_lines  ${(duck / 1000).toFixed(1)}s  ${rate(duck)} rows/s`,
  );
  console.log(
    `  vitrine ingest order_lines        ${(vitrine / 1000).toFixed(1)}s  ${rate(vitrine)} rows/s`,
  );
  // The first run of each contender is the warm-up (not in the medians).
  const d = times.get('duckdb read_csv').slice(1);
  const v = times.get('vitrine ingest').slice(1);
  const rounds = d.map((x, i) => `${((v[i] ?? 0) / x).toFixed(2)}×`);
  console.log(
    `  rounds: read_csv ${d.map((x) => (x / 1000).toFixed(1)).join(', ')} s; vitrine ${v.map((x) => (x / 1000).toFixed(1)).join(', ')} s; ratios ${rounds.join(', ')}`,
  );
  console.log(
    `  load average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end`,
  );
  console.log(
    `  ratio ${(vitrine / duck).toFixed(2)}× (goal ≤ 1.5×)  reconciliation ${JSON.stringify(checked)}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '10000000' },
      runs: { type: 'string', default: '3' },
      dir: { type: 'string' },
    },
  });
  await ingestBench({ lines: Number(values.lines), runs: Number(values.runs), dir: values.dir });
}
