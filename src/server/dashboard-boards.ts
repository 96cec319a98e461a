/**
 * The dashboard's boards as data, and the exact API queries each board asks for its first
 * screen. Shared by the dashboard (web/src imports this file) and the server, which computes the
 * direction board's queries at start so that the first board a director opens is answered from
 * the cache: both sides build the same requests with the same code, so the cache keys match.
 *
 * Pure code only (no Node, no DOM): it is compiled by tsc for the server and by Vite for the
 * browser.
 */

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type CompareKind = 'yoy' | 'yoy-weekday' | 'previous';

/** The request body of POST /api/query (QueryRequest of the semantic layer, the parts boards use). */
export interface BoardQuery {
  kpis: string[];
  by?: string[];
  grain?: Grain;
  from: string;
  to: string;
  where?: Record<string, string[]>;
  compare?: ('previous' | 'yoy' | 'yoy-weekday' | 'target')[];
  cumulative?: 'ytd' | 'qtd' | 'mtd';
}

export type ChartSpec =
  | { kind: 'cumulative'; kpi: string; title: string }
  /** Bars by the first level; a click filters on the bar and moves down one level. */
  | { kind: 'breakdown'; kpi: string; levels: readonly string[]; title?: string }
  | { kind: 'trend'; kpis: readonly string[]; stacked?: boolean }
  | { kind: 'bars'; kpis: readonly string[]; by: string }
  | { kind: 'funnel'; kpis: readonly string[] };

export interface BoardSpec {
  readonly id: string;
  readonly tiles: readonly string[];
  readonly charts: readonly ChartSpec[];
}

/** Dimensions of the global filter bar (and of the drill-downs that set them). */
export const FILTER_DIMENSIONS = ['channel', 'region', 'location', 'category'] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

export const BOARDS: readonly BoardSpec[] = [
  {
    id: 'direction',
    tiles: ['net_sales', 'orders', 'aov', 'conversion_rate', 'gross_margin_rate', 'nps'],
    charts: [
      { kind: 'cumulative', kpi: 'net_sales', title: 'cumulativeRevenue' },
      {
        kind: 'breakdown',
        kpi: 'net_sales',
        levels: ['channel', 'region', 'location'],
        title: 'salesByChannel',
      },
      {
        kind: 'breakdown',
        kpi: 'net_sales',
        levels: ['category', 'product'],
        title: 'salesByCategory',
      },
    ],
  },
  {
    id: 'marketing',
    tiles: [
      'sessions',
      'unique_visitors',
      'bounce_rate',
      'conversion_rate',
      'aov',
      'cac',
      'roas',
      'marketing_spend',
    ],
    charts: [
      {
        kind: 'funnel',
        kpis: ['sessions', 'carts_created', 'checkouts_completed', 'sessions_with_order'],
      },
      { kind: 'bars', kpis: ['sessions'], by: 'marketing_channel' },
      { kind: 'bars', kpis: ['attributed_revenue_last_touch'], by: 'marketing_channel' },
      { kind: 'trend', kpis: ['sessions'] },
    ],
  },
  {
    id: 'service',
    tiles: [
      'contacts',
      'call_answer_rate',
      'first_response_time',
      'resolution_time',
      'csat',
      'contact_rate',
    ],
    charts: [
      { kind: 'bars', kpis: ['contacts'], by: 'contact_channel' },
      { kind: 'bars', kpis: ['contacts'], by: 'contact_reason' },
      { kind: 'trend', kpis: ['contacts'] },
    ],
  },
  {
    id: 'product',
    tiles: [
      'stockout_rate',
      'sell_through',
      'catalogue_errors',
      'supplier_promo_ops',
      'gross_margin_rate',
      'discount_rate',
    ],
    charts: [
      { kind: 'breakdown', kpi: 'gross_margin', levels: ['category', 'product'] },
      { kind: 'bars', kpis: ['gross_margin_rate'], by: 'category' },
      { kind: 'trend', kpis: ['stockout_rate'] },
    ],
  },
  {
    id: 'supply',
    tiles: [
      'order_cycle_time',
      'on_time_delivery',
      'otif',
      'fulfilment_cost_per_order',
      'stock_value_cost',
      'inventory_turnover',
      'shrinkage',
    ],
    charts: [
      {
        kind: 'trend',
        kpis: [
          'order_to_pick_time',
          'pick_to_pack_time',
          'pack_to_ship_time',
          'ship_to_deliver_time',
        ],
        stacked: true,
      },
      { kind: 'trend', kpis: ['on_time_delivery', 'otif'] },
    ],
  },
  {
    id: 'finance',
    tiles: [
      'recognised_revenue',
      'booked_revenue',
      'refunds',
      'chargebacks',
      'chargeback_rate',
      'nrr',
      'revenue_leakage',
    ],
    charts: [
      { kind: 'trend', kpis: ['recognised_revenue', 'booked_revenue'] },
      { kind: 'bars', kpis: ['refunds'], by: 'channel' },
    ],
  },
  {
    id: 'stores',
    tiles: [
      'lfl_sales_growth',
      'sales_per_sqm',
      'store_conversion',
      'store_visitors',
      'store_orders',
    ],
    charts: [
      { kind: 'breakdown', kpi: 'net_sales', levels: ['region', 'location'] },
      { kind: 'bars', kpis: ['store_conversion'], by: 'location' },
    ],
  },
  {
    id: 'tech',
    tiles: [
      'page_load_time',
      'page_load_time_p75',
      'bugs_fixed',
      'releases_planned',
      'release_on_time',
    ],
    charts: [{ kind: 'trend', kpis: ['page_load_time', 'page_load_time_p75'] }],
  },
];

