/** The dashboard's only way to the server: the JSON API with the token of this browser. */
import type { BoardQuery } from '../../src/server/dashboard-boards.js';

export type QueryRequest = BoardQuery;

export interface ComparisonValue {
  value: number | null;
  change: number | null;
  change_ratio: number | null;
}

export interface QueryRow {
  period: string;
  period_start: string;
  period_end: string;
  dims: Record<string, string | number | null>;
  values: Record<string, number | null>;
  comparisons: Record<string, Record<string, ComparisonValue>>;
}

export interface QueryResponse {
  rows: QueryRow[];
  warnings: string[];
}

export interface KpiSummary {
  id: string;
  area: string;
  name: { en: string; fr: string };
  description: { en: string; fr: string };
  unit: string;
  unit_detail: string | null;
  polarity: 'up' | 'down' | 'neutral';
  owner: string;
  sources: string[];
  additivity: string;
  version: number;
  status: string;
  formula_kind: string;
}

export interface KpiDetail extends KpiSummary {
  formula_text: string;
  computation: string | null;
  rules: Record<string, string>;
  changelog: { version: number; date?: string; change?: string; [k: string]: unknown }[];
  depends_on: string[];
  used_by: string[];
  tables: string[];
}

export interface WorkspaceInfo {
  name: string;
  reporting_currency: string;
  locale: string;
  week_start: 'monday' | 'sunday';
  data_from: string | null;
  data_to: string | null;
  dimensions: { id: string; label: { en: string; fr: string } }[];
  /** Display names by dimension and member id (channel, location, product…). */
  labels: Record<string, Record<string, string>>;
}

export interface ModelDiagnostics {
  assumptions: string[];
  convergence: Record<string, { converged: boolean; method: string; message: string }>;
  warnings: { code: string; message: string }[];
}

export interface ModelAnswer<V = Record<string, unknown>> {
  params: Record<string, unknown>;
  result: { values: V; diagnostics: ModelDiagnostics };
  meta: { cached: boolean; ms: number };
}

export interface Me {
  id: string;
  role: 'viewer' | 'analyst' | 'admin';
  scopes: Record<string, string[]>;
}

export interface SourceMatrix {
  systems: { id: string; name?: string; [k: string]: unknown }[];
  kpis: {
    id: string;
    area: string;
    sources: string[];
    tables: string[];
    missing?: { table: string }[];
  }[];
}

