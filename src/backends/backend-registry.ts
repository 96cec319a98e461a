import { VitrineError } from '../util/errors.js';
import type { Backend, CreateTablesOptions, EngineSpec, OpenEngineOptions } from './backend.js';
import { clickhouseBackend } from './clickhouse/clickhouse-backend.js';
import type { Dialect } from './dialect.js';
import { duckdbBackend } from './duckdb/duckdb-backend.js';
import type { Engine, EngineKind } from './engine.js';
import { postgresBackend } from './postgres/postgres-backend.js';
import type { PushTarget } from './push/push-target.js';

/**
 * Picks the backend of a workspace's `engine` entry, an engine URL or an open engine. The only
 * place that lists the backends: everything else asks the Backend it is given.
 */

const BACKENDS: Readonly<Record<EngineKind, Backend>> = {
  duckdb: duckdbBackend,
  postgres: postgresBackend,
  clickhouse: clickhouseBackend,
};

export function backendFor(kind: EngineKind): Backend {
  const b = BACKENDS[kind] as Backend | undefined;
  if (!b) throw new VitrineError('ENGINE_UNKNOWN', `no backend for engine ${String(kind)}`);
  return b;
}

/** The SQL dialect of an engine kind (the compiler picks it from `engine.kind`). */
export function dialectFor(kind: EngineKind): Dialect {
  return backendFor(kind).dialect;
}

/**
 * The engine a URL names:
 * - `postgres://…`, `postgresql://…`: PostgreSQL;
 * - `clickhouse://…`, `http://…`, `https://…`: ClickHouse over HTTP (`?nodes=host:port,…` lists
 *   a cluster's nodes when they are not all on the URL's port);
 * - `chdb:DIR`: ClickHouse embedded in the process (chDB, a development dependency);
 * - `duckdb:PATH`, or a plain file path: a DuckDB database file.
 */
export function parseEngineUrl(url: string, cluster?: string): EngineSpec {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  // No scheme, or a Windows drive letter (C:\…): a path.
  if (scheme === undefined || /^[a-z]:[\\/]/i.test(url)) return { kind: 'duckdb', path: url };
  const backend = Object.values(BACKENDS).find((b) => b.schemes.includes(scheme));
  if (!backend) {
    throw new VitrineError(
      'ENGINE_URL',
      `${url}: unknown engine; use postgres://…, clickhouse://… (or http(s)://…), duckdb:PATH or a file path`,
    );
  }
  return backend.parseUrl(url, cluster);
}

/** A spec as a user may see it (passwords hidden). */
export function describeEngine(spec: EngineSpec): string {
  if (spec.kind === 'duckdb') return `duckdb:${spec.path}`;
  let shown = spec.url;
  try {
    const u = new URL(spec.url);
    if (u.password) u.password = '***';
    shown = u.toString();
  } catch {
    shown = spec.url.replace(/:[^:@/]*@/, ':***@');
  }
  return spec.kind === 'clickhouse' && spec.cluster ? `${shown} (cluster ${spec.cluster})` : shown;
}

/**
 * Opens the engine of a spec or URL. Drivers are imported when asked for, so that a DuckDB
 * workspace never loads a network driver.
 */
export async function openEngine(
  where: EngineSpec | string,
  options: OpenEngineOptions = {},
): Promise<Engine> {
  const spec = typeof where === 'string' ? parseEngineUrl(where, options.cluster) : where;
  // A URL given on the command line is relative to the current directory, not the workspace.
  const { baseDir, ...rest } = options;
  const opts = typeof where === 'string' || baseDir === undefined ? rest : { ...rest, baseDir };
  return backendFor(spec.kind).open(spec, opts);
}

export function engineKindOf(where: EngineSpec | string): EngineKind {
  return typeof where === 'string' ? parseEngineUrl(where).kind : where.kind;
}

/**
 * Creates every table of the canonical model on an engine, with its backend's DDL (idempotent:
 * existing tables are kept). PostgreSQL also gets its read-only role (see docs/engines.md).
 */
export async function createCanonicalTables(
  engine: Engine,
  options: CreateTablesOptions = {},
): Promise<void> {
  await backendFor(engine.kind).createTables(engine, options);
}

/** What `vitrine push` writes an engine through. */
export function pushTargetFor(engine: Engine): PushTarget {
  return backendFor(engine.kind).pushTarget(engine);
}
