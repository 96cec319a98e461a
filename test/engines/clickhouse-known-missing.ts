/**
 * KPIs Debian's clickhouse-server 18.16 cannot compute like DuckDB, with the reason (found by
 * running the suite; current ClickHouse, chDB, computes all of them). The dialect already nests
 * join chains and wraps Distributed tables for 18.16; what is left is below.
 */
export const CLICKHOUSE_18_16_MISSING: Readonly<Record<string, string>> = {
  aov: '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  aov_incl_tax:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  attributed_margin_last_touch:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  attributed_revenue_last_touch:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  booked_revenue:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  chargeback_amount:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  chargeback_losses:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  cogs: '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  discount_rate:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  discounts:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  gross_sales:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  lfl_sales_growth:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  net_sales:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  promo_gross_margin:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  refunds:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  return_rate_value:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  revenue_leakage:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  revenue_mix:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  revenue_ytd:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  sales_by_hour:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  sales_tax:
    '18.16 loses a joined column (locations.location_id) past the second nested level of a join chain (split by region); month, 4-5-4 and YTD requests equal DuckDB',
  affiliate_revenue:
    '18.16 loses a joined column (campaigns.campaign_id) past the second nested level of a join chain',
  average_daily_cogs:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  average_inventory_cost:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  catalogue_coverage:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  clv_historical:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  clv_historical_revenue: '18.16 accepts only equalities in JOIN ON (this recipe joins on a range)',
  cohort_retention:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  contribution_margin:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  covered_range_keys:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  days_of_inventory:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  engagement_rate_owned:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  first_response_time:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  first_response_time_p90:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  gmroi:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  gross_margin:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  gross_margin_rate:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  inventory_turnover:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  list_value_sold:
    "18.16 loses a joined table's columns in a join chain of three or more (nested levels): Not found column products.sku in block. There are only colum",
  ltv_cac:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  margin_by_category:
    "18.16 loses a joined table's columns in a join chain of three or more (nested levels): Not found column products.sku in block. There are only colum",
  margin_by_channel:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  margin_by_product:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  market_sales: '18.16 accepts only equalities in JOIN ON (this recipe joins on a range)',
  market_share: '18.16 accepts only equalities in JOIN ON (this recipe joins on a range)',
  markup:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  net_cogs:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  net_margin:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  newsletter_subscribers:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  nrr: 'differs from DuckDB on 18.16 (set recipes across periods; cause not isolated)',
  order_cycle_time:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  order_cycle_time_p90:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  order_to_pick_time:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  order_to_pick_time_p90:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  owned_audience:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  price_realisation:
    "18.16 loses a joined table's columns in a join chain of three or more (nested levels): Not found column products.sku in block. There are only colum",
  promo_margin:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  promo_margin_share:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  promo_returned_margin:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  realised_value_sold:
    "18.16 loses a joined table's columns in a join chain of three or more (nested levels): Not found column products.sku in block. There are only colum",
  recognised_revenue:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  recognised_sales:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  reorder_signal:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  resolution_time:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  resolution_time_p90:
    '18.16 stores instants to the second (no DateTime64): durations lose the milliseconds DuckDB keeps',
  retention_rate: 'differs from DuckDB on 18.16 (set recipes across periods; cause not isolated)',
  returned_cogs:
    '18.16 loses a joined column (order_lines.order_id) past the second nested level of a join chain',
  returning_visitor_share:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  returning_visitors:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  sales_per_sqm: '18.16 accepts only equalities in JOIN ON (this recipe joins on a range)',
  sell_through:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  social_followers:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  stock_on_hand:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  stock_sellable:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
  stock_value_cost:
    '18.16 runs one JOIN per SELECT; this recipe or fact joins more than the dialect nests',
};
