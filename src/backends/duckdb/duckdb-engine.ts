import { DuckDBInstance, DuckDBTypeId, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { quoteIdentifier } from '../../sql/sql-identifier.js';
import { standardString } from '../../sql/sql-literal.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import type {
  CellValue,
  EmbeddedEngine,
  FileInsert,
  FileLoad,
  FileReject,
  FileScan,
  InsertFromFileOptions,
  QueryResult,
  Row,
  SqlParam,
  SqlParams,
} from '../engine.js';

const INTEGER_TYPES = new Set<number>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
]);

const READ_STATEMENTS = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN]);

export interface DuckDbEngineOptions {
  /** Database file, or ':memory:'. */
  readonly path: string;
  readonly readOnly?: boolean;
  /**
   * For a user's SQL (`vitrine sql`): read-only, and no file, network or extension access, the
   * configuration locked, so that a statement can read the model's tables and nothing else.
   */
  readonly sandbox?: boolean;
  /** DuckDB memory limit, e.g. '4GB'. */
  readonly memoryLimit?: string;
}

/**
 * What a sandbox is opened with. Refusing by configuration rather than by reading the statement:
 * `EXPLAIN ANALYZE COPY … TO`, `INSTALL`, `read_text`, `query('…')` and the like all pass a
 * statement-type check, and DuckDB itself knows every path that touches a file.
 */
const SANDBOX_CONFIG: Readonly<Record<string, string>> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoload_known_extensions: 'false',
  autoinstall_known_extensions: 'false',
};

/** DuckDB's words for a refusal by the sandbox's configuration. */
const SANDBOX_REFUSAL =
  /Permission Error|configuration has been locked|disabled (by|through) configuration|read-only mode/i;

function toRows(reader: DuckDBResultReader): QueryResult {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const bigCols = names.filter((_, i) => INTEGER_TYPES.has(types[i]?.typeId ?? -1));
  const rows = reader.getRowObjectsJson() as Row[];
  // JSON conversion gives 64-bit integers as strings; counts are far below 2^53, so numbers are
  // exact and what callers expect. Decimals stay strings: money is never rounded here.
  if (bigCols.length > 0) {
    for (const row of rows) {
      for (const c of bigCols) {
        const v = row[c];
        if (typeof v === 'string') {
          const n = Number(v);
          row[c] = Number.isSafeInteger(n) ? n : v;
        }
      }
    }
  }
  return {
    columns: names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'UNKNOWN' })),
    rows,
  };
}

const sqlString = (value: string): string => standardString(value);
const quoteIdent = quoteIdentifier;

/** A field separator no valid JSON line can contain raw (control characters must be escaped). */
const UNIT_SEPARATOR = String.fromCharCode(31);

/**
 * The table function reading a scan. Options are Vitrine's own single characters and names,
 * written as SQL string literals; the path is the bound parameter $1.
 */
function scanSql(scan: FileScan, rejects: string): string {
  if (scan.format === 'parquet') return 'read_parquet($1, file_row_number = true)';
  const rejectOpts = `store_rejects = true, rejects_table = ${sqlString(`${rejects}_errors`)}, rejects_scan = ${sqlString(`${rejects}_scans`)}`;
  if (scan.format === 'lines') {
    // One column, no quoting: every physical line is a record; blank lines are kept (as NULL)
    // so that row n is line n.
    return `read_csv($1, auto_detect = false, header = false, delim = ${sqlString(UNIT_SEPARATOR)}, quote = '', escape = '', columns = {'line': 'VARCHAR'}, encoding = ${sqlString(scan.encoding ?? 'utf-8')}, strict_mode = false, ${rejectOpts})`;
  }
  const csv = scan.csv;
  if (!csv) throw new VitrineError('ENGINE_SCAN', 'a csv scan needs its dialect');
  const columns = csv.columns
    .map((c) => `${sqlString(c)}: ${sqlString(csv.types?.[c] ?? 'VARCHAR')}`)
    .join(', ');
  // auto_detect off: the dialect and the header were sniffed by Vitrine, and DuckDB's sniffer
  // gives up on exactly the broken files whose good rows we must still load.
  return `read_csv($1, auto_detect = false, header = ${csv.header ? 'true' : 'false'}, delim = ${sqlString(csv.delimiter)}, quote = ${sqlString(csv.quote)}, escape = ${sqlString(csv.escape)}, encoding = ${sqlString(csv.encoding)}, columns = {${columns}}, strict_mode = true, null_padding = false, max_line_size = 8388608, ${rejectOpts})`;
}

let scanCounter = 0;

