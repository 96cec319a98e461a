import { runModel } from '../../analytics/analytic-model.js';
import { modelRunSchema } from '../api-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole, requireUnscoped } from '../auth/auth-guards.js';
import { HttpError, jsonBody, parseBody } from '../http-errors.js';
import { API_MODELS } from '../model-registry.js';
import { dashboardView } from '../model-views.js';
import { QueryCache } from '../query-cache.js';

/** The analytics models (basket, RFM, CLV…) run on the workspace. */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, cache } = deps;

  app.get('/api/models', (c) => {
    requireRole(c, 'analyst');
    return c.json({
      models: API_MODELS.map((m) => ({ name: m.name, description: m.description, needs: m.needs })),
    });
  });

  app.post('/api/models/:name', async (c) => {
    requireRole(c, 'analyst');
    // Models read facts through their own SQL, which the scope filters do not reach yet.
    requireUnscoped(c, 'a model');
    const name = c.req.param('name');
    const model = API_MODELS.find((m) => m.name === name);
    if (!model)
      throw new HttpError(
        404,
        'MODEL_UNKNOWN',
        `unknown model "${name}"; models: ${API_MODELS.map((m) => m.name).join(', ')}`,
      );
    const { params, view } = parseBody(modelRunSchema, await jsonBody(c));
    c.set('detail', { model: name, params, view });
    // Keyed by model, params and scope: models are closed to scoped tokens today, and the key
    // keeps it safe the day they are not.
    const key = QueryCache.key('model', c.get('auth').scopes, { name, params });
    const cached = cache.has(key);
    const started = Date.now();
    const res = await cache.get(key, () =>
      workspace.read((engine) =>
        runModel(
          model,
          { kind: 'workspace', source: { engine, config: workspace.config, dir: workspace.dir } },
          params,
        ),
      ),
    );
    const meta = { cached, ms: Date.now() - started };
    if (view === 'full') return c.json({ ...res, meta });
    return c.json({
      params: res.params,
      result: {
        values: dashboardView(name, res.result.values),
        diagnostics: res.result.diagnostics,
      },
      meta,
    });
  });
}
