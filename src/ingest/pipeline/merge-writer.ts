import { ident } from '../sql-text.js';
import type { MergeMode } from '../source.js';
import type { CandidateSet } from './candidate-set.js';
import type { RunState } from './run-state.js';
import { unordered } from './run-state.js';

export interface MergeCounts {
  /** Stored rows of the batch's scope that the batch no longer has, removed. */
  readonly removed: number;
  readonly loaded: number;
  readonly updated: number;
  /** Records equal to the row already stored (re-sent, or unchanged). */
  readonly unchanged: number;
}

/**
 * Writes the accepted records of a candidate set into its model table by natural key: new keys
 * are inserted, changed records updated, records equal to the stored row left alone (counted as
 * duplicates). In `patch` mode an empty value keeps the stored one; in `insert-missing` mode
 * stored rows are never touched.
 */
export async function mergeCandidates(
  run: RunState,
  set: CandidateSet,
  mode: MergeMode,
): Promise<MergeCounts> {
  const table = set.table;
  const target = ident(table.name);
  const cand = ident(set.relation);
  const allCols = table.columns.map((c) => ident(c.name)).join(', ');
  const good = '_reason IS NULL AND NOT _dup';
  const keyJoinOf = (a: string, b: string) =>
    table.key
      .map((k) =>
        table.columns.find((c) => c.name === k)?.required
          ? `${a}.${ident(k)} = ${b}.${ident(k)}`
          : `${a}.${ident(k)} IS NOT DISTINCT FROM ${b}.${ident(k)}`,
      )
      .join(' AND ');
  const direct = set.writtenDirectly;
  if (direct !== null) return { removed: 0, loaded: direct, updated: 0, unchanged: 0 };
  if (set.written !== null) {
    // Written while read, staged for records refused: kept when the checks across records (keys,
    // parents) refused none of the records written; otherwise written again from the staging.
    const kept = await run.count(`SELECT count(*) FROM ${cand} WHERE ${good}`);
    if (kept === set.written) return { removed: 0, loaded: kept, updated: 0, unchanged: 0 };
    await run.change(`DELETE FROM ${target}`);
  }
  let removed = 0;
  if (set.replaceScope) {
    removed = await run.change(
      `DELETE FROM ${target} t WHERE t.${ident(set.replaceScope.column)} IN (SELECT k FROM ${ident(set.replaceScope.keys)}) AND NOT EXISTS (SELECT 1 FROM ${cand} c WHERE ${keyJoinOf('c', 't')} AND c._reason IS NULL AND NOT c._dup)`,
    );
  }
  const empty = (await run.count(`SELECT count(*) FROM (SELECT 1 FROM ${target} LIMIT 1)`)) === 0;
  if (empty || table.key.length === 0) {
    run.progress.start(`writing ${table.name}`, 0);
    const loaded = await unordered(run, () =>
      run.change(`INSERT INTO ${target} (${allCols}) SELECT ${allCols} FROM ${cand} WHERE ${good}`),
    );
    run.progress.done(`${loaded.toLocaleString('en-US')} rows`);
    return { removed, loaded, updated: 0, unchanged: 0 };
  }
  const keySet = new Set(table.key);
  const keyJoin = keyJoinOf;
  const updatable = table.columns.filter((c) => !keySet.has(c.name) && set.provided.has(c.name));
  const merged = (col: string, c: string, t: string) => {
    const id = ident(col);
    if (set.keepEarliest.has(col)) return `least(${c}.${id}, ${t}.${id})`;
    if (mode === 'patch') return `coalesce(${c}.${id}, ${t}.${id})`;
    return `${c}.${id}`;
  };
  const same =
    mode === 'insert-missing' || updatable.length === 0
      ? 'true'
      : updatable
          .map((c) => `${merged(c.name, 'c', 't')} IS NOT DISTINCT FROM t.${ident(c.name)}`)
          .join(' AND ');
  const m = run.tempName(`match_${table.name}`);
  await run.engine.exec(
    `CREATE TEMPORARY TABLE ${ident(m)} AS SELECT c.rowid AS crow, t.rowid AS trow, ${same} AS same FROM ${cand} c LEFT JOIN ${target} t ON ${keyJoin('c', 't')} WHERE c._reason IS NULL AND NOT c._dup`,
  );
  run.progress.start(`writing ${table.name}`, 0);
  const loaded = await run.change(
    `INSERT INTO ${target} (${allCols}) SELECT ${allCols} FROM ${cand} WHERE rowid IN (SELECT crow FROM ${ident(m)} WHERE trow IS NULL)`,
  );
  let updated = 0;
  if (mode !== 'insert-missing' && updatable.length > 0) {
    const sets = updatable.map((c) => `${ident(c.name)} = ${merged(c.name, 'u', target)}`);
    updated = await run.change(
      `UPDATE ${target} SET ${sets.join(', ')} FROM (SELECT c.* FROM ${cand} c JOIN ${ident(m)} m ON m.crow = c.rowid WHERE m.trow IS NOT NULL AND NOT m.same) u WHERE ${keyJoin(target, 'u')}`,
    );
  }
  const matched = await run.count(`SELECT count(*) FROM ${ident(m)} WHERE trow IS NOT NULL`);
  run.progress.done(
    `${loaded.toLocaleString('en-US')} new, ${updated.toLocaleString('en-US')} updated`,
  );
  return { removed, loaded, updated, unchanged: matched - updated };
}
