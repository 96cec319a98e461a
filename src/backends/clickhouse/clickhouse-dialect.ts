import { VitrineError } from '../../util/errors.js';
import { quoteClickHouseIdentifier as quoteIdentifier } from '../../sql/sql-identifier.js';
import type { LiteralStyle, SqlValue } from '../../sql/sql-literal.js';
import { clickhouseString, sqlLiteral } from '../../sql/sql-literal.js';
import { placeholder } from '../../sql/sql-params.js';
import type { Dialect, DialectAggregation, JoinItem } from '../dialect.js';
import { aggregateSql } from '../standard-sql.js';

/**
 * ClickHouse SQL that runs on the oldest server Vitrine supports (18.16, Debian's package) and on
 * current releases (26.x, chDB). 18.16 has no query parameters, CTEs or window functions and one
 * JOIN per SELECT; see CONTEXT.md for how values and those limits are handled.
 */

/**
 * 18.16 has no boolean type: booleans are UInt8 there, and 1/0 compare equal to Bool on 26.x.
 * Negatives (and -0) are parenthesised so that `x - -1` can never read as `x --1` (a comment).
 */
const LITERALS: LiteralStyle = {
  name: 'clickhouse',
  strings: 'clickhouse',
  booleans: 'digits',
  parenthesiseNegatives: true,
};

/**
 * DuckDB's quantile_cont (linear interpolation between the closest ranks, h = (n-1)·p) written
 * with arrays, which 18.16 has: its own quantile functions either pick a sample value
 * (quantileExact) or are approximate above 8192 rows (quantile). The sorted array appears three
 * times as the same expression, which ClickHouse computes once.
 */
function quantileCont(expr: string, p: number): string {
  const s = `arraySort(groupArray(toFloat64(${expr})))`;
  const h = `(${p} * (length(${s}) - 1))`;
  const lo = `arrayElement(${s}, toUInt64(floor(${h})) + 1)`;
  const hi = `arrayElement(${s}, toUInt64(ceil(${h})) + 1)`;
  return `if(length(${s}) = 0, NULL, ${lo} + (${h} - floor(${h})) * (${hi} - ${lo}))`;
}

/**
 * One item of a join chain as a subquery whose columns are named `alias.column`, under an alias
 * (`_tN`) no expression names. Every column of the chain then has a name of its own, so a join
 * renames none (18.16 prefixes a right-hand column with its table only when the left side has
 * the same name, and a nested level then asks for a name that does not exist), and
 * `"alias"."column"` resolves, at any depth and on 18.16 and 26.x alike, to the column of that
 * name: no table is called `alias` any more.
 */
function flatItem(item: JoinItem, i: number): string {
  const select = item.columns
    .map((c) => `${quoteIdentifier(c)} AS ${quoteIdentifier(`${item.alias}.${c}`)}`)
    .join(', ');
  return `(SELECT ${select} FROM ${item.relation} AS ${quoteIdentifier(`_r${i}`)}) AS ${quoteIdentifier(`_t${i}`)}`;
}

/**
 * 18.16 runs one JOIN per SELECT: a chain of three or more items is nested, each level a
 * `SELECT *` of the joins so far (the names are unique, so nothing is renamed or lost). Join
 * conditions name the earlier side first (`earlier = joined`), which 18.16 needs to tell the
 * sides apart.
 */
function joinChain(items: readonly JoinItem[]): string {
  const [first, ...rest] = items;
  if (!first) throw new VitrineError('DIALECT', 'clickhouse: a join chain needs a first item');
  let from = flatItem(first, 0);
  rest.forEach((item, i) => {
    if (!item.join) {
      throw new VitrineError('DIALECT', `clickhouse: join chain item ${item.alias} has no join`);
    }
    if (i > 0) from = `(SELECT * FROM ${from}) AS ${quoteIdentifier(`_j${i}`)}`;
    from = `${from} ${item.join.kind} ${flatItem(item, i + 1)} ON ${item.join.on}`;
  });
  return from;
}

