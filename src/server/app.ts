import { Hono } from 'hono';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { isVitrineError, oneLine } from '../util/errors.js';
import type { AppEnv, VitrineHono } from './app-deps.js';
import { createDeps } from './app-deps.js';
import type { AuditLimits } from './audit-log.js';
import { AuditLog, DEFAULT_AUDIT_LIMITS } from './audit-log.js';
import { authenticate } from './auth/authenticate.js';
import { TokenVerifier } from './auth/token-store.js';
import { createCacheWarmUp } from './cache-warm-up.js';
import { HttpError, errorAnswer } from './http-errors.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestActivity } from './request-activity.js';
import type { RequestLimits } from './request-limits.js';
import {
  DEFAULT_BODY_BYTES,
  DEFAULT_UNAUTHENTICATED_PER_MINUTE,
  auditRequests,
  identify,
  limitBody,
  limitByAddress,
  rejectMalformedPath,
} from './request-limits.js';
import { AlertService } from '../goals/alerts/alert-service.js';
import { BOARDS } from './dashboard-boards.js';
import * as alertRoutes from './routes/alert-routes.js';
import * as reportRoutes from './routes/report-routes.js';
import { ReportService } from '../goals/reports/report-service.js';
import { renderBoardPdf } from '../goals/reports/report-pdf.js';
import { newLocalToken } from '../live/live-lock.js';
import { allowLocalToken } from './auth/token-store.js';
import * as dashboardRoutes from './routes/dashboard-routes.js';
import * as eventsRoutes from './routes/events-routes.js';
import * as ingestRoutes from './routes/ingest-routes.js';
import * as goalRoutes from './routes/goal-routes.js';
import * as healthRoutes from './routes/health-routes.js';
import * as kpiRoutes from './routes/kpi-routes.js';
import * as modelRoutes from './routes/model-routes.js';
import * as qualityRoutes from './routes/quality-routes.js';
import * as queryRoutes from './routes/query-routes.js';
import * as sessionRoutes from './routes/session-routes.js';
import * as tokenRoutes from './routes/token-routes.js';
import type { WorkspaceHandle } from './workspace-handle.js';

export { HttpError } from './http-errors.js';

export interface AppOptions {
  readonly workspace: WorkspaceHandle;
  readonly dictionary: KpiDictionary;
  readonly secret: string;
  /** Requests per token per minute. */
  readonly rateLimit?: number;
  /** The built dashboard (web/dist); absent: the API alone. */
  readonly staticDir?: string | null;
  readonly version: string;
  /** Body size and per-address limits (defaults in src/server/request-limits.ts). */
  readonly limits?: Partial<RequestLimits>;
  /** Audit log rotation (default: 64 MiB, 5 files kept). */
  readonly audit?: AuditLimits;
}

export interface VitrineApp {
  readonly app: VitrineHono;
  /** See CacheWarmUp.run (src/server/cache-warm-up.ts). */
  warmUp(onFirstBoard?: (queries: number) => void): Promise<number>;
  /** Ends the warm-up after the query it is running (the server is closing). */
  stopWarmUp(): void;
  /** The workspace's alerts (src/goals/alerts); the server schedules and closes them. */
  readonly alerts: AlertService | null;
  /** Scheduled reports (src/goals/reports); the server runs them when due. */
  readonly reports: ReportService | null;
  /**
   * The server's own address, once it listens: reports print its dashboard, and messages link
   * to it unless vitrine.yaml names the address recipients reach (notifications.dashboard_url).
   */
  setDashboardUrl(url: string): void;
}

