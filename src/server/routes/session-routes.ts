import { DIMENSIONS } from '../../semantic/facts/fact-catalogue.js';
import { kpiSummary } from '../../semantic/dictionary/kpi-report.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import type { TokenInfo } from '../auth/token-store.js';
import { kpiForRole } from '../kpi-disclosure.js';
import { openApiDocument } from '../openapi-document.js';

/** Who the caller is and what the workspace is: what the dashboard asks before any board. */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, dictionary } = deps;

  const me = (auth: TokenInfo) => ({
    id: auth.id,
    role: auth.role,
    scopes: auth.scopes,
    label: auth.label,
  });

  const workspaceInfo = async (auth: TokenInfo) => {
    const cfg = workspace.config;
    const [range, labels] = await Promise.all([deps.dataRange(), deps.labelsFor(auth.scopes)]);
    return {
      name: cfg.name,
      reporting_currency: cfg.reporting_currency,
      locale: cfg.locale,
      timezone: cfg.timezone,
      week_start: cfg.week_start,
      calendar: cfg.fiscal_calendar.kind,
      data_from: range.from,
      data_to: range.to,
      dimensions: DIMENSIONS.map((d) => ({ id: d.id, label: d.label })),
      // Names of the members whose values are ids (channel, location, product…), for display.
      labels,
    };
  };

  app.get('/api/openapi.json', (c) => c.json(openApiDocument(deps.version)));

  app.get('/api/me', (c) => c.json(me(c.get('auth'))));

  app.get('/api/workspace', async (c) => c.json(await workspaceInfo(c.get('auth'))));

  // What the dashboard needs before its first board, in one round trip.
  app.get('/api/session', async (c) => {
    const auth = c.get('auth');
    return c.json({
      me: me(auth),
      workspace: await workspaceInfo(auth),
      kpis: dictionary.list().map((e) => kpiForRole(kpiSummary(e), auth.role)),
    });
  });
}
