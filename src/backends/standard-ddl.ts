import type { ColumnDef, LogicalType, TableDef } from '../model/model-types.js';
import { TABLES } from '../model/tables.js';
import { quoteIdentifier } from '../sql/sql-identifier.js';

/**
 * CREATE TABLE in standard SQL, for the backends that speak it (DuckDB, PostgreSQL): each bundle
 * gives its type for every logical type of the model and whether the table declares its key.
 * ClickHouse needs more than types (a table engine, a sorting key, Nullable wrappers, two tables
 * per model table on a cluster) and writes its own (clickhouse/clickhouse-ddl.ts).
 */

export interface StandardDdl {
  readonly types: Readonly<Record<LogicalType, string>>;
  /**
   * Declare the model's key as the table's PRIMARY KEY (when every key column is required).
   * Keys and references are otherwise enforced by the loaders and integrity checks: DuckDB's
   * primary-key indexes make bulk loads several times slower (measured: 63 s instead of a few
   * seconds for the small demo), and engine foreign keys would forbid loading a child batch
   * before its parent, which real feeds do.
   */
  readonly primaryKey: boolean;
}

function columnDdl(ddl: StandardDdl, c: ColumnDef): string {
  return `${quoteIdentifier(c.name)} ${ddl.types[c.type]}${c.required ? ' NOT NULL' : ''}`;
}

/** The PRIMARY KEY columns a table declares under `ddl`, quoted; null when it declares none. */
export function primaryKeySql(ddl: StandardDdl, t: TableDef): string | null {
  const keyRequired = t.key.every((k) => t.columns.find((c) => c.name === k)?.required);
  if (!ddl.primaryKey || !keyRequired || t.key.length === 0) return null;
  return t.key.map(quoteIdentifier).join(', ');
}

export function createTableSql(ddl: StandardDdl, t: TableDef): string {
  const cols = t.columns.map((c) => `  ${columnDdl(ddl, c)}`);
  const key = primaryKeySql(ddl, t);
  if (key) cols.push(`  PRIMARY KEY (${key})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(t.name)} (\n${cols.join(',\n')}\n)`;
}

export function createModelSql(ddl: StandardDdl): string[] {
  return TABLES.map((t) => createTableSql(ddl, t));
}