/** The HTTP app: middleware in order (errors, activity, audit, authentication), then routes. */
export function createApp(options: AppOptions): VitrineApp {
  const { workspace } = options;
  const activity = new RequestActivity();
  const deps = createDeps({
    workspace,
    dictionary: options.dictionary,
    activity,
    version: options.version,
    staticDir: options.staticDir ?? null,
  });
  const verifier = new TokenVerifier(workspace.dir, options.secret);
  const rateLimit = options.rateLimit ?? 600;
  const limiter = new RateLimiter(rateLimit, 60_000);
  // A browser opening a board sends a handful of requests: per address, room for several
  // people behind one router, each at their token's limit.
  const addressLimiter = new RateLimiter(options.limits?.addressPerMinute ?? 4 * rateLimit, 60_000);
  const failureLimiter = new RateLimiter(
    options.limits?.unauthenticatedPerMinute ?? DEFAULT_UNAUTHENTICATED_PER_MINUTE,
    60_000,
  );
  const audit = new AuditLog(workspace.dir, options.audit ?? DEFAULT_AUDIT_LIMITS);
  const warmUp = createCacheWarmUp(deps);
  let dashboardUrl: string | null = workspace.config.notifications?.dashboard_url ?? null;
  let selfUrl: string | null = null;
  const boardOf = (kpi: string) =>
    BOARDS.find((b) => b.tiles.includes(kpi))?.id ??
    BOARDS.find((b) => JSON.stringify(b.charts).includes(`"${kpi}"`))?.id ??
    'direction';
  // Alerts and reports keep journals with one writer: the server that writes the workspace. A
  // second, read-only server on the same workspace leaves them to it.
  const writes = workspace.live !== null;
  const alerts = !writes
    ? null
    : new AlertService({
        dir: workspace.dir,
        config: workspace.config,
        dictionary: options.dictionary,
        read: (fn) => workspace.read((engine) => fn(deps.queryContext({}, engine))),
        message: () => ({ dashboardUrl, boardOf }),
      });
  const reports = !writes
    ? null
    : new ReportService({
        dir: workspace.dir,
        config: workspace.config,
        dictionary: options.dictionary,
        read: (scope, fn) => workspace.read((engine) => fn(deps.queryContext(scope, engine))),
        boardKpis: (board) => BOARDS.find((b) => b.id === board)?.tiles ?? null,
        // The page signs in with a token of its own, as a viewer under the report's scope, valid
        // while it prints.
        render: async (scope, request) => {
          if (!selfUrl || !options.staticDir) {
            throw new HttpError(
              503,
              'NO_DASHBOARD',
              'PDF reports print the dashboard: this server does not serve it (build it with npm run build)',
            );
          }
          const token = newLocalToken();
          const revoke = allowLocalToken(workspace.dir, token, {
            role: 'viewer',
            scopes: scope,
            label: 'report printer',
          });
          try {
            return await renderBoardPdf({ ...request, dashboardUrl: selfUrl, token });
          } finally {
            revoke();
          }
        },
      });
  const app: VitrineHono = new Hono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof HttpError || isVitrineError(err)) {
      const { status, body } = errorAnswer(err);
      return c.json(body, status as 400);
    }
    console.error(
      `vitrine serve: ${c.req.method} ${c.req.path}: ${(err as Error).stack ?? oneLine(err)}`,
    );
    return c.json(
      { error: { code: 'INTERNAL', message: 'internal error (see the server log)' } },
      500,
    );
  });

  app.use('*', rejectMalformedPath());

  app.use('*', async (_c, next) => {
    activity.begin();
    try {
      await next();
    } finally {
      activity.end();
    }
  });

  // Every API call is limited per client address, identified, audited (start and end, bounded
  // lines), held to the body limit, then refused without a live token.
  app.use('/api/*', limitByAddress(addressLimiter, audit));
  app.use(
    '/api/*',
    identify((t) => verifier.verify(t), failureLimiter, audit),
  );
  app.use('/api/*', auditRequests(audit));
  app.use('/api/*', limitBody(options.limits?.bodyBytes ?? DEFAULT_BODY_BYTES));

  healthRoutes.register(app, deps);
  app.use('/api/*', authenticate(limiter));
  eventsRoutes.register(app, deps);
  ingestRoutes.register(app, deps);
  sessionRoutes.register(app, deps);
  kpiRoutes.register(app, deps);
  queryRoutes.register(app, deps);
  modelRoutes.register(app, deps);
  goalRoutes.register(app, deps);
  alertRoutes.register(app, { ...deps, alerts });
  reportRoutes.register(app, { ...deps, reports });
  qualityRoutes.register(app, deps);
  tokenRoutes.register(app, deps);

  app.all('/api/*', (c) => {
    throw new HttpError(
      404,
      'NOT_FOUND',
      `no endpoint ${c.req.method} ${c.req.path} (see /api/openapi.json)`,
    );
  });

  dashboardRoutes.register(app, deps);

  return {
    app,
    warmUp: (cb) => warmUp.run(cb),
    stopWarmUp: () => warmUp.stop(),
    alerts,
    reports,
    setDashboardUrl: (url) => {
      selfUrl = url;
      dashboardUrl = workspace.config.notifications?.dashboard_url ?? url;
    },
  };
}
