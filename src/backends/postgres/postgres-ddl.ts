import type { StandardDdl } from '../standard-ddl.js';

/**
 * The model's tables in PostgreSQL, with their primary keys: COPY keeps its speed with them, and
 * push drops a key for the load and builds it once the rows are in (postgres-push-target.ts).
 */
export const POSTGRES_DDL: StandardDdl = {
  types: {
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
  primaryKey: true,
};
