import { createModelSql } from '../model/ddl.js';
import { VitrineError } from '../util/errors.js';
import type { Engine } from './engine.js';

export interface CreateModelOptions {
  /** ClickHouse: the cluster whose shards get the local tables (Distributed tables over them). */
  readonly cluster?: string | undefined;
}

/**
 * Creates every table of the canonical model on an engine, with that engine's DDL (idempotent:
 * existing tables are kept). PostgreSQL also gets its read-only role (see docs/engines.md).
 */
export async function createModelOn(
  engine: Engine,
  options: CreateModelOptions = {},
): Promise<void> {
  switch (engine.kind) {
    case 'duckdb':
      for (const ddl of createModelSql('duckdb')) await engine.exec(ddl);
      return;
    case 'postgres': {
      for (const ddl of createModelSql('postgres')) await engine.exec(ddl);
      const { PostgresEngine } = await import('./postgres/postgres-engine.js');
      if (engine instanceof PostgresEngine) await engine.setUpReaderRole();
      return;
    }
    case 'clickhouse': {
      const { ClickHouseEngine } = await import('./clickhouse/clickhouse-engine.js');
      if (!(engine instanceof ClickHouseEngine)) {
        throw new VitrineError(
          'ENGINE_UNSUPPORTED',
          'a clickhouse engine must be a ClickHouseEngine',
        );
      }
      if (options.cluster && options.cluster !== engine.cluster) {
        throw new VitrineError(
          'ENGINE_CLUSTER',
          `cluster ${options.cluster} asked, but the engine was opened ${engine.cluster ? `for cluster ${engine.cluster}` : 'without a cluster'}`,
        );
      }
      await engine.createModel();
      return;
    }
  }
}
