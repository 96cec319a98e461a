import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import pg from 'pg';
import type { FieldDef, PoolClient, QueryResult as PgResult } from 'pg';
import { VitrineError, oneLine } from '../../util/errors.js';
import { quoteIdentifier } from '../../sql/sql-identifier.js';
import type { Engine, QueryResult, Row, SqlParam, SqlParams } from '../engine.js';
import { openFileCounting } from '../file-stream.js';
import { CopyFromStream, csvRows } from './postgres-copy.js';
import { READER_ROLE, canUseReaderRole, grantReaderSql } from './postgres-reader-role.js';

const OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  float4: 700,
  float8: 701,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
} as const;

const TYPE_NAMES = new Map<number, string>([
  [OID.bool, 'BOOLEAN'],
  [OID.int8, 'BIGINT'],
  [OID.int2, 'SMALLINT'],
  [OID.int4, 'INTEGER'],
  [OID.text, 'TEXT'],
  [OID.float4, 'REAL'],
  [OID.float8, 'DOUBLE PRECISION'],
  [OID.varchar, 'VARCHAR'],
  [OID.date, 'DATE'],
  [OID.timestamp, 'TIMESTAMP'],
  [OID.timestamptz, 'TIMESTAMPTZ'],
  [OID.numeric, 'NUMERIC'],
]);

const asText = (v: string): string => v;
/** Counts are far below 2^53: numbers, as DuckDB's engine gives them; larger ones stay text. */
const int8 = (v: string): number | string => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
};

/**
 * Type parsers of this engine's pool only (pg's global registry is left alone): exact decimals,
 * dates and timestamps come back as the server's text, as DuckDB's engine returns them.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (v: string) => unknown {
    switch (oid) {
      case OID.int8:
        return int8;
      case OID.numeric:
      case OID.date:
      case OID.timestamp:
      case OID.timestamptz:
        return asText;
      default:
        return pg.types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown;
    }
  },
};

/**
 * Session settings of every connection: instants shown in UTC (local dates are computed with
 * each zone explicitly, as on DuckDB), ISO dates, and standard strings (a backslash is an
 * ordinary character in '…', which the dialect's literal encoder relies on).
 */
const SESSION_OPTIONS =
  '-c TimeZone=UTC -c DateStyle=ISO,YMD -c standard_conforming_strings=on -c client_encoding=UTF8';