export interface DataQuality {
  today: string;
  staleDays: number;
  tables: {
    table: string;
    rows: number;
    latest: string | null;
    ageDays: number | null;
    stale: boolean;
    completeness: number | null;
    sparseColumns: { column: string; filled: number }[];
    duplicateRate: number | null;
    orphans: { column: string; references: string; rows: number }[];
    quarantined: { open: number; held: number };
  }[];
  sources: {
    source: string;
    table: string;
    lastLoad: string;
    latest: string | null;
    ageDays: number | null;
    stale: boolean;
    read: number;
    quarantined: number;
  }[];
  catalogue: {
    products: number;
    missingPrice: number;
    missingCost: number;
    missingCategory: number;
    missingEan: number;
    invalidEan: number;
  };
  kpis: { kpi: string; reasons: string[] }[];
  empty_tables: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'vitrine.token';

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

async function call(path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${storedToken() ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = ((await res.json()) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

interface Pending {
  req: QueryRequest;
  resolve: (r: QueryResponse) => void;
  reject: (e: Error) => void;
}
let pending: Pending[] = [];

/**
 * Sends the queries asked during one turn of the event loop (a board asks all of its own while
 * it renders) as one POST /api/query/batch, and settles each as its NDJSON line arrives: the
 * tiles paint as soon as their answer is there, not when the slowest chart is.
 */
async function flush(): Promise<void> {
  const batch = pending;
  pending = [];
  if (batch.length === 1 && batch[0]) {
    const one = batch[0];
    try {
      one.resolve((await (await call('/api/query', one.req)).json()) as QueryResponse);
    } catch (e) {
      one.reject(e as Error);
    }
    return;
  }
  const settled = new Set<number>();
  try {
    const res = await call('/api/query/batch', { queries: batch.map((p) => p.req) });
    const reader = res.body?.getReader();
    if (!reader) throw new ApiError(500, 'the batch answer has no body');
    const decoder = new TextDecoder();
    let buffer = '';
    const take = (line: string) => {
      if (!line.trim()) return;
      const item = JSON.parse(line) as {
        index: number;
        status: number;
        body: QueryResponse & { error?: { message?: string } };
      };
      const p = batch[item.index];
      if (!p || settled.has(item.index)) return;
      settled.add(item.index);
      if (item.status === 200) p.resolve(item.body);
      else p.reject(new ApiError(item.status, item.body.error?.message ?? `HTTP ${item.status}`));
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        take(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
    }
    take(buffer);
  } catch (e) {
    for (const [i, p] of batch.entries()) if (!settled.has(i)) p.reject(e as Error);
    return;
  }
  for (const [i, p] of batch.entries()) {
    if (!settled.has(i)) p.reject(new ApiError(500, 'no answer for this query in the batch'));
  }
}

function batched(req: QueryRequest): Promise<QueryResponse> {
  return new Promise((resolve, reject) => {
    pending.push({ req, resolve, reject });
    if (pending.length === 1) setTimeout(() => void flush(), 0);
  });
}

// Identical requests from several panels (filters, tiles) share one round trip.
const inflight = new Map<string, Promise<unknown>>();
function memo<T>(key: string, run: () => Promise<T>): Promise<T> {
  let p = inflight.get(key) as Promise<T> | undefined;
  if (!p) {
    p = run();
    inflight.set(key, p);
    p.catch(() => inflight.delete(key));
  }
  return p;
}

export const api = {
  me: () => memo('me', async () => (await (await call('/api/me')).json()) as Me),
  /** me, workspace and KPI summaries in one round trip (the dashboard's start). */
  session: () =>
    memo('session', async () => {
      // index.html asked for the session before this code arrived; its answer is used when it
      // was asked with the token this page holds (otherwise, or on any error, ask again).
      const early = (window as { __vitrineSession?: { token: string; res: Promise<Response> } })
        .__vitrineSession;
      let res: Response | null = null;
      if (early && early.token === storedToken()) {
        res = await early.res.catch(() => null);
        if (res && !res.ok) res = null;
      }
      return (await (res ?? (await call('/api/session'))).json()) as {
        me: Me;
        workspace: WorkspaceInfo;
        kpis: KpiSummary[];
      };
    }),
  workspace: () =>
    memo('ws', async () => (await (await call('/api/workspace')).json()) as WorkspaceInfo),
  kpis: () =>
    memo(
      'kpis',
      async () => ((await (await call('/api/kpis')).json()) as { kpis: KpiSummary[] }).kpis,
    ),
  kpi: (id: string) =>
    memo(
      `kpi:${id}`,
      async () => (await (await call(`/api/kpis/${encodeURIComponent(id)}`)).json()) as KpiDetail,
    ),
  sources: () =>
    memo('sources', async () => (await (await call('/api/sources')).json()) as SourceMatrix),
  query: (req: QueryRequest) => memo(`q:${JSON.stringify(req)}`, () => batched(req)),
  /** A model run for an analysis board (cached by the server per model, params and scope). */
  model: <V = Record<string, unknown>>(name: string, params: Record<string, unknown>) =>
    memo(
      `m:${name}:${JSON.stringify(params)}`,
      async () =>
        (await (
          await call(`/api/models/${encodeURIComponent(name)}`, { params, view: 'dashboard' })
        ).json()) as ModelAnswer<V>,
    ),
  dataQuality: () =>
    memo('dq', async () => (await (await call('/api/data-quality')).json()) as DataQuality),
  queryCsv: async (req: QueryRequest) => (await call('/api/query/csv', req)).blob(),
  explain: async (req: {
    kpi: string;
    from: string;
    to: string;
    vs: string;
    by?: string;
    where?: Record<string, string[]>;
  }) =>
    (await (await call('/api/explain', req)).json()) as {
      value: number | null;
      comparison: number | null;
      change: number | null;
      drivers: { term: string; driver: string; contribution: number }[];
      segments: { segment: string | number | null; contribution: number }[];
      notes: string[];
    },
};
