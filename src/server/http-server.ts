import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { VitrineError } from '../util/errors.js';
import { findLiveServer, newLocalToken, removeLiveFile, writeLiveFile } from '../live/live-lock.js';
import { allowLocalToken, readSecret } from './auth/token-store.js';
import type { AppOptions } from './app.js';
import { createApp } from './app.js';
import { startGoalScheduler } from './goal-scheduler.js';
import { WorkspaceHandle } from './workspace-handle.js';

export interface ServeOptions {
  readonly workspaceDir: string;
  readonly port: number;
  readonly host: string;
  readonly rateLimit?: number;
  readonly staticDir?: string | null;
  readonly version: string;
  /** Replay the audit log's frequent queries into the cache at start (default true). */
  readonly warmUp?: boolean;
  /** Body size and per-address limits (src/server/request-limits.ts). */
  readonly limits?: AppOptions['limits'];
  /** Audit log rotation. */
  readonly audit?: AppOptions['audit'];
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Resolves with the number of queries computed into the cache after start. */
  readonly warmedUp: Promise<number>;
  /** Resolves once the direction board of every token scope is in the cache (part of warmedUp). */
  readonly firstBoardWarmed: Promise<number>;
  close(): Promise<void>;
}

/** web/dist next to the package (dist/server/ and src/server/ are both two levels down). */
export function defaultStaticDir(): string | null {
  const dir = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(dir) ? dir : null;
}

/**
 * Leaves the mark CLI write commands look for (DIR/server/live.json: loopback URL, pid, a local
 * credential); returns what takes it back at a clean exit.
 */
function announce(dir: string, host: string, port: number, version: string): () => void {
  const token = newLocalToken();
  const revoke = allowLocalToken(dir, token);
  const loopback =
    host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::'
        ? '::1'
        : host === 'localhost'
          ? '127.0.0.1'
          : host;
  writeLiveFile(dir, {
    url: `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`,
    pid: process.pid,
    token,
    started_at: new Date().toISOString(),
    version,
  });
  return () => {
    removeLiveFile(dir, token);
    revoke();
  };
}

/** Starts the API and dashboard; refuses to start without a strong secret. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const secret = readSecret(options.workspaceDir);
  // The first server on a workspace is its writer; a second one (same machine) only reads.
  const writer = findLiveServer(options.workspaceDir) === null;
  const workspace = writer
    ? await WorkspaceHandle.openWriter(options.workspaceDir)
    : await WorkspaceHandle.open(options.workspaceDir);
  const { app, warmUp, stopWarmUp, alerts, reports, setDashboardUrl } = createApp({
    workspace,
    dictionary: loadDictionary({ workspaceDir: workspace.dir }),
    secret,
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
    ...(options.audit !== undefined ? { audit: options.audit } : {}),
    staticDir: options.staticDir === undefined ? defaultStaticDir() : options.staticDir,
    version: options.version,
  });
  const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new VitrineError(
          'SERVER_LISTEN',
          e.code === 'EADDRINUSE'
            ? `port ${options.port} on ${options.host} is in use; choose another with --port`
            : `cannot listen on ${options.host}:${options.port}: ${e.message}`,
        ),
      ),
    );
  }).catch(async (e: unknown) => {
    await workspace.close();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  setDashboardUrl(url);
  // Alerts and scheduled reports run in the workspace's writer only: one process records them.
  const goals =
    alerts && reports ? startGoalScheduler(alerts, reports, () => workspace.dataVersion) : null;
  const unannounce = writer ? announce(workspace.dir, options.host, port, options.version) : null;
  // In the background: the server answers at once, and the boards asked before are ready soon.
  let firstBoard!: (n: number) => void;
  const firstBoardWarmed = new Promise<number>((r) => (firstBoard = r));
  const warmedUp =
    options.warmUp === false ? Promise.resolve(0) : warmUp((n) => firstBoard(n)).catch(() => 0);
  if (options.warmUp === false) firstBoard(0);
  return {
    warmedUp,
    firstBoardWarmed,
    url,
    port,
    close: async () => {
      stopWarmUp();
      await goals?.stop();
      alerts?.close();
      reports?.close();
      await warmedUp.catch(() => 0);
      await new Promise<void>((r) => server.close(() => r()));
      unannounce?.();
      await workspace.close();
    },
  };
}
