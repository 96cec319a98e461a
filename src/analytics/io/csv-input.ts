/**
 * Reading the `--input` files of the models: CSV with a header (RFC 4180 quoting), columns
 * checked against what the model expects, every value error naming the file, line and column.
 */
import { readFileSync } from 'node:fs';
import { parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';

/** Splits one CSV line; quoted fields may hold commas and doubled quotes. */
export function parseCsvLine(line: string, separator = ','): string[] {
  if (!line.includes('"')) return line.split(separator);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** The lines of a text file without line ends; a final empty line is dropped. */
export function readLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VitrineError(
      'INPUT_READ',
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? 'error'})`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines;
}

export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  /** Column index by name. */
  readonly index: ReadonlyMap<string, number>;
  /** Data rows with their 1-based line number in the file. */
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

/**
 * Reads a CSV file with a header. `required` columns must be present (in any order, names
 * case-insensitive); an empty file or a missing column is an error that names what was
 * expected.
 */
export function readCsv(path: string, required: readonly string[], what: string): CsvTable {
  const lines = readLines(path);
  const expected = required.join(',');
  if (lines.length === 0) {
    throw new VitrineError(
      'INPUT_EMPTY',
      `${path}: the file is empty; ${what} expects a header line "${expected}" and one row per record`,
    );
  }
  const header = parseCsvLine(lines[0] as string).map((h) => h.trim().toLowerCase());
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new VitrineError(
      'INPUT_COLUMNS',
      `${path}: missing column(s) ${missing.join(', ')}; the header has: ${header.join(', ') || '(nothing)'}; ${what} expects: ${expected}`,
    );
  }
  const rows: { line: number; cells: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i] as string;
    if (text.trim() === '') continue;
    rows.push({ line: i + 1, cells: parseCsvLine(text) });
  }
  if (rows.length === 0) {
    throw new VitrineError('INPUT_EMPTY', `${path}: the file has a header but no data rows`);
  }
  return { file: path, header, index, rows };
}

/** A cell of a row by column name ('' when the row is short). */
export function cell(
  table: CsvTable,
  row: { readonly cells: readonly string[] },
  column: string,
): string {
  const i = table.index.get(column);
  return i === undefined ? '' : (row.cells[i] ?? '').trim();
}

export function numberCell(
  table: CsvTable,
  row: { readonly line: number; readonly cells: readonly string[] },
  column: string,
  options: { readonly min?: number; readonly integer?: boolean; readonly optional?: boolean } = {},
): number {
  const text = cell(table, row, column);
  if (text === '' && options.optional) return NaN;
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) {
    throw new VitrineError(
      'INPUT_VALUE',
      `${table.file}:${row.line}: column ${column}: "${text}" is not a number`,
    );
  }
  if (options.integer && !Number.isInteger(v)) {
    throw new VitrineError(
      'INPUT_VALUE',
      `${table.file}:${row.line}: column ${column}: ${text} must be a whole number`,
    );
  }
  if (options.min !== undefined && v < options.min) {
    throw new VitrineError(
      'INPUT_VALUE',
      `${table.file}:${row.line}: column ${column}: ${text} must be ≥ ${options.min}`,
    );
  }
  return v;
}

/** A date cell as an epoch day: YYYY-MM-DD, or the date part of an ISO timestamp. */
export function dateCell(
  table: CsvTable,
  row: { readonly line: number; readonly cells: readonly string[] },
  column: string,
): number {
  const text = cell(table, row, column);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/.exec(text);
  try {
    if (!m) throw new Error('expected YYYY-MM-DD');
    return parseIsoDate(m[1] as string, column);
  } catch {
    throw new VitrineError(
      'INPUT_VALUE',
      `${table.file}:${row.line}: column ${column}: "${text}" is not a date (YYYY-MM-DD)`,
    );
  }
}

export function nonEmptyCell(
  table: CsvTable,
  row: { readonly line: number; readonly cells: readonly string[] },
  column: string,
): string {
  const text = cell(table, row, column);
  if (text === '') {
    throw new VitrineError('INPUT_VALUE', `${table.file}:${row.line}: column ${column} is empty`);
  }
  return text;
}
