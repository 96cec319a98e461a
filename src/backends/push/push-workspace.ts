import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableDef } from '../../model/model-types.js';
import { quoteIdentifier } from '../../sql/sql-identifier.js';
import { TABLES } from '../../model/tables.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import type { Progress } from '../../util/progress.js';
import { silentProgress } from '../../util/progress.js';
import { createCanonicalTables, dialectFor, pushTargetFor } from '../backend-registry.js';
import type { CellValue, Engine } from '../engine.js';
import { isEmbeddedEngine } from '../engine.js';
import { exportCsv, withTempDir } from './push-export.js';
import type { PushTarget } from './push-target.js';

/**
 * `vitrine push`: copies the canonical model of a DuckDB workspace to another engine. Tables
 * are copied in chunks of rowid ranges: DuckDB writes each chunk as a CSV file in the target's
 * encoding (push-export.ts), which the target's bulk path reads as a stream (COPY FROM STDIN on
 * PostgreSQL, an INSERT's HTTP body on ClickHouse, the file itself on chDB and DuckDB); rows
 * never become JavaScript values, and DuckDB writes the next chunk while the target loads the
 * current one. On a cluster each chunk is split over the shards by rowid. Each table is recorded
 * in the target's book when it starts and when it is finished: a re-run skips finished tables
 * and redoes an unfinished one from scratch. The end is a reconciliation of row counts and of every exact-decimal column's
 * sum, source against target.
 */

const DECIMAL_TYPES = new Set(['money', 'price', 'rate']);
const DEFAULT_CHUNK_ROWS = 500_000;

export interface PushOptions {
  /** The workspace's engine (DuckDB). */
  readonly source: Engine;
  readonly target: Engine;
  /** Only these tables of the model (default: all). */
  readonly tables?: readonly string[];
  /** ClickHouse cluster for the target's DDL. */
  readonly cluster?: string;
  /** Copy every table again, finished or not. */
  readonly restart?: boolean;
  /** Rows per chunk: DuckDB writes one file per chunk (per shard on a cluster). */
  readonly chunkRows?: number;
  readonly progress?: Progress;
  /** Where chunk files are written (default: the system's temporary directory). */
  readonly tempDir?: string;
}

export interface MoneyCheck {
  readonly column: string;
  /** Exact decimal sums as text (normalised), or null for an empty table. */
  readonly source: string | null;
  readonly target: string | null;
}

export interface TableReconciliation {
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly money: readonly MoneyCheck[];
  readonly ok: boolean;
}

export interface PushedTable extends TableReconciliation {
  /** Finished by an earlier run and left as it was. */
  readonly skipped: boolean;
  readonly seconds: number;
}

export interface PushReport {
  readonly tables: readonly PushedTable[];
  readonly ok: boolean;
  readonly seconds: number;
}

/** The model's tables a push copies, in model order; unknown names are refused. */
export function pushTables(names?: readonly string[]): TableDef[] {
  if (!names || names.length === 0) return [...TABLES];
  const known = new Map(TABLES.map((t) => [t.name, t]));
  for (const n of names) {
    if (!known.has(n)) {
      throw new VitrineError(
        'PUSH_TABLE',
        `--tables: ${n} is not a table of the model (vitrine tables lists them)`,
      );
    }
  }
  return TABLES.filter((t) => names.includes(t.name));
}

/** An exact decimal as comparable text: no trailing zeros, no negative zero. */
export function normaliseDecimal(v: CellValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  let s = String(v).trim();
  if (s.includes('.') && !/e/i.test(s)) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (/^-0*$/.test(s)) s = '0';
  return s;
}

/** Row count and decimal sums of tables on both engines. */
export async function reconcileTables(
  source: Engine,
  target: Engine,
  tables: readonly TableDef[],
): Promise<TableReconciliation[]> {
  const out: TableReconciliation[] = [];
  for (const t of tables) {
    const decimals = t.columns.filter((c) => DECIMAL_TYPES.has(c.type)).map((c) => c.name);
    // The same statement in each engine's quoting.
    const sql = (e: Engine) => {
      const q = dialectFor(e.kind).quoteIdentifier;
      return `SELECT count(*) AS n${decimals.map((c, i) => `, sum(${q(c)}) AS s${i}`).join('')} FROM ${q(t.name)}`;
    };
    const [a, b] = await Promise.all([source.run(sql(source)), target.run(sql(target))]);
    const ra = a.rows[0] ?? {};
    const rb = b.rows[0] ?? {};
    const money = decimals.map((column, i) => ({
      column,
      source: normaliseDecimal(ra[`s${i}`]),
      target: normaliseDecimal(rb[`s${i}`]),
    }));
    const sourceRows = Number(ra['n']);
    const targetRows = Number(rb['n']);
    out.push({
      table: t.name,
      sourceRows,
      targetRows,
      money,
      ok: sourceRows === targetRows && money.every((m) => m.source === m.target),
    });
  }
  return out;
}

