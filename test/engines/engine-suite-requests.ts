import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KpiDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import type { QueryRequest, QueryResponse } from '../../src/semantic/query/query-types.js';

/** The requests, grouping and comparison of the engine suite (no test runner needed). */

export interface Missing {
  readonly kpi: string;
  readonly request: string;
  readonly reason: string;
}

const REL = 1e-9;

/** Equal within the suite's tolerance: counts exactly, the rest to 1e-9 relative. */
export function sameValue(a: number | null, b: number | null, exact: boolean): boolean {
  if (a === null || b === null) return a === b;
  if (exact) return a === b;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  // An absolute floor for sums that cancel to ~0 (double noise on either engine).
  return Math.abs(a - b) <= Math.max(REL * scale, 1e-9);
}

export type Outcome = { ok: true; res: QueryResponse } | { ok: false; reason: string };

/**
 * Runs `kpis` in one request, splitting the group in halves where the engine refuses it, and
 * returns each KPI's response (shared by the KPIs of a group) or the reason it failed alone.
 */
export async function runGroups(
  run: (req: QueryRequest) => Promise<QueryResponse>,
  base: Omit<QueryRequest, 'kpis'>,
  kpis: readonly string[],
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const visit = async (group: readonly string[]): Promise<void> => {
    if (group.length === 0) return;
    try {
      const res = await run({ ...base, kpis: group });
      for (const k of group) out.set(k, { ok: true, res });
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0] ?? '';
      if (group.length === 1) {
        out.set(group[0] as string, { ok: false, reason });
        return;
      }
      // Refusals name the KPIs at fault ("dimension channel does not apply to KPI a, b"): those
      // fail alone and the rest is asked again; anything else is bisected.
      const named = group.filter((k) => new RegExp(`\\b${k}\\b`).test(reason));
      if (named.length > 0 && named.length < group.length) {
        for (const k of named) out.set(k, { ok: false, reason });
        await visit(group.filter((k) => !named.includes(k)));
        return;
      }
      const mid = Math.ceil(group.length / 2);
      await visit(group.slice(0, mid));
      await visit(group.slice(mid));
    }
  };
  await visit(kpis);
  return out;
}

/** Every value of one KPI in a response, by row (period, dims) and role. */
export function valuesOf(res: QueryResponse, kpi: string): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const row of res.rows) {
    const key = JSON.stringify([row.period, row.period_start, Object.entries(row.dims).sort()]);
    out.set(`${key} current`, row.values[kpi] ?? null);
    for (const [c, byKpi] of Object.entries(row.comparisons)) {
      const v = byKpi[kpi];
      out.set(`${key} ${c}`, v?.value ?? null);
      out.set(`${key} ${c} change`, v?.change ?? null);
      out.set(`${key} ${c} change_ratio`, v?.change_ratio ?? null);
    }
  }
  return out;
}

function monthStart(iso: string, back: number): string {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - back, 1));
  return d.toISOString().slice(0, 10);
}

function dayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The requests of the suite, from the demo's last day. */
export function suiteRequests(
  end: string,
): Array<{ name: string; req: Omit<QueryRequest, 'kpis'> }> {
  // The last three whole months before the demo's last day.
  const from = monthStart(end, 3);
  const to = dayBefore(monthStart(end, 0));
  const yearStart = `${to.slice(0, 4)}-01-01`;
  return [
    { name: 'month yoy,previous', req: { grain: 'month', from, to, compare: ['yoy', 'previous'] } },
    { name: '4-5-4 week', req: { grain: 'week', calendar: 'retail-454', from, to } },
    { name: 'ytd', req: { grain: 'month', cumulative: 'ytd', from: yearStart, to } },
    { name: 'by channel, yoy', req: { by: ['channel'], from, to, compare: ['yoy'] } },
    { name: 'by region', req: { by: ['region'], from, to } },
  ];
}

/** KPIs of the catalogue the suite runs, and those it leaves out with the reason. */
export function catalogueKpis(dictionary: KpiDictionary): {
  kpis: string[];
  excluded: Array<{ kpi: string; reason: string }>;
} {
  const kpis: string[] = [];
  const excluded: Array<{ kpi: string; reason: string }> = [];
  for (const e of dictionary.list()) {
    const f = e.def.formula;
    if ('model' in f) excluded.push({ kpi: e.def.id, reason: `analytics model ${f.model}` });
    else kpis.push(e.def.id);
  }
  return { kpis: kpis.sort(), excluded };
}

interface CachedOutcomes {
  readonly groups: Array<{ kpis: string[]; res: QueryResponse }>;
  readonly failed: Array<{ kpi: string; reason: string }>;
}

/**
 * DuckDB's answers, computed once per test run and shared by the engine suites of every engine
 * (each runs in its own worker): a file beside the demo, named by the run (the workers' parent
 * process), so a later run never reads an earlier run's answers.
 */
export async function cachedOutcomes(
  demoDir: string,
  name: string,
  compute: () => Promise<Map<string, Outcome>>,
): Promise<Map<string, Outcome>> {
  const file = join(
    dirname(demoDir),
    `.engine-suite-duckdb-${process.ppid}-${name.replace(/[^a-z0-9]+/gi, '-')}.json`,
  );
  if (existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as CachedOutcomes;
      const out = new Map<string, Outcome>();
      for (const g of saved.groups) for (const k of g.kpis) out.set(k, { ok: true, res: g.res });
      for (const f of saved.failed) out.set(f.kpi, { ok: false, reason: f.reason });
      return out;
    } catch {
      // A file being written by another worker: compute it here too.
    }
  }
  const out = await compute();
  const groups = new Map<QueryResponse, string[]>();
  const failed: CachedOutcomes['failed'] = [];
  for (const [k, o] of out) {
    if (o.ok) groups.set(o.res, [...(groups.get(o.res) ?? []), k]);
    else failed.push({ kpi: k, reason: o.reason });
  }
  const saved: CachedOutcomes = {
    groups: [...groups].map(([res, kpis]) => ({ kpis, res })),
    failed,
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(saved));
  renameSync(tmp, file);
  return out;
}
