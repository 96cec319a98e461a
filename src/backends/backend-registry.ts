import { isAbsolute, join, resolve } from 'node:path';
import { VitrineError } from '../util/errors.js';
import type { Engine, EngineKind } from './engine.js';

/** Where an engine is: the `engine` entry of vitrine.yaml, or what a URL says. */
export type EngineSpec =
  | { readonly kind: 'duckdb'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'clickhouse'; readonly url: string; readonly cluster?: string | undefined };

export interface OpenEngineOptions {
  readonly readOnly?: boolean;
  /** Directory a relative DuckDB path is resolved against (the workspace). */
  readonly baseDir?: string;
  /** ClickHouse cluster named on the command line (`--cluster`), over the spec's own. */
  readonly cluster?: string;
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
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return { kind: 'postgres', url };
    case 'clickhouse':
    case 'clickhouses':
    case 'http':
    case 'https':
    case 'chdb':
      return { kind: 'clickhouse', url, ...(cluster ? { cluster } : {}) };
    case 'duckdb': {
      const path = url.slice('duckdb:'.length).replace(/^\/\/(?=\/)/, '');
      if (!path) throw new VitrineError('ENGINE_URL', `${url}: a DuckDB URL names a file`);
      return { kind: 'duckdb', path };
    }
    case undefined:
      return { kind: 'duckdb', path: url };
    default:
      // A Windows drive letter (C:\…) is a path too.
      if (/^[a-z]:[\\/]/i.test(url)) return { kind: 'duckdb', path: url };
      throw new VitrineError(
        'ENGINE_URL',
        `${url}: unknown engine; use postgres://…, clickhouse://… (or http(s)://…), duckdb:PATH or a file path`,
      );
  }
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
 * Opens the engine of a spec or URL. Variants are imported when asked for, so that a DuckDB
 * workspace never loads a network driver.
 */
export async function openEngine(
  where: EngineSpec | string,
  options: OpenEngineOptions = {},
): Promise<Engine> {
  const spec = typeof where === 'string' ? parseEngineUrl(where, options.cluster) : where;
  // A URL given on the command line is relative to the current directory, not the workspace.
  const baseDir = typeof where === 'string' ? undefined : options.baseDir;
  const readOnly = options.readOnly ?? false;
  switch (spec.kind) {
    case 'duckdb': {
      const { DuckDbEngine } = await import('./duckdb/duckdb-engine.js');
      const path =
        spec.path === ':memory:' || isAbsolute(spec.path)
          ? spec.path
          : baseDir
            ? join(baseDir, spec.path)
            : resolve(spec.path);
      return DuckDbEngine.open({ path, readOnly });
    }
    case 'postgres': {
      const { PostgresEngine } = await import('./postgres/postgres-engine.js');
      return PostgresEngine.open({ url: spec.url, readOnly });
    }
    case 'clickhouse':
      return openClickHouse(spec.url, options.cluster ?? spec.cluster, readOnly);
  }
}

/**
 * ClickHouse over HTTP (`clickhouse://` names the HTTP interface, `clickhouses://` with TLS;
 * http(s):// URLs are used as they are), or chDB for `chdb:DIR`.
 */
async function openClickHouse(
  url: string,
  cluster: string | undefined,
  readOnly: boolean,
): Promise<Engine> {
  if (/^chdb:/i.test(url)) {
    if (cluster) throw new VitrineError('ENGINE_URL', `${url}: chDB runs one node, not a cluster`);
    const dir = url.slice('chdb:'.length);
    if (!dir) throw new VitrineError('ENGINE_URL', `${url}: a chDB URL names a directory`);
    const { openChdbEngine } = await import('./clickhouse/clickhouse-chdb-engine.js');
    return openChdbEngine(resolve(dir), { readOnly });
  }
  const { openClickHouseEngine } = await import('./clickhouse/clickhouse-engine.js');
  const httpUrl = url.replace(/^clickhouse(s?):\/\//i, (_, s: string) => `http${s}://`);
  return openClickHouseEngine({ url: httpUrl, readOnly, ...(cluster ? { cluster } : {}) });
}

export function engineKindOf(where: EngineSpec | string): EngineKind {
  return typeof where === 'string' ? parseEngineUrl(where).kind : where.kind;
}
