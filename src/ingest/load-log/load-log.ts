import type { Engine } from '../../backends/engine.js';
import type { FileFacts } from '../file-scan.js';
import { INTERNAL, hasInternalTables } from '../internal-tables.js';
import type { TableCounts } from '../pipeline/candidate-set.js';
import type { RunState } from '../pipeline/run-state.js';

export interface RunRecord {
  readonly files: number;
  readonly skipped: number;
  readonly inputRows: number;
  readonly options: string;
  readonly tables: ReadonlyArray<
    TableCounts & { table: string; released: { read: number }; latest: string | null }
  >;
  readonly loaded: readonly FileFacts[];
}

/**
 * Stores a run: its reconciliation per table, and the load log entry of every file it read (keyed
 * by content hash, so that the same bytes are never loaded twice). Written in the load's
 * transaction: a run that did not commit left no trace.
 */
export async function recordRun(run: RunState, record: RunRecord): Promise<void> {
  await run.run(`INSERT INTO ${INTERNAL.runs} VALUES ($1, $2, now(), now(), $3, $4, $5, $6)`, [
    run.runId,
    run.source,
    record.files,
    record.skipped,
    record.inputRows,
    record.options,
  ]);
  for (const t of record.tables) {
    await run.run(
      `INSERT INTO ${INTERNAL.runTables} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        run.runId,
        t.table,
        t.read,
        t.loaded,
        t.updated,
        t.duplicates,
        t.quarantined,
        t.held,
        t.released.read,
        t.latest,
      ],
    );
  }
  for (const f of record.loaded) {
    await run.run(
      `INSERT INTO ${INTERNAL.loadLog} VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (source, file_hash) DO UPDATE SET path = excluded.path, run_id = excluded.run_id, loaded_at = excluded.loaded_at`,
      [run.source, f.hash, f.path, f.bytes, run.runId],
    );
  }
}

export interface RunSummary {
  readonly runId: number;
  readonly source: string;
  readonly startedAt: string;
  readonly files: number;
  readonly filesSkipped: number;
  readonly tables: ReadonlyArray<
    TableCounts & { table: string; released: number; latest: string | null }
  >;
}

/** Stored runs, latest first, with their reconciliations. */
export async function listRuns(engine: Engine, limit = 20): Promise<RunSummary[]> {
  if (!(await hasInternalTables(engine))) return [];
  const runs = await engine.run(
    `SELECT run_id, source, CAST(started_at AS VARCHAR) AS started_at, files, files_skipped FROM ${INTERNAL.runs} ORDER BY run_id DESC LIMIT $1`,
    [limit],
  );
  const out: RunSummary[] = [];
  for (const r of runs.rows) {
    const tables = await engine.run(
      `SELECT * FROM ${INTERNAL.runTables} WHERE run_id = $1 ORDER BY table_name`,
      [Number(r['run_id'])],
    );
    out.push({
      runId: Number(r['run_id']),
      source: String(r['source']),
      startedAt: String(r['started_at']),
      files: Number(r['files']),
      filesSkipped: Number(r['files_skipped']),
      tables: tables.rows.map((t) => ({
        table: String(t['table_name']),
        read: Number(t['read']),
        loaded: Number(t['loaded']),
        updated: Number(t['updated']),
        duplicates: Number(t['duplicates']),
        quarantined: Number(t['quarantined']),
        held: Number(t['held']),
        released: Number(t['released']),
        latest: t['latest'] === null ? null : String(t['latest']),
      })),
    });
  }
  return out;
}