/** A value as text that tells NULL apart from every value ('' included). */
function nullSafeKey(x: string): string {
  return `if(isNull(${x}), 'n', concat('v', toString(assumeNotNull(${x}))))`;
}

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  // 18.16 takes only equalities in JOIN ON; current servers take any condition, but one SQL
  // text for both keeps the results comparable, and the other plan gives the same rows.
  capabilities: { inequalityJoin: false },
  quoteIdentifier,
  // The engine replaces $n by the literal of the n-th value (a tokenizer that skips strings,
  // quoted identifiers and comments): callers keep one way of passing values for every engine.
  param: placeholder,
  literal: (value: SqlValue) => sqlLiteral(value, LITERALS),
  dateParam: (p) => `toDate(${p})`,
  // ISO text with a zone ('…Z'); parseDateTimeBestEffort reads it on 18.16 and 26.x alike.
  timestampParam: (p) => `parseDateTimeBestEffort(${p}, 'UTC')`,
  localDate: (instant, tz) => `toDate(${instant}, ${clickhouseString(tz)})`,
  localHour: (instant, tz) => `toHour(${instant}, ${clickhouseString(tz)})`,
  isoWeekday: (date) => `toDayOfWeek(${date})`,
  monthOfYear: (date) => `toMonth(${date})`,
  // Exact to the millisecond the instants are stored at (DateTime64(3); DateTime on 18.16): a
  // Float64 of epoch seconds is off by ~1e-7 s, enough to move a 60 s response time at 1e-9, so
  // each instant is rounded to whole milliseconds (well within a double) before subtracting.
  // toUnixTimestamp64Milli would say it directly but does not exist on 18.16.
  secondsBetween: (from, to) =>
    `((toInt64(round(toFloat64(${to}) * 1000)) - toInt64(round(toFloat64(${from}) * 1000))) / 1000)`,
  daysBetween: (from, to) => `dateDiff('day', toDate(${from}), toDate(${to}))`,
  aggregate: (agg: DialectAggregation, expr: string) =>
    aggregateSql(agg, expr, {
      name: 'clickhouse',
      countDistinct: (e) => `uniqExact(${e})`,
      percentile: quantileCont,
    }),
  firstBy: (expr, by) => `argMin(${expr}, ${by})`,
  // DuckDB's concat skips NULLs; ClickHouse's returns NULL and wants strings.
  concat: (parts) => `concat(${parts.map((p) => `ifNull(toString(${p}), '')`).join(', ')})`,
  // Decimal division keeps the numerator's scale in ClickHouse; the meaning is DuckDB's double.
  divide: (a, b) => `(toFloat64(${a}) / nullIf(toFloat64(${b}), 0))`,
  daySeries: (start, end) =>
    `arrayJoin(arrayMap(x -> addDays(toDate(${start}), x), range(toUInt32(dateDiff('day', toDate(${start}), toDate(${end})) + 1))))`,
  addDays: (date, days) => `addDays(toDate(${date}), toInt32(${days}))`,
  // No VALUES relation with column names on 18.16: one SELECT per row, UNION ALL.
  valuesRelation(rows, columns, alias) {
    if (rows.length === 0) {
      throw new VitrineError('DIALECT', `clickhouse: relation ${alias} needs at least one row`);
    }
    const selects = rows.map(
      (r) => `SELECT ${r.map((v, i) => `${v} AS ${columns[i] as string}`).join(', ')}`,
    );
    return `(${selects.join(' UNION ALL ')}) AS ${alias}`;
  },
  // 18.16 loses `table.column` qualifiers when it rewrites a Distributed table for its shards
  // inside a join ("Unknown identifier: orders.order_id"); a subquery keeps them.
  joinedTable: (name) => `(SELECT * FROM ${quoteIdentifier(name)})`,
  joinChain,
  // isNotDistinctFrom is 23.x+, and 18.16 takes only equalities of one side's expression to the
  // other's in JOIN ON, where this is used: each side as one text, 'n' for NULL and 'v' + the
  // value's text otherwise (toString is exact for values of one type).
  nullSafeEquals: (a, b) => `(${nullSafeKey(a)} = ${nullSafeKey(b)})`,
  // Nullable everywhere so that UNION ALL branches have one type (18.16 finds no supertype).
  toDouble: (expr) => `toNullable(toFloat64(${expr}))`,
  nullDouble: () => 'CAST(NULL AS Nullable(Float64))',
};
