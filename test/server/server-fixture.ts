import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken, parseScopes } from '../../src/server/auth/token-store.js';
import type { Role } from '../../src/server/auth/roles.js';
import type { RunningServer, ServeOptions } from '../../src/server/http-server.js';
import { startServer } from '../../src/server/http-server.js';

/** A copy of the small demo with tokens, served on 127.0.0.1 on a free port. */
export interface ServedDemo {
  readonly dir: string;
  readonly server: RunningServer;
  readonly tokens: Record<string, string>;
  call(
    path: string,
    init?: { token?: string | null; method?: string; body?: unknown },
  ): Promise<Response>;
  close(): Promise<void>;
}

export const TOKEN_SPECS: Record<string, { role: Role; scopes?: string[] }> = {
  admin: { role: 'admin' },
  analyst: { role: 'analyst' },
  viewer: { role: 'viewer' },
  // A regional manager (one store in the small demo: ST05) and a store manager.
  regionViewer: { role: 'viewer', scopes: ['region=Pays de la Loire'] },
  storeAnalyst: { role: 'analyst', scopes: ['location=ST05'] },
  limited: { role: 'viewer' },
};

export async function serveDemo(
  smallDemoDir: string,
  options: {
    rateLimit?: number;
    staticDir?: string | null;
    limits?: ServeOptions['limits'];
    audit?: ServeOptions['audit'];
  } = {},
): Promise<ServedDemo> {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-server-'));
  const dir = join(root, 'ws');
  // The shared demo is read-only for every test; tokens and the audit log are written here.
  cpSync(smallDemoDir, dir, { recursive: true });
  rmSync(join(dir, 'server'), { recursive: true, force: true });
  const tokens: Record<string, string> = {};
  for (const [name, spec] of Object.entries(TOKEN_SPECS)) {
    tokens[name] = createToken(dir, spec.role, parseScopes(spec.scopes ?? []), name).token;
  }
  const server = await startServer({
    workspaceDir: dir,
    port: 0,
    host: '127.0.0.1',
    rateLimit: options.rateLimit ?? 100_000,
    staticDir: options.staticDir ?? null,
    version: 'test',
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
  });
  return {
    dir,
    server,
    tokens,
    call: (path, init = {}) =>
      fetch(`${server.url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.token === null
            ? {}
            : { authorization: `Bearer ${init.token ?? tokens['admin']}` }),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined
          ? {}
          : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      }),
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
