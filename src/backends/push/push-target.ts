import type { LogicalType, TableDef } from '../../model/model-types.js';
import type { Dialect } from '../dialect.js';
import type { Engine, SqlParam } from '../engine.js';
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
 * What push needs from a target beyond the Engine seam; each backend's bundle implements it
 * (`<backend>-push-target.ts`) on top of `BookedPushTarget`. The book is append-only (one row per
 * event, the last by `seq` wins), so that engines without cheap UPDATE/DELETE (ClickHouse) keep
 * it the same way.
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

const TEXT_TYPES = new Set<LogicalType>(['id', 'text', 'code', 'currency']);

/** Whether a column is text, written in double quotes (an empty text is `""`, never NULL). */
export function isTextType(type: LogicalType): boolean {
  return TEXT_TYPES.has(type);
}

/** The book's columns, in the target's types (`notNull` where the engine has NOT NULL). */
export function bookColumnsSql(
  q: (name: string) => string,
  types: { readonly text: string; readonly big: string; readonly notNull: boolean },
): string {
  const nn = types.notNull ? ' NOT NULL' : '';
  return [
    `${q('seq')} ${types.big}${nn}`,
    `${q('table_name')} ${types.text}${nn}`,
    `${q('status')} ${types.text}${nn}`,
    `${q('row_count')} ${types.big}${nn}`,
    `${q('recorded_at')} ${types.text}${nn}`,
  ].join(', ');
}

/** The book kept in a table of the target; a backend adds how it empties and loads tables. */
export abstract class BookedPushTarget implements PushTarget {
  private seq = 0;
  constructor(
    readonly engine: Engine,
    protected readonly dialect: Dialect,
    /** CREATE TABLE IF NOT EXISTS of the book. */
    private readonly bookDdl: string,
  ) {}

  protected q(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }

  async ensureBook(): Promise<void> {
    await this.engine.exec(this.bookDdl);
  }

  async readBook(): Promise<Map<string, BookEntry>> {
    const res = await this.engine.run(
      `SELECT table_name, status, row_count, seq FROM ${this.q(PUSH_BOOK)} ORDER BY seq`,
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

  abstract clearTable(table: string): Promise<void>;

  async finishTable(_table: string): Promise<void> {}

  /** DuckDB's and PostgreSQL's CSV: NULL an unquoted empty field, values as DuckDB writes them. */
  async csvSpec(t: TableDef): Promise<CsvSpec> {
    return {
      nullText: '',
      cells: t.columns.map((c): CsvCell => ({ kind: isTextType(c.type) ? 'text' : 'value' })),
    };
  }

  async parts(): Promise<number> {
    return 1;
  }

  abstract loadCsv(
    t: TableDef,
    file: string,
    part: number,
    onBytes: (bytes: number) => void,
  ): Promise<void>;
}
