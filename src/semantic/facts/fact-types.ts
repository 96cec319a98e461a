/**
 * The semantic model: facts (what KPIs aggregate over) and dimensions (what they are split by),
 * declared over the canonical tables. KPI measures name a fact; the compiler derives joins,
 * time, fan-out protection and scopes from these declarations.
 */

export type JoinKind = 'many_to_one' | 'one_to_many';

export interface JoinDef {
  /** Table of the canonical model (or derived relation) joined in. */
  readonly table: string;
  /**
   * The name expressions use for it; by default the table's own name. A second join of the same
   * table needs one (the returns fact reads FX rates of the return day and of the order day).
   */
  readonly as?: string;
  /** Join condition in the expression language, over already-joined tables and this one. */
  readonly on: string;
  /**
   * many_to_one: each fact row matches at most one row (safe for every measure);
   * one_to_many: a fact row may match several; measures of the fact are then protected from
   * fan-out by aggregating over distinct fact keys (see the compiler).
   */
  readonly kind: JoinKind;
}

export interface TimeRole {
  /** Column in the expression language, e.g. orders.ordered_at. */
  readonly column: string;
  /** A timestamp is converted to the workspace's local date; a date is already local. */
  readonly kind: 'timestamp' | 'date';
}

export interface FactDef {
  readonly name: string;
  readonly description: string;
  /** The table whose rows the fact's measures aggregate. */
  readonly base: string;
  /** Columns identifying a row of the base table (for fan-out-safe keys subqueries). */
  readonly key: readonly string[];
  readonly joins: readonly JoinDef[];
  /** When a row counts in time; null for timeless facts (catalogue state). */
  readonly time: TimeRole | null;
  /** Other dates a measure may count on instead (e.g. `delivered`). */
  readonly times?: Readonly<Record<string, TimeRole>>;
  /** Named filters measures refer to by name. */
  readonly filters?: Readonly<Record<string, string>>;
  /** Named computed columns usable in measures as `fact.<name>`… written `@name`. */
  readonly computed?: Readonly<Record<string, string>>;
  /** How a dimension maps in this fact when not by its default expression. */
  readonly dims?: Readonly<Record<string, string>>;
  /** Location column of the fact (for like-for-like and row-level scopes by location). */
  readonly location?: string;
}

export interface DimensionDef {
  readonly id: string;
  readonly label: { readonly en: string; readonly fr: string };
  /** Default expression (over canonical tables); facts may map it differently. */
  readonly expr: string | null;
  /** Time parts are computed from the fact's time role, not from a column. */
  readonly timePart?: 'hour' | 'weekday' | 'month_of_year' | 'date';
}

/** The name a join is read by in expressions and SQL. */
export function joinName(j: JoinDef): string {
  return j.as ?? j.table;
}
