import { VitrineError } from '../../util/errors.js';
import type { Backend, EngineSpec } from '../backend.js';
import { createModelSql } from '../standard-ddl.js';
import { POSTGRES_DDL } from './postgres-ddl.js';
import { postgresDialect } from './postgres-dialect.js';
import { PostgresPushTarget } from './postgres-push-target.js';

/** PostgreSQL over `pg`: a push target and a query engine; reads run under a reader role. */
export const postgresBackend: Backend = {
  kind: 'postgres',
  dialect: postgresDialect,
  capabilities: { embedded: false, transactions: true, cluster: false },
  schemes: ['postgres', 'postgresql'],
  parseUrl: (url): EngineSpec => ({ kind: 'postgres', url }),
  async open(spec, options) {
    if (spec.kind !== 'postgres') {
      throw new VitrineError(
        'ENGINE_URL',
        `the postgres backend cannot open a ${spec.kind} engine`,
      );
    }
    const { PostgresEngine } = await import('./postgres-engine.js');
    return PostgresEngine.open({ url: spec.url, readOnly: options.readOnly ?? false });
  },
  /** The tables, then the read-only role queries run under (see docs/engines.md). */
  async createTables(engine) {
    for (const ddl of createModelSql(POSTGRES_DDL)) await engine.exec(ddl);
    const { PostgresEngine } = await import('./postgres-engine.js');
    if (engine instanceof PostgresEngine) await engine.setUpReaderRole();
  },
  pushTarget: (engine) => new PostgresPushTarget(engine),
};
