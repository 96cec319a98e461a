import type { Row } from '../../backends/engine.js';
import { parseIsoDate } from '../../time/civil-date.js';
import { compilePlan, fromSql, parseModelExpression } from '../compiler/sql-compiler.js';
import { collectRefs } from '../expression/expression-ast.js';
import type { Expr } from '../expression/expression-ast.js';
import { dimensionExpression, requiredJoins } from '../facts/fact-resolver.js';
import type { DimensionDef } from '../facts/fact-types.js';
import type { PlannedDimension, QueryPlan, RoleRange, Scan } from '../plan/query-plan.js';
import { kpiValues } from '../query/kpi-values.js';
import type { RecipeContext } from './recipe.js';
import { recipeError } from './recipe-params.js';
import { spanOf } from './recipe-periods.js';
import { RecipeSql } from './recipe-sql.js';

/**
 * A KPI of the dictionary compiled by the ordinary compiler over day ranges the recipe chooses
 * (from the first day of data, a year earlier…) instead of the request's, with the request's
 * split, filters and scopes, and optionally one more column attributing each row to a customer.
 * The recipe wraps the compiled SQL in its own statement (bound parameters shared), so the KPI
 * keeps its exact definition — filters, currency conversion, fan-out protection — and the
 * recipe needs no second copy of it.
 */

/**
 * How rows are attributed to customers: `customer` adds the customer id, `identified` a flag
 * telling rows of an identified customer from anonymous ones.
 */
export type Attribution = 'customer' | 'identified';

export interface KpiSubPlan {
  readonly plan: QueryPlan;
  /**
   * Columns role, pkey, hr, the request's split (d0…), the attribution column when asked, then
   * one column per base measure (m_<id>).
   */
  readonly sql: string;
  readonly attributionColumn: string | null;
  readonly measureColumns: readonly string[];
  /** The KPI's value from a row of base measures (none: nothing happened). */
  value(row: Row | undefined): number | null;
}

/** Sales reach their customer through the order: customers.customer_id as each fact reads it. */
const CUSTOMER: DimensionDef = {
  id: 'customer',
  label: { en: 'Customer', fr: 'Client' },
  expr: 'customers.customer_id',
};

export interface SubPlanOptions {
  readonly attribution?: Attribution;
  /** Only sums and counts: values attributed to customers are summed over customers. */
  readonly additiveOnly?: boolean;
}

export function compileKpiSubPlan(
  rs: RecipeSql,
  kpi: string,
  ranges: readonly RoleRange[],
  options: SubPlanOptions = {},
): KpiSubPlan {
  const ctx = rs.ctx;
  const span = spanOf(ranges);
  const base = compiledPlan(ctx, kpi);
  for (const w of base.warnings) ctx.warn(w);
  for (const k of base.kpis) {
    if (k.kind === 'recipe') {
      throw recipeError(
        ctx,
        'RECIPE_NESTED',
        `${kpi} must be computed from measures, but ${k.id} is computed by the recipe ${k.recipe}`,
      );
    }
    if (
      options.additiveOnly &&
      k.kind === 'measure' &&
      k.measure.agg !== 'sum' &&
      k.measure.agg !== 'count'
    ) {
      throw recipeError(
        ctx,
        'RECIPE_NOT_ADDITIVE',
        `${kpi} cannot be attributed to customers: ${k.id} is a ${k.measure.agg}, not a sum or a count`,
      );
    }
  }
  if (base.scans.length === 0) throw recipeError(ctx, 'RECIPE_NO_FACT', `${kpi} reads no fact`);

  let dims: readonly PlannedDimension[] = base.dims;
  let scans: readonly Scan[] = base.scans;
  let attributionColumn: string | null = null;
  const attribution = options.attribution;
  if (attribution) {
    const column = `d${base.dims.length}`;
    const planned: PlannedDimension = { id: '_attribution', column, expr: null, timePart: null };
    scans = scans.map((s) => {
      const resolved = dimensionExpression(s.fact, CUSTOMER);
      if (!resolved) {
        throw recipeError(
          ctx,
          'RECIPE_NO_CUSTOMER',
          `${kpi} reads fact ${s.fact.name}, whose rows belong to no customer`,
        );
      }
      const expr: Expr =
        attribution === 'identified'
          ? { kind: 'isNull', arg: resolved.expr, negated: true }
          : resolved.expr;
      return { ...s, dims: [...s.dims, { ...planned, expr: { expr, tables: resolved.tables } }] };
    });
    dims = [...dims, planned];
    attributionColumn = column;
  }
  // The like-for-like perimeter covers every day read, not only the request's.
  scans = scans.map((s) =>
    s.lfl ? { ...s, lfl: { openedBy: span.start, openUntil: span.end } } : s,
  );
  const plan: QueryPlan = { ...base, dims, scans, ranges: [...ranges] };
  const compiled = compilePlan(plan, {
    dialect: rs.d,
    timeZone: ctx.timeZone,
    reportingCurrency: ctx.reportingCurrency,
    params: rs.params,
  });
  return {
    plan,
    sql: compiled.sql,
    attributionColumn,
    measureColumns: [...compiled.measureColumns.values()],
    value: (row) => kpiValues(plan, row, () => null).get(kpi) ?? null,
  };
}

/** The plan of a KPI the recipe declared it compiles (`Recipe.compiles`), as the plan recorded it. */
function compiledPlan(ctx: RecipeContext, kpi: string): QueryPlan {
  const plan = ctx.needs.compiled[kpi];
  if (!plan) {
    throw recipeError(
      ctx,
      'RECIPE_UNDECLARED',
      `the recipe compiles ${kpi} but did not declare it (Recipe.compiles), so the plan has no plan of it`,
    );
  }
  return plan;
}

/**
 * The first local day with data in any fact the KPI reads (null for an empty database): where
 * "since the first day with data" starts.
 */
export async function firstDataDay(ctx: RecipeContext, kpi: string): Promise<number | null> {
  const plan = compiledPlan(ctx, kpi);
  const rs = new RecipeSql(ctx);
  const parts = new Set<string>();
  for (const s of plan.scans) {
    if (!s.time) continue;
    const e = parseModelExpression(s.time.column);
    const tables = collectRefs(e)
      .map((r) => r.table)
      .filter((t): t is string => t !== null);
    const from = fromSql(s.fact.base, requiredJoins(s.fact, tables), rs.exprCtx);
    const col = rs.expr(e);
    const day = s.time.kind === 'timestamp' ? rs.localDate(col) : col;
    parts.add(`SELECT min(${day}) AS ${rs.id('day')} FROM ${from}`);
  }
  if (parts.size === 0) return null;
  const rows = await rs.run(
    `SELECT CAST(min(${rs.col('_f', 'day')}) AS VARCHAR) AS ${rs.id('day')} FROM (${[...parts].join(' UNION ALL ')}) AS ${rs.id('_f')}`,
  );
  const v = rows[0]?.['day'];
  return typeof v === 'string' ? parseIsoDate(v) : null;
}
