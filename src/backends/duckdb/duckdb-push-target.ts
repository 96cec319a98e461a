import type { TableDef } from '../../model/model-types.js';
import { standardString } from '../../sql/sql-literal.js';
import type { Engine } from '../engine.js';
import { BookedPushTarget, PUSH_BOOK, bookColumnsSql } from '../push/push-target.js';
import { duckdbDialect } from './duckdb-dialect.js';

/** A workspace pushed to another DuckDB database: DuckDB reads each chunk's file itself. */
export class DuckDbPushTarget extends BookedPushTarget {
  constructor(engine: Engine) {
    const q = duckdbDialect.quoteIdentifier;
    super(
      engine,
      duckdbDialect,
      `CREATE TABLE IF NOT EXISTS ${q(PUSH_BOOK)} (${bookColumnsSql(q, { text: 'VARCHAR', big: 'BIGINT', notNull: true })})`,
    );
  }

  async clearTable(table: string): Promise<void> {
    await this.engine.exec(`DELETE FROM ${this.q(table)}`);
  }

  async loadCsv(t: TableDef, file: string, _part: number, _onBytes: (n: number) => void) {
    const cols = t.columns.map((c) => this.q(c.name)).join(', ');
    // A quoted empty field is an empty text, not NULL.
    await this.engine.exec(
      `COPY ${this.q(t.name)} (${cols}) FROM ${standardString(file)} (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR '', ALLOW_QUOTED_NULLS false)`,
    );
  }
}
