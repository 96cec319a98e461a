import { VitrineError } from '../../util/errors.js';
import { quoteIdentifier as quoteStandard } from '../../sql/sql-identifier.js';
import type { LiteralStyle, SqlValue } from '../../sql/sql-literal.js';
import { sqlLiteral, standardString } from '../../sql/sql-literal.js';
import { placeholder } from '../../sql/sql-params.js';
import type { Dialect, DialectAggregation } from '../dialect.js';
import { aggregateSql, joinChain, nullSafeEquals, valuesRelation } from '../standard-sql.js';

/**
 * With standard_conforming_strings on (the default since 9.1, and set by the engine on every
 * connection), a backslash is an ordinary character inside '…', so the standard text literal
 * (the quote doubled) is the whole escape. PostgreSQL text cannot hold NUL at all.
 */
const LITERALS: LiteralStyle = {
  name: 'postgres',
  strings: 'standard',
  booleans: 'keywords',
  parenthesiseNegatives: true,
};

const quoteString = (s: string): string => standardString(s, 'postgres');

function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) {
    throw new VitrineError('SQL_IDENTIFIER', 'postgres: identifiers cannot contain NUL');
  }
  return quoteStandard(name);
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  capabilities: { inequalityJoin: true },
  quoteIdentifier,
  param: placeholder,
  literal: (value: SqlValue) => sqlLiteral(value, LITERALS),
  // Parameters are sent untyped (as text); the cast gives them their type where PostgreSQL
  // could not infer it (inside VALUES, CASE, comparisons with other parameters).
  dateParam: (p) => `CAST(${p} AS DATE)`,
  timestampParam: (p) => `CAST(${p} AS TIMESTAMPTZ)`,
  // timestamptz AT TIME ZONE 'zone' gives the local wall-clock time as a plain timestamp.
  localDate: (instant, tz) => `CAST((${instant} AT TIME ZONE ${quoteString(tz)}) AS DATE)`,
  localHour: (instant, tz) =>
    `CAST(EXTRACT(HOUR FROM (${instant} AT TIME ZONE ${quoteString(tz)})) AS INTEGER)`,
  isoWeekday: (date) => `CAST(EXTRACT(ISODOW FROM ${date}) AS INTEGER)`,
  monthOfYear: (date) => `CAST(EXTRACT(MONTH FROM ${date}) AS INTEGER)`,
  // EXTRACT(EPOCH …) is NUMERIC since PostgreSQL 14; DuckDB's epoch() is a double.
  secondsBetween: (from, to) =>
    `CAST(EXTRACT(EPOCH FROM ${to}) - EXTRACT(EPOCH FROM ${from}) AS DOUBLE PRECISION)`,
  daysBetween: (from, to) => `(CAST(${to} AS DATE) - CAST(${from} AS DATE))`,
  aggregate: (agg: DialectAggregation, expr: string) =>
    aggregateSql(agg, expr, {
      name: 'postgres',
      countDistinct: (e) => `count(DISTINCT ${e})`,
      // percentile_cont takes a double; the cast also accepts numeric, interval-free inputs.
      percentile: (e, p) =>
        `percentile_cont(${String(p)}) WITHIN GROUP (ORDER BY CAST(${e} AS DOUBLE PRECISION))`,
    }),
  // PostgreSQL has no arg_min: the first element of the values ordered by `by` (rows whose `by`
  // is NULL are left out, as arg_min does), ties broken by the smallest value.
  firstBy: (expr, by) =>
    `(array_agg(${expr} ORDER BY ${by}, ${expr}) FILTER (WHERE ${by} IS NOT NULL))[1]`,
  concat: (parts) => `concat(${parts.join(', ')})`,
  divide: (a, b) => `(CAST(${a} AS DOUBLE PRECISION) / NULLIF(${b}, 0))`,
  daySeries: (start, end) =>
    `CAST(generate_series(CAST(${start} AS TIMESTAMP), CAST(${end} AS TIMESTAMP), INTERVAL '1 day') AS DATE)`,
  addDays: (date, days) => `(CAST(${date} AS DATE) + CAST(${days} AS INTEGER))`,
  valuesRelation,
  joinedTable: quoteIdentifier,
  joinChain,
  nullSafeEquals,
  toDouble: (expr) => `CAST(${expr} AS DOUBLE PRECISION)`,
  nullDouble: () => 'CAST(NULL AS DOUBLE PRECISION)',
};
