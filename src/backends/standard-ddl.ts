import type { ColumnDef, LogicalType, TableDef } from './model-types.js';
import { TABLES } from './tables.js';

/** SQL types of each engine for the model's logical types. */
export type DdlTarget = 'duckdb' | 'postgres';

const SQL_TYPES: Record<DdlTarget, Record<LogicalType, string>> = {
  duckdb: {
    id: 'VARCHAR',
    text: 'VARCHAR',
    code: 'VARCHAR',
    currency: 'VARCHAR',
    money: 'DECIMAL(18,2)',
    price: 'DECIMAL(18,4)',
    rate: 'DECIMAL(18,8)',
    int: 'INTEGER',
    bigint: 'BIGINT',
    number: 'DOUBLE',
    date: 'DATE',
    timestamp: 'TIMESTAMPTZ',
    bool: 'BOOLEAN',
  },
  postgres: {
    id: 'TEXT',
    text: 'TEXT',
    code: 'TEXT',
    currency: 'TEXT',
    money: 'NUMERIC(18,2)',
    price: 'NUMERIC(18,4)',
    rate: 'NUMERIC(18,8)',
    int: 'INTEGER',
    bigint: 'BIGINT',
    number: 'DOUBLE PRECISION',
    date: 'DATE',
    timestamp: 'TIMESTAMPTZ',
    bool: 'BOOLEAN',
  },
};

export function sqlType(target: DdlTarget, type: LogicalType): string {
  return SQL_TYPES[target][type];
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function columnDdl(target: DdlTarget, c: ColumnDef): string {
  return `${quote(c.name)} ${sqlType(target, c.type)}${c.required ? ' NOT NULL' : ''}`;
}

/**
 * CREATE TABLE for one table. Keys and references are declared in the model and enforced by
 * the loaders and integrity checks, not by engine constraints: DuckDB's primary-key indexes
 * make bulk loads several times slower (measured: 63 s instead of a few seconds for the small
 * demo), and engine foreign keys would forbid loading a child batch before its parent, which
 * real feeds do. PostgreSQL gets its primary keys (its COPY keeps its speed with them).
 */
export function createTableSql(target: DdlTarget, t: TableDef): string {
  const cols = t.columns.map((c) => `  ${columnDdl(target, c)}`);
  const keyRequired = t.key.every((k) => t.columns.find((c) => c.name === k)?.required);
  if (target === 'postgres' && keyRequired && t.key.length > 0) {
    cols.push(`  PRIMARY KEY (${t.key.map(quote).join(', ')})`);
  }
  return `CREATE TABLE IF NOT EXISTS ${quote(t.name)} (\n${cols.join(',\n')}\n)`;
}

export function createModelSql(target: DdlTarget): string[] {
  return TABLES.map((t) => createTableSql(target, t));
}
