// Generic ingest of a clean CSV of order lines, with every validation, against DuckDB's own
// read_csv into the same table on the same file (the goal: at most 1.5× its time).
//   npm run build && node bench/ingest-bench.js [--lines 10000000] [--runs 3]
// Both contenders start from the same workspace (orders already loaded, order_lines empty) and
// end with the same table: Vitrine also hashes the file for the load log, types and checks every
// value, checks keys and that every line's order exists, and writes the reconciliation.
import { copyFileSync, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingest } from '../dist/ingest/ingest-runner.js';
import { initWorkspace, openWorkspace } from '../dist/workspace/workspace.js';
import { race } from './timing.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '3' },
  },
});
const lines = Number(values.lines);
const runs = Number(values.runs);
const root = fileURLToPath(new URL(`../.bench/ingest-${lines}/`, import.meta.url));
mkdirSync(root, { recursive: true });
const linesCsv = `${root}order_lines.csv`;
const ordersCsv = `${root}orders.csv`;

/** Deterministic clean data: 1 to 4 lines per order, discounts on one order in five. */
async function generate() {
  const lo = createWriteStream(linesCsv);
  const or = createWriteStream(ordersCsv);
  lo.write(
    'order_id,line_no,sku,quantity,unit_list_price,unit_price,discount_amount,unit_cost,tax_amount,promotion_id\n',
  );
  or.write(
    'order_id,channel_id,ordered_at,status,currency,subtotal,discount_total,shipping_amount,tax_total,total\n',
  );
  let written = 0;
  let order = 0;
  let lb = [];
  let ob = [];
  const flush = async (stream, buf) => {
    if (!stream.write(buf.join(''))) await once(stream, 'drain');
  };
  while (written < lines) {
    order++;
    const n = 1 + (order % 4);
    let sub = 0;
    let disc = 0;
    for (let l = 1; l <= n && written < lines; l++, written++) {
      const q = 1 + ((order + l) % 3);
      const cents = 499 + ((order * 7 + l * 13) % 20000);
      const d = order % 5 === 0 ? Math.round((q * cents) / 10) : 0;
      const up = (q * cents - d) / q / 100;
      sub += q * cents - d;
      disc += d;
      lb.push(
        `O${order},${l},SKU${(order * 13 + l) % 5000},${q},${(cents / 100).toFixed(2)},${up.toFixed(4)},${(d / 100).toFixed(2)},${((cents * 0.45) / 100).toFixed(4)},${(((q * cents - d) * 0.2) / 100).toFixed(2)},${d > 0 ? 'P1' : ''}\n`,
      );
    }
    const day = 1 + (order % 28);
    const tax = Math.round(sub * 0.2);
    ob.push(
      `O${order},web,2025-03-${String(day).padStart(2, '0')}T10:00:00Z,paid,EUR,${(sub / 100).toFixed(2)},${(disc / 100).toFixed(2)},0.00,${(tax / 100).toFixed(2)},${((sub + tax) / 100).toFixed(2)}\n`,
    );
    if (lb.length >= 20000) {
      await flush(lo, lb);
      await flush(or, ob);
      lb = [];
      ob = [];
    }
  }
  await flush(lo, lb);
  await flush(or, ob);
  lo.end();
  or.end();
  await Promise.all([once(lo, 'finish'), once(or, 'finish')]);
  return order;
}

if (!existsSync(linesCsv)) {
  const t0 = Date.now();
  const orders = await generate();
  console.log(
    `generated ${lines.toLocaleString('en-US')} order lines of ${orders.toLocaleString('en-US')} orders in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
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

const medians = await race(contenders, runs);
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
console.log(
  `  ratio ${(vitrine / duck).toFixed(2)}× (goal ≤ 1.5×)  reconciliation ${JSON.stringify(checked)}`,
);
