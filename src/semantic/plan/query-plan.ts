import type { Aggregation } from '../dictionary/kpi-schema.js';
import type { KpiEntry } from '../dictionary/kpi-dictionary.js';
import type { Expr } from '../expression/expression-ast.js';
import type { ResolvedExpr } from '../facts/fact-resolver.js';
import type { FactDef, TimeRole } from '../facts/fact-types.js';
import type {
  CalendarKind,
  Comparison,
  Cumulative,
  Grain,
  QueryRequest,
} from '../query/query-types.js';

/**
 * The immutable plan of a query: what to scan, at which grain, over which day ranges, and what
 * each recipe KPI needs. Built once from a request and the dictionary (plan-builder.ts, the only
 * reader of the recipe registry), compiled to SQL by a dialect (sql-compiler.ts) and executed by
 * the runner, never mutated in between. Plain data: names, expressions and numbers.
 */

/** A KPI defined as an aggregate over a fact: what the engine actually computes. */
export interface BaseMeasure {
  readonly id: string;
  readonly agg: Aggregation;
  readonly expr: ResolvedExpr | null;
  readonly filter: ResolvedExpr | null;
}

export interface PlannedDimension {
  readonly id: string;
  /** Output column name in SQL (d0, d1…). */
  readonly column: string;
  readonly expr: ResolvedExpr | null;
  readonly timePart: 'hour' | 'weekday' | 'month_of_year' | 'date' | null;
}

export interface PlannedFilter {
  readonly dimension: string;
  readonly expr: ResolvedExpr;
  readonly values: readonly string[];
  /** A row-level security scope (must apply) rather than a user filter. */
  readonly scope: boolean;
}

/** One pass over a fact at one time role: every measure of that fact is computed in it. */
export interface Scan {
  readonly fact: FactDef;
  readonly timeRoleName: string;
  readonly time: TimeRole | null;
  readonly measures: readonly BaseMeasure[];
  readonly dims: readonly PlannedDimension[];
  readonly filters: readonly PlannedFilter[];
  /** Like-for-like: restrict the fact's location to those open over both compared periods. */
  readonly lfl: { readonly openedBy: number; readonly openUntil: number } | null;
}

/** A KPI of the request, or one a derived KPI needs. */
export type PlannedKpi =
  | {
      readonly id: string;
      readonly entry: KpiEntry;
      readonly kind: 'measure';
      readonly measure: BaseMeasure;
    }
  | {
      readonly id: string;
      readonly entry: KpiEntry;
      readonly kind: 'derived';
      readonly expr: Expr;
      readonly deps: readonly string[];
    }
  | {
      readonly id: string;
      readonly entry: KpiEntry;
      readonly kind: 'recipe';
      readonly recipe: string;
      readonly params: Readonly<Record<string, string | number | boolean>>;
      /** What the recipe declared when the plan was built (the only time it is asked). */
      readonly needs: RecipeNeeds;
    };

/**
 * What a recipe KPI needs, as its recipe declared it to the plan builder: the KPIs it reads
 * (planned with the query, so names and cycles are checked before anything runs), the
 * dimensions it adds to the split, the grain it answers at by default, and the plans of the KPIs
 * it compiles into its own statement (with the request's split, filters and scopes).
 */
export interface RecipeNeeds {
  readonly dependencies: readonly string[];
  readonly dimensions: readonly string[];
  readonly grain: Grain | null;
  readonly compiled: Readonly<Record<string, QueryPlan>>;
}

/** A reporting period of the answer (clipped to the requested range). */
export interface PlannedPeriod {
  readonly key: string;
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** Days whose rows count for a period, in a role: 'current' or a comparison. */
export interface RoleRange {
  readonly role: string;
  readonly periodKey: string;
  readonly start: number;
  readonly end: number;
}

export interface QueryPlan {
  /** The request as planned: with the grain its recipes chose when it named none. */
  readonly request: QueryRequest;
  readonly kpis: readonly PlannedKpi[];
  /** The KPIs asked for, in order. */
  readonly requested: readonly string[];
  /**
   * What the main statement reads: the base measures of the requested KPIs and of their
   * formulas. Measures only recipes read are planned (and checked) but computed by the recipes,
   * at their own windows and split.
   */
  readonly scans: readonly Scan[];
  readonly dims: readonly PlannedDimension[];
  /** The answer's split: the request's dimensions, then those breakdown recipes add. */
  readonly answerBy: readonly string[];
  readonly grain: Grain | null;
  readonly calendar: CalendarKind;
  readonly cumulative: Cumulative | null;
  readonly comparisons: readonly Comparison[];
  readonly periods: readonly PlannedPeriod[];
  readonly ranges: readonly RoleRange[];
  readonly from: number;
  readonly to: number;
  readonly warnings: readonly string[];
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
