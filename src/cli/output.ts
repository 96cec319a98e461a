import type { QueryColumn, Row } from '../backends/engine.js';
import { cellText, csvTable } from '../util/csv.js';
import { VitrineError } from '../util/errors.js';

export type OutputFormat = 'table' | 'json' | 'csv';

export function parseFormat(value: string, allowed: readonly OutputFormat[]): OutputFormat {
  if ((allowed as readonly string[]).includes(value)) return value as OutputFormat;
  throw new VitrineError(
    'BAD_FORMAT',
    `unknown format "${value}"; valid formats: ${allowed.join(', ')}`,
  );
}

const NUMERIC =
  /^(DECIMAL|DOUBLE|FLOAT|REAL|INTEGER|BIGINT|HUGEINT|SMALLINT|TINYINT|UBIGINT|NUMERIC)/;

/** A plain aligned text table; numbers right-aligned. */
export function renderTable(columns: readonly QueryColumn[], rows: readonly Row[]): string {
  const names = columns.map((c) => c.name);
  const right = columns.map((c) => NUMERIC.test(c.type));
  const cells = rows.map((r) => names.map((n) => cellText(r[n])));
  const widths = names.map((n, i) =>
    Math.max(n.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const fmt = (vals: string[]) =>
    vals
      .map((v, i) => (right[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [fmt(names), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const row of cells) lines.push(fmt(row));
  lines.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return lines.join('\n') + '\n';
}

export function renderCsv(columns: readonly QueryColumn[], rows: readonly Row[]): string {
  const names = columns.map((c) => c.name);
  return csvTable(
    names,
    rows.map((r) => names.map((n) => r[n])),
  );
}

export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function renderRows(
  format: OutputFormat,
  columns: readonly QueryColumn[],
  rows: readonly Row[],
): string {
  if (format === 'json') return renderJson(rows);
  if (format === 'csv') return renderCsv(columns, rows);
  return renderTable(columns, rows);
}

/**
 * A list of records: JSON as it is, or for people a text table of the given columns, or one
 * line saying what to do when there is nothing yet.
 */
export function renderList(
  format: OutputFormat,
  json: unknown,
  columns: readonly string[],
  rows: readonly Row[],
  empty: string,
): string {
  if (format === 'json') return renderJson(json);
  if (rows.length === 0) return `${empty}\n`;
  return renderTable(
    columns.map((name) => ({ name, type: 'VARCHAR' })),
    rows,
  );
}
