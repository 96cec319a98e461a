import type { MessageKey } from './i18n.js';

/**
 * The boards as data: each team's tiles (dictionary KPIs) and charts. A board is only a choice of
 * KPIs; every number comes from the semantic layer through /api/query.
 */

export type ChartSpec =
  | { kind: 'cumulative'; kpi: string; title: MessageKey }
  /** Bars by the first level; a click filters on the bar and moves down one level. */
  | { kind: 'breakdown'; kpi: string; levels: readonly string[]; title?: MessageKey }
  | { kind: 'trend'; kpis: readonly string[]; stacked?: boolean }
  | { kind: 'bars'; kpis: readonly string[]; by: string }
  | { kind: 'funnel'; kpis: readonly string[] };

export interface BoardSpec {
  readonly id: MessageKey;
  readonly tiles: readonly string[];
  readonly charts: readonly ChartSpec[];
}

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
