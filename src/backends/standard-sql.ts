import { quoteIdentifier } from '../sql/sql-identifier.js';
import { VitrineError } from '../util/errors.js';
import type { DialectAggregation, JoinItem } from './dialect.js';

/**
 * Pieces of the dialects written once: what the standard says and DuckDB and PostgreSQL both
 * read, and the aggregation switch every dialect shares (each gives its own distinct count and
 * percentile).
 */

/** The percentile each percentile aggregation asks for. */
export const PERCENTILES: Readonly<Partial<Record<DialectAggregation, number>>> = {
  median: 0.5,
  p75: 0.75,
  p90: 0.9,
};

export interface AggregateWords {
  /** The dialect's name, for the error on an unknown aggregation. */
  readonly name: string;
  countDistinct(expr: string): string;
  /** The continuous percentile `p` (linear interpolation between the closest ranks). */
  percentile(expr: string, p: number): string;
}

export function aggregateSql(agg: DialectAggregation, expr: string, words: AggregateWords): string {
  switch (agg) {
    case 'sum':
    case 'count':
    case 'avg':
    case 'min':
    case 'max':
      return `${agg}(${expr})`;
    case 'count_distinct':
      return words.countDistinct(expr);
    case 'median':
    case 'p75':
    case 'p90':
      return words.percentile(expr, PERCENTILES[agg] as number);
    default:
      throw new VitrineError('DIALECT', `${words.name}: unknown aggregation ${String(agg)}`);
  }
}

/** `(VALUES (…), (…)) AS alias(columns)`. */
export function valuesRelation(
  rows: readonly (readonly string[])[],
  columns: readonly string[],
  alias: string,
): string {
  return `(VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS ${alias}(${columns.join(', ')})`;
}

/** `a AS "a" LEFT JOIN b AS "b" ON …`, as many joins in one FROM as the items. */
export function joinChain(items: readonly JoinItem[]): string {
  return items
    .map((it) => {
      const from = `${it.relation} AS ${quoteIdentifier(it.alias)}`;
      return it.join ? ` ${it.join.kind} ${from} ON ${it.join.on}` : from;
    })
    .join('');
}

export function nullSafeEquals(a: string, b: string): string {
  return `(${a} IS NOT DISTINCT FROM ${b})`;
}
