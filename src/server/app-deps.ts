import type { Hono } from 'hono';
import { dialectFor } from '../backends/backend-registry.js';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import type { QueryContext } from '../semantic/query/query-runner.js';
import { runQuery } from '../semantic/query/query-runner.js';
import type { QueryRequest, QueryResponse } from '../semantic/query/query-types.js';
import type { DataRange } from '../workspace/data-range.js';
import { dataRange } from '../workspace/data-range.js';
import { queryRequestSchema } from './api-schemas.js';
import { viewerDimensionRefusal } from './auth/dimension-policy.js';
import { roleAtLeast } from './auth/roles.js';
import type { Scopes, TokenInfo } from './auth/token-store.js';
import type { Labels } from './dimension-labels.js';
import { dimensionLabels } from './dimension-labels.js';
import { HttpError, parseBody } from './http-errors.js';
import { QueryCache } from './query-cache.js';
import type { RequestActivity } from './request-activity.js';
import type { WorkspaceHandle } from './workspace-handle.js';

/** What a request carries from middleware to handler: the token, and what the audit records. */
export type AppEnv = { Variables: { auth: TokenInfo; detail: unknown } };
export type VitrineHono = Hono<AppEnv>;

/** What the route groups share: the workspace, its dictionary, the cache and the reads on them. */
export interface AppDeps {
  readonly workspace: WorkspaceHandle;
  readonly dictionary: KpiDictionary;
  readonly cache: QueryCache;
  readonly activity: RequestActivity;
  readonly version: string;
  /** The built dashboard (web/dist); null: the API alone. */
  readonly staticDir: string | null;
  /** First and last local day with orders, cached. */
  dataRange(): Promise<DataRange>;
  /** Names of the members whose values are ids, as a scope may see them, cached. */
  labelsFor(scopes: Scopes): Promise<Labels>;
  /** The semantic layer's context for a read with a token's scopes. */
  queryContext(scopes: Scopes, engine: QueryContext['engine']): QueryContext;
  /**
   * A query as a token asks it: validated, role-checked, answered from the scope-keyed cache;
   * `hit` tells whether the cache held it (X-Vitrine-Cache), e.g. computed at start.
   */
  answerQuery(auth: TokenInfo, raw: unknown): Promise<{ res: QueryResponse; hit: boolean }>;
  /** Runs a query for `scopes` into the cache under the key a request will use. */
  cachedQuery(scopes: Scopes, request: QueryRequest): Promise<QueryResponse>;
}

export function createDeps(options: {
  readonly workspace: WorkspaceHandle;
  readonly dictionary: KpiDictionary;
  readonly activity: RequestActivity;
  readonly version: string;
  readonly staticDir: string | null;
}): AppDeps {
  const { workspace, dictionary } = options;
  const cache = new QueryCache(500, () => workspace.dataVersion);
  const queryContext = (scopes: Scopes, engine: QueryContext['engine']): QueryContext => ({
    engine,
    dictionary,
    config: workspace.config,
    scopes,
  });
  const cachedQuery = (scopes: Scopes, request: QueryRequest) =>
    cache.get(QueryCache.key('query', scopes, request), () =>
      workspace.read((engine) => runQuery(queryContext(scopes, engine), request)),
    );
  return {
    ...options,
    cache,
    queryContext,
    cachedQuery,
    dataRange: () =>
      cache.get(QueryCache.key('range', {}, {}), () =>
        workspace.read((engine) =>
          dataRange(engine, dialectFor(engine.kind), workspace.config.timezone),
        ),
      ),
    labelsFor: (scopes) =>
      cache.get(QueryCache.key('labels', scopes, {}), () =>
        workspace.read((engine) => dimensionLabels(engine, scopes)),
      ),
    answerQuery: async (auth, raw) => {
      const request = parseBody(queryRequestSchema, raw) as QueryRequest;
      if (!roleAtLeast(auth.role, 'analyst')) {
        const refusal = viewerDimensionRefusal(request, dictionary);
        if (refusal) throw new HttpError(403, 'FORBIDDEN', refusal);
      }
      const hit = cache.has(QueryCache.key('query', auth.scopes, request));
      const res = await cachedQuery(auth.scopes, request);
      // Only analysts see the compiled SQL: it names tables and filters a viewer does not need.
      return { res: roleAtLeast(auth.role, 'analyst') ? res : { ...res, sql: [] }, hit };
    },
  };
}
