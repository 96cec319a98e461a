import { isAbsolute, join, resolve } from 'node:path';
import { VitrineError } from '../../util/errors.js';
import type { Backend, EngineSpec } from '../backend.js';
import { duckdbModelSql } from './duckdb-ddl.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { DuckDbPushTarget } from './duckdb-push-target.js';

/** The embedded default: the workspace's own database file, where files are ingested. */
export const duckdbBackend: Backend = {
  kind: 'duckdb',
  dialect: duckdbDialect,
  capabilities: { embedded: true, transactions: true, cluster: false },
  schemes: ['duckdb'],
  parseUrl(url: string): EngineSpec {
    const path = url.replace(/^duckdb:/i, '').replace(/^\/\/(?=\/)/, '');
    if (!path) throw new VitrineError('ENGINE_URL', `${url}: a DuckDB URL names a file`);
    return { kind: 'duckdb', path };
  },
  async open(spec, options) {
    if (spec.kind !== 'duckdb') throw wrongSpec(spec.kind);
    const { DuckDbEngine } = await import('./duckdb-engine.js');
    const path =
      spec.path === ':memory:' || isAbsolute(spec.path)
        ? spec.path
        : options.baseDir
          ? join(options.baseDir, spec.path)
          : resolve(spec.path);
    return DuckDbEngine.open({
      path,
      readOnly: options.readOnly ?? false,
      ...(options.sandbox ? { sandbox: true } : {}),
    });
  },
  async createTables(engine) {
    for (const ddl of duckdbModelSql()) await engine.exec(ddl);
  },
  pushTarget: (engine) => new DuckDbPushTarget(engine),
};

function wrongSpec(kind: string): VitrineError {
  return new VitrineError('ENGINE_URL', `the duckdb backend cannot open a ${kind} engine`);
}
