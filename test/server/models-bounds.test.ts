/**
 * Issue 15.2: one analyst request must not take the server down. The request that grew the heap
 * to 4.8 GB is refused with the parameter and its bound named, models fit off the request loop
 * (`/api/health` answers while one runs), and a run past the time limit stops with a clear error.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

let demo: ServedDemo;
type Answer = { error?: { code: string; message: string }; result?: { values: unknown } };

const runModel = (name: string, params: Record<string, unknown>) =>
  demo.call(`/api/models/${name}`, { token: demo.tokens['analyst'] ?? null, body: { params } });

/** `/api/health` round trips, each timed, until `until` settles. */
async function healthWhile(until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const t = performance.now();
    const res = await demo.call('/api/health', { token: null });
    expect(res.status).toBe(200);
    await res.json();
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  return times;
}

beforeAll(async () => {
  demo = await serveDemo(inject('smallDemoDir'));
});
afterAll(async () => {
  delete process.env['VITRINE_MODEL_TIME_LIMIT'];
  delete process.env['VITRINE_MODEL_MAX_ROWS'];
  await demo?.close();
});

describe('model runs through the API are bounded', () => {
  it('refuses the basket request that exhausted the heap, naming the parameter and the bound', async () => {
    const res = await runModel('basket', {
      minSupport: 0.00001,
      minConfidence: 0,
      maxLen: 10,
      maxRhs: 5,
      top: 100000,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Answer;
    expect(body.error).toEqual({
      code: 'MODEL_PARAMS',
      message: 'model basket: params.minSupport (--min-support): must be at least 0.0001',
    });
    const top = (await (
      await runModel('basket', { minSupport: 0.01, top: 100000 })
    ).json()) as Answer;
    expect(top.error?.message).toBe('model basket: params.top (--top): must be at most 10000');
    const health = await demo.call('/api/health', { token: null });
    expect(health.status).toBe(200);
  });

  it('answers /api/health in under a second while models run', async () => {
    // A started worker first: starting one (and loading the models into it) is a one-off cost.
    expect((await runModel('basket', { minSupport: 0.2 })).status).toBe(200);
    // The heaviest basket the bounds allow, and a CLV fit (an optimisation per run).
    const heavy = Promise.all([
      runModel('basket', { minSupport: 0.0001, minConfidence: 0, maxLen: 10, maxRhs: 5 }),
      runModel('clv', {}),
    ]);
    const times = await healthWhile(heavy);
    const [basket, clv] = await heavy;
    expect(basket.status).toBe(200);
    expect(clv.status).toBe(200);
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...times)).toBeLessThan(1000);
  });

  it('stops a run at the time limit with a clear error, and the next run succeeds', async () => {
    process.env['VITRINE_MODEL_TIME_LIMIT'] = '0.001';
    const res = await runModel('cohorts', { maxMonths: 6 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Answer;
    expect(body.error?.code).toBe('MODEL_TIME_LIMIT');
    expect(body.error?.message).toMatch(
      /^model cohorts: stopped while (reading|fitting), at the time limit of 0\.001 s for a model run through the API/,
    );
    delete process.env['VITRINE_MODEL_TIME_LIMIT'];
    // A failed run is not cached: the same request runs again.
    const again = await runModel('cohorts', { maxMonths: 6 });
    expect(again.status).toBe(200);
  });

  it('stops a read past the row limit before it fills the server heap', async () => {
    // The small demo has thousands of valid orders of known customers; 1,000 is too few.
    process.env['VITRINE_MODEL_MAX_ROWS'] = '1000';
    const res = await runModel('cohorts', { maxMonths: 3 });
    delete process.env['VITRINE_MODEL_MAX_ROWS'];
    expect(res.status).toBe(400);
    expect(((await res.json()) as Answer).error).toEqual({
      code: 'MODEL_TOO_MANY_ROWS',
      message:
        'fact orders: more than 1,000 rows to read, the row limit of a model run through the API (VITRINE_MODEL_MAX_ROWS); narrow the dates (from, to) or read a coarser level',
    });
    expect((await runModel('cohorts', { maxMonths: 3 })).status).toBe(200);
  });

  it('lists each model with its params as JSON Schema, bounds included', async () => {
    const res = await demo.call('/api/models', { token: demo.tokens['analyst'] ?? null });
    const { models } = (await res.json()) as {
      models: { name: string; params: { properties: Record<string, Record<string, unknown>> } }[];
    };
    expect(models.map((m) => m.name)).toEqual([
      'basket',
      'clv',
      'attribution',
      'abtest',
      'promo',
      'lost-sales',
      'shrinkage',
      'cohorts',
      'anomalies',
      'budget',
      'paths',
    ]);
    const support = models[0]?.params.properties['minSupport'];
    expect(support).toMatchObject({
      type: 'number',
      minimum: 0.0001,
      maximum: 1,
      description: 'minimum share of baskets containing an itemset',
    });
  });
});
