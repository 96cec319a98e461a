import type { Engine } from '../backends/engine.js';
import type { Workspace } from '../workspace/workspace.js';
import { openWorkspace } from '../workspace/workspace.js';

/**
 * The server's hold on a workspace. Queries share one read-only DuckDB instance, so that the
 * CLI can read the same file beside a running server (DuckDB allows many read-only processes
 * but one writer); an admin write waits for running reads, swaps to read-write for its own
 * duration and back, while new reads wait.
 */
export class WorkspaceHandle {
  private ws: Workspace | null = null;
  private readers = 0;
  private writing: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<WorkspaceHandle> {
    const h = new WorkspaceHandle(dir);
    h.ws = await openWorkspace(dir, { readOnly: true });
    return h;
  }

  get config(): Workspace['config'] {
    if (!this.ws) throw new Error('workspace closed');
    return this.ws.config;
  }

  async read<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
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
        return await fn(rw.engine);
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
    while (this.writing) await this.writing;
    await this.ws?.close();
    this.ws = null;
  }
}
