import { duckdbType } from '../../backends/duckdb/duckdb-ddl.js';
import type { TableDef } from '../../model/model-types.js';
import { constant, ident } from '../sql-text.js';
import type { ParamList } from '../sql-text.js';
import type { ParseOptions } from './column-rules.js';
import { columnSql } from './column-rules.js';
import { rowRules } from './row-rules.js';

export interface ProjectionInput {
  readonly table: TableDef;
  /** Model column → SQL of its text in the source relation (`src."x"`); absent columns are NULL. */
  readonly raw: ReadonlyMap<string, string>;
  /** SQL of each record's file index (a number, or a column of the source relation). */
  readonly fileIndex: string;
  /** SQL of each record's line, or null when the runner resolves lines from the row order. */
  readonly line: string | null;
  /** SQL over the source relation giving the source's own reason to refuse a record. */
  readonly sourceReason?: string;
  readonly options: ParseOptions;
  readonly params: ParamList;
  readonly salt: string;
  /** Model columns the file reader typed already (readerTypes). */
  readonly typed?: ReadonlySet<string>;
}

/**
 * The columns every candidate relation has, whatever the source: file index, line, the model's
 * columns typed, the reasons a record is refused (NULL when it is fine), its text as JSON when
 * refused (for the quarantine; personal values hashed), and the duplicate and held marks.
 */
export const CANDIDATE_META = ['_file', '_line', '_reason', '_raw', '_dup', '_held'] as const;

/** Types whose cast ignores surrounding blanks: their text is not trimmed (trimming every value
 * of a large file costs as much as reading it). */
const CAST_TRIMS = new Set([
  'money',
  'price',
  'rate',
  'int',
  'bigint',
  'number',
  'date',
  'timestamp',
]);

/** The text of a value, NULL when empty; blanks around it removed (only when there are some). */
function textValue(type: string, x: string): string {
  if (CAST_TRIMS.has(type)) return `nullif(${x}, '')`;
  return `CASE WHEN prefix(${x}, ' ') OR suffix(${x}, ' ') OR prefix(${x}, chr(9)) OR suffix(${x}, chr(9)) THEN nullif(trim(${x}, ' ' || chr(9)), '') ELSE nullif(${x}, '') END`;
}

/**
 * The SELECT that reads records of one table from a source relation: every column typed and
 * checked in one pass (set-based, no row-by-row work in JavaScript). Layered so that each value
 * is trimmed and cast once.
 */
export function candidateSelect(input: ProjectionInput, from: string): string {
  const { table, raw, options, params, salt } = input;
  const cols = table.columns.map((c) => ({
    def: c,
    sql: columnSql(table, c, options, params, salt, input.typed?.has(c.name) ?? false),
  }));
  const text = cols.map(({ def }) => {
    const r = raw.get(def.name);
    if (r !== undefined && input.typed?.has(def.name)) return `${r} AS v_${def.name}`;
    return `${r === undefined ? 'CAST(NULL AS VARCHAR)' : textValue(def.type, `CAST(${r} AS VARCHAR)`)} AS v_${def.name}`;
  });
  const line = input.line === null ? 'CAST(NULL AS BIGINT)' : `CAST(${input.line} AS BIGINT)`;
  const srcReason = input.sourceReason
    ? `nullif(${input.sourceReason}, '')`
    : 'CAST(NULL AS VARCHAR)';
  const layer1 = `SELECT CAST(${input.fileIndex} AS INTEGER) AS _file, ${line} AS _line, ${srcReason} AS _src_reason, ${text.join(', ')} FROM ${from}`;
  const typed = cols.map(
    ({ def, sql }) => `CAST(${sql.typed} AS ${duckdbType(def.type)}) AS t_${def.name}`,
  );
  const layer2 = `SELECT *, ${typed.join(', ')} FROM (${layer1})`;
  const checks = [
    { when: '_src_reason IS NOT NULL', text: '_src_reason' },
    ...cols.flatMap(({ sql }) => sql.checks),
    ...rowRules(table),
  ];
  // The reasons are spelt out only for the records that fail a check: building the texts of
  // every rule for every good record would cost as much as the reading.
  const failing = checks.map((c) => `(${c.when})`).join(' OR ');
  const texts = checks.map((c) => `CASE WHEN ${c.when} THEN ${c.text} END`).join(', ');
  const layer3 = `SELECT *, CASE WHEN coalesce(${failing}, false) THEN nullif(concat_ws('; ', ${texts}), '') END AS _reason FROM (${layer2})`;
  const record = cols
    .map(({ def }) => `${constant(def.name)}, ${def.personal ? `t_${def.name}` : `v_${def.name}`}`)
    .join(', ');
  const out = cols.map(({ def }) => `t_${def.name} AS ${ident(def.name)}`);
  return `SELECT _file, _line, ${out.join(', ')}, _reason, CASE WHEN _reason IS NOT NULL THEN json_object(${record}) END AS _raw, false AS _dup, false AS _held FROM (${layer3})`;
}