const READ_START = /^\s*(\(\s*)*(select|with|explain|values|table|show)\b/i;

export interface PostgresEngineOptions {
  /** postgres://user@host:port/database */
  readonly url: string;
  readonly readOnly?: boolean;
  /** Connections in the pool (default 4). */
  readonly maxConnections?: number;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

function toResult(res: PgResult): QueryResult {
  const fields: FieldDef[] = res.fields ?? [];
  return {
    columns: fields.map((f) => ({
      name: f.name,
      type: TYPE_NAMES.get(f.dataTypeID) ?? `OID ${f.dataTypeID}`,
    })),
    rows: (res.rows ?? []) as Row[],
  };
}

function positional(params: SqlParams | undefined): SqlParam[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) {
    throw new VitrineError(
      'ENGINE_PARAMS',
      'postgres: named parameters are not supported; bind values as $1, $2…',
    );
  }
  return [...(params as readonly SqlParam[])];
}

/**
 * PostgreSQL through `pg` (a pool). Statements inside `transaction` run on the transaction's
 * connection (found through async context), everything else on any pooled connection. An
 * engine opened read-only runs every connection under the `vitrine_reader` role (SELECT only)
 * when the database has it, and always in read-only transactions.
 */
export class PostgresEngine implements Engine {
  readonly kind = 'postgres' as const;
  readonly readOnly: boolean;
  readonly url: string;
  private pool: pg.Pool | null;
  private readonly tx = new AsyncLocalStorage<PoolClient>();
  private readonly prepared = new WeakSet<PoolClient>();
  /** Whether the user may switch to the reader role (checked when the engine opens). */
  private readerRole = false;

  private constructor(pool: pg.Pool, url: string, readOnly: boolean) {
    this.pool = pool;
    this.url = url;
    this.readOnly = readOnly;
  }

  static async open(options: PostgresEngineOptions): Promise<PostgresEngine> {
    const pool = new pg.Pool({
      connectionString: options.url,
      types: TYPES,
      options: SESSION_OPTIONS,
      max: options.maxConnections ?? 4,
      idleTimeoutMillis: 10_000,
    });
    // An idle connection dropped by the server must not crash the process.
    pool.on('error', () => undefined);
    const engine = new PostgresEngine(pool, options.url, options.readOnly ?? false);
    try {
      const c = await pool.connect();
      try {
        engine.readerRole = await canUseReaderRole(c);
      } finally {
        c.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new VitrineError(
        'ENGINE_OPEN',
        `cannot connect to PostgreSQL at ${redactUrl(options.url)}: ${oneLine(e)}`,
      );
    }
    return engine;
  }

  /** Whether queries of a read-only engine run under the reader role. */
  get usesReaderRole(): boolean {
    return this.readerRole;
  }

  private live(): pg.Pool {
    if (!this.pool) throw new VitrineError('ENGINE_CLOSED', 'the PostgreSQL engine is closed');
    return this.pool;
  }

  private async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const inTx = this.tx.getStore();
    if (inTx) return fn(inTx);
    const c = await this.live().connect();
    let broken = false;
    try {
      if (this.readOnly && !this.prepared.has(c)) {
        if (this.readerRole) await c.query(`SET ROLE ${READER_ROLE}`);
        await c.query('SET default_transaction_read_only = on');
        this.prepared.add(c);
      }
      return await fn(c);
    } catch (e) {
      // A connection that failed mid-protocol (COPY) is not given back to others.
      broken = (e as { code?: string }).code === undefined;
      throw e;
    } finally {
      c.release(broken);
    }
  }

  async run(sql: string, params?: SqlParams): Promise<QueryResult> {
    const values = positional(params);
    return this.withClient(async (c) => {
      try {
        return toResult(await c.query({ text: sql, values }));
      } catch (e) {
        throw new VitrineError('SQL_ERROR', `postgres: ${oneLine(e)}`);
      }
    });
  }

  async exec(sql: string): Promise<void> {
    await this.withClient((c) => c.query(sql));
  }

  async runReadOnly(sql: string): Promise<QueryResult> {
    if (!READ_START.test(sql)) {
      throw new VitrineError(
        'SQL_NOT_READ',
        'only read queries (SELECT, WITH … SELECT, EXPLAIN) are allowed',
      );
    }
    return this.withClient(async (c) => {
      await c.query('BEGIN READ ONLY');
      try {
        if (this.readerRole) await c.query(`SET LOCAL ROLE ${READER_ROLE}`);
        // The extended protocol prepares the text as one statement: a second one is refused.
        const extended = { text: sql, values: [], queryMode: 'extended' } as pg.QueryConfig;
        return toResult(await c.query(extended));
      } catch (e) {
        const msg = oneLine(e);
        if (/multiple commands/.test(msg)) {
          throw new VitrineError('SQL_NOT_SINGLE', 'expected exactly one SQL statement');
        }
        if (/read-only transaction|permission denied/.test(msg)) {
          throw new VitrineError('SQL_NOT_READ', `only read queries are allowed: ${msg}`);
        }
        throw new VitrineError('SQL_ERROR', `SQL error: ${msg}`);
      } finally {
        await c.query('ROLLBACK');
      }
    });
  }

  async appendRows(
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<ReadonlyArray<SqlParam>>,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    return this.copyFrom(table, columns, Readable.from([Buffer.from(csvRows(rows), 'utf8')]));
  }

  /**
   * Streams a CSV file into a table with COPY (`vitrine push`): NULL is an unquoted empty field,
   * text is quoted, no header. `onBytes` is told of every piece of the file sent.
   */
  async copyFromFile(
    table: string,
    columns: readonly string[],
    path: string,
    onBytes?: (bytes: number) => void,
  ): Promise<number> {
    return this.copyFrom(table, columns, openFileCounting(path, onBytes));
  }

  private async copyFrom(
    table: string,
    columns: readonly string[],
    data: Readable,
  ): Promise<number> {
    const q = quoteIdentifier;
    const copy = new CopyFromStream(
      `COPY ${q(table)} (${columns.map(q).join(', ')}) FROM STDIN (FORMAT csv)`,
      data,
    );
    return this.withClient(async (c) => {
      void c.query(copy as unknown as pg.QueryConfig);
      try {
        return await copy.done;
      } catch (e) {
        throw new VitrineError('ENGINE_APPEND', `postgres: COPY into ${table}: ${oneLine(e)}`);
      }
    });
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn();
    const c = await this.live().connect();
    try {
      await c.query('BEGIN');
      try {
        const out = await this.tx.run(c, fn);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      }
    } finally {
      c.release();
    }
  }

  /**
   * Creates the reader role when missing and grants it SELECT on the model's tables (and on
   * tables created later), so that queries never run with the owner's rights.
   */
  async setUpReaderRole(): Promise<void> {
    await this.withClient(async (c) => {
      for (const sql of await grantReaderSql(c)) await c.query(sql);
    });
    this.readerRole = true;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }
}
