import { qualityReport } from '../../ingest/quality/data-quality.js';
import { parseIsoDate } from '../../time/civil-date.js';
import { dataQualityQuerySchema } from '../api-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole, requireUnscoped } from '../auth/auth-guards.js';
import { parseBody } from '../http-errors.js';
import { QueryCache } from '../query-cache.js';

/**
 * The report of `vitrine check` (src/ingest/quality): freshness, completeness, duplicates,
 * orphan references, quarantine, catalogue errors and the KPIs whose inputs are stale.
 */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, dictionary, cache } = deps;

  app.get('/api/data-quality', async (c) => {
    requireRole(c, 'analyst');
    requireUnscoped(c, 'the data-quality summary');
    const query = parseBody(dataQualityQuerySchema, c.req.query());
    if (query.today) parseIsoDate(query.today, 'query parameter today');
    const options = {
      ...(query.today ? { today: query.today } : {}),
      staleDays: query.stale_days === undefined ? 2 : Number(query.stale_days),
      timeZone: workspace.config.timezone,
    };
    const res = await cache.get(QueryCache.key('dq', {}, options), () =>
      workspace.read(async (engine) => {
        const report = await qualityReport(engine, dictionary, options);
        const empty = report.tables.filter((t) => t.rows === 0).map((t) => t.table);
        return { ...report, empty_tables: empty };
      }),
    );
    return c.json(res);
  });
}
