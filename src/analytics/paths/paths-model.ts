/**
 * Product relationships from browsing: products viewed consecutively in a session. Counts the
 * transitions A → B between successive product views (view_item events, in event order) and
 * their probability P(next = B | A viewed and another product viewed next). Viewing the same
 * product twice in a row is a reload, not a transition.
 */
import { z } from 'zod';
import { VitrineError } from '../../util/errors.js';
import { cell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { compileFactQuery, num } from '../io/fact-query.js';
import type { Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay, topRows } from '../model-params.js';

export const pathsParams = z.object({
  minCount: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .default(1)
    .meta({ arg: 'n', description: 'transitions seen fewer times are left out' }),
  top: topRows(20).meta({ arg: 'n', description: 'transitions shown in the summary' }),
  from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first day' }),
  to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last day' }),
});
export type PathsParams = z.infer<typeof pathsParams>;

export interface PathsData {
  /** Transition counts (from, to, count), aggregated. */
  readonly transitions: readonly { from: string; to: string; count: number }[];
  /** Product views (all, self-repeats included) per product. */
  readonly views: ReadonlyMap<string, number>;
  readonly sessions: number;
  readonly source: string;
}

export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  /** count / transitions out of `from`. */
  readonly probability: number;
}

export interface PathsValues {
  readonly sessions: number;
  readonly products: number;
  readonly transitions: number;
  readonly pairs: Transition[];
  readonly byProduct: { product: string; views: number; next_views: number }[];
}

/** Builds transition counts from ordered (session, product) views. */
export function countTransitions(
  views: readonly { session: string; product: string }[],
): Omit<PathsData, 'source'> {
  const counts = new Map<string, number>();
  const byProduct = new Map<string, number>();
  const sessions = new Set<string>();
  let prev: { session: string; product: string } | null = null;
  for (const v of views) {
    sessions.add(v.session);
    byProduct.set(v.product, (byProduct.get(v.product) ?? 0) + 1);
    if (prev && prev.session === v.session && prev.product !== v.product) {
      const k = `${prev.product}\u0000${v.product}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    prev = v;
  }
  return {
    transitions: [...counts.entries()].map(([k, count]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, count };
    }),
    views: byProduct,
    sessions: sessions.size,
  };
}

/** CSV `session_id,sku` in viewing order (or with an `event_no` column to order by). */
export function readPathsFile(path: string): PathsData {
  const t = readCsv(path, ['session_id', 'sku'], 'paths --input');
  const rows = t.rows.map((row, i) => ({
    session: nonEmptyCell(t, row, 'session_id'),
    product: nonEmptyCell(t, row, 'sku'),
    order:
      t.index.has('event_no') && cell(t, row, 'event_no') !== ''
        ? numberCell(t, row, 'event_no')
        : i,
    i,
  }));
  // Stable: by session (first appearance), then event order.
  const firstSeen = new Map<string, number>();
  for (const r of rows) if (!firstSeen.has(r.session)) firstSeen.set(r.session, r.i);
  rows.sort(
    (a, b) =>
      (firstSeen.get(a.session) as number) - (firstSeen.get(b.session) as number) ||
      a.order - b.order ||
      a.i - b.i,
  );
  return { ...countTransitions(rows), source: path };
}

async function readPathsWorkspace(
  source: WorkspaceSource,
  params: PathsParams,
): Promise<PathsData> {
  const views = compileFactQuery(
    {
      fact: 'web_events',
      columns: {
        session_id: 'web_events.session_id',
        event_no: 'web_events.event_no',
        sku: 'web_events.sku',
      },
      filters: ["web_events.event_name = 'view_item'", 'web_events.sku IS NOT NULL'],
      ...(params.from ? { from: params.from } : {}),
      ...(params.to ? { to: params.to } : {}),
    },
    { timeZone: source.config.timezone, reportingCurrency: source.config.reporting_currency },
  );
  // Successive views within a session, aggregated in the engine (millions of events).
  const pairs = await source.engine.run(
    `SELECT prev AS "from", sku AS "to", count(*) AS n FROM (SELECT sku, lag(sku) OVER (PARTITION BY session_id ORDER BY event_no) AS prev FROM (${views.sql}) AS v) AS t WHERE prev IS NOT NULL AND prev <> sku GROUP BY prev, sku`,
    views.params,
  );
  const totals = await source.engine.run(
    `SELECT sku, count(*) AS n, count(DISTINCT session_id) AS s FROM (${views.sql}) AS v GROUP BY sku`,
    views.params,
  );
  const sessions = await source.engine.run(
    `SELECT count(DISTINCT session_id) AS s FROM (${views.sql}) AS v`,
    views.params,
  );
  if (totals.rows.length === 0) {
    throw new VitrineError('NO_DATA', 'no product view (view_item event with a sku) in the period');
  }
  return {
    transitions: pairs.rows.map((r) => ({
      from: String(r['from']),
      to: String(r['to']),
      count: num(r['n']) ?? 0,
    })),
    views: new Map(totals.rows.map((r) => [String(r['sku']), num(r['n']) ?? 0])),
    sessions: num(sessions.rows[0]?.['s']) ?? 0,
    source: 'workspace',
  };
}

export function fitPaths(data: PathsData, params: PathsParams): ModelResult<PathsValues> {
  const d = new DiagnosticsBuilder();
  d.assume(
    'a transition is a product view followed by a view of another product in the same session (view_item events in event order); repeated views of one product are not transitions',
  );
  d.assume('probability = transitions A → B / all transitions out of A');
  const out = new Map<string, number>();
  for (const t of data.transitions) out.set(t.from, (out.get(t.from) ?? 0) + t.count);
  const total = data.transitions.reduce((s, t) => s + t.count, 0);
  if (total === 0) {
    d.warn('NO_TRANSITION', 'no session viewed two different products in a row');
  }
  const pairs: Transition[] = data.transitions
    .filter((t) => t.count >= params.minCount)
    .map((t) => ({ ...t, probability: t.count / (out.get(t.from) as number) }))
    .sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1));
  return {
    values: {
      sessions: data.sessions,
      products: data.views.size,
      transitions: total,
      pairs,
      byProduct: [...data.views.entries()]
        .map(([product, views]) => ({ product, views, next_views: out.get(product) ?? 0 }))
        .sort((a, b) => b.views - a.views),
    },
    diagnostics: d.build(),
  };
}

function summarizePaths(result: ModelResult<PathsValues>, params: PathsParams): string {
  const v = result.values;
  const lines = [
    `Product paths — ${fmt(v.sessions, 0)} sessions viewing ${fmt(v.products, 0)} products, ${fmt(v.transitions, 0)} transitions`,
    '',
    `Top ${Math.min(params.top, v.pairs.length)} transitions:`,
  ];
  for (const p of v.pairs.slice(0, params.top)) {
    lines.push(
      `  ${p.from} → ${p.to}`.padEnd(40) +
        `${fmt(p.count, 0).padStart(9)}   ${pct(p.probability).padStart(7)}`,
    );
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const pathsModel: Model<PathsParams, PathsData, PathsValues> = {
  name: 'paths',
  description: 'products viewed consecutively in sessions: transition counts and probabilities',
  params: pathsParams,
  needs: [
    {
      fact: 'web_events',
      filters: ["web_events.event_name = 'view_item'"],
      reads: 'session, event order and product of each product view',
    },
  ],
  fromWorkspace: readPathsWorkspace,
  fromFile: (path) => readPathsFile(path),
  fit: fitPaths,
  summarize: summarizePaths,
};