// ---- periods -------------------------------------------------------------------------------

export const PRESETS = [
  'mtd',
  'last-7',
  'last-30',
  'last-month',
  'qtd',
  'ytd',
  'last-12m',
] as const;
export type Preset = (typeof PRESETS)[number] | 'custom';
/** The period a board opens on when the link names none. */
export const DEFAULT_PRESET: Exclude<Preset, 'custom'> = 'mtd';
export const DEFAULT_COMPARE: CompareKind = 'yoy';

function parse(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}
export function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}
export function addDays(s: string, n: number): string {
  const d = parse(s);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}
export function daysBetween(a: string, b: string): number {
  return Math.round((parse(b).getTime() - parse(a).getTime()) / 86_400_000);
}

/** The range of a preset, ending on the last day with data ("today" of the workspace). */
export function presetRange(
  preset: Exclude<Preset, 'custom'>,
  today: string,
): { from: string; to: string } {
  const d = parse(today);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (preset) {
    case 'mtd':
      return { from: iso(new Date(Date.UTC(y, m, 1))), to: today };
    case 'last-7':
      return { from: addDays(today, -6), to: today };
    case 'last-30':
      return { from: addDays(today, -29), to: today };
    case 'last-month':
      return { from: iso(new Date(Date.UTC(y, m - 1, 1))), to: iso(new Date(Date.UTC(y, m, 0))) };
    case 'qtd':
      return { from: iso(new Date(Date.UTC(y, m - (m % 3), 1))), to: today };
    case 'ytd':
      return { from: `${y}-01-01`, to: today };
    case 'last-12m':
      return { from: iso(new Date(Date.UTC(y - 1, m + 1, 1))), to: today };
  }
}

/** A grain that gives a sparkline 7 to 60 points. */
export function sparkGrain(from: string, to: string): 'day' | 'week' | 'month' {
  const n = daysBetween(from, to);
  return n <= 62 ? 'day' : n <= 370 ? 'week' : 'month';
}

// ---- the queries of a board ----------------------------------------------------------------

export interface BoardQueryContext {
  readonly range: { readonly from: string; readonly to: string };
  readonly compare: CompareKind;
  /** The global filters, one value per dimension (absent: all). */
  readonly filters: Partial<Record<FilterDimension, string>>;
}

export function whereOf(filters: BoardQueryContext['filters']): Record<string, string[]> {
  const where: Record<string, string[]> = {};
  for (const d of FILTER_DIMENSIONS) {
    const v = filters[d];
    if (v) where[d] = [v];
  }
  return where;
}

function withWhere(req: BoardQuery, where: Record<string, string[]>): BoardQuery {
  return Object.keys(where).length > 0 ? { ...req, where } : req;
}

/** The tiles' values with their comparisons, and their sparklines: one query each. */
export function tileQueries(
  board: Pick<BoardSpec, 'tiles'>,
  ctx: BoardQueryContext,
): { values: BoardQuery; spark: BoardQuery } {
  const where = whereOf(ctx.filters);
  const { from, to } = ctx.range;
  return {
    values: withWhere(
      { kpis: [...board.tiles], from, to, compare: [ctx.compare, 'target'] },
      where,
    ),
    spark: withWhere({ kpis: [...board.tiles], from, to, grain: sparkGrain(from, to) }, where),
  };
}

/** The level a breakdown shows: the first one not yet filtered (channel filtered → regions). */
export function breakdownLevel(
  levels: readonly string[],
  filters: BoardQueryContext['filters'],
): { level: string; depth: number } {
  const depth = levels.findIndex((l) => !filters[l as FilterDimension]);
  const level = levels[depth === -1 ? levels.length - 1 : depth] ?? levels[0] ?? 'channel';
  return { level, depth };
}

export function chartQuery(spec: ChartSpec, ctx: BoardQueryContext): BoardQuery {
  const where = whereOf(ctx.filters);
  const { from, to } = ctx.range;
  switch (spec.kind) {
    case 'cumulative':
      return withWhere(
        {
          kpis: [spec.kpi],
          from: `${to.slice(0, 4)}-01-01`,
          to,
          grain: 'month',
          cumulative: 'ytd',
          compare: ['yoy', 'target'],
        },
        where,
      );
    case 'breakdown':
      return withWhere(
        {
          kpis: [spec.kpi],
          by: [breakdownLevel(spec.levels, ctx.filters).level],
          from,
          to,
          compare: [ctx.compare],
        },
        where,
      );
    case 'trend':
      return withWhere({ kpis: [...spec.kpis], from, to, grain: sparkGrain(from, to) }, where);
    case 'bars':
      return withWhere({ kpis: [...spec.kpis], by: [spec.by], from, to }, where);
    case 'funnel':
      return withWhere({ kpis: [...spec.kpis], from, to }, where);
  }
}

/** Every query of a board's first screen, tiles first (what the server computes ahead). */
export function boardQueries(board: BoardSpec, ctx: BoardQueryContext): BoardQuery[] {
  const tiles = tileQueries(board, ctx);
  return [tiles.values, tiles.spark, ...board.charts.map((c) => chartQuery(c, ctx))];
}

/** The queries that list the members of each filter (over the whole span of the data). */
export function filterOptionQueries(span: {
  readonly from: string;
  readonly to: string;
}): { dimension: FilterDimension; query: BoardQuery }[] {
  return FILTER_DIMENSIONS.map((dimension) => ({
    dimension,
    query: { kpis: ['orders'], by: [dimension], from: span.from, to: span.to },
  }));
}
