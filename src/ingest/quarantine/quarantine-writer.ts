import type { Engine } from '../../backends/engine.js';
import { INTERNAL } from '../internal-tables.js';
import type { RunState } from '../pipeline/run-state.js';
import type { MergeMode } from '../source.js';
import { constant, ident } from '../sql-text.js';

/**
 * Every write to the quarantine of a load: refused records of a candidate relation, unreadable
 * lines, records released when their parent arrives. Each row keeps the run, a sequence number
 * in the run, the source, the table, the file, the line, the reason, the record and its status
 * ('held' rows wait for a parent and are released by the load that brings it).
 */

/** A line the reader could not turn into a record, with the file it came from (run index). */
export interface UnreadableLine {
  readonly fileIndex: number;
  readonly line: number;
  readonly reason: string;
  readonly text: string | null;
  /** The line's values as JSON of model columns, when they could be split. */
  readonly record?: string | null;
}

/**
 * Quarantines the records of a candidate relation that carry a reason (`_reason`, `_raw`,
 * `_held`, `_file`, `_line`), in file and line order. Returns how many, and how many are held.
 */
export async function quarantineRefused(
  run: RunState,
  relation: string,
  table: string,
  mode: MergeMode,
): Promise<{ quarantined: number; held: number }> {
  const rel = ident(relation);
  const n = await run.count(`SELECT count(*) FROM ${rel} WHERE _reason IS NOT NULL`);
  if (n === 0) return { quarantined: 0, held: 0 };
  const base = run.reserveSeq(n);
  await run.change(
    `INSERT INTO ${INTERNAL.quarantine} SELECT $1, $2 + row_number() OVER (ORDER BY c._file, c._line), $3, $4, f.path, c._line, c._reason, c._raw, CASE WHEN c._held THEN 'held' ELSE 'open' END, $5, NULL FROM ${rel} c JOIN ${ident(run.filesTable)} f ON f.idx = c._file WHERE c._reason IS NOT NULL`,
    [run.runId, base, run.source, table, mode],
  );
  return { quarantined: n, held: await run.count(`SELECT count(*) FROM ${rel} WHERE _held`) };
}

/** Quarantines lines the reader could not read (their raw text only when it may be kept). */
export async function quarantineUnreadable(
  run: RunState,
  table: string,
  mode: MergeMode,
  lines: readonly UnreadableLine[],
): Promise<number> {
  if (lines.length === 0) return 0;
  const u = run.tempName('unreadable');
  await run.engine.exec(
    `CREATE TEMPORARY TABLE ${ident(u)} (file_idx INTEGER, line BIGINT, reason VARCHAR, text VARCHAR, record VARCHAR)`,
  );
  await run.engine.appendRows(
    u,
    ['file_idx', 'line', 'reason', 'text', 'record'],
    lines.map((r) => [r.fileIndex, r.line, r.reason, r.text, r.record ?? null]),
  );
  const base = run.reserveSeq(lines.length);
  await run.change(
    `INSERT INTO ${INTERNAL.quarantine} SELECT $1, $2 + row_number() OVER (ORDER BY u.file_idx, u.line), $3, $4, f.path, u.line, u.reason, CASE WHEN u.record IS NOT NULL THEN u.record WHEN u.text IS NULL THEN NULL ELSE json_object('line', u.text) END, 'open', $5, NULL FROM ${ident(u)} u JOIN ${ident(run.filesTable)} f ON f.idx = u.file_idx`,
    [run.runId, base, run.source, table, mode],
  );
  return lines.length;
}

/** Marks released the held records listed in `relation` (`_qrun`, `_qseq`) by this run. */
export async function markReleased(run: RunState, relation: string): Promise<void> {
  await run.change(
    `UPDATE ${INTERNAL.quarantine} AS q SET status = 'released', released_run = $1 FROM ${ident(relation)} r WHERE q.run_id = r._qrun AND q.seq = r._qseq`,
    [run.runId],
  );
}

/** Tables with records held for a parent. */
export async function tablesWithHeldRecords(engine: Engine): Promise<Set<string>> {
  const res = await engine.run(
    `SELECT DISTINCT table_name FROM ${INTERNAL.quarantine} WHERE status = 'held'`,
  );
  return new Set(res.rows.map((r) => String(r['table_name'])));
}

/** Records of a table held for a parent. */
export function heldCount(run: RunState, table: string): Promise<number> {
  return run.count(
    `SELECT count(*) FROM ${INTERNAL.quarantine} WHERE status = 'held' AND table_name = $1`,
    [table],
  );
}

/**
 * Stages the held records of `table` whose every reference now has its parent, as text columns
 * of the table plus their quarantine key (`_qrun`, `_qseq`), line, file and merge mode.
 */
export async function stageReleasable(
  run: RunState,
  relation: string,
  table: { readonly name: string; readonly columns: ReadonlyArray<{ readonly name: string }> },
  parentFound: string,
): Promise<void> {
  const cols = table.columns.map(
    (c) => `json_extract_string(q.record, ${constant(`$.${c.name}`)}) AS ${ident(c.name)}`,
  );
  await run.engine.exec(
    `CREATE TEMPORARY TABLE ${ident(relation)} AS SELECT q.run_id AS _qrun, q.seq AS _qseq, q.line AS _line, q.file AS _qfile, q.merge_mode AS _mode, CAST(NULL AS INTEGER) AS _fileidx, ${cols.join(', ')} FROM ${INTERNAL.quarantine} q WHERE q.status = 'held' AND q.table_name = ${constant(table.name)} AND ${parentFound}`,
  );
}

/**
 * Parents of `parentTable` refused by this run, by key (`k`), with the first file and line
 * refusing each: the reason their children give when they are held.
 */
export async function stageRefusedParents(
  run: RunState,
  relation: string,
  parentTable: string,
  parentColumn: string,
): Promise<void> {
  await run.engine.exec(
    `CREATE TEMPORARY TABLE ${ident(relation)} AS SELECT json_extract_string(q.record, ${constant(`$.${parentColumn}`)}) AS k, min(q.file) AS file, min(q.line) AS line FROM ${INTERNAL.quarantine} q WHERE q.run_id = ${run.runId} AND q.table_name = ${constant(parentTable)} AND q.status IN ('open', 'held') GROUP BY 1`,
  );
}

/** The first quarantined records of a run, for the summary printed after a load. */
export async function runSample(
  engine: Engine,
  runId: number,
  limit = 10,
): Promise<Array<{ table: string | null; file: string; line: number | null; reason: string }>> {
  const res = await engine.run(
    `SELECT table_name, file, line, reason FROM ${INTERNAL.quarantine} WHERE run_id = $1 ORDER BY seq LIMIT ${Math.max(1, Math.floor(limit))}`,
    [runId],
  );
  return res.rows.map((r) => ({
    table: r['table_name'] === null ? null : String(r['table_name']),
    file: String(r['file']),
    line: r['line'] === null ? null : Number(r['line']),
    reason: String(r['reason']),
  }));
}
