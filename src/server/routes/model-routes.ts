import type { ModelInput } from '../../analytics/analytic-model.js';
import {
  MODEL_CATALOGUE,
  dashboardValues,
  modelListing,
  modelNames,
} from '../../analytics/model-catalogue.js';
import { ModelPool } from '../../analytics/model-worker-pool.js';
import { isVitrineError } from '../../util/errors.js';
import { modelRunSchema } from '../api-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole, requireUnscoped } from '../auth/auth-guards.js';
import { HttpError, jsonBody, parseBody } from '../http-errors.js';
import { QueryCache } from '../query-cache.js';

/** The analytics models (basket, RFM, CLV…) run on the workspace. */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, cache } = deps;
  // Fits run in worker threads, a few at a time, within a time limit; the request loop only
  // reads (src/analytics/model-worker-pool.ts). Idle workers do not hold the process open.
  const pool = new ModelPool();
  const withWorkspace = <T>(use: (input: ModelInput) => Promise<T>): Promise<T> =>
    workspace.read((engine) =>
      use({ kind: 'workspace', source: { engine, config: workspace.config, dir: workspace.dir } }),
    );

  app.get('/api/models', (c) => {
    requireRole(c, 'analyst');
    return c.json({ models: modelListing() });
  });

  app.post('/api/models/:name', async (c) => {
    requireRole(c, 'analyst');
    // Models read facts through their own SQL, which the scope filters do not reach yet.
    requireUnscoped(c, 'a model');
    const name = c.req.param('name');
    const entry = MODEL_CATALOGUE.find((e) => e.model.name === name);
    if (!entry)
      throw new HttpError(
        404,
        'MODEL_UNKNOWN',
        `unknown model "${name}"; models: ${modelNames().join(', ')}`,
      );
    const { params, view } = parseBody(modelRunSchema, await jsonBody(c));
    c.set('detail', { model: name, params, view });
    // Keyed by model, params and scope: models are closed to scoped tokens today, and the key
    // keeps it safe the day they are not.
    const key = QueryCache.key('model', c.get('auth').scopes, { name, params });
    const cached = cache.has(key);
    const started = Date.now();
    const res = await cache
      .get(key, () => pool.run(entry, withWorkspace, params, { signal: c.req.raw.signal }))
      .catch((e: unknown) => {
        if (isVitrineError(e) && e.code === 'MODEL_BUSY')
          throw new HttpError(429, e.code, e.message);
        throw e;
      });
    const meta = { cached, ms: Date.now() - started };
    if (view === 'full') return c.json({ ...res, meta });
    return c.json({
      params: res.params,
      result: {
        values: dashboardValues(entry, res.result.values),
        diagnostics: res.result.diagnostics,
      },
      meta,
    });
  });
}
