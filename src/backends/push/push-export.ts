import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TableDef } from '../../model/model-types.js';
import { quoteIdentifier } from '../../sql/sql-identifier.js';
import { standardString } from '../../sql/sql-literal.js';
import { VitrineError } from '../../util/errors.js';
import type { Engine } from '../engine.js';

/**
 * The DuckDB side of `vitrine push`: a range of a table's rows written by DuckDB itself as a CSV
 * file (`COPY (SELECT …) TO …`), every value already in the text the target's bulk load reads,
 * so that no row passes through JavaScript. Files live in a temporary directory that is removed
 * when the push ends, fails or is interrupted.
 */

/** How one column's values are written. */
export type CsvCell =
  /** Text: always in double quotes (an empty text is `""`, never NULL). */
  | { readonly kind: 'text' }
  /** As DuckDB writes the value: exact decimals, dates, instants with their offset, true/false. */
  | { readonly kind: 'value' }
  /** A boolean as 1 or 0. */
  | { readonly kind: 'bool-int' }
  /** An instant as `YYYY-MM-DD hh:mm:ss[.f…]` in UTC, the fraction truncated to `digits`. */
  | { readonly kind: 'utc'; readonly digits: number };

/** The CSV a target's bulk load reads: no header, `,` between fields, `"` quoting by doubling. */
export interface CsvSpec {
  /** What an unquoted NULL is written as. */
  readonly nullText: string;
  /** One per column of the table, in model order. */
  readonly cells: readonly CsvCell[];
}

/** One part of a chunk: the rows whose rowid modulo `of` is `index`. */
export interface CsvPart {
  readonly index: number;
  readonly of: number;
}

const q = quoteIdentifier;
const str = (s: string) => standardString(s);

function cellSql(column: string, cell: CsvCell): string {
  const c = q(column);
  switch (cell.kind) {
    case 'text':
    case 'value':
      return c;
    case 'bool-int':
      return `CAST(${c} AS TINYINT)`;
    case 'utc': {
      const utc = `timezone('UTC', ${c})`;
      if (cell.digits <= 0) return `strftime(${utc}, '%Y-%m-%d %H:%M:%S')`;
      // %f is microseconds; 'YYYY-MM-DD hh:mm:ss.' is 20 characters.
      const micros = `strftime(${utc}, '%Y-%m-%d %H:%M:%S.%f')`;
      return cell.digits <= 6
        ? `left(${micros}, ${20 + cell.digits})`
        : `${micros} || '${'0'.repeat(cell.digits - 6)}'`;
    }
  }
}

/** The COPY statement writing rows `from` ≤ rowid < `to` (and of one part) of a table. */
export function exportCsvSql(
  t: TableDef,
  spec: CsvSpec,
  range: { readonly from: number; readonly to: number },
  part: CsvPart | null,
  file: string,
): string {
  if (spec.cells.length !== t.columns.length) {
    throw new VitrineError(
      'PUSH_EXPORT',
      `push ${t.name}: ${spec.cells.length} CSV cells for ${t.columns.length} columns`,
    );
  }
  const int = (n: number) => String(Math.trunc(n));
  const select = t.columns
    .map((c, i) => `${cellSql(c.name, spec.cells[i] as CsvCell)} AS ${q(c.name)}`)
    .join(', ');
  let where = `rowid >= ${int(range.from)} AND rowid < ${int(range.to)}`;
  if (part && part.of > 1) where += ` AND rowid % ${int(part.of)} = ${int(part.index)}`;
  const quoted = t.columns.filter((_, i) => spec.cells[i]?.kind === 'text').map((c) => q(c.name));
  const options = [
    'FORMAT csv',
    'HEADER false',
    "DELIMITER ','",
    `QUOTE '"'`,
    `ESCAPE '"'`,
    `NULLSTR ${str(spec.nullText)}`,
    ...(quoted.length > 0 ? [`FORCE_QUOTE (${quoted.join(', ')})`] : []),
  ];
  // A scan without ORDER BY keeps the table's order (DuckDB preserves insertion order).
  return `COPY (SELECT ${select} FROM ${q(t.name)} WHERE ${where}) TO ${str(file)} (${options.join(', ')})`;
}

/** Writes the file; returns the rows written. */
export async function exportCsv(
  source: Engine,
  t: TableDef,
  spec: CsvSpec,
  range: { readonly from: number; readonly to: number },
  part: CsvPart | null,
  file: string,
): Promise<number> {
  const res = await source.run(exportCsvSql(t, spec, range, part, file));
  return Number(res.rows[0]?.['Count'] ?? 0);
}

/**
 * Runs `fn` with a fresh temporary directory, removed afterwards whatever happens: when `fn`
 * throws, and when the process exits or is stopped by SIGINT/SIGTERM meanwhile.
 */
export async function withTempDir<T>(parent: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(parent, 'vitrine-push-'));
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    removeNow();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Nobody else handles it: the default action (exit), as without this handler.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', removeNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(dir);
  } finally {
    process.off('exit', removeNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(dir, { recursive: true, force: true });
  }
}
