/** The dashboard's only way to the server: the JSON API with the token of this browser. */

export interface QueryRequest {
  kpis: string[];
  by?: string[];
  grain?: 'day' | 'week' | 'month' | 'quarter' | 'year';
  from: string;
  to: string;
  where?: Record<string, string[]>;
  compare?: ('previous' | 'yoy' | 'yoy-weekday' | 'target')[];
  cumulative?: 'ytd' | 'qtd' | 'mtd';
}

export interface ComparisonValue {
  value: number | null;
  change: number | null;
  change_pct: number | null;
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
  query: (req: QueryRequest) =>
    memo(
      `q:${JSON.stringify(req)}`,
      async () => (await (await call('/api/query', req)).json()) as QueryResponse,
    ),
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
