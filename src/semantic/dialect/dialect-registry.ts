import type { EngineKind } from '../../engine/engine.js';
import { VitrineError } from '../../util/errors.js';
import type { Dialect } from './dialect.js';
import { clickhouseDialect } from './clickhouse/clickhouse-dialect.js';
import { duckdbDialect } from './duckdb/duckdb-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';

/**
 * The dialect of each engine kind. An engine variant registers its dialect here (one line per
 * kind); the query runner picks the dialect from `engine.kind`, so a caller never has to.
 */
const DIALECTS: Partial<Record<EngineKind, Dialect>> = {
  duckdb: duckdbDialect,
  postgres: postgresDialect,
  clickhouse: clickhouseDialect,
};

/** Registers the dialect of an engine kind (for variants that live outside this file). */
export function registerDialect(kind: EngineKind, dialect: Dialect): void {
  DIALECTS[kind] = dialect;
}

export function dialectFor(kind: EngineKind): Dialect {
  const d = DIALECTS[kind];
  if (!d) {
    throw new VitrineError('DIALECT_UNKNOWN', `no SQL dialect is registered for engine ${kind}`);
  }
  return d;
}
