import { Hono } from 'hono';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { isVitrineError, oneLine } from '../util/errors.js';
import type { AppEnv, VitrineHono } from './app-deps.js';
import { createDeps } from './app-deps.js';
import { writeAudit } from './audit-log.js';
import { authenticate } from './auth/authenticate.js';
import type { TokenInfo } from './auth/token-store.js';
import { TokenVerifier } from './auth/token-store.js';
import { createCacheWarmUp } from './cache-warm-up.js';
import { HttpError, errorAnswer } from './http-errors.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestActivity } from './request-activity.js';
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
}

export interface VitrineApp {
  readonly app: VitrineHono;
  /** See CacheWarmUp.run (src/server/cache-warm-up.ts). */
  warmUp(onFirstBoard?: (queries: number) => void): Promise<number>;
  /** Ends the warm-up after the query it is running (the server is closing). */
  stopWarmUp(): void;
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
  const limiter = new RateLimiter(options.rateLimit ?? 600, 60_000);
  const warmUp = createCacheWarmUp(deps);
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

  app.use('*', async (_c, next) => {
    activity.begin();
    try {
      await next();
    } finally {
      activity.end();
    }
  });

  // Every API call is audited, answered or refused.
  app.use('/api/*', async (c, next) => {
    const start = Date.now();
    await next();
    const auth = c.get('auth') as TokenInfo | undefined;
    writeAudit(workspace.dir, {
      at: new Date(start).toISOString(),
      token: auth?.id ?? null,
      role: auth?.role ?? null,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - start,
      ...(c.get('detail') !== undefined ? { detail: c.get('detail') } : {}),
    });
  });

  healthRoutes.register(app, deps);
  app.use('/api/*', authenticate(verifier, limiter));
  eventsRoutes.register(app, deps);
  ingestRoutes.register(app, deps);
  sessionRoutes.register(app, deps);
  kpiRoutes.register(app, deps);
  queryRoutes.register(app, deps);
  modelRoutes.register(app, deps);
  goalRoutes.register(app, deps);
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

  return { app, warmUp: (cb) => warmUp.run(cb), stopWarmUp: () => warmUp.stop() };
}
