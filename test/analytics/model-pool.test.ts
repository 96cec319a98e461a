/**
 * Models fitted off the request loop (src/analytics/model-worker-pool.ts): the worker's answer
 * equals the in-process one, a fit past the time limit or cancelled stops with a clear error and
 * leaves the pool usable, the caller's event loop keeps turning during a heavy fit, and a full
 * queue refuses. Runs on the Groceries file (9,835 baskets), no workspace needed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelInput } from '../../src/analytics/analytic-model.js';
import { parseParams, runModel } from '../../src/analytics/analytic-model.js';
import { MAX_ITEMSETS, MAX_RULES } from '../../src/analytics/basket/basket-model.js';
import { findModel } from '../../src/analytics/model-catalogue.js';
import { ModelPool } from '../../src/analytics/model-worker-pool.js';
import { isVitrineError } from '../../src/util/errors.js';
import { GROCERIES } from './datasets.js';

const basket = findModel('basket');
const fromFile =
  (path: string) =>
  <T>(use: (input: ModelInput) => Promise<T>): Promise<T> =>
    use({ kind: 'file', path });
// Within the schema's bounds but combinatorial on Groceries: every pair of items seen once is
// frequent, and up to 5 consequents per itemset.
const HEAVY = { minSupport: 0.0001, minConfidence: 0, maxLen: 10, maxRhs: 5 };
// A fit of a few milliseconds (a handful of frequent items).
const LIGHT = { minSupport: 0.2, minConfidence: 0.2 };

const pools: ModelPool[] = [];
const pool = (options: ConstructorParameters<typeof ModelPool>[0]) => {
  const p = new ModelPool(options);
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isVitrineError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected the run to fail');
}

describe('model worker pool', () => {
  it('fits in a worker thread exactly as in process (Groceries: 463 rules)', async () => {
    const params = { minSupport: 0.006, minConfidence: 0.25 };
    const inProcess = await runModel(basket.model, { kind: 'file', path: GROCERIES }, params);
    const inWorker = await pool({ workers: 1 }).run(basket, fromFile(GROCERIES), params);
    expect((inWorker.result.values as { rules: unknown[] }).rules).toHaveLength(463);
    expect(JSON.stringify(inWorker)).toBe(JSON.stringify(inProcess));
  });

  it('stops a fit past the time limit, names the limit, and the next run gets a fresh worker', async () => {
    const p = pool({ workers: 1, timeLimitMs: 2500 });
    await p.run(basket, fromFile(GROCERIES), LIGHT); // a started worker: the limit is the fit's
    const started = Date.now();
    const err = await failure(p.run(basket, fromFile(GROCERIES), HEAVY));
    const took = Date.now() - started;
    expect(err.code).toBe('MODEL_TIME_LIMIT');
    expect(err.message).toContain(
      'model basket: stopped while fitting, at the time limit of 2.5 s for a model run through the API',
    );
    // The same fit runs well over 10 s (CPU time) when nothing stops it.
    expect(took).toBeGreaterThanOrEqual(2400);
    expect(took).toBeLessThan(10_000);
    expect(p.load()).toEqual({ running: 0, queued: 0 });
    const ok = await p.run(basket, fromFile(GROCERIES), LIGHT);
    expect(ok.result.values).toHaveProperty('transactions', 9835);
  });

  it("keeps the caller's event loop turning while a heavy fit runs", async () => {
    const p = pool({ workers: 1, timeLimitMs: 3000 });
    let last = Date.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = Date.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 20);
    const run = failure(p.run(basket, fromFile(GROCERIES), HEAVY));
    // Sample only the fit: the file read is on this thread by design.
    await new Promise((r) => setTimeout(r, 800));
    worstGap = 0;
    last = Date.now();
    await run;
    clearInterval(tick);
    // In process the same fit blocks the loop for its whole length (seconds).
    expect(worstGap).toBeLessThan(500);
  });

  it('cancels a running fit when the caller aborts (the client went away)', async () => {
    const p = pool({ workers: 1, timeLimitMs: 60_000 });
    await p.run(basket, fromFile(GROCERIES), LIGHT);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 1000);
    const started = Date.now();
    const err = await failure(p.run(basket, fromFile(GROCERIES), HEAVY, { signal: ctl.signal }));
    expect(err.code).toBe('MODEL_CANCELLED');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(p.load().running).toBe(0);
  });

  it('refuses a run when every worker is busy and the queue is full', async () => {
    const p = pool({ workers: 1, queueLimit: 0, timeLimitMs: 2000 });
    const first = failure(p.run(basket, fromFile(GROCERIES), HEAVY));
    // Let the first reach its worker (its file read is synchronous, so one turn is enough).
    await new Promise((r) => setTimeout(r, 300));
    const second = await failure(p.run(basket, fromFile(GROCERIES), LIGHT));
    expect(second.code).toBe('MODEL_BUSY');
    expect((await first).code).toBe('MODEL_TIME_LIMIT');
  });
});

describe('basket bounds', () => {
  it('refuses the support that exhausted the server, naming the parameter and the bound', () => {
    const raw = { minSupport: 0.00001, minConfidence: 0, maxLen: 10, maxRhs: 5, top: 100000 };
    expect(() => parseParams(basket.model, raw, 'api')).toThrow(
      'model basket: params.minSupport (--min-support): must be at least 0.0001',
    );
    expect(() => parseParams(basket.model, { ...raw, minSupport: 0.01 }, 'api')).toThrow(
      'model basket: params.top (--top): must be at most 10000',
    );
    expect(() => parseParams(basket.model, { maxLen: 11 }, 'cli')).toThrow(
      'model basket: option --max-len: must be at most 10',
    );
    expect(() => parseParams(basket.model, { maxRhs: 6 }, 'api')).toThrow(
      'model basket: params.maxRhs (--max-rhs): must be at most 5',
    );
  });

  it('caps the work of the heaviest run the bounds allow and says so in the diagnostics', async () => {
    const res = await pool({ workers: 1, timeLimitMs: 280_000 }).run(
      basket,
      fromFile(GROCERIES),
      HEAVY,
    );
    const values = res.result.values as { rules: unknown[]; frequentItemsets: number };
    const codes = res.result.diagnostics.warnings.map((w) => w.code);
    expect(codes).toContain('TRUNCATED');
    expect(values.frequentItemsets).toBeLessThanOrEqual(MAX_ITEMSETS);
    // The rule cap is checked between itemsets: one itemset of 10 items adds at most 637 rules.
    expect(values.rules.length).toBeLessThanOrEqual(MAX_RULES + 637);
  }, 300_000);
});
