import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL database for a test file: a fresh `vitrine_test_<random>` database on
 * the server at 127.0.0.1:5432 when one answers, otherwise a whole throwaway cluster made with
 * Debian's initdb/pg_ctl in a temp dir on a free port. `skip` says why neither worked.
 */
export interface PostgresDatabase {
  /** postgres://… of the fresh database. */
  readonly url: string;
  /** Where it runs, for the test log. */
  readonly where: string;
  close(): Promise<void>;
}

export type PostgresHarness =
  | { readonly ok: true; readonly db: PostgresDatabase }
  | { readonly ok: false; readonly skip: string };

const LOCAL_USERS = ['postgres', 'root'];

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function createDatabase(adminUrl: string, base: string): Promise<PostgresDatabase> {
  const name = `vitrine_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${name}`,
    where: `${base}/${name}`,
    async close() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

async function throwawayCluster(): Promise<PostgresHarness> {
  const bin = pgBinDir();
  if (!bin)
    return { ok: false, skip: 'no server on 127.0.0.1:5432 and no initdb in /usr/lib/postgresql' };
  const root = process.getuid?.() === 0;
  // initdb refuses to run as root: the cluster belongs to the postgres OS user then.
  const asUser = (cmd: string, args: string[]) =>
    root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (root && spawnSync('id', ['postgres']).status !== 0) {
    return { ok: false, skip: 'running as root and there is no postgres OS user for initdb' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asUser(cmd, args) as [string, string[]];
    execFileSync(c, a, { stdio: 'pipe', timeout: 120_000 });
  };
  try {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-w',
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { ok: false, skip: `could not start a throwaway cluster: ${(e as Error).message}` };
  }
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const db = await createDatabase(`${base}/postgres`, base);
  return {
    ok: true,
    db: {
      url: db.url,
      where: `throwaway cluster ${dir} on port ${port}`,
      async close() {
        await db.close().catch(() => undefined);
        try {
          run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  };
}

export async function startPostgres(): Promise<PostgresHarness> {
  if (process.env['VITRINE_PG_THROWAWAY'] !== '1') {
    for (const user of LOCAL_USERS) {
      const base = `postgres://${user}@127.0.0.1:5432`;
      if (await answers(`${base}/postgres`)) {
        return { ok: true, db: await createDatabase(`${base}/postgres`, base) };
      }
    }
  }
  return throwawayCluster();
}
