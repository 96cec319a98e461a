import { quoteIdentifier } from '../../sql/sql-identifier.js';
import type { LiteralStyle, SqlValue } from '../../sql/sql-literal.js';
import { sqlLiteral, standardString } from '../../sql/sql-literal.js';
import { placeholder } from '../../sql/sql-params.js';
import type { Dialect, DialectAggregation } from '../dialect.js';
import { aggregateSql, joinChain, nullSafeEquals, valuesRelation } from '../standard-sql.js';

const LITERALS: LiteralStyle = {
  name: 'duckdb',
  strings: 'standard',
  booleans: 'keywords',
  parenthesiseNegatives: false,
};

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  capabilities: { inequalityJoin: true },
  quoteIdentifier,
  param: placeholder,
  literal: (value: SqlValue) => sqlLiteral(value, LITERALS),
  dateParam: (p) => `CAST(${p} AS DATE)`,
  timestampParam: (p) => `CAST(${p} AS TIMESTAMPTZ)`,
  localDate: (instant, tz) => `CAST(timezone(${standardString(tz)}, ${instant}) AS DATE)`,
  localHour: (instant, tz) => `hour(timezone(${standardString(tz)}, ${instant}))`,
  isoWeekday: (date) => `isodow(${date})`,
  monthOfYear: (date) => `month(${date})`,
  // Whole microseconds subtracted first: epoch() is a double of ~1.8e9 s, whose difference
  // loses ~1e-7 s (63.1925 s came out as 63.19249987…, off by 2e-9 relative from PostgreSQL).
  secondsBetween: (from, to) => `(CAST(epoch_us(${to}) - epoch_us(${from}) AS DOUBLE) / 1000000)`,
  daysBetween: (from, to) => `date_diff('day', CAST(${from} AS DATE), CAST(${to} AS DATE))`,
  aggregate: (agg: DialectAggregation, expr: string) =>
    aggregateSql(agg, expr, {
      name: 'duckdb',
      countDistinct: (e) => `count(DISTINCT ${e})`,
      percentile: (e, p) => `quantile_cont(${e}, ${p})`,
    }),
  firstBy: (expr, by) => `arg_min(${expr}, ${by})`,
  concat: (parts) => `concat(${parts.join(', ')})`,
  divide: (a, b) => `(${a} / NULLIF(${b}, 0))`,
  daySeries: (start, end) =>
    `CAST(unnest(generate_series(CAST(${start} AS TIMESTAMP), CAST(${end} AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE)`,
  addDays: (date, days) => `CAST(CAST(${date} AS DATE) + CAST(${days} AS INTEGER) AS DATE)`,
  valuesRelation,
  joinedTable: quoteIdentifier,
  joinChain,
  nullSafeEquals,
  toDouble: (expr) => `CAST(${expr} AS DOUBLE)`,
  nullDouble: () => 'CAST(NULL AS DOUBLE)',
};
