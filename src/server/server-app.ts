import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { z } from 'zod';
import { runModel } from '../analytics/analytic-model.js';
import { renderCsv } from '../cli/output.js';
import { objectivesProgress, readObjectives } from '../goals/objectives.js';
import { loadTargetsFile } from '../goals/targets-loader.js';
import { explainKpi } from '../semantic/explain/explain.js';
import type { ExplainRequest } from '../semantic/explain/explain.js';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { kpiDetail, kpiSummary, sourceMatrix } from '../semantic/dictionary/kpi-report.js';
import { DIMENSIONS } from '../semantic/model/facts.js';
import type { QueryContext } from '../semantic/query/query-runner.js';
import { runQuery } from '../semantic/query/query-runner.js';
import { flattenResponse } from '../semantic/query/query-table.js';
import type { QueryRequest, QueryResponse } from '../semantic/query/query-types.js';
import { parseIsoDate, isoDate } from '../time/civil-date.js';
import { isVitrineError, oneLine } from '../util/errors.js';
import { tableStats } from '../workspace/table-stats.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { qualityReport } from '../ingest/quality/data-quality.js';
import {
  dataQualityQuerySchema,
  explainRequestSchema,
  issueText,
  modelRunSchema,
  queryBatchSchema,
  queryRequestSchema,
  targetsWriteSchema,
  tokenCreateSchema,
} from './api-schemas.js';
import type { BoardQuery } from './dashboard-boards.js';
import {
  BOARDS,
  DEFAULT_COMPARE,
  DEFAULT_PRESET,
  boardQueries,
  filterOptionQueries,
  presetRange,
} from './dashboard-boards.js';
import { dimensionLabels } from './dimension-labels.js';
import { dashboardView } from './model-views.js';
import { frequentQueries, writeAudit } from './audit-log.js';
import type { Role } from './auth/roles.js';
import { VIEWER_DIMENSIONS, roleAtLeast } from './auth/roles.js';
import type { TokenInfo } from './auth/token-store.js';
import {
  TokenVerifier,
  createToken,
  listTokens,
  parseScopes,
  revokeToken,
} from './auth/token-store.js';
import { API_MODELS } from './model-registry.js';
import { openApiDocument } from './openapi-document.js';
import { QueryCache } from './query-cache.js';
import { RateLimiter } from './rate-limiter.js';
import type { WorkspaceHandle } from './workspace-handle.js';

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

/** Queries replayed at start: enough for every board's first screen. */
const WARM_UP_QUERIES = 60;
/** Distinct token scopes whose direction board is computed at start (beyond the unscoped one). */
const WARM_UP_SCOPES = 20;
/** The background warm-up waits for this long without any request before each query. */
const QUIET_MS = 1500;

type Env = { Variables: { auth: TokenInfo; detail: unknown } };

/** An answer with an HTTP status; thrown inside handlers, rendered by the error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429 | 500,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes of semantic-layer errors that are the caller's mistake (bad KPI, dimension, date…). */
const FORBIDDEN_CODES = new Set(['SCOPE_NOT_APPLICABLE']);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const res = schema.safeParse(body);
  if (!res.success) throw new HttpError(400, 'BAD_REQUEST', issueText(res.error));
  return res.data;
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new HttpError(
      400,
      'BAD_JSON',
      'body: expected a JSON object (Content-Type: application/json)',
    );
  }
}

function requireRole(c: Context<Env>, needed: Role): TokenInfo {
  const auth = c.get('auth');
  if (!roleAtLeast(auth.role, needed)) {
    throw new HttpError(
      403,
      'FORBIDDEN',
      `this needs the ${needed} role; your token is ${auth.role}`,
    );
  }
  return auth;
}

/** Paths that read data outside the semantic layer's scope filters are closed to scoped tokens. */
function requireUnscoped(c: Context<Env>, what: string): void {
  if (Object.keys(c.get('auth').scopes).length > 0) {
    throw new HttpError(
      403,
      'SCOPED_TOKEN',
      `${what} reads the whole business; a scoped token cannot use it`,
    );
  }
}

export interface VitrineApp {
  readonly app: Hono<Env>;
  /**
   * Fills the cache in the background: the direction board's first screen (default period and
   * comparison, no filter) for the whole business and for each scope of a live token, then the
   * other boards, then the most asked queries of the audit log (see frequentQueries).
   * `onFirstBoard` is called once every scope's direction board is in the cache.
   */
  warmUp(onFirstBoard?: (queries: number) => void): Promise<number>;
  /** Ends the warm-up after the query it is running (the server is closing). */
  stopWarmUp(): void;
}