/** A chunk's files, written by DuckDB, one per part. */
interface ChunkFiles {
  readonly files: ReadonlyArray<{ readonly path: string; readonly rows: number }>;
  readonly rows: number;
  readonly bytes: number;
}

async function copyTable(
  source: Engine,
  target: PushTarget,
  t: TableDef,
  chunkRows: number,
  progress: Progress,
  dir: string,
): Promise<number> {
  const span = await source.run(
    `SELECT min(rowid) AS lo, max(rowid) AS hi, count(*) AS n FROM ${quoteIdentifier(t.name)}`,
  );
  const lo = Number(span.rows[0]?.['lo'] ?? 0);
  const hi = Number(span.rows[0]?.['hi'] ?? -1);
  const total = Number(span.rows[0]?.['n'] ?? 0);
  progress.start(t.name, total);
  const spec = await target.csvSpec(t);
  const parts = await target.parts();
  let seq = 0;
  const write = async (from: number): Promise<ChunkFiles> => {
    const files: Array<{ path: string; rows: number }> = [];
    let bytes = 0;
    for (let index = 0; index < parts; index++) {
      seq += 1;
      const path = join(dir, `${t.name}.${seq}.csv`);
      const range = { from, to: from + chunkRows };
      const part = parts > 1 ? { index, of: parts } : null;
      files.push({ path, rows: await exportCsv(source, t, spec, range, part, path) });
      bytes += (await stat(path)).size;
    }
    return { files, rows: files.reduce((a, f) => a + f.rows, 0), bytes };
  };
  let copied = 0;
  // DuckDB writes the next chunk while the target loads the current one.
  let next = total > 0 && lo <= hi ? write(lo) : null;
  for (let from = lo; next; from += chunkRows) {
    let chunk: ChunkFiles | null = null;
    try {
      chunk = await next;
      next = from + chunkRows <= hi ? write(from + chunkRows) : null;
      let sent = 0;
      const base = copied;
      const rows = chunk.rows;
      const bytes = Math.max(1, chunk.bytes);
      const onBytes = (n: number) => {
        sent += n;
        progress.update(base + Math.min(rows, Math.floor((rows * sent) / bytes)));
      };
      // Every part is settled before an error is reported: no load is left running.
      const loads = await Promise.allSettled(
        chunk.files.map((f, part) =>
          f.rows > 0 ? target.loadCsv(t, f.path, part, onBytes) : Promise.resolve(),
        ),
      );
      for (const l of loads) if (l.status === 'rejected') throw l.reason;
      copied += rows;
      progress.update(copied);
    } catch (e) {
      // The file being written is waited for (then removed with the directory).
      await next?.catch(() => undefined);
      throw new VitrineError('PUSH_COPY', `push ${t.name}: ${oneLine(e)}`);
    } finally {
      for (const f of chunk?.files ?? []) await rm(f.path, { force: true });
    }
  }
  progress.done(`${copied.toLocaleString('en-US')} rows`);
  return copied;
}

export async function pushWorkspace(options: PushOptions): Promise<PushReport> {
  const { source, target } = options;
  if (!isEmbeddedEngine(source)) {
    throw new VitrineError(
      'PUSH_SOURCE',
      `vitrine push copies from a DuckDB workspace, not from ${source.kind}`,
    );
  }
  const progress = options.progress ?? silentProgress;
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const started = Date.now();
  const tables = pushTables(options.tables);
  await createCanonicalTables(target, { cluster: options.cluster });
  const book = pushTargetFor(target);
  await book.ensureBook();
  const done = options.restart ? new Map() : await book.readBook();
  const copied = new Map<string, { skipped: boolean; seconds: number }>();
  // Chunk files are written by DuckDB under a temporary directory, removed whatever happens.
  await withTempDir(options.tempDir ?? tmpdir(), async (dir) => {
    for (const t of tables) {
      const t0 = Date.now();
      if (done.get(t.name)?.status === 'done') {
        progress.info(`${t.name}: already pushed (${done.get(t.name)?.rows ?? 0} rows), skipped`);
        copied.set(t.name, { skipped: true, seconds: 0 });
        continue;
      }
      await book.mark(t.name, 'started', 0);
      // Whatever an interrupted run left is removed: the table is copied whole, once.
      await book.clearTable(t.name);
      const n = await copyTable(source, book, t, chunkRows, progress, dir);
      await book.finishTable(t.name);
      await book.mark(t.name, 'done', n);
      copied.set(t.name, { skipped: false, seconds: (Date.now() - t0) / 1000 });
    }
  });
  const checks = await reconcileTables(source, target, tables);
  const report = checks.map((c) => ({
    ...c,
    skipped: copied.get(c.table)?.skipped ?? false,
    seconds: copied.get(c.table)?.seconds ?? 0,
  }));
  return {
    tables: report,
    ok: report.every((r) => r.ok),
    seconds: (Date.now() - started) / 1000,
  };
}
