import type { Engine } from '../backends/engine.js';
import { LiveDatabase } from '../live/live-database.js';
import { LiveWriter } from '../live/live-writer.js';
import type { Workspace } from '../workspace/workspace.js';
import { openWorkspace } from '../workspace/workspace.js';

/**
 * The server's hold on a workspace, in one of two modes:
 * - the writer (`openWriter`, what `vitrine serve` uses): the database open read-write for the
 *   server's life (src/live/live-database.ts); reads run on snapshots of their own beside loads
 *   and event batches, and CLI write commands hand their work to the server;
 * - shared (`open`): one read-only DuckDB instance, so that another process may hold the file;
 *   an admin write waits for running reads, swaps to read-write for its own duration and back,
 *   while new reads wait.
 */
export class WorkspaceHandle {
  private ws: Workspace | null = null;
  private readers = 0;
  private writing: Promise<void> | null = null;
  private drained: (() => void) | null = null;
  private liveDb: LiveDatabase | null = null;
  private writer: LiveWriter | null = null;
  private sharedVersion = 0;

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<WorkspaceHandle> {
    const h = new WorkspaceHandle(dir);
    h.ws = await openWorkspace(dir, { readOnly: true });
    return h;
  }

  /** The workspace's one writer: loads and live events (the journal replayed first). */
  static async openWriter(dir: string): Promise<WorkspaceHandle> {
    const h = new WorkspaceHandle(dir);
    h.liveDb = await LiveDatabase.open(dir);
    try {
      h.writer = await LiveWriter.start(h.liveDb);
    } catch (e) {
      await h.liveDb.close();
      throw e;
    }
    return h;
  }

  get config(): Workspace['config'] {
    if (this.liveDb) return this.liveDb.config;
    if (!this.ws) throw new Error('workspace closed');
    return this.ws.config;
  }

  /** Live events (null in shared mode: another process is the writer). */
  get live(): LiveWriter | null {
    return this.writer;
  }

  /** Moves with every committed write; caches are keyed on it. */
  get dataVersion(): number {
    return this.liveDb ? this.liveDb.dataVersion : this.sharedVersion;
  }

  async read<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    if (this.liveDb) return this.liveDb.read(fn);
    while (this.writing) await this.writing;
    const ws = this.ws;
    if (!ws) throw new Error('workspace closed');
    this.readers++;
    try {
      return await fn(ws.engine);
    } finally {
      this.readers--;
      if (this.readers === 0) this.drained?.();
    }
  }

  async write<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    if (this.liveDb) return this.liveDb.write(fn);
    while (this.writing) await this.writing;
    let done!: () => void;
    this.writing = new Promise<void>((r) => (done = r));
    try {
      if (this.readers > 0) await new Promise<void>((r) => (this.drained = r));
      this.drained = null;
      await this.ws?.close();
      this.ws = null;
      const rw = await openWorkspace(this.dir);
      try {
        const out = await fn(rw.engine);
        this.sharedVersion += 1;
        return out;
      } finally {
        await rw.close();
        this.ws = await openWorkspace(this.dir, { readOnly: true });
      }
    } finally {
      this.writing = null;
      done();
    }
  }

  async close(): Promise<void> {
    if (this.liveDb) {
      await this.writer?.close();
      this.writer = null;
      await this.liveDb.close();
      this.liveDb = null;
      return;
    }
    while (this.writing) await this.writing;
    await this.ws?.close();
    this.ws = null;
  }
}
