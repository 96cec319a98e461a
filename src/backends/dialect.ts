import type { SqlValue } from '../sql/sql-literal.js';

/**
 * The Dialect seam: SQL vocabulary by meaning. A compiled plan asks the dialect how to write a
 * local date, a percentile, a parameter…; no connection is needed to compile. Anything a
 * dialect cannot express throws, naming the dialect and what was asked.
 */
/**
 * What the compiler and the recipes must know to write a statement a backend runs. Only flags
 * something reads are kept: the compiler uses no CTE and no window function on any backend (one
 * SQL text for ClickHouse 18.16 too), and values always travel as `$n` placeholders (ClickHouse's
 * engine inlines them), so neither needs a flag.
 */
export interface DialectCapabilities {
  /**
   * JOIN ON conditions other than ANDed equalities (ranges, OR); without them an inner join on
   * such a condition is a CROSS JOIN filtered in WHERE (the same rows).
   */
  readonly inequalityJoin: boolean;
}

export type { SqlValue };

/**
 * The aggregations a dialect writes: those of the dictionary's measures but `last` and
 * `avg_daily`, which the compiler builds from daily sums.
 */
export type DialectAggregation =
  'sum' | 'count' | 'count_distinct' | 'avg' | 'min' | 'max' | 'median' | 'p75' | 'p90';

/** One FROM item of a join chain: the first has no `join`. */
export interface JoinItem {
  /** The relation: a quoted table, `joinedTable(…)`, or a subquery in parentheses. */
  readonly relation: string;
  /** Its alias, unquoted. */
  readonly alias: string;
  /** The columns it has, for dialects that must carry them through nested joins by name. */
  readonly columns: readonly string[];
  readonly join?: { readonly kind: 'JOIN' | 'LEFT JOIN'; readonly on: string };
}

export interface Dialect {
  readonly name: 'duckdb' | 'postgres' | 'clickhouse';
  readonly capabilities: DialectCapabilities;
  quoteIdentifier(name: string): string;
  /** Placeholder of the n-th bound parameter (1-based). */
  param(index: number): string;
  /** The one audited literal encoder (for dialects without bound parameters, and constants). */
  literal(value: SqlValue): string;
  /** A bound DATE parameter. */
  dateParam(placeholder: string): string;
  /** A bound TIMESTAMP WITH TIME ZONE parameter (ISO text). */
  timestampParam(placeholder: string): string;
  /** Local calendar date of an instant in the time zone (an IANA name, validated by the caller). */
  localDate(instant: string, timeZone: string): string;
  /** Local hour (0–23) of an instant. */
  localHour(instant: string, timeZone: string): string;
  /** ISO weekday 1–7 and month 1–12 of a date. */
  isoWeekday(date: string): string;
  monthOfYear(date: string): string;
  secondsBetween(from: string, to: string): string;
  daysBetween(from: string, to: string): string;
  aggregate(agg: DialectAggregation, expr: string): string;
  /** Value of `expr` on the row with the smallest `by`. */
  firstBy(expr: string, by: string): string;
  concat(parts: readonly string[]): string;
  /**
   * `numerator / denominator` as a double, NULL when the denominator is 0: DuckDB's meaning of
   * `/` (PostgreSQL divides integers as integers, so its dialect casts first).
   */
  divide(numerator: string, denominator: string): string;
  /**
   * A select-list expression that yields one row per day from start to end inclusive (both
   * DATE expressions), typed DATE.
   */
  daySeries(start: string, end: string): string;
  /** A DATE moved by a whole number of days (`days` an integer expression, may be negative). */
  addDays(date: string, days: string): string;
  /**
   * A FROM item of constant rows (each row's values already SQL), named `alias` with `columns`:
   * `(VALUES …) AS alias(columns)` where the engine has it.
   */
  valuesRelation(
    rows: readonly (readonly string[])[],
    columns: readonly string[],
    alias: string,
  ): string;
  /**
   * A model table as a FROM item when the statement joins it (base or joined table), aliased
   * by the caller: its quoted name where the engine resolves `table.column` through joins.
   */
  joinedTable(name: string): string;
  /**
   * A FROM clause joining `items` in order (`a AS a LEFT JOIN b AS b ON …`); expressions above it
   * name columns `alias.column` as usual.
   */
  joinChain(items: readonly JoinItem[]): string;
  /** Equality where two NULLs are equal (joining rows on dimension values that may be NULL). */
  nullSafeEquals(a: string, b: string): string;
  /** Output of a measure as a double (exact sums are converted once, at the end). */
  toDouble(expr: string): string;
  /** NULL typed for a union branch that does not compute a measure. */
  nullDouble(): string;
}
