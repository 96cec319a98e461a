import type { SqlParam, SqlParams } from '../sql/sql-params.js';
import { VitrineError } from '../util/errors.js';

/**
 * The Engine seam: where SQL runs. `Engine` is what every backend does (run statements, bulk
 * append, close); `EmbeddedEngine` is what only the embedded DuckDB does: read files into
 * staging tables and load them, inside the transaction of one ingest. Callers never build SQL
 * from user input: values reach the engine as bound parameters.
 */

export type EngineKind = 'duckdb' | 'postgres' | 'clickhouse';

export type { SqlParam, SqlParams };

/** A value as it comes out of an engine: exact decimals and dates as strings. */
export type CellValue = string | number | boolean | null | CellValue[] | { [k: string]: CellValue };
export type Row = Record<string, CellValue>;

export interface QueryColumn {
  readonly name: string;
  /** The engine's own type name (DECIMAL(18,2), VARCHAR…). */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly Row[];
}

export interface FileLoad {
  readonly path: string;
  readonly format: 'csv';
  /** Columns present in the file, in order (the table may have more). */
  readonly columns: readonly string[];
  /** CSV files written without a header line. */
  readonly header: boolean;
}

/** How a CSV file is written: found by the ingest sniffer or set by flags. */
export interface CsvDialect {
  readonly delimiter: string;
  /** Quote character, '' when fields are never quoted. */
  readonly quote: string;
  /** Escape character inside quoted fields (the quote itself for RFC 4180 doubling). */
  readonly escape: string;
  readonly encoding: 'utf-8' | 'latin-1';
  /** The first line names the columns (and is skipped). */
  readonly header: boolean;
  /** Column names in file order; every column is read as text unless `types` says otherwise. */
  readonly columns: readonly string[];
  /**
   * SQL types the reader converts some columns to (DECIMAL(18,2), DATE, TIMESTAMPTZ…): a value
   * it cannot convert makes its record a reject (kind CAST) instead of failing the file.
   */
  readonly types?: Readonly<Record<string, string>>;
}

/**
 * A file read as a relation, in file order:
 * - `csv`: one text column per `csv.columns` entry;
 * - `parquet`: the file's own columns and types, plus `file_row_number` (0-based);
 * - `lines`: one text column `line` per physical line (NDJSON read line by line, so that a bad
 *   line is one rejected record with its line number rather than a failed file).
 */
export interface FileScan {
  readonly path: string;
  readonly format: 'csv' | 'parquet' | 'lines';
  readonly csv?: CsvDialect;
  readonly encoding?: 'utf-8' | 'latin-1';
}

/** A record the file reader could not parse (wrong field count, bad encoding, open quote…). */
export interface FileReject {
  /** Line as the reader counts it: 1 is the first line of the file, header included. */
  readonly line: number;
  /** The reader's class of error, e.g. MISSING COLUMNS, TOO MANY COLUMNS, INVALID ENCODING. */
  readonly kind: string;
  readonly message: string;
  /** The raw text of the record, when the reader kept it. */
  readonly text: string | null;
}

export interface FileInsert {
  /** Rows inserted. */
  readonly rows: number;
  readonly rejects: readonly FileReject[];
}

export interface InsertFromFileOptions {
  /** Create `table` as a temporary table from the query instead of inserting into it. */
  readonly create?: boolean;
  /** Values bound as $2, $3…: $1 is the path. */
  readonly params?: readonly SqlParam[];
}

/** What every backend does. */
export interface Engine {
  readonly kind: EngineKind;
  readonly readOnly: boolean;
  /** Runs one statement with bound parameters and returns its rows. */
  run(sql: string, params?: SqlParams): Promise<QueryResult>;
  /** Runs trusted statements that return nothing (DDL written by Vitrine itself). */
  exec(sql: string): Promise<void>;
  /**
   * Runs a user's statement (`vitrine sql`) where it can read the model and nothing else: on
   * DuckDB a separate read-only instance without file, network or extension access; on a server
   * a read-only transaction under a reader role. Anything else is refused before it runs.
   */
  runReadOnly(sql: string): Promise<QueryResult>;
  /** Appends rows to a table in bulk (an appender, COPY or an INSERT body; not a row at a time). */
  appendRows(
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<ReadonlyArray<SqlParam>>,
  ): Promise<number>;
  /**
   * Runs fn in one transaction: all of it, or none of it. A backend without transactions
   * (ClickHouse) refuses, naming the way to get data in.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * What only the embedded DuckDB does: the workspace's own database, where files are read,
 * staged, checked and loaded (`ingest()` and the demo run on it alone).
 */
export interface EmbeddedEngine extends Engine {
  readonly kind: 'duckdb';
  /** Bulk-loads a file into a table of the model. */
  loadFile(table: string, file: FileLoad): Promise<number>;
  /**
   * Bulk-reads a file into a table, rows in file order: `select(from)` is trusted SQL written by
   * Vitrine around `from`, the engine's scan of the file (its columns as `FileScan` describes);
   * the path and `params` are bound. Records the reader cannot parse come back as rejects
   * instead of failing the load.
   */
  insertFromFile(
    table: string,
    select: (from: string) => string,
    scan: FileScan,
    options?: InsertFromFileOptions,
  ): Promise<FileInsert>;
}

export function isEmbeddedEngine(engine: Engine): engine is EmbeddedEngine {
  return engine.kind === 'duckdb';
}

/**
 * The engine as the embedded one, for work only it does (`what`: an ingest, a demo); a server
 * backend is refused with the way to get data into it.
 */
export function requireEmbedded(engine: Engine, what: string): EmbeddedEngine {
  if (isEmbeddedEngine(engine)) return engine;
  throw new VitrineError(
    'ENGINE_UNSUPPORTED',
    `not supported on ${engine.kind} (${what}): ingest into a DuckDB workspace, then vitrine push --to ${engine.kind}://…`,
  );
}
