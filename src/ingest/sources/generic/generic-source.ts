import { extname } from 'node:path';
import { z } from 'zod';
import { getColumn, getTable } from '../../../model/model.js';
import type { ColumnDef, TableDef } from '../../../model/model-types.js';
import { VitrineError } from '../../../util/errors.js';
import { detectDecimalComma, parseCsvRecords, sniffCsv } from '../../csv/csv-dialect.js';
import { readableCsv, stageLines } from '../../csv/csv-staging.js';
import { detectEncoding } from '../../file-scan.js';
import type {
  RecordBatch,
  SourceContext,
  SourceDef,
  SourceFile,
  SourceProblem,
} from '../../source.js';
import { constant, ident } from '../../sql-text.js';
import { readerTypeReason, readerTypes } from '../../validate/column-rules.js';

/**
 * The generic import: a CSV, Parquet or NDJSON file whose columns are named as the canonical
 * model's loads into the table of the same name (`vitrine ingest orders orders.csv`). CSV files
 * are read by the engine's reader and typed and checked as they stream (set-based: no record
 * passes through JavaScript). Personal columns may be given in clear as `email` and `phone`:
 * they are hashed on the way in.
 */

export type FileFormat = 'csv' | 'parquet' | 'ndjson';

export const genericConfigSchema = z.object({}).strict();

const NUMERIC = new Set(['money', 'price', 'rate', 'number']);

/** Names a column may carry in a file besides its own (personal data arrive in clear). */
const ALIASES: Record<string, string> = { email: 'email_hash', phone: 'phone_hash' };

export function fileFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  return 'csv';
}

interface HeaderMatch {
  /** Model column → name in the file. */
  readonly columns: Map<string, string>;
  readonly unknown: string[];
  readonly missing: ColumnDef[];
  readonly duplicated: string[];
}

