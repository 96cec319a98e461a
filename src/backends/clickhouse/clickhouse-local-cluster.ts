import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway sharded ClickHouse cluster of Debian's clickhouse-server (18.16) on loopback
 * ports, for the tests (test/engines/) and the engines benchmark: never used by Vitrine itself.
 * Each shard has its own data dir and config, and a `remote_servers` section naming all
 * shards as cluster `vitrine`. The server runs as root without complaint when given its own
 * config file (no `--` overrides needed), and in the foreground, so the harness owns its pid.
 */

export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';
export const CLUSTER_NAME = 'vitrine';

/** Why the cluster cannot run here, or null when it can. */
export function clickhouseServerMissing(): string | null {
  return existsSync(CLICKHOUSE_SERVER)
    ? null
    : `${CLICKHOUSE_SERVER} is not installed (apt-get install clickhouse-server)`;
}

export interface ClickHouseShard {
  readonly httpUrl: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dir: string;
}

export interface ClickHouseCluster {
  readonly cluster: string;
  readonly shards: readonly ClickHouseShard[];
  /** The URL queries go through (shard 1, which also holds data). */
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function configXml(
  dir: string,
  ports: { http: number; tcp: number; inter: number },
  remote: string,
): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.inter}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers><${CLUSTER_NAME}>${remote}</${CLUSTER_NAME}></remote_servers>
</yandex>
`;
}

/** Per-query memory cap of a test cluster: small, so that a query plan that explodes fails. */
const TEST_MAX_MEMORY_BYTES = 2_000_000_000;

const usersXml = (maxMemoryBytes: number) => `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>${Math.floor(maxMemoryBytes)}</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function ping(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/ping`);
    return r.ok && (await r.text()).startsWith('Ok');
  } catch {
    return false;
  }
}

export interface ClusterOptions {
  /**
   * Each server's per-query memory cap (max_memory_usage); 2 GB by default, as for tests. The
   * large demo's sales pack needs more (it stopped asking for 2.26 GiB on the shard that
   * merges), as a real cluster has.
   */
  readonly maxMemoryBytes?: number;
}

/** Starts `shards` servers (2 by default) and waits until each answers. */
export async function startClickHouseCluster(
  shards = 2,
  options: ClusterOptions = {},
): Promise<ClickHouseCluster> {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-ch-'));
  const ports: { http: number; tcp: number; inter: number }[] = [];
  const used = new Set<number>();
  const next = async () => {
    for (;;) {
      const p = await freePort();
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  for (let i = 0; i < shards; i++)
    ports.push({ http: await next(), tcp: await next(), inter: await next() });
  const remote = ports
    .map((p) => `<shard><replica><host>127.0.0.1</host><port>${p.tcp}</port></replica></shard>`)
    .join('');
  const procs: ChildProcess[] = [];
  const out: ClickHouseShard[] = [];
  // A test runner that ends without calling stop() (a timed-out hook) must not leave servers.
  const killAll = () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
            p.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            p.kill('SIGTERM');
          }),
      ),
    );
    process.removeListener('exit', killAll);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    ports.forEach((p, i) => {
      const dir = join(root, `shard-${i + 1}`);
      for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) {
        mkdirSync(join(dir, sub), { recursive: true });
      }
      writeFileSync(join(dir, 'config.xml'), configXml(dir, p, remote));
      writeFileSync(
        join(dir, 'users.xml'),
        usersXml(options.maxMemoryBytes ?? TEST_MAX_MEMORY_BYTES),
      );
      const log = openSync(join(dir, 'log', 'stdout.log'), 'a');
      const proc = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(dir, 'config.xml')}`], {
        stdio: ['ignore', log, log],
      });
      procs.push(proc);
      out.push({ httpUrl: `http://127.0.0.1:${p.http}`, httpPort: p.http, tcpPort: p.tcp, dir });
    });
    const deadline = Date.now() + 60_000;
    for (const [i, shard] of out.entries()) {
      while (!(await ping(shard.httpUrl))) {
        const proc = procs[i];
        if (proc && proc.exitCode !== null) {
          const err = join(shard.dir, 'log', 'error.log');
          throw new Error(
            `clickhouse-server shard ${i + 1} exited (${proc.exitCode}): ${existsSync(err) ? readFileSync(err, 'utf8').slice(-2000) : 'no log'}`,
          );
        }
        if (Date.now() > deadline)
          throw new Error(`clickhouse-server shard ${i + 1} did not answer on ${shard.httpUrl}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { cluster: CLUSTER_NAME, shards: out, url: out[0]?.httpUrl ?? '', stop };
}
