import { VitrineError } from '../../util/errors.js';
import { quoteIdentifier } from '../../sql/sql-identifier.js';
import type { LiteralStyle, SqlValue } from '../../sql/sql-literal.js';
import { sqlLiteral, standardString } from '../../sql/sql-literal.js';
import { placeholder } from '../../sql/sql-params.js';
import type { Dialect, DialectAggregation } from '../dialect.js';

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
  aggregate(agg: DialectAggregation, expr: string): string {
    switch (agg) {
      case 'sum':
        return `sum(${expr})`;
      case 'count':
        return `count(${expr})`;
      case 'count_distinct':
        return `count(DISTINCT ${expr})`;
      case 'avg':
        return `avg(${expr})`;
      case 'min':
        return `min(${expr})`;
      case 'max':
        return `max(${expr})`;
      case 'median':
        return `quantile_cont(${expr}, 0.5)`;
      case 'p75':
        return `quantile_cont(${expr}, 0.75)`;
      case 'p90':
        return `quantile_cont(${expr}, 0.9)`;
      default:
        throw new VitrineError('DIALECT', `duckdb: unknown aggregation ${String(agg)}`);
    }
  },
  firstBy: (expr, by) => `arg_min(${expr}, ${by})`,
  concat: (parts) => `concat(${parts.join(', ')})`,
  divide: (a, b) => `(${a} / NULLIF(${b}, 0))`,
  daySeries: (start, end) =>
    `CAST(unnest(generate_series(CAST(${start} AS TIMESTAMP), CAST(${end} AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE)`,
  addDays: (date, days) => `CAST(CAST(${date} AS DATE) + CAST(${days} AS INTEGER) AS DATE)`,
  valuesRelation: (rows, columns, alias) =>
    `(VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS ${alias}(${columns.join(', ')})`,
  joinedTable: quoteIdentifier,
  joinChain: (items) =>
    items
      .map((it) => {
        const from = `${it.relation} AS ${quoteIdentifier(it.alias)}`;
        return it.join ? ` ${it.join.kind} ${from} ON ${it.join.on}` : from;
      })
      .join(''),
  nullSafeEquals: (a, b) => `(${a} IS NOT DISTINCT FROM ${b})`,
  toDouble: (expr) => `CAST(${expr} AS DOUBLE)`,
  nullDouble: () => 'CAST(NULL AS DOUBLE)',
};
