/**
 * KPIs Debian's clickhouse-server 18.16 cannot compute like DuckDB, with the reason (found by
 * running the suite; current ClickHouse, chDB, computes all of them). What the dialect does
 * differently for 18.16 (flat join chains, one join per SELECT, no range in JOIN ON…) is in
 * src/backends/clickhouse/CONTEXT.md; what is left is below.
 */
const DATETIME_SECONDS =
  '18.16 stores instants to the second (no DateTime64, which came in 20.1): a duration between two instants loses the milliseconds DuckDB keeps (e.g. 422.4079 s vs 422.4167 s); a fix needs instants stored as milliseconds on 18.16 and pushed so';

export const CLICKHOUSE_18_16_MISSING: Readonly<Record<string, string>> = {
  first_response_time: DATETIME_SECONDS,
  first_response_time_p90: DATETIME_SECONDS,
  order_cycle_time: DATETIME_SECONDS,
  order_cycle_time_p90: DATETIME_SECONDS,
  order_to_pick_time: DATETIME_SECONDS,
  order_to_pick_time_p90: DATETIME_SECONDS,
  resolution_time: DATETIME_SECONDS,
  resolution_time_p90: DATETIME_SECONDS,
};
