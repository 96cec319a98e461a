import { createTableSql } from '../../model/ddl.js';
import type { TableDef } from '../../model/model-types.js';
import { TABLES } from '../../model/tables.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import type { ClickHouseEngine } from '../clickhouse/clickhouse-engine.js';
import { clickhouseInstantDigits } from '../clickhouse/clickhouse-wire.js';
import type { Engine, SqlParam } from '../engine.js';
import type { PostgresEngine } from '../postgres/postgres-engine.js';
import type { CsvCell, CsvSpec } from './push-export.js';

/** The bookkeeping table of `vitrine push` on the target. */
export const PUSH_BOOK = '_vitrine_push';

export type PushStatus = 'started' | 'done';

export interface BookEntry {
  readonly table: string;
  readonly status: PushStatus;
  readonly rows: number;
}

/**
 * What push needs from a target beyond the Engine seam, per engine kind: the bookkeeping
 * table's DDL and how to empty a table. The book is append-only (one row per event, the last
 * by `seq` wins), so that engines without cheap UPDATE/DELETE (ClickHouse) keep it the same way.
 */
export interface PushTarget {
  readonly engine: Engine;
  ensureBook(): Promise<void>;
  readBook(): Promise<Map<string, BookEntry>>;
  mark(table: string, status: PushStatus, rows: number): Promise<void>;
  /** Removes every row of a model table (an unfinished copy is redone from scratch). */
  clearTable(table: string): Promise<void>;
  /** After a table is copied: what the engine needs to plan queries over it well. */
  finishTable(table: string): Promise<void>;
  /** How DuckDB writes a table's rows for this target's bulk load. */
  csvSpec(t: TableDef): Promise<CsvSpec>;
  /** Parts a chunk of rows is split into, loaded side by side (a cluster's shards). */
  parts(): Promise<number>;
  /** Bulk-loads a file written with `csvSpec` (part < `parts()`), telling of bytes sent. */
  loadCsv(t: TableDef, file: string, part: number, onBytes: (bytes: number) => void): Promise<void>;
}

const TEXT_TYPES = new Set(['id', 'text', 'code', 'currency']);

/** PostgreSQL's and DuckDB's CSV: NULL an unquoted empty field, values as DuckDB writes them. */
function sqlCsvSpec(t: TableDef): CsvSpec {
  return {
    nullText: '',
    cells: t.columns.map((c): CsvCell => ({ kind: TEXT_TYPES.has(c.type) ? 'text' : 'value' })),
  };
}

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

class SqlPushTarget implements PushTarget {
  private seq = 0;
  constructor(
    readonly engine: Engine,
    private readonly ddl: string,
    private readonly clear: (table: string) => string,
    private readonly finish: ((table: string) => string) | null = null,
  ) {}

  async ensureBook(): Promise<void> {
    await this.engine.exec(this.ddl);
  }

  async readBook(): Promise<Map<string, BookEntry>> {
    const res = await this.engine.run(
      `SELECT table_name, status, row_count, seq FROM ${q(PUSH_BOOK)} ORDER BY seq`,
    );
    const out = new Map<string, BookEntry>();
    for (const r of res.rows) {
      const seq = Number(r['seq']);
      if (seq > this.seq) this.seq = seq;
      const table = String(r['table_name']);
      out.set(table, {
        table,
        status: String(r['status']) === 'done' ? 'done' : 'started',
        rows: Number(r['row_count']),
      });
    }
    return out;
  }

  async mark(table: string, status: PushStatus, rows: number): Promise<void> {
    if (this.seq === 0) await this.readBook();
    this.seq += 1;
    const row: SqlParam[] = [this.seq, table, status, rows, new Date().toISOString()];
    await this.engine.appendRows(
      PUSH_BOOK,
      ['seq', 'table_name', 'status', 'row_count', 'recorded_at'],
      [row],
    );
  }

  async clearTable(table: string): Promise<void> {
    await this.engine.exec(this.clear(table));
  }

  async finishTable(table: string): Promise<void> {
    if (this.finish) await this.engine.exec(this.finish(table));
  }

  async csvSpec(t: TableDef): Promise<CsvSpec> {
    return sqlCsvSpec(t);
  }

  async parts(): Promise<number> {
    return 1;
  }

  /** DuckDB reads the file itself (a workspace pushed to another DuckDB database). */
  async loadCsv(t: TableDef, file: string, _part: number, _onBytes: (n: number) => void) {
    const cols = t.columns.map((c) => q(c.name)).join(', ');
    const path = `'${file.replaceAll("'", "''")}'`;
    // A quoted empty field is an empty text, not NULL.
    await this.engine.exec(
      `COPY ${q(t.name)} (${cols}) FROM ${path} (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR '', ALLOW_QUOTED_NULLS false)`,
    );
  }
}

/**
 * PostgreSQL loads a table without its primary key and builds the key once the rows are in: one
 * sort instead of a B-tree insert per row (web_events of the small demo, 2.16 M rows: 12–16 s
 * with the key in place, 10–12 s load and build). The key is the one the model's DDL declares,
 * so a push interrupted in between still ends with it.
 */
