import { join } from 'node:path';
import type { Engine, QueryResult, SqlParam, SqlParams } from '../backends/engine.js';
import { VitrineError } from '../util/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { CONFIG_FILE, readConfig } from '../workspace/workspace-config.js';
import { callServer } from './live-client.js';
import type { LiveServerInfo } from './live-lock.js';

/**
 * The reads of a CLI command beside a running server. The server holds the database file
 * read-write (DuckDB lets no other process open it then), so `vitrine query`, `tables`, `sql`,
 * `check`… send each statement to it over the local credential and get the rows back; every
 * statement reads a committed state. Only reads: anything that writes goes through the
 * server's own operations (src/server/routes/ingest-routes.ts).
 */
export class RemoteReadEngine implements Engine {
  readonly kind = 'duckdb' as const;
  readonly readOnly = true;

  constructor(private readonly server: Pick<LiveServerInfo, 'url' | 'token'>) {}

  private async call(sql: string, params: SqlParams | undefined, user: boolean) {
    const { body } = await callServer<QueryResult>(this.server, 'POST', '/api/local/sql', {
      sql,
      ...(params !== undefined ? { params } : {}),
      user,
    });
    return body;
  }

  run(sql: string, params?: SqlParams): Promise<QueryResult> {
    return this.call(sql, params, false);
  }

  runReadOnly(sql: string): Promise<QueryResult> {
    return this.call(sql, undefined, true);
  }

  private refuse(what: string): never {
    throw new VitrineError(
      'SERVER_OWNS_WORKSPACE',
      `${what} is not possible beside the running server (${this.server.url}), which owns the workspace; stop it, or use the command's hand-over (ingest, targets load, events send)`,
    );
  }

  exec(_sql: string): Promise<void> {
    return this.refuse('a statement that changes the database');
  }

  appendRows(
    _table: string,
    _columns: readonly string[],
    _rows: ReadonlyArray<ReadonlyArray<SqlParam>>,
  ): Promise<number> {
    return this.refuse('writing rows');
  }

  transaction<T>(_fn: () => Promise<T>): Promise<T> {
    return this.refuse('a write transaction');
  }

  async close(): Promise<void> {
    // Nothing is held: each statement is one request.
  }
}

/** The workspace as a reading command sees it while a server owns the database. */
export function remoteWorkspace(dir: string, server: LiveServerInfo): Workspace {
  const engine = new RemoteReadEngine(server);
  return {
    dir,
    config: readConfig(join(dir, CONFIG_FILE)),
    engine,
    close: () => engine.close(),
  };
}
