import type { ColumnDef, LogicalType, TableDef } from '../../model/model-types.js';
import { TABLES } from '../../model/tables.js';
import { quoteClickHouseIdentifier as quote } from '../../sql/sql-identifier.js';
import { clickhouseString } from '../../sql/sql-literal.js';

/**
 * The canonical model as ClickHouse tables. Not a third type map of standard-ddl.ts: ClickHouse needs more than types (a table engine, a sorting key, Nullable wrappers,
 * and for a cluster two tables per model table).
 */

export interface ClickHouseDdlOptions {
  /** The database the tables live in (Distributed tables name it). */
  readonly database: string;
  /**
   * A cluster of `remote_servers`: every model table becomes `<t>_local` (MergeTree, created on
   * every node) plus `<t>` (Distributed over the cluster's `<t>_local`, rows spread by rand()).
   */
  readonly cluster?: string;
  /**
   * DateTime64(3, 'UTC') for instants (milliseconds kept); false for servers before 20.1,
   * which have DateTime (seconds) only.
   */
  readonly dateTime64: boolean;
}

const TYPES: Record<LogicalType, string> = {
  id: 'String',
  text: 'String',
  code: 'String',
  currency: 'String',
  // Decimal is a regular type since 18.12; the same precision and scale as the other engines.
  money: 'Decimal(18, 2)',
  price: 'Decimal(18, 4)',
  rate: 'Decimal(18, 8)',
  int: 'Int32',
  bigint: 'Int64',
  number: 'Float64',
  date: 'Date',
  timestamp: "DateTime('UTC')",
  // 18.16 has no Bool; UInt8 compares with 1/0, which the dialect writes for true/false.
  bool: 'UInt8',
};

export function clickhouseType(
  c: ColumnDef,
  options: Pick<ClickHouseDdlOptions, 'dateTime64'>,
): string {
  const t = c.type === 'timestamp' && options.dateTime64 ? "DateTime64(3, 'UTC')" : TYPES[c.type];
  return c.required ? t : `Nullable(${t})`;
}

/** Filters most KPIs apply first, in sorting-key order: channel, location, then day. */
const SORT_FIRST = ['channel', 'location_id'];

/**
 * The sorting key: the common filters (channel, location, the fact's day), then the natural
 * key. A sorting key cannot hold a Nullable column, so optional columns are left out.
 */
export function sortingKey(t: TableDef): string[] {
  const required = (name: string) => t.columns.find((c) => c.name === name)?.required === true;
  const key: string[] = [];
  for (const name of SORT_FIRST) if (required(name)) key.push(quote(name));
  if (t.timeColumn && required(t.timeColumn)) {
    const col = t.columns.find((c) => c.name === t.timeColumn);
    key.push(col?.type === 'timestamp' ? `toDate(${quote(t.timeColumn)})` : quote(t.timeColumn));
  }
  for (const k of t.key) if (required(k) && !key.includes(quote(k))) key.push(quote(k));
  return key;
}

function mergeTreeSql(name: string, t: TableDef, options: ClickHouseDdlOptions): string {
  const cols = t.columns.map((c) => `  ${quote(c.name)} ${clickhouseType(c, options)}`);
  const key = sortingKey(t);
  return `CREATE TABLE IF NOT EXISTS ${quote(options.database)}.${quote(name)} (\n${cols.join(',\n')}\n) ENGINE = MergeTree() ORDER BY ${key.length ? `(${key.join(', ')})` : 'tuple()'}`;
}

/** The local table holding a shard's rows of a model table. */
export function localTableName(table: string): string {
  return `${table}_local`;
}

/**
 * Statements creating one model table. Without a cluster, one MergeTree table. With a cluster,
 * every statement is run on every node (18.16's ON CLUSTER needs ZooKeeper, which a plain
 * sharded cluster does not have): the local table, then the Distributed table over it.
 */
export function clickhouseTableSql(t: TableDef, options: ClickHouseDdlOptions): string[] {
  if (!options.cluster) return [mergeTreeSql(t.name, t, options)];
  const cols = t.columns.map((c) => `  ${quote(c.name)} ${clickhouseType(c, options)}`);
  return [
    mergeTreeSql(localTableName(t.name), t, options),
    `CREATE TABLE IF NOT EXISTS ${quote(options.database)}.${quote(t.name)} (\n${cols.join(',\n')}\n) ENGINE = Distributed(${quote(options.cluster)}, ${clickhouseString(options.database)}, ${clickhouseString(localTableName(t.name))}, rand())`,
  ];
}

/** The whole model; with a cluster, every statement runs on every node. */
export function clickhouseModelSql(options: ClickHouseDdlOptions): string[] {
  return TABLES.flatMap((t) => clickhouseTableSql(t, options));
}
