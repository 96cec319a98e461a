import { kpiDetail, kpiSummary, sourceMatrix } from '../../semantic/dictionary/kpi-report.js';
import { tableStats } from '../../workspace/table-stats.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { HttpError } from '../http-errors.js';
import { kpiForRole } from '../kpi-disclosure.js';
import { QueryCache } from '../query-cache.js';

/** The KPI dictionary and which sources feed it. */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, dictionary, cache } = deps;

  app.get('/api/kpis', (c) => {
    const role = c.get('auth').role;
    return c.json({ kpis: dictionary.list().map((e) => kpiForRole(kpiSummary(e), role)) });
  });

  app.get('/api/kpis/:id', (c) => {
    const id = c.req.param('id');
    if (!dictionary.has(id)) throw new HttpError(404, 'KPI_UNKNOWN', `unknown KPI "${id}"`);
    return c.json(kpiForRole(kpiDetail(dictionary, id), c.get('auth').role));
  });

  app.get('/api/sources', async (c) => {
    const counts = await cache.get(QueryCache.key('counts', {}, {}), () =>
      workspace.read(async (engine) =>
        (await tableStats(engine)).map((s) => [s.table, s.rows] as const),
      ),
    );
    return c.json(sourceMatrix(dictionary, new Map(counts)));
  });
}
