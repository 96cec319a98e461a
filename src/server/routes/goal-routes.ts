import { objectivesProgress, readObjectives } from '../../goals/objectives.js';
import {
  checkTargets,
  readTargets,
  targetValueText,
  upsertTargets,
} from '../../goals/targets-query.js';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { targetsWriteSchema } from '../api-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { scopeText, targetWithin } from '../auth/scope-rules.js';
import { HttpError, jsonBody, parseBody } from '../http-errors.js';

/** Targets (read by all, written by admins) and objectives' progress. */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, dictionary, cache } = deps;

  app.get('/api/targets', async (c) => {
    const auth = c.get('auth');
    const kpi = c.req.query('kpi') ?? null;
    const targets = await workspace.read((engine) =>
      readTargets(engine, { kpi, scopes: auth.scopes }),
    );
    return c.json({ targets });
  });

  app.put('/api/targets', async (c) => {
    const auth = requireRole(c, 'admin');
    const body = parseBody(targetsWriteSchema, await jsonBody(c));
    c.set('detail', { targets: body.targets.length });
    for (const [i, t] of body.targets.entries()) {
      if (!dictionary.has(t.kpi_id))
        throw new HttpError(
          400,
          'BAD_REQUEST',
          `field targets.${i}.kpi_id: unknown KPI "${t.kpi_id}"`,
        );
      // A scoped admin sets the goals of its own segments only (docs/security.md).
      if (!targetWithin(t.segment_key, t.segment_value, auth.scopes)) {
        throw new HttpError(
          403,
          'SCOPE_EXCEEDED',
          `field targets.${i}: your token is limited to ${scopeText(auth.scopes)}; it writes only targets of those segments (segment_key and segment_value inside its scope)`,
        );
      }
    }
    const inputs = checkTargets(
      body.targets.map((t) => ({
        kpi_id: t.kpi_id,
        period_start: t.period_start,
        period_end: t.period_end,
        segment_key: t.segment_key ?? null,
        segment_value: t.segment_value ?? null,
        target_value: targetValueText(t.target_value),
      })),
      dictionary,
      (i) => `field targets.${i}`,
    );
    const res = await workspace.write((engine) => upsertTargets(engine, inputs));
    cache.clear();
    return c.json({ inserted: res.inserted, updated: res.updated });
  });

  app.get('/api/objectives', async (c) => {
    const auth = c.get('auth');
    const asOfText = c.req.query('as_of');
    const asOf = asOfText ? parseIsoDate(asOfText, 'query parameter as_of') : undefined;
    const objectives = readObjectives(workspace.dir);
    // Progress runs to the last local day with orders (the workspace's time zone), unless asked.
    const end = asOf ?? parseIsoDate((await deps.dataRange()).to ?? isoDate(0), 'data end');
    const res = await workspace.read((engine) =>
      objectivesProgress(deps.queryContext(auth.scopes, engine), objectives, end),
    );
    return c.json({ objectives: res });
  });
}
