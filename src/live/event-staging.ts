import type { Engine, SqlParam } from '../backends/engine.js';
import { candidateSelect } from '../ingest/validate/record-projection.js';
import { ParamList, ident } from '../ingest/sql-text.js';
import type { StagedRow } from './event-schemas.js';
import { stagingTable } from './event-schemas.js';

/**
 * Rows of events as text in temporary tables, read back through the ingest's own record
 * projection (src/ingest/validate): the same types, formats, accepted values, ranges, amount
 * rules and personal-data hashing as a file, so an event and a CSV line are refused for the same
 * reasons, with the same words.
 */

export interface IndexedRow {
  /** The record's number: its place in a request at intake, its journal seq when applied. */
  readonly idx: number;
  readonly row: StagedRow;
}

let counter = 0;

/** Stages rows per table; returns the temporary relation of each table. */
export async function stageRows(
  engine: Engine,
  rows: readonly IndexedRow[],
  prefix: string,
): Promise<Map<string, string>> {
  const byTable = new Map<string, IndexedRow[]>();
  for (const r of rows) {
    const list = byTable.get(r.row.table) ?? [];
    list.push(r);
    byTable.set(r.row.table, list);
  }
  const out = new Map<string, string>();
  counter += 1;
  for (const [name, list] of byTable) {
    const table = stagingTable(name);
    const rel = `_vitrine_${prefix}_${name}_${counter}`;
    const cols = table.columns.map((c) => c.name);
    await engine.exec(`DROP TABLE IF EXISTS temp.${ident(rel)}`);
    await engine.exec(
      `CREATE TEMPORARY TABLE ${ident(rel)} (_idx BIGINT, _ord INTEGER, ${cols.map((c) => `${ident(c)} VARCHAR`).join(', ')})`,
    );
    const values: SqlParam[][] = list.map((r, i) => [
      r.idx,
      i,
      ...cols.map((c) => r.row.values[c] ?? null),
    ]);
    await engine.appendRows(rel, ['_idx', '_ord', ...cols], values);
    out.set(name, rel);
  }
  return out;
}

/**
 * The SELECT reading a staged relation as typed model rows with `_line` (the record's number),
 * `_ord` (its order of arrival), `_reason` (NULL when the row is sound) and `_raw`.
 */
export function typedSelect(
  name: string,
  rel: string,
  salt: string,
): { sql: string; params: SqlParam[] } {
  const table = stagingTable(name);
  const params = new ParamList();
  const raw = new Map(table.columns.map((c) => [c.name, `src.${ident(c.name)}`]));
  const inner = candidateSelect(
    { table, raw, fileIndex: 'src._ord', line: 'src._idx', options: {}, params, salt },
    `${ident(rel)} AS src`,
  );
  // _file carries the arrival order (candidateSelect's file index): rows keep their order.
  return { sql: `SELECT *, _file AS _ord FROM (${inner})`, params: params.values };
}

export async function dropStaged(engine: Engine, rels: ReadonlyMap<string, string>): Promise<void> {
  for (const rel of rels.values()) await engine.exec(`DROP TABLE IF EXISTS temp.${ident(rel)}`);
}
