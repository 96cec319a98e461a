import type { TableDef } from '../../model/model-types.js';
import { VitrineError } from '../../util/errors.js';
import type { Engine } from '../engine.js';
import type { CsvCell, CsvSpec } from '../push/push-export.js';
import { BookedPushTarget, PUSH_BOOK, bookColumnsSql, isTextType } from '../push/push-target.js';
import { clickhouseDialect } from './clickhouse-dialect.js';
import type { ClickHouseEngine } from './clickhouse-engine.js';
import { clickhouseInstantDigits } from './clickhouse-wire.js';

/**
 * ClickHouse empties a table on every shard (a Distributed table holds no rows itself), and
 * loads CSV with NULL as `\\N`, booleans as 1/0 (UInt8) and instants as UTC text to the
 * precision of the column's type. The book is a plain MergeTree table on the node push talks to
 * (18.16 has no NOT NULL).
 */
export class ClickHousePushTarget extends BookedPushTarget {
  private shards: number | null = null;

  constructor(engine: Engine) {
    const q = clickhouseDialect.quoteIdentifier;
    super(
      engine,
      clickhouseDialect,
      `CREATE TABLE IF NOT EXISTS ${q(PUSH_BOOK)} (${bookColumnsSql(q, { text: 'String', big: 'Int64', notNull: false })}) ENGINE = MergeTree() ORDER BY ${q('seq')}`,
    );
  }

  private get ch(): ClickHouseEngine {
    if (this.engine.kind !== 'clickhouse') {
      throw new VitrineError('ENGINE_UNSUPPORTED', 'not a ClickHouse engine');
    }
    return this.engine as ClickHouseEngine;
  }

  async clearTable(table: string): Promise<void> {
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
      return { kind: isTextType(c.type) ? 'text' : 'value' };
    });
    return { nullText: '\\N', cells };
  }

  override async parts(): Promise<number> {
    this.shards ??= await this.ch.directShards();
    return this.shards;
  }

  async loadCsv(t: TableDef, file: string, part: number, onBytes: (n: number) => void) {
    const shards = await this.parts();
    await this.ch.insertCsvFile(
      t.name,
      t.columns.map((c) => c.name),
      file,
      shards > 1 ? { shard: part, onBytes } : { onBytes },
    );
  }
}