function matchHeader(table: TableDef, names: readonly string[]): HeaderMatch {
  const byLower = new Map(table.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const columns = new Map<string, string>();
  const unknown: string[] = [];
  const duplicated: string[] = [];
  for (const name of names) {
    const lower = name.trim().toLowerCase();
    const alias = ALIASES[lower];
    const col = byLower.get(lower) ?? (alias && byLower.has(alias) ? alias : undefined);
    if (!col) {
      if (name.trim() !== '') unknown.push(name);
      continue;
    }
    if (columns.has(col)) duplicated.push(name);
    else columns.set(col, name);
  }
  const missing = table.columns.filter((c) => c.required && !columns.has(c.name));
  return { columns, unknown, missing, duplicated };
}

function headerProblems(table: TableDef, file: string, m: HeaderMatch): SourceProblem[] {
  const problems: SourceProblem[] = [];
  // Only a CSV file has a header line; Parquet has a schema, NDJSON keys on every line.
  const at = fileFormat(file) === 'csv' ? { line: 1 } : {};
  for (const c of m.missing) {
    problems.push({
      severity: 'error',
      file,
      ...at,
      field: c.name,
      message: `required column "${c.name}" of ${table.name} is missing (columns are: ${table.columns.map((x) => x.name).join(', ')})`,
    });
  }
  for (const d of m.duplicated) {
    problems.push({
      severity: 'error',
      file,
      ...at,
      field: d,
      message: `column "${d}" appears twice`,
    });
  }
  if (m.unknown.length > 0) {
    problems.push({
      severity: 'warning',
      file,
      ...at,
      field: m.unknown[0] as string,
      message: `column${m.unknown.length > 1 ? 's' : ''} ${m.unknown.map((u) => `"${u}"`).join(', ')} not in ${table.name}: ignored`,
    });
  }
  return problems;
}

async function parquetColumns(ctx: SourceContext, path: string): Promise<string[]> {
  try {
    const res = await ctx.engine.run(
      'SELECT name FROM parquet_schema($1) WHERE name <> $2 AND num_children IS NULL',
      [path, 'schema'],
    );
    return res.rows.map((r) => String(r['name']));
  } catch (e) {
    // A Parquet file is read whole or not at all: a cut-off copy has no footer to read.
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    throw new VitrineError(
      'SOURCE_FILE',
      `${path}: not a readable Parquet file (truncated, or not Parquet): ${why}`,
    );
  }
}

async function ndjsonKeys(ctx: SourceContext, file: SourceFile): Promise<string[]> {
  const head = file.facts.head.toString('utf8').split('\n').slice(0, 50);
  const keys = new Set<string>();
  for (const line of head) {
    try {
      const obj = JSON.parse(line) as unknown;
      if (obj && typeof obj === 'object' && !Array.isArray(obj))
        for (const k of Object.keys(obj)) keys.add(k);
    } catch {
      // A line that is not JSON is quarantined when the file is read.
    }
  }
  void ctx;
  return [...keys];
}

export function genericSource(tableName: string): SourceDef<z.infer<typeof genericConfigSchema>> {
  const table = getTable(tableName);
  const headers = new Map<string, HeaderMatch>();
  const headerOf = async (ctx: SourceContext, file: SourceFile): Promise<HeaderMatch> => {
    const cached = headers.get(file.path);
    if (cached) return cached;
    const format = fileFormat(file.path);
    const names =
      format === 'parquet'
        ? await parquetColumns(ctx, file.path)
        : format === 'ndjson'
          ? await ndjsonKeys(ctx, file)
          : sniffCsv(file.facts, ctx.csv).header;
    const m = matchHeader(table, names);
    headers.set(file.path, m);
    return m;
  };
  return {
    name: tableName,
    description: `the generic import of ${tableName} (CSV, Parquet or NDJSON with the model's column names)`,
    configSchema: genericConfigSchema,
    tables: [tableName],
    primaryTable: tableName,
    personalInput: table.columns.some((c) => c.personal),
    async check(ctx, file) {
      return headerProblems(table, file.path, await headerOf(ctx, file));
    },
    async *read(ctx, file): AsyncIterable<RecordBatch> {
      const m = await headerOf(ctx, file);
      const format = fileFormat(file.path);
      if (format === 'csv') {
        const sniffed = sniffCsv(file.facts, ctx.csv);
        const numeric = new Set(
          table.columns
            .filter((c) => NUMERIC.has(c.type))
            .map((c) => m.columns.get(c.name) ?? c.name),
        );
        const decimalComma = ctx.parse.decimalComma ?? detectDecimalComma(sniffed, numeric);
        const raw = new Map([...m.columns].map(([col, name]) => [col, `src.${ident(name)}`]));
        const readable = await readableCsv(ctx, file, sniffed.dialect);
        const parse = { ...ctx.parse, decimalComma };
        const byHeader = new Map(
          [...m.columns].map(([col, name]) => [name, getColumn(table, col)] as const),
        );
        const types = readerTypes(byHeader, parse);
        const typed = new Set(
          [...byHeader].filter(([name]) => types?.[name] !== undefined).map(([, c]) => c.name),
        );
        const dialect = types ? { ...readable.dialect, types } : readable.dialect;
        yield {
          kind: 'file',
          table: tableName,
          file,
          scan: { path: readable.path, format: 'csv', csv: dialect },
          raw,
          headerLines: 1,
          mode: 'replace',
          parse,
          typed,
          setAside: readable.setAside,
          castReason: (column, value) => {
            const c = byHeader.get(column);
            return c ? readerTypeReason(c, value, parse) : `${column}: cannot read '${value}'`;
          },
          recordOf: (text) => {
            const fields = parseCsvRecords(
              text,
              dialect.delimiter,
              dialect.quote,
              dialect.escape,
              1,
            )[0];
            if (!fields || fields.length !== sniffed.header.length) return null;
            const record: Record<string, string | null> = {};
            for (const [col, name] of m.columns) {
              const v = fields[sniffed.header.indexOf(name)];
              record[col] = v === undefined || v === '' ? null : v;
            }
            return JSON.stringify(record);
          },
        };
        return;
      }
      if (format === 'parquet') {
        const raw = new Map([...m.columns].map(([col, name]) => [col, `src.${ident(name)}`]));
        yield {
          kind: 'file',
          table: tableName,
          file,
          scan: { path: file.path, format: 'parquet' },
          raw,
          headerLines: 0,
          line: 'src.file_row_number + 1',
          mode: 'replace',
          parse: ctx.parse,
        };
        return;
      }
      const encoding = ctx.csv.encoding ?? detectEncoding(file.facts);
      const staged = await stageLines(ctx, file, encoding, `ndjson_${tableName}`);
      // CASE, not AND: the engine may evaluate both sides of an AND, and json_type fails on a
      // line that is not JSON.
      const objects = `line IS NOT NULL AND trim(line) <> '' AND CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END`;
      const bad = await ctx.engine.run(
        `SELECT _line, line, json_valid(line) AS valid FROM ${ident(staged.relation)} WHERE line IS NOT NULL AND trim(line) <> '' AND NOT (${objects}) ORDER BY _line`,
      );
      const unreadable = [
        ...staged.unreadable,
        ...bad.rows.map((r) => ({
          line: Number(r['_line']),
          reason: r['valid']
            ? 'the line is not a JSON object'
            : Number(r['_line']) === file.facts.lines && file.facts.unterminatedLastLine
              ? 'the last line is cut off: not valid JSON (a truncated file?)'
              : 'the line is not valid JSON',
          text: String(r['line']),
        })),
      ];
      if (unreadable.length > 0) {
        yield { kind: 'unreadable', table: tableName, file, records: unreadable };
      }
      const rel = ctx.tempName(`ndjson_records_${tableName}`);
      const cols = [...m.columns];
      const values = cols.map(
        ([col, name]) =>
          `CASE WHEN json_valid(line) THEN json_extract_string(line, ${constant(`$."${name.replaceAll('"', '\\"')}"`)}) END AS ${ident(col)}`,
      );
      // Valid objects only: json_extract_string fails on a line that is not JSON.
      await ctx.engine.exec(
        `CREATE TEMPORARY TABLE ${ident(rel)} AS SELECT _line${values.length > 0 ? ', ' : ''}${values.join(', ')} FROM (SELECT * FROM ${ident(staged.relation)} WHERE ${objects})`,
      );
      yield {
        kind: 'relation',
        table: tableName,
        file,
        relation: rel,
        columns: cols.map(([c]) => c),
        mode: 'replace',
        parse: ctx.parse,
      };
    },
  };
}
