import type { Engine, Row } from '../../backends/engine.js';
import type { Calendar } from '../../time/calendar.js';
import type { Dialect, SqlValue } from '../../backends/dialect.js';
import type { KpiDictionary, KpiEntry } from '../dictionary/kpi-dictionary.js';
import type { QueryPlan, RecipeNeeds } from '../plan/query-plan.js';
import type { Grain, QueryRequest, QueryResponse } from '../query/query-types.js';

/**
 * A recipe computes a KPI that a single aggregate cannot express (retention, repeat rate, net
 * revenue retention, like-for-like growth…). It answers for the plan's periods, roles and
 * dimensions, and the runner merges its values with the rest of the answer, so recipes can be
 * compared, split and used in derived formulas like any KPI.
 */
export interface RecipeValue {
  /** 'current' or a comparison role. */
  readonly role: string;
  readonly periodKey: string;
  /** Hour of day for the hour grain, else null. */
  readonly hour: number | null;
  /**
   * Dimension values keyed by dimension id: the plan's dimensions, plus those the recipe adds to
   * the split (`Recipe.dimensions`).
   */
  readonly dims: Readonly<Record<string, string | number | null>>;
  readonly value: number | null;
}

export type RecipeParams = Readonly<Record<string, string | number | boolean>>;

export interface RecipeContext {
  /**
   * The engine, for state kept outside the facts (stored model runs). A statement of the answer
   * goes through `run` instead, so that the answer lists it.
   */
  readonly engine: Engine;
  readonly dialect: Dialect;
  readonly plan: QueryPlan;
  /** The request as planned (`plan.request`). */
  readonly request: QueryRequest;
  readonly kpi: KpiEntry;
  readonly params: RecipeParams;
  /** What the recipe declared to the plan builder, as the plan recorded it. */
  readonly needs: RecipeNeeds;
  readonly timeZone: string;
  readonly reportingCurrency: string;
  /** The calendar of the request (civil or 4-5-4), for periods the plan does not list. */
  readonly calendar: Calendar;
  /** The dictionary in force, for recipes that compile KPIs into their own statement. */
  readonly dictionary: KpiDictionary;
  /**
   * Row-level scopes of the caller (dimension → allowed values). Sub-queries apply them; a
   * recipe writing its own SQL must apply them to every row it reads.
   */
  readonly scopes: Readonly<Record<string, readonly string[]>>;
  /**
   * Runs a statement the recipe wrote (bound parameters in order). The runner executes it and
   * lists it with the answer's statements (`vitrine query --show-sql`).
   */
  run(sql: string, params: readonly SqlValue[]): Promise<readonly Row[]>;
  /** Runs another request with the same scopes (row-level security applies to recipes too). */
  subQuery(request: QueryRequest): Promise<QueryResponse>;
  /** Adds a warning to the answer (an incomplete total, a restriction that did not apply). */
  warn(message: string): void;
}

export interface Recipe {
  readonly name: string;
  /** What it computes, for `vitrine kpi show` and the docs. */
  readonly description: string;
  /** KPIs the recipe reads through sub-queries (checked when the plan is built). */
  dependencies?(params: RecipeParams): readonly string[];
  /**
   * KPIs the recipe compiles into its own statement (`kpi-sub-plan.ts`): the plan builder plans
   * them with the request's split, filters and scopes and records their plans (`needs.compiled`).
   */
  compiles?(params: RecipeParams): readonly string[];
  /** Dimensions the recipe adds to the split of the request for its own rows. */
  dimensions?(params: RecipeParams): readonly string[];
  /** Grain of the answer when the request names none. */
  grain?(params: RecipeParams): Grain | null;
  compute(ctx: RecipeContext): Promise<readonly RecipeValue[]>;
}
