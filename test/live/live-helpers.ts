import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLiveServer } from '../../src/live/live-lock.js';
import { createToken, parseScopes } from '../../src/server/auth/token-store.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const BIN = fileURLToPath(new URL('../../bin/vitrine.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A private copy of the small demo with an admin, an ingest and a store-scoped ingest token. */
export interface LiveWorkspace {
  readonly root: string;
  readonly dir: string;
  readonly tokens: { admin: string; ingest: string; storeIngest: string };
  /** Reference members of the demo the hand-made events use. */
  readonly ref: {
    web: string;
    store: string;
    storeChannel: string;
    otherStore: string;
    skus: string[];
  };
  cleanup(): void;
}

export async function liveWorkspace(smallDemoDir: string): Promise<LiveWorkspace> {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-live-'));
  const dir = join(root, 'ws');
  cpSync(smallDemoDir, dir, { recursive: true });
  rmSync(join(dir, 'server'), { recursive: true, force: true });
  rmSync(join(dir, 'live'), { recursive: true, force: true });
  const ws = await openWorkspace(dir, { readOnly: true });
  let ref: LiveWorkspace['ref'];
  try {
    const one = async (sql: string) => {
      const v = (await ws.engine.run(sql)).rows[0]?.['v'];
      if (typeof v !== 'string') throw new Error(`the demo has no answer to ${sql}`);
      return v;
    };
    const store = await one(`SELECT min(location_id) AS v FROM locations WHERE kind = 'store'`);
    const otherStore = await one(
      `SELECT max(location_id) AS v FROM locations WHERE kind = 'store'`,
    );
    ref = {
      web: await one(`SELECT min(channel_id) AS v FROM channels WHERE kind = 'web'`),
      storeChannel: await one(
        `SELECT min(o.channel_id) AS v FROM orders o WHERE o.location_id = '${store}' AND o.channel_id IN (SELECT channel_id FROM channels WHERE kind = 'store')`,
      ),
      store,
      otherStore,
      skus: (await ws.engine.run(`SELECT sku FROM products ORDER BY sku LIMIT 5`)).rows.map((r) =>
        String(r['sku']),
      ),
    };
  } finally {
    await ws.close();
  }
  const tokens = {
    admin: createToken(dir, 'admin').token,
    ingest: createToken(dir, 'ingest').token,
    storeIngest: createToken(dir, 'ingest', parseScopes([`location=${ref.store}`])).token,
  };
  return { root, dir, tokens, ref, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** `vitrine serve` as a real process on a free port. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything the server wrote on stderr so far. */
  stderr(): string;
}

export async function startServerProcess(dir: string): Promise<ServerProcess> {
  if (!existsSync(DIST)) throw new Error('dist/ is missing: run `npm run build` first');
  const child = spawn(process.execPath, [BIN, 'serve', '--workspace', dir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  // The mark is written right after listening; the CLI hands over only once it is there.
  for (let i = 0; i < 100 && !findLiveServer(dir); i++) await new Promise((r) => setTimeout(r, 50));
  return { url, child, exited, stderr: () => err };
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  server.child.kill(signal);
  return server.exited;
}

export async function postEvents(
  url: string,
  token: string,
  body: unknown,
  options: { ndjson?: boolean; wait?: boolean } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = options.ndjson
    ? `${(body as unknown[]).map((e) => JSON.stringify(e)).join('\n')}\n`
    : JSON.stringify(body);
  const res = await fetch(`${url}/api/events${options.wait ? '?wait=1' : ''}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': options.ndjson ? 'application/x-ndjson' : 'application/json',
    },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Reads the workspace directly (no server may run on it). */
export async function readWorkspace<T>(dir: string, sql: string): Promise<T[]> {
  const ws = await openWorkspace(dir, { readOnly: true });
  try {
    return (await ws.engine.run(sql)).rows as T[];
  } finally {
    await ws.close();
  }
}
