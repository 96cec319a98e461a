import type { EmbeddedEngine, QueryResult, SqlParam } from '../../backends/engine.js';
import type { Progress } from '../../util/progress.js';
import { ident } from '../sql-text.js';

/** What every step of one load shares: the engine inside the load's transaction, names, counters. */
export class RunState {
  private counter = 0;
  private seq = 0;
  readonly temps: string[] = [];
  /** Temporary table of the run's files: idx → path (records carry the index). */
  readonly filesTable: string;
  private fileCount = 0;
  private readonly fileIndex = new Map<string, number>();

  constructor(
    readonly engine: EmbeddedEngine,
    readonly runId: number,
    readonly source: string,
    readonly salt: string,
    readonly progress: Progress,
    /** The source's input holds personal data in clear: raw lines are not kept in quarantine. */
    readonly personalInput: boolean,
  ) {
    this.filesTable = this.tempName('files');
  }

  tempName(prefix: string): string {
    this.counter += 1;
    const name = `_vitrine_${prefix.replace(/[^a-z0-9_]/gi, '_')}_${this.runId}_${this.counter}`;
    this.temps.push(name);
    return name;
  }

  async init(): Promise<void> {
    await this.engine.exec(
      `CREATE TEMPORARY TABLE ${ident(this.filesTable)} (idx INTEGER, path VARCHAR)`,
    );
  }

  /** Registers a file path and returns its index (records refer to files by index). */
  async addFile(path: string): Promise<number> {
    const known = this.fileIndex.get(path);
    if (known !== undefined) return known;
    const idx = this.fileCount++;
    this.fileIndex.set(path, idx);
    await this.engine.appendRows(this.filesTable, ['idx', 'path'], [[idx, path]]);
    return idx;
  }

  /** Reserves `n` quarantine sequence numbers and returns the first minus one. */
  reserveSeq(n: number): number {
    const base = this.seq;
    this.seq += n;
    return base;
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult> {
    return this.engine.run(sql, params);
  }

  /** Rows changed by an INSERT, UPDATE or DELETE. */
  async change(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const res = await this.engine.run(sql, params);
    const first = res.rows[0];
    if (!first) return 0;
    return Number(Object.values(first)[0] ?? 0);
  }

  async count(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const res = await this.engine.run(sql, params);
    const first = res.rows[0];
    return first ? Number(Object.values(first)[0] ?? 0) : 0;
  }

  async dropTemps(): Promise<void> {
    for (const t of this.temps.reverse())
      await this.engine.exec(`DROP TABLE IF EXISTS ${ident(t)}`);
    this.temps.length = 0;
  }
}

/**
 * Runs a write with the engine free to insert rows in any order: a model table has no row order
 * (the candidate relation does — its positions give lines — and keeps it), and an unordered
 * insert is written in parallel.
 */
export async function unordered<T>(run: RunState, write: () => Promise<T>): Promise<T> {
  await run.engine.exec('SET preserve_insertion_order = false');
  let out: T;
  try {
    out = await write();
  } catch (e) {
    // A failed statement aborts the transaction, so the reset fails too: the write's own error
    // is the one to report (it was hidden behind "Current transaction is aborted").
    await run.engine.exec('SET preserve_insertion_order = true').catch(() => undefined);
    throw e;
  }
  await run.engine.exec('SET preserve_insertion_order = true');
  return out;
}
