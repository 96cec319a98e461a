import { VitrineError } from '../../util/errors.js';
import type { Engine, SqlParam } from '../engine.js';

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
}

/** ClickHouse empties a table on every shard (a Distributed table holds no rows itself). */
class ClickHousePushTarget extends SqlPushTarget {
  override async clearTable(table: string): Promise<void> {
    const engine = this.engine as Engine & { truncateTable?: (t: string) => Promise<void> };
    if (!engine.truncateTable)
      throw new VitrineError('ENGINE_UNSUPPORTED', 'not a ClickHouse engine');
    await engine.truncateTable(table);
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
      return new SqlPushTarget(
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
