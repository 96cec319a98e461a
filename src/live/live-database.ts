import type { Engine } from '../backends/engine.js';
import { ensureInternalTables } from '../ingest/internal-tables.js';
import type { Workspace } from '../workspace/workspace.js';
import { openWorkspace } from '../workspace/workspace.js';
import { STATE_KEYS, ensureLiveTables, readState, writeState } from './live-tables.js';

/** How many queries run side by side, each on its own connection and snapshot. */
const READ_CONNECTIONS = 4;

interface Connectable extends Engine {
  connect(): Promise<Engine>;
}

function connectable(e: Engine): e is Connectable {
  return typeof (e as Partial<Connectable>).connect === 'function';
}

/**
 * The workspace as its one writer holds it while serving: the database open read-write for the
 * whole life of the server. Writes (loads, event batches, targets) take turns on one connection;
 * each read runs in a transaction on a connection of its own, so a query running during a load
 * sees the state before it or after it, never a mix, and never waits for it. Every committed
 * write moves the data version, which keys the server's caches.
 */
export class LiveDatabase {
  private readonly idle: Engine[] = [];
  private made = 0;
  private waiters: ((e: Engine) => void)[] = [];
  private writes: Promise<unknown> = Promise.resolve();
  private version = 0;
  private versionListeners: ((v: number) => void)[] = [];

  private constructor(
    readonly workspace: Workspace,
    /** True when reads get connections of their own (DuckDB); false: one shared engine. */
    private readonly pooled: boolean,
  ) {}

  static async open(dir: string): Promise<LiveDatabase> {
    const ws = await openWorkspace(dir);
    try {
      const db = new LiveDatabase(ws, connectable(ws.engine));
      await ws.engine.transaction(async () => {
        await ensureInternalTables(ws.engine);
        await ensureLiveTables(ws.engine);
      });
      db.version = (await readState(ws.engine)).dataVersion;
      return db;
    } catch (e) {
      await ws.close();
      throw e;
    }
  }

  get dir(): string {
    return this.workspace.dir;
  }

  get config(): Workspace['config'] {
    return this.workspace.config;
  }

  /** The number of committed writes so far (kept across restarts). */
  get dataVersion(): number {
    return this.version;
  }

  onVersion(fn: (v: number) => void): void {
    this.versionListeners.push(fn);
  }

  /** A connection of its own (temporary tables, a transaction apart from the readers'). */
  async connection(): Promise<Engine> {
    const e = this.workspace.engine;
    return connectable(e) ? e.connect() : e;
  }

  private async acquire(): Promise<Engine> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.made < READ_CONNECTIONS) {
      this.made++;
      try {
        return await this.connection();
      } catch (e) {
        this.made--;
        throw e;
      }
    }
    return new Promise<Engine>((r) => this.waiters.push(r));
  }

  private releaseConn(e: Engine): void {
    const next = this.waiters.shift();
    if (next) next(e);
    else this.idle.push(e);
  }

  async read<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    if (!this.pooled) return fn(this.workspace.engine);
    const engine = await this.acquire();
    try {
      await engine.exec('BEGIN TRANSACTION');
      try {
        return await fn(engine);
      } finally {
        // A read changes nothing; ROLLBACK also ends a transaction a failed statement aborted.
        await engine.exec('ROLLBACK').catch(() => undefined);
      }
    } finally {
      this.releaseConn(engine);
    }
  }

  /**
   * Runs a write after the ones before it, on the writer connection; the caller's function owns
   * its transaction (a load is one). The data version moves once it is committed.
   */
  async write<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    const run = this.writes.then(async () => {
      const out = await fn(this.workspace.engine);
      this.version += 1;
      await writeState(this.workspace.engine, { [STATE_KEYS.dataVersion]: this.version }).catch(
        () => undefined,
      );
      for (const l of this.versionListeners) l(this.version);
      return out;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.writes;
    for (const e of this.idle) await e.close();
    this.idle.length = 0;
    await this.workspace.close();
  }
}
