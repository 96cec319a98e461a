import type { TableDef } from '../../model/model-types.js';
import { TABLES } from '../../model/tables.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import type { Engine } from '../engine.js';
import { BookedPushTarget, PUSH_BOOK, bookColumnsSql } from '../push/push-target.js';
import { primaryKeySql } from '../standard-ddl.js';
import { POSTGRES_DDL } from './postgres-ddl.js';
import { postgresDialect } from './postgres-dialect.js';
import type { PostgresEngine } from './postgres-engine.js';

/**
 * PostgreSQL loads a table without its primary key and builds the key once the rows are in: one
 * sort instead of a B-tree insert per row (web_events of the small demo, 2.16 M rows: 12–16 s
 * with the key in place, 10–12 s load and build). The key is the one the model's DDL declares,
 * so a push interrupted in between still ends with it.
 */
export class PostgresPushTarget extends BookedPushTarget {
  constructor(engine: Engine) {
    const q = postgresDialect.quoteIdentifier;
    super(
      engine,
      postgresDialect,
      `CREATE TABLE IF NOT EXISTS ${q(PUSH_BOOK)} (${bookColumnsSql(q, { text: 'TEXT', big: 'BIGINT', notNull: true })})`,
    );
  }

  private async primaryKeys(table: string): Promise<string[]> {
    const r = await this.engine.run(
      "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'",
      [this.q(table)],
    );
    return r.rows.map((x) => String(x['conname']));
  }

  async clearTable(table: string): Promise<void> {
    await this.engine.exec(`TRUNCATE ${this.q(table)}`);
    for (const name of await this.primaryKeys(table)) {
      await this.engine.exec(`ALTER TABLE ${this.q(table)} DROP CONSTRAINT ${this.q(name)}`);
    }
  }

  override async finishTable(table: string): Promise<void> {
    const t = TABLES.find((x) => x.name === table);
    const key = t ? primaryKeySql(POSTGRES_DDL, t) : null;
    if (key && (await this.primaryKeys(table)).length === 0) {
      try {
        await this.engine.exec(`ALTER TABLE ${this.q(table)} ADD PRIMARY KEY (${key})`);
      } catch (e) {
        throw new VitrineError('PUSH_KEY', `push ${table}: primary key (${key}): ${oneLine(e)}`);
      }
    }
    // Statistics now, not whenever autovacuum gets to it: without them the planner takes a
    // freshly loaded table for empty and nests loops over aggregates (measured: a KPI went
    // from 0.3 s to over 2 minutes).
    await this.engine.exec(`ANALYZE ${this.q(table)}`);
  }

  async loadCsv(t: TableDef, file: string, _part: number, onBytes: (n: number) => void) {
    const pg = this.engine as PostgresEngine;
    await pg.copyFromFile(
      t.name,
      t.columns.map((c) => c.name),
      file,
      onBytes,
    );
  }
}
