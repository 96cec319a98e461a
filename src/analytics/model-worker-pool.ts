/**
 * Fits models off the request loop. A model run through the API reads its data on the calling
 * thread (the engine works in its own threads) and fits in one of a few worker threads, each
 * with its own heap limit; a run waits in a bounded queue when all are busy, is stopped when it
 * passes the time limit, and is cancelled when its caller gives up (the client went away): the
 * worker is terminated, which is the only way to stop a synchronous fit, and a fresh one takes
 * its place on the next run. `/api/health` keeps answering while a fit runs.
 *
 * Settings (environment, read when a pool is created): VITRINE_MODEL_WORKERS (default 1 on two
 * cores, else 2), VITRINE_MODEL_TIME_LIMIT (seconds, default 300), VITRINE_MODEL_HEAP_MB (each
 * worker's heap, default 2048), VITRINE_MODEL_QUEUE (runs waiting, default 16),
 * VITRINE_MODEL_MAX_ROWS (rows one fact read of a workspace may return, default 5,000,000: the
 * read is on the server's heap). The time limit and the row limit are read at each run.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { VitrineError } from '../util/errors.js';
import type { ModelEntry, ModelInput, ModelResult, ParamsSurface } from './analytic-model.js';
import { parseParams, readModelData } from './analytic-model.js';
import type { FitAnswer, FitJob } from './model-worker.js';

export interface ModelPoolOptions {
  /** Fits running at once. */
  readonly workers?: number;
  /** Longest a run may take, reading and fitting, in milliseconds. */
  readonly timeLimitMs?: number;
  /** Heap of each worker (old generation), in MB: a fit beyond it fails alone. */
  readonly heapMb?: number;
  /** Runs that may wait for a worker; one more is refused (MODEL_BUSY). */
  readonly queueLimit?: number;
  /** Most rows one fact read of a workspace run may return (it runs on the caller's heap). */
  readonly maxRows?: number;
}

interface Job {
  readonly job: FitJob;
  /** Called when a worker takes the job: the fit's share of the time limit starts. */
  readonly start: () => void;
  readonly resolve: (result: unknown) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  worker: Worker | null;
  /** The worker has loaded the models (its first message). */
  ready: boolean;
  current: Job | null;
}

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new VitrineError('BAD_SETTING', `${name}=${raw}: expected a positive number`);
  }
  return n;
};

/**
 * The worker's entry: the compiled file beside this one, or, when running from the TypeScript
 * sources (tests), the .ts file through a loader that strips the types.
 */
function workerSource(): { url: URL; execArgv: string[] } | { code: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) {
    return { url: new URL('./model-worker.js', import.meta.url), execArgv: [] };
  }
  const entry = new URL('./model-worker.ts', import.meta.url).href;
  const loader = new URL('../../scripts/source-worker-loader.mjs', import.meta.url).href;
  return {
    code: `require('node:module').register(${JSON.stringify(loader)}); import(${JSON.stringify(entry)});`,
    execArgv: [],
  };
}

