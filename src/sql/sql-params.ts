/**
 * Bound parameters: values travel next to the SQL, never inside it. Every backend reads `$n`
 * (ClickHouse's engine replaces each by the literal of its value, see the clickhouse bundle).
 */

/** A bound parameter value. Dates and timestamps are passed as ISO strings and cast in SQL. */
export type SqlParam = string | number | boolean | null;
export type SqlParams = readonly SqlParam[] | Readonly<Record<string, SqlParam>>;

/** The placeholder of the n-th bound parameter (1-based). */
export function placeholder(index: number): string {
  return `$${index}`;
}

/** Bound parameters of one statement, numbered from `first` ($1 may be taken by a file path). */
export class ParamList {
  readonly values: SqlParam[] = [];
  constructor(private readonly first = 1) {}

  /** The placeholder of a value, reusing the placeholder of an equal value. */
  add(value: SqlParam): string {
    const i = this.values.findIndex((v) => v === value);
    if (i >= 0) return placeholder(i + this.first);
    this.values.push(value);
    return placeholder(this.values.length - 1 + this.first);
  }
}
