import type { LogicalType } from '../../model/model-types.js';
import type { StandardDdl } from '../standard-ddl.js';
import { createModelSql } from '../standard-ddl.js';

/** The model's tables in DuckDB: no engine keys (the loaders enforce them, see standard-ddl). */
export const DUCKDB_DDL: StandardDdl = {
  types: {
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
  primaryKey: false,
};

/** DuckDB's SQL type of a logical type (ingest casts staged text to it). */
export function duckdbType(type: LogicalType): string {
  return DUCKDB_DDL.types[type];
}

export function duckdbModelSql(): string[] {
  return createModelSql(DUCKDB_DDL);
}