/** An error as the API renders it, for a handler's answer or one item of a batch. */
function errorAnswer(err: unknown): {
  status: number;
  body: { error: { code: string; message: string } };
} {
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  }
  if (isVitrineError(err)) {
    return {
      status: FORBIDDEN_CODES.has(err.code) ? 403 : 400,
      body: { error: { code: err.code, message: oneLine(err) } },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error (see the server log)' } },
  };
}

export function createApp(options: AppOptions): VitrineApp {
  const { workspace, dictionary } = options;
  const verifier = new TokenVerifier(workspace.dir, options.secret);
  const limiter = new RateLimiter(options.rateLimit ?? 600, 60_000);
  const cache = new QueryCache();
  const app = new Hono<Env>();

  const ctxFor =
    (auth: TokenInfo) =>
    (engine: QueryContext['engine']): QueryContext => ({
      engine,
      dictionary,
      config: workspace.config,
      scopes: auth.scopes,
    });

  /** First and last local day with orders (not scoped: dates are not rows of anyone's store). */
  const dataRange = () =>
    cache.get(QueryCache.key('range', {}, {}), () =>
      workspace.read(async (engine) => {
        const r = await engine.run(
          `SELECT CAST(min(CAST(ordered_at AT TIME ZONE $1 AS DATE)) AS VARCHAR) AS lo, CAST(max(CAST(ordered_at AT TIME ZONE $1 AS DATE)) AS VARCHAR) AS hi FROM orders`,
          [workspace.config.timezone],
        );
        return {
          from: (r.rows[0]?.['lo'] as string | null) ?? null,
          to: (r.rows[0]?.['hi'] as string | null) ?? null,
        };
      }),
    );

  const labelsFor = (scopes: TokenInfo['scopes']) =>
    cache.get(QueryCache.key('labels', scopes, {}), () =>
      workspace.read((engine) => dimensionLabels(engine, scopes)),
    );

  /**
   * A query as a token asks it: validated, role-checked, answered from the scope-keyed cache;
   * `hit` tells whether the cache held it (X-Vitrine-Cache), e.g. computed at start.
   */
  const answerQuery = async (
    auth: TokenInfo,
    raw: unknown,
  ): Promise<{ res: QueryResponse; hit: boolean }> => {
    const request = parseBody(queryRequestSchema, raw) as QueryRequest;
    if (!roleAtLeast(auth.role, 'analyst')) {
      const adHoc = (request.by ?? []).find((d) => !VIEWER_DIMENSIONS.includes(d));
      if (adHoc) {
        throw new HttpError(
          403,
          'FORBIDDEN',
          `splitting by ${adHoc} is an ad-hoc analysis and needs the analyst role; viewers split by ${VIEWER_DIMENSIONS.join(', ')}`,
        );
      }
    }
    const key = QueryCache.key('query', auth.scopes, request);
    const hit = cache.has(key);
    const res = await cache.get(key, () =>
      workspace.read((engine) => runQuery(ctxFor(auth)(engine), request)),
    );
    // Only analysts see the compiled SQL: it names tables and filters a viewer does not need.
    return { res: roleAtLeast(auth.role, 'analyst') ? res : { ...res, sql: [] }, hit };
  };

  // Requests being answered (pages, files and API calls): the background warm-up starts each of
  // its queries only when none is, and none was for a moment (a page asks for its script, then
  // for its data: a gap that is not idleness), so that a person opening a board never queues
  // behind the boards nobody opened yet.
  let inFlight = 0;
  let lastActivity = 0;
  /** Set when the server closes: the warm-up ends after the query it is running. */
  let stopped = false;
  let idle: (() => void)[] = [];
  const whenIdle = async (): Promise<void> => {
    for (;;) {
      if (inFlight > 0) await new Promise<void>((r) => idle.push(r));
      const quiet = lastActivity + QUIET_MS - Date.now();
      if (inFlight === 0 && quiet <= 0) return;
      if (quiet > 0) await new Promise((r) => setTimeout(r, quiet));
    }
  };
  const release = () => {
    inFlight--;
    lastActivity = Date.now();
    if (inFlight === 0) {
      const waiting = idle;
      idle = [];
      for (const r of waiting) r();
    }
  };

  /** Computes a board query for a scope ahead of any request, under the key a request will use. */
  const warmQuery = async (scopes: TokenInfo['scopes'], query: BoardQuery): Promise<number> => {
    const parsed = queryRequestSchema.safeParse(query);
    if (!parsed.success) return 0;
    const request = parsed.data as QueryRequest;
    const key = QueryCache.key('query', scopes, request);
    if (cache.has(key) || stopped) return 0;
    await whenIdle();
    if (cache.has(key) || stopped) return 0;
    try {
      await cache.get(key, () =>
        workspace.read((engine) =>
          runQuery({ engine, dictionary, config: workspace.config, scopes }, request),
        ),
      );
      return 1;
    } catch {
      // A KPI a scope cannot take (a service KPI for a store scope) fails the tiles' shared
      // query; the board then asks each tile alone (web/src/views/board-view.ts): warm those.
      if (query.kpis.length < 2) return 0;
      let n = 0;
      for (const kpi of query.kpis) n += await warmQuery(scopes, { ...query, kpis: [kpi] });
      return n;
    }
  };

  const warmUp = async (onFirstBoard?: (queries: number) => void): Promise<number> => {
    let n = 0;
    const live = listTokens(workspace.dir).filter((t) => !t.revoked_at);
    const scopeList: TokenInfo['scopes'][] = [{}];
    const seen = new Set([QueryCache.key('scope', {}, {})]);
    for (const t of live) {
      const k = QueryCache.key('scope', t.scopes, {});
      if (!seen.has(k) && scopeList.length <= WARM_UP_SCOPES) {
        seen.add(k);
        scopeList.push(t.scopes);
      }
    }
    try {
      const range = await dataRange();
      if (range.to) {
        const ctx = {
          range: presetRange(DEFAULT_PRESET, range.to),
          compare: DEFAULT_COMPARE,
          filters: {},
        };
        const [direction, ...others] = BOARDS;
        // The first board of every scope first (labels with it: the board shows names), the
        // other boards of the whole business after.
        for (const scopes of scopeList) {
          await labelsFor(scopes).catch(() => undefined);
          for (const q of direction ? boardQueries(direction, ctx) : []) {
            n += await warmQuery(scopes, q);
          }
        }
        onFirstBoard?.(n);
        // The filter bar's choices, asked right after the first board's tiles.
        for (const scopes of scopeList) {
          for (const { query } of filterOptionQueries({
            from: range.from ?? range.to,
            to: range.to,
          })) {
            n += await warmQuery(scopes, query);
          }
        }
        for (const board of others) {
          for (const q of boardQueries(board, ctx)) n += await warmQuery({}, q);
        }
      }
    } catch {
      // An empty workspace has nothing to warm.
    }
    onFirstBoard?.(n);
    const tokens = new Map(live.map((t) => [t.id, t]));
    for (const { tokenId, request } of frequentQueries(workspace.dir, WARM_UP_QUERIES)) {
      const auth = tokens.get(tokenId);
      if (!auth || auth.revoked_at) continue;
      // Keyed by the scopes of the token that asked, as its own requests will be.
      const key = QueryCache.key('query', auth.scopes, request);
      if (cache.has(key)) continue;
      await whenIdle();
      if (stopped) break;
      try {
        await cache.get(key, () =>
          workspace.read((engine) => runQuery(ctxFor(auth)(engine), request)),
        );
        n++;
      } catch {
        // A query that fails today (a KPI since removed) is simply not warmed.
      }
    }
    return n;
  };

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
    inFlight++;
    lastActivity = Date.now();
    try {
      await next();
    } finally {
      release();
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

  app.get('/api/health', (c) => c.json({ status: 'ok', version: options.version }));

  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) {
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        'missing token: send "Authorization: Bearer <token>" (vitrine token create)',
      );
    }
    const auth = verifier.verify(m[1]);
    if (!auth) throw new HttpError(401, 'UNAUTHENTICATED', 'unknown or revoked token');
    c.set('auth', auth);
    const rate = limiter.hit(auth.id);
    c.header('RateLimit-Limit', String(limiter.limit));
    c.header('RateLimit-Remaining', String(rate.remaining));
    if (!rate.allowed) {
      c.header('Retry-After', String(rate.retryAfterSeconds));
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `rate limit of ${limiter.limit} requests per minute reached; retry in ${rate.retryAfterSeconds} s`,
      );
    }
    await next();
  });

  app.get('/api/openapi.json', (c) => c.json(openApiDocument(options.version)));

  app.get('/api/me', (c) => c.json(me(c.get('auth'))));

  const workspaceInfo = async (auth: TokenInfo) => {
    const cfg = workspace.config;
    const [range, labels] = await Promise.all([dataRange(), labelsFor(auth.scopes)]);
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
  const me = (auth: TokenInfo) => ({
    id: auth.id,
    role: auth.role,
    scopes: auth.scopes,
    label: auth.label,
  });

  app.get('/api/workspace', async (c) => c.json(await workspaceInfo(c.get('auth'))));

  // What the dashboard needs before its first board, in one round trip.
  app.get('/api/session', async (c) => {
    const auth = c.get('auth');
    return c.json({
      me: me(auth),
      workspace: await workspaceInfo(auth),
      kpis: dictionary.list().map(kpiSummary),
    });
  });

  app.get('/api/kpis', (c) => c.json({ kpis: dictionary.list().map(kpiSummary) }));

  app.get('/api/kpis/:id', (c) => {
    const id = c.req.param('id');
    if (!dictionary.has(id)) throw new HttpError(404, 'KPI_UNKNOWN', `unknown KPI "${id}"`);
    return c.json(kpiDetail(dictionary, id));
  });

  const queryFor = async (c: Context<Env>): Promise<QueryResponse> => {
    const raw = await jsonBody(c);
    c.set('detail', { request: raw });
    const { res, hit } = await answerQuery(c.get('auth'), raw);
    c.header('X-Vitrine-Cache', hit ? 'hit' : 'miss');
    return res;
  };

  app.post('/api/query', async (c) => c.json(await queryFor(c)));

  // One round trip for a board: each answer is a line of NDJSON, written as soon as it is
  // computed (in completion order, with the index of its query), so that the tiles paint before
  // the slowest chart is done. Each query is checked and scoped as if sent alone.
  app.post('/api/query/batch', async (c) => {
    const auth = c.get('auth');
    const { queries } = parseBody(queryBatchSchema, await jsonBody(c));
    c.set('detail', { batch: queries.length, requests: queries });
    const encoder = new TextEncoder();
    // The answers are computed after the handler returns: they count as a request in flight.
    inFlight++;
    const stream = new ReadableStream<Uint8Array>({
      start: async (controller) => {
        try {
          await Promise.all(
            queries.map(async (q, i) => {
              let line: string;
              try {
                const { res, hit } = await answerQuery(auth, q);
                line = JSON.stringify({
                  index: i,
                  status: 200,
                  cache: hit ? 'hit' : 'miss',
                  body: res,
                });
              } catch (e) {
                const { status, body } = errorAnswer(e);
                if (status === 500) {
                  console.error(
                    `vitrine serve: batch query ${i}: ${(e as Error).stack ?? oneLine(e)}`,
                  );
                }
                line = JSON.stringify({ index: i, status, body });
              }
              controller.enqueue(encoder.encode(`${line}\n`));
            }),
          );
          controller.close();
        } finally {
          release();
        }
      },
    });
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return c.body(stream);
  });

  app.post('/api/query/csv', async (c) => {
    const res = await queryFor(c);
    const flat = flattenResponse(res);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="vitrine-query.csv"');
    return c.body(renderCsv(flat.columns, flat.rows));
  });

  app.post('/api/explain', async (c) => {
    const auth = requireRole(c, 'analyst');
    const request = parseBody(explainRequestSchema, await jsonBody(c)) as ExplainRequest;
    c.set('detail', request);
    const res = await cache.get(QueryCache.key('explain', auth.scopes, request), () =>
      workspace.read((engine) => explainKpi(ctxFor(auth)(engine), request)),
    );
    return c.json(res);
  });

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

  app.get('/api/targets', async (c) => {
    const auth = c.get('auth');
    const kpi = c.req.query('kpi');
    const rows = await workspace.read(
      async (engine) =>
        (
          await engine.run(
            `SELECT kpi_id, CAST(period_start AS VARCHAR) AS period_start, CAST(period_end AS VARCHAR) AS period_end, segment_key, segment_value, CAST(target_value AS DOUBLE) AS target_value FROM targets WHERE ($1 IS NULL OR kpi_id = $1) ORDER BY kpi_id, period_start, segment_key, segment_value`,
            [kpi ?? null],
          )
        ).rows,
    );
    // A scoped token sees the whole-business targets and those of its own segments.
    const scopes = auth.scopes;
    const visible = rows.filter((r) => {
      const key = r['segment_key'] as string | null;
      if (!key) return true;
      const allowed = scopes[key];
      if (allowed) return allowed.includes(String(r['segment_value']));
      return Object.keys(scopes).length === 0;
    });
    return c.json({ targets: visible });
  });

  app.put('/api/targets', async (c) => {
    requireRole(c, 'admin');
    const body = parseBody(targetsWriteSchema, await jsonBody(c));
    c.set('detail', { targets: body.targets.length });
    for (const [i, t] of body.targets.entries()) {
      if (!dictionary.has(t.kpi_id))
        throw new HttpError(
          400,
          'BAD_REQUEST',
          `field targets.${i}.kpi_id: unknown KPI "${t.kpi_id}"`,
        );
    }
    // The targets loader reads CSV with bound parameters and checks every row; reuse it.
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-targets-'));
    const file = join(dir, 'targets.csv');
    const q = (s: string | null | undefined) => (s == null ? '' : `"${s.replace(/"/g, '""')}"`);
    writeFileSync(
      file,
      `kpi_id,period_start,period_end,segment_key,segment_value,target_value\n${body.targets
        .map((t) =>
          [
            t.kpi_id,
            t.period_start,
            t.period_end,
            q(t.segment_key),
            q(t.segment_value),
            String(t.target_value),
          ].join(','),
        )
        .join('\n')}\n`,
    );
    try {
      const res = await workspace.write((engine) => loadTargetsFile(engine, dictionary, file));
      cache.clear();
      return c.json({ inserted: res.inserted, updated: res.updated });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  app.get('/api/objectives', async (c) => {
    const auth = c.get('auth');
    const asOfText = c.req.query('as_of');
    const asOf = asOfText ? parseIsoDate(asOfText, 'query parameter as_of') : undefined;
    const objectives = readObjectives(workspace.dir);
    const res = await workspace.read(async (engine) => {
      const end =
        asOf ??
        parseIsoDate(
          String(
            (
              await engine.run(
                `SELECT CAST(max(CAST(ordered_at AS DATE)) AS VARCHAR) AS d FROM orders`,
              )
            ).rows[0]?.['d'] ?? isoDate(0),
          ),
          'data end',
        );
      return objectivesProgress(ctxFor(auth)(engine), objectives, end);
    });
    return c.json({ objectives: res });
  });

  // The report of `vitrine check` (src/ingest/quality): freshness, completeness, duplicates,
  // orphan references, quarantine, catalogue errors and the KPIs whose inputs are stale.
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

  app.get('/api/sources', async (c) => {
    const counts = await cache.get(QueryCache.key('counts', {}, {}), () =>
      workspace.read(async (engine) =>
        (await tableStats(engine)).map((s) => [s.table, s.rows] as const),
      ),
    );
    return c.json(sourceMatrix(dictionary, new Map(counts)));
  });

  app.get('/api/tokens', (c) => {
    requireRole(c, 'admin');
    return c.json({ tokens: listTokens(workspace.dir) });
  });

  app.post('/api/tokens', async (c) => {
    requireRole(c, 'admin');
    const body = parseBody(tokenCreateSchema, await jsonBody(c));
    const created = createToken(
      workspace.dir,
      body.role,
      parseScopes(body.scopes ?? []),
      body.label ?? null,
    );
    c.set('detail', { created: created.info.id, role: body.role, scopes: created.info.scopes });
    return c.json(created, 201);
  });

  app.delete('/api/tokens/:id', (c) => {
    requireRole(c, 'admin');
    c.set('detail', { revoked: c.req.param('id') });
    return c.json(revokeToken(workspace.dir, c.req.param('id')));
  });

  app.all('/api/*', (c) => {
    throw new HttpError(
      404,
      'NOT_FOUND',
      `no endpoint ${c.req.method} ${c.req.path} (see /api/openapi.json)`,
    );
  });

  // The dashboard: files of web/dist, and index.html for every other path (client routing).
  const staticDir = options.staticDir;
  app.get('*', (c) => {
    if (!staticDir || !existsSync(join(staticDir, 'index.html'))) {
      return c.text('The dashboard is not built: run "npm run build". The API is at /api.', 404);
    }
    const rel = normalize(decodeURIComponent(c.req.path)).replace(/^([/\\])+/, '');
    let file = join(staticDir, rel);
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      file = join(staticDir, 'index.html');
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    c.header('Content-Type', type);
    // Built assets carry a content hash in their name; index.html must always be fresh.
    c.header(
      'Cache-Control',
      file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return c.body(readFileSync(file));
  });

  return {
    app,
    warmUp,
    stopWarmUp: () => {
      stopped = true;
    },
  };
}