export class ModelPool {
  private readonly fixedTimeLimitMs: number | undefined;
  private readonly fixedMaxRows: number | undefined;
  private readonly heapMb: number;
  private readonly queueLimit: number;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: ModelPoolOptions = {}) {
    const cores = availableParallelism();
    this.fixedTimeLimitMs = options.timeLimitMs;
    this.fixedMaxRows = options.maxRows;
    this.heapMb = options.heapMb ?? envNumber('VITRINE_MODEL_HEAP_MB', 2048);
    this.queueLimit = options.queueLimit ?? envNumber('VITRINE_MODEL_QUEUE', 16);
    const workers = options.workers ?? envNumber('VITRINE_MODEL_WORKERS', cores <= 2 ? 1 : 2);
    this.slots = Array.from({ length: Math.max(1, Math.floor(workers)) }, () => ({
      worker: null,
      ready: false,
      current: null,
    }));
  }

  /** Runs and waiting runs, for the server's status. */
  load(): { running: number; queued: number } {
    return {
      running: this.slots.filter((s) => s.current !== null).length,
      queued: this.queue.length,
    };
  }

  /**
   * Validates params (errors name `params.<key>` and the bound), reads the data on this thread
   * through `withInput` (which holds the workspace only for the read), fits in a worker. The
   * time limit covers the read and the fit, not the wait for a free worker; `signal` cancels
   * (a read under way finishes, unused).
   */
  async run<V>(
    entry: ModelEntry,
    withInput: <T>(use: (input: ModelInput) => Promise<T>) => Promise<T>,
    rawParams: unknown,
    options: { signal?: AbortSignal; surface?: ParamsSurface } = {},
  ): Promise<{ params: unknown; result: ModelResult<V> }> {
    const { model } = entry;
    const params: unknown = parseParams(model, rawParams, options.surface ?? 'api');
    const started = Date.now();
    // Read at each run: an operator can change the limit without a restart.
    const limitMs = this.fixedTimeLimitMs ?? envNumber('VITRINE_MODEL_TIME_LIMIT', 300) * 1000;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), limitMs);
    let data: unknown;
    try {
      const maxRows = this.fixedMaxRows ?? envNumber('VITRINE_MODEL_MAX_ROWS', 5_000_000);
      const read = withInput((input) =>
        readModelData(
          model,
          input.kind === 'workspace' ? { ...input, source: { ...input.source, maxRows } } : input,
          params,
        ),
      );
      data = await abortable(read, anySignal([deadline.signal, options.signal]), () =>
        deadline.signal.aborted
          ? timeLimitError(model.name, 'reading', limitMs)
          : cancelled(model.name),
      );
    } finally {
      clearTimeout(timer);
    }
    const budget = Math.max(0, limitMs - (Date.now() - started));
    const result = await this.fit(model.name, data, params, budget, limitMs, options.signal);
    return { params, result: result as ModelResult<V> };
  }

  private fit(
    model: string,
    data: unknown,
    params: unknown,
    budgetMs: number,
    limitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(closing());
    if (signal?.aborted) return Promise.reject(cancelled(model));
    const running = this.slots.filter((s) => s.current).length;
    if (this.queue.length + running >= this.slots.length + this.queueLimit) {
      return Promise.reject(
        new VitrineError(
          'MODEL_BUSY',
          `model ${model}: ${this.queue.length} model runs are already waiting; try again when they are done`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = (e: VitrineError) => {
        const waiting = this.queue.indexOf(job);
        if (waiting >= 0) this.queue.splice(waiting, 1);
        const slot = this.slots.find((s) => s.current === job);
        if (slot) this.recycle(slot);
        job.reject(e);
      };
      const onAbort = () => stop(cancelled(model));
      const job: Job = {
        job: { id: this.nextId++, model, data, params },
        start: () => {
          timer = setTimeout(() => stop(timeLimitError(model, 'fitting', limitMs)), budgetMs);
        },
        resolve: (r) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Gives waiting jobs to idle, started workers; starts the workers that are missing. */
  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.current || this.queue.length === 0) continue;
      if (!slot.worker) {
        slot.worker = this.spawn(slot);
        continue;
      }
      if (!slot.ready) continue;
      const job = this.queue.shift() as Job;
      slot.current = job;
      slot.worker.ref();
      job.start();
      slot.worker.postMessage(job.job);
    }
  }

  private spawn(slot: Slot): Worker {
    const src = workerSource();
    const options = {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
      execArgv: src.execArgv,
    };
    const worker =
      'url' in src
        ? new Worker(src.url, options)
        : new Worker(src.code, { ...options, eval: true });
    worker.on('message', (answer: FitAnswer | { ready: true }) => {
      if (slot.worker !== worker) return;
      if ('ready' in answer) {
        slot.ready = true;
        if (!slot.current && this.queue.length === 0) worker.unref();
        this.dispatch();
        return;
      }
      const job = slot.current;
      if (!job || job.job.id !== answer.id) return;
      this.finish(slot, job, answer);
    });
    const fail = (e: Error) => {
      if (slot.worker !== worker) return;
      const job = slot.current;
      const started = slot.ready;
      slot.worker = null;
      slot.ready = false;
      if (!started) {
        // A worker that cannot load the models would fail again: refuse the waiting runs.
        for (const waiting of this.queue.splice(0)) {
          waiting.reject(
            new VitrineError('MODEL_FAILED', `the model worker could not start: ${e.message}`),
          );
        }
        return;
      }
      if (job) {
        slot.current = null;
        job.reject(
          new VitrineError(
            'MODEL_FAILED',
            /ERR_WORKER_OUT_OF_MEMORY|heap/i.test(
              `${(e as { code?: string }).code ?? ''} ${e.message}`,
            )
              ? `model ${job.job.model}: the fit ran out of memory (${this.heapMb} MB); narrow the dates or raise the thresholds`
              : `model ${job.job.model}: the fit failed: ${e.message}`,
          ),
        );
      }
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (slot.worker === worker) fail(new Error(`worker exited with code ${code}`));
    });
    return worker;
  }

  private finish(slot: Slot, job: Job, answer: FitAnswer): void {
    slot.current = null;
    // An idle worker must not keep the process alive.
    slot.worker?.unref();
    if (answer.ok) job.resolve(answer.result);
    else job.reject(new VitrineError(answer.code, answer.message));
    this.dispatch();
  }

  /** Stops the slot's worker (a fit cannot be interrupted otherwise); the next run spawns one. */
  private recycle(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = null;
    slot.ready = false;
    slot.current = null;
    void worker?.terminate();
    this.dispatch();
  }

  /** Terminates the workers; waiting and running fits are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.reject(closing());
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        const job = slot.current;
        slot.worker = null;
        slot.current = null;
        if (job) job.reject(closing());
        await worker?.terminate();
      }),
    );
  }
}

const timeLimitError = (model: string, phase: 'reading' | 'fitting', limitMs: number) =>
  new VitrineError(
    'MODEL_TIME_LIMIT',
    `model ${model}: stopped while ${phase}, at the time limit of ${limitMs / 1000} s for a model run through the API (VITRINE_MODEL_TIME_LIMIT); narrow the dates or raise the thresholds, or run it with \`vitrine model ${model}\``,
  );
const closing = () => new VitrineError('MODEL_CLOSED', 'the server is closing');
const cancelled = (model: string) =>
  new VitrineError('MODEL_CANCELLED', `model ${model}: cancelled (the client went away)`);

/** Aborts when any of the signals does. */
function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const ctl = new AbortController();
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) ctl.abort();
    else s.addEventListener('abort', () => ctl.abort(), { once: true });
  }
  return ctl.signal;
}

/** Rejects with `reason()` as soon as `signal` aborts, whatever `p` does later. */
function abortable<T>(p: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