class PostgresPushTarget extends SqlPushTarget {
  private async primaryKeys(table: string): Promise<string[]> {
    const r = await this.engine.run(
      "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'",
      [q(table)],
    );
    return r.rows.map((x) => String(x['conname']));
  }

  override async clearTable(table: string): Promise<void> {
    await super.clearTable(table);
    for (const name of await this.primaryKeys(table)) {
      await this.engine.exec(`ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)}`);
    }
  }

  override async finishTable(table: string): Promise<void> {
    const t = TABLES.find((x) => x.name === table);
    const key = t
      ? /\n\s*PRIMARY KEY \((.*)\)\n/.exec(createTableSql('postgres', t))?.[1]
      : undefined;
    if (key && (await this.primaryKeys(table)).length === 0) {
      try {
        await this.engine.exec(`ALTER TABLE ${q(table)} ADD PRIMARY KEY (${key})`);
      } catch (e) {
        throw new VitrineError('PUSH_KEY', `push ${table}: primary key (${key}): ${oneLine(e)}`);
      }
    }
    await super.finishTable(table);
  }

  override async loadCsv(t: TableDef, file: string, _part: number, onBytes: (n: number) => void) {
    const pg = this.engine as PostgresEngine;
    await pg.copyFromFile(
      t.name,
      t.columns.map((c) => c.name),
      file,
      onBytes,
    );
  }
}

/**
 * ClickHouse empties a table on every shard (a Distributed table holds no rows itself), and
 * loads CSV with NULL as `\\N`, booleans as 1/0 (UInt8) and instants as UTC text to the
 * precision of the column's type.
 */
class ClickHousePushTarget extends SqlPushTarget {
  private get ch(): ClickHouseEngine {
    if (this.engine.kind !== 'clickhouse') {
      throw new VitrineError('ENGINE_UNSUPPORTED', 'not a ClickHouse engine');
    }
    return this.engine as ClickHouseEngine;
  }

  override async clearTable(table: string): Promise<void> {
    await this.ch.truncateTable(table);
  }

  override async csvSpec(t: TableDef): Promise<CsvSpec> {
    const types = await this.ch.tableColumns(t.name);
    const cells = t.columns.map((c): CsvCell => {
      if (c.type === 'bool') return { kind: 'bool-int' };
      if (c.type === 'timestamp') {
        const type = types.get(c.name) ?? '';
        const digits = clickhouseInstantDigits(type);
        if (digits === null) {
          throw new VitrineError(
            'PUSH_TYPE',
            `push ${t.name}.${c.name}: an instant, but ${type || 'no'} column on ${this.ch.transport.label}`,
          );
        }
        return { kind: 'utc', digits };
      }
      return { kind: TEXT_TYPES.has(c.type) ? 'text' : 'value' };
    });
    return { nullText: '\\N', cells };
  }

  private shards: number | null = null;

  override async parts(): Promise<number> {
    this.shards ??= await this.ch.directShards();
    return this.shards;
  }

  override async loadCsv(t: TableDef, file: string, part: number, onBytes: (n: number) => void) {
    const shards = await this.parts();
    await this.ch.insertCsvFile(
      t.name,
      t.columns.map((c) => c.name),
      file,
      shards > 1 ? { shard: part, onBytes } : { onBytes },
    );
  }
}

const BOOK_COLUMNS = (text: string, big: string, ts: string) =>
  `${q('seq')} ${big} NOT NULL, ${q('table_name')} ${text} NOT NULL, ${q('status')} ${text} NOT NULL, ${q('row_count')} ${big} NOT NULL, ${q('recorded_at')} ${ts} NOT NULL`;

export function pushTargetFor(engine: Engine, cluster?: string): PushTarget {
  switch (engine.kind) {
    case 'duckdb':
      return new SqlPushTarget(
        engine,
        `CREATE TABLE IF NOT EXISTS ${q(PUSH_BOOK)} (${BOOK_COLUMNS('VARCHAR', 'BIGINT', 'VARCHAR')})`,
        (t) => `DELETE FROM ${q(t)}`,
      );
    case 'postgres':
      return new PostgresPushTarget(
        engine,
        `CREATE TABLE IF NOT EXISTS ${q(PUSH_BOOK)} (${BOOK_COLUMNS('TEXT', 'BIGINT', 'TEXT')})`,
        (t) => `TRUNCATE ${q(t)}`,
        // Statistics now, not whenever autovacuum gets to it: without them the planner takes a
        // freshly loaded table for empty and nests loops over aggregates (measured: a KPI went
        // from 0.3 s to over 2 minutes).
        (t) => `ANALYZE ${q(t)}`,
      );
    case 'clickhouse':
      // A plain MergeTree book on the node push talks to (18.16 has no NOT NULL); tables are
      // emptied by the engine, on every shard for a cluster.
      void cluster;
      return new ClickHousePushTarget(
        engine,
        `CREATE TABLE IF NOT EXISTS ${q(PUSH_BOOK)} (${q('seq')} Int64, ${q('table_name')} String, ${q('status')} String, ${q('row_count')} Int64, ${q('recorded_at')} String) ENGINE = MergeTree() ORDER BY ${q('seq')}`,
        (t) => `TRUNCATE TABLE ${q(t)}`,
      );
  }
}
