import type { QueryRequest } from '../semantic/query/query-types.js';
import type { AppDeps } from './app-deps.js';
import { queryRequestSchema } from './api-schemas.js';
import { frequentQueries } from './audit-log.js';
import type { Scopes } from './auth/token-store.js';
import { listTokens } from './auth/token-store.js';
import type { BoardQuery } from './dashboard-boards.js';
import {
  BOARDS,
  DEFAULT_COMPARE,
  DEFAULT_PRESET,
  boardQueries,
  filterOptionQueries,
  presetRange,
} from './dashboard-boards.js';
import { QueryCache } from './query-cache.js';

/** Queries replayed at start: enough for every board's first screen. */
const WARM_UP_QUERIES = 60;
/** Distinct token scopes whose direction board is computed at start (beyond the unscoped one). */
const WARM_UP_SCOPES = 20;

export interface CacheWarmUp {
  /**
   * Fills the cache in the background: the direction board's first screen (default period and
   * comparison, no filter) for the whole business and for each scope of a live token, then the
   * other boards, then the most asked queries of the audit log (see frequentQueries).
   * `onFirstBoard` is called once every scope's direction board is in the cache.
   */
  run(onFirstBoard?: (queries: number) => void): Promise<number>;
  /** Ends the warm-up after the query it is running (the server is closing). */
  stop(): void;
}

/** The warm-up scheduler: each query waits until no request is in flight (deps.activity). */
export function createCacheWarmUp(deps: AppDeps): CacheWarmUp {
  const { workspace, cache, activity } = deps;
  let stopped = false;

  /** Computes a board query for a scope ahead of any request, under the key a request will use. */
  const warmQuery = async (scopes: Scopes, query: BoardQuery): Promise<number> => {
    const parsed = queryRequestSchema.safeParse(query);
    if (!parsed.success) return 0;
    const request = parsed.data as QueryRequest;
    const key = QueryCache.key('query', scopes, request);
    if (cache.has(key) || stopped) return 0;
    await activity.whenIdle();
    if (cache.has(key) || stopped) return 0;
    try {
      await deps.cachedQuery(scopes, request);
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

  const run = async (onFirstBoard?: (queries: number) => void): Promise<number> => {
    let n = 0;
    const live = listTokens(workspace.dir).filter((t) => !t.revoked_at);
    const scopeList: Scopes[] = [{}];
    const seen = new Set([QueryCache.key('scope', {}, {})]);
    for (const t of live) {
      const k = QueryCache.key('scope', t.scopes, {});
      if (!seen.has(k) && scopeList.length <= WARM_UP_SCOPES) {
        seen.add(k);
        scopeList.push(t.scopes);
      }
    }
    try {
      const range = await deps.dataRange();
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
          await deps.labelsFor(scopes).catch(() => undefined);
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
      if (cache.has(QueryCache.key('query', auth.scopes, request))) continue;
      await activity.whenIdle();
      if (stopped) break;
      try {
        await deps.cachedQuery(auth.scopes, request);
        n++;
      } catch {
        // A query that fails today (a KPI since removed) is simply not warmed.
      }
    }
    return n;
  };

  return {
    run,
    stop: () => {
      stopped = true;
    },
  };
}