export class DuckDbEngine implements EmbeddedEngine {
  readonly kind = 'duckdb' as const;
  readonly readOnly: boolean;
  /** The database file (or ':memory:'), for the sandbox a user's SQL runs in. */
  private path = ':memory:';
  /** Opened as a sandbox: every statement runs without file, network or extension access. */
  private sandboxed = false;
  private instance: DuckDBInstance | null;
  private connection: DuckDBConnection | null;
  /** False for a connection made by connect(): closing it keeps the database open. */
  private ownsInstance = true;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, readOnly: boolean) {
    this.instance = instance;
    this.connection = connection;
    this.readOnly = readOnly;
  }

  static async open(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    const config: Record<string, string> = options.sandbox ? { ...SANDBOX_CONFIG } : {};
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.sandbox && options.path === ':memory:') {
      throw new VitrineError('ENGINE_OPEN', 'a DuckDB sandbox reads a database file');
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.path, config);
    } catch (e) {
      throw new VitrineError(
        'ENGINE_OPEN',
        `cannot open the DuckDB database ${options.path}: ${oneLine(e)}`,
      );
    }
    const connection = await instance.connect();
    // Instants are stored as UTC; local dates are computed explicitly with each location's zone.
    await connection.run("SET TimeZone = 'UTC'");
    // Locked once the session is set up: no statement can change a setting after this.
    if (options.sandbox) await connection.run('SET lock_configuration = true');
    const engine = new DuckDbEngine(
      instance,
      connection,
      (options.readOnly ?? false) || (options.sandbox ?? false),
    );
    engine.path = options.path;
    engine.sandboxed = options.sandbox ?? false;
    return engine;
  }

  /**
   * Another connection to the same open database (the server's readers beside its writer): its
   * own transactions, and the committed state of the others only. Closing it leaves the
   * database open.
   */
  async connect(): Promise<DuckDbEngine> {
    if (!this.instance) throw new VitrineError('ENGINE_CLOSED', 'the DuckDB engine is closed');
    const connection = await this.instance.connect();
    // A sandbox's settings are locked (and TimeZone, set before, holds for the instance).
    if (!this.sandboxed) await connection.run("SET TimeZone = 'UTC'");
    const other = new DuckDbEngine(this.instance, connection, this.readOnly);
    other.ownsInstance = false;
    other.path = this.path;
    other.sandboxed = this.sandboxed;
    return other;
  }

  private conn(): DuckDBConnection {
    if (!this.connection) throw new VitrineError('ENGINE_CLOSED', 'the DuckDB engine is closed');
    return this.connection;
  }

  async run(sql: string, params?: SqlParams): Promise<QueryResult> {
    const values = params as Parameters<DuckDBConnection['runAndReadAll']>[1];
    const reader = await this.conn().runAndReadAll(sql, values);
    return toRows(reader);
  }

  async exec(sql: string): Promise<void> {
    await this.conn().run(sql);
  }

  /**
   * A user's statement, in a sandbox: this engine when it was opened as one, else a sandbox
   * opened on the same file for this statement only.
   */
  async runReadOnly(sql: string): Promise<QueryResult> {
    if (this.sandboxed) return this.runInSandbox(sql);
    if (this.path === ':memory:') {
      throw new VitrineError('SQL_NOT_READ', 'user SQL runs on a database file, not in memory');
    }
    const sandbox = await DuckDbEngine.open({ path: this.path, sandbox: true });
    try {
      return await sandbox.runInSandbox(sql);
    } finally {
      await sandbox.close();
    }
  }

  private async runInSandbox(sql: string): Promise<QueryResult> {
    const conn = this.conn();
    let extracted;
    try {
      extracted = await conn.extractStatements(sql);
    } catch (e) {
      throw new VitrineError('SQL_SYNTAX', `SQL error: ${oneLine(e)}`);
    }
    if (extracted.count !== 1) {
      throw new VitrineError(
        'SQL_NOT_SINGLE',
        `expected exactly one SQL statement, got ${extracted.count}`,
      );
    }
    let prepared;
    try {
      prepared = await extracted.prepare(0);
    } catch (e) {
      throw sqlError(e);
    }
    if (!READ_STATEMENTS.has(prepared.statementType)) {
      throw new VitrineError(
        'SQL_NOT_READ',
        `only read queries (SELECT, WITH … SELECT, EXPLAIN) are allowed; this statement is a ${StatementType[prepared.statementType] ?? 'write'}`,
      );
    }
    try {
      return toRows(await prepared.runAndReadAll());
    } catch (e) {
      throw sqlError(e);
    }
  }

  async loadFile(table: string, file: FileLoad): Promise<number> {
    // Table and column names come from the model, the path from Vitrine itself; both are
    // written as quoted SQL text because COPY takes no parameters.
    const cols = file.columns.map(quoteIdent).join(', ');
    const result = await this.conn().run(
      `COPY ${quoteIdent(table)} (${cols}) FROM ${sqlString(file.path)} (FORMAT csv, HEADER ${file.header ? 'true' : 'false'}, NULLSTR '')`,
    );
    return Number(result.rowsChanged);
  }

  async insertFromFile(
    table: string,
    select: (from: string) => string,
    scan: FileScan,
    options: InsertFromFileOptions = {},
  ): Promise<FileInsert> {
    const conn = this.conn();
    scanCounter += 1;
    const rejects = `_vitrine_rejects_${process.pid}_${scanCounter}`;
    const query = select(`${scanSql(scan, rejects)} AS src`);
    const sql = options.create
      ? `CREATE TEMPORARY TABLE ${quoteIdent(table)} AS ${query}`
      : `INSERT INTO ${quoteIdent(table)} ${query}`;
    let rows: number;
    try {
      const values = [scan.path, ...(options.params ?? [])] as Parameters<
        DuckDBConnection['run']
      >[1];
      const result = await conn.run(sql, values);
      rows = Number(result.rowsChanged);
      if (options.create) {
        // CREATE TABLE AS reports no changed rows.
        const counted = await conn.runAndReadAll(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
        rows = Number(counted.getRowObjectsJson()[0]?.['n'] ?? 0);
      }
    } catch (e) {
      throw new VitrineError('FILE_READ', `${scan.path}: ${oneLine(e)}`);
    }
    if (scan.format === 'parquet') return { rows, rejects: [] };
    const errors = quoteIdent(`${rejects}_errors`);
    const found = await conn.runAndReadAll(
      // Column order too: a line comes back once per value it could not convert.
      `SELECT DISTINCT line, column_idx, error_type, error_message, csv_line FROM ${errors} ORDER BY line, column_idx`,
    );
    const out: FileReject[] = [];
    for (const r of found.getRowObjectsJson()) {
      out.push({
        line: Number(r['line']),
        kind: String(r['error_type']),
        message: String(r['error_message']),
        text: r['csv_line'] === null ? null : String(r['csv_line']),
      });
    }
    await conn.run(`DROP TABLE IF EXISTS ${errors}`);
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(`${rejects}_scans`)}`);
    return { rows, rejects: out };
  }

  async appendRows(
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<ReadonlyArray<SqlParam>>,
  ): Promise<number> {
    const conn = this.conn();
    const info = await conn.runAndReadAll(
      'SELECT temporary, table_oid FROM duckdb_tables() WHERE table_name = $1 ORDER BY temporary DESC LIMIT 1',
      [table],
    );
    const found = info.getRowObjectsJson()[0];
    const temporary = found?.['temporary'] === true;
    const cols = await conn.runAndReadAll(
      'SELECT column_name FROM duckdb_columns() WHERE table_oid = $1 ORDER BY column_index',
      [Number(found?.['table_oid'] ?? -1)],
    );
    const tableColumns = cols.getRowObjectsJson().map((r) => String(r['column_name']));
    if (tableColumns.join('\u0000') !== columns.join('\u0000')) {
      throw new VitrineError(
        'ENGINE_APPEND',
        `appendRows(${table}): columns must be the table's, in order: ${tableColumns.join(', ')}`,
      );
    }
    const appender = await conn.createAppender(table, null, temporary ? 'temp' : null);
    try {
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else if (typeof v === 'string') appender.appendVarchar(v);
          else if (typeof v === 'boolean') appender.appendBoolean(v);
          else if (Number.isInteger(v)) appender.appendBigInt(BigInt(v));
          else appender.appendDouble(v);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return rows.length;
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const conn = this.conn();
    await conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await conn.run('COMMIT');
      return out;
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
  }

  async close(): Promise<void> {
    this.connection?.closeSync();
    if (this.ownsInstance) this.instance?.closeSync();
    this.connection = null;
    this.instance = null;
  }
}

/** A failed user statement: a sandbox refusal says what the sandbox allows. */
function sqlError(e: unknown): VitrineError {
  const msg = oneLine(e);
  if (SANDBOX_REFUSAL.test(msg)) {
    return new VitrineError(
      'SQL_REFUSED',
      `refused: vitrine sql reads the workspace's tables and nothing else (no files, network, extensions or settings): ${msg}`,
    );
  }
  return new VitrineError('SQL_ERROR', `SQL error: ${msg}`);
}

export type { CellValue };
