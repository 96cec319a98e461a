import type { Recipe, RecipeContext, RecipeValue } from './recipe.js';
import { compileKpiSubPlan, firstDataDay } from './kpi-sub-plan.js';
import { enumParam, recipeError, stringParam } from './recipe-params.js';
import { answerRanges, mapRanges, refuseHourGrain } from './recipe-periods.js';
import { RecipeSql, valuesFromRows } from './recipe-sql.js';
import { baseRequest, roleValue, valuesOf } from './sub-query-values.js';

/**
 * Recipes that rewrite the request: the KPI named by `kpi`, asked again through the semantic
 * layer with other windows (cumulative) or another perimeter (like for like).
 */

const kpiDependency = (p: Readonly<Record<string, unknown>>): string[] =>
  typeof p['kpi'] === 'string' ? [p['kpi']] : [];

const ANCHORS = { ytd: 'year', qtd: 'quarter', mtd: 'month' } as const;

/**
 * `period: all`: the KPI over every day from the first day with data to the end of each
 * (role, period) range, in one statement: the KPI compiled over those ranges.
 */
async function sinceFirstDay(ctx: RecipeContext, kpi: string): Promise<RecipeValue[]> {
  const first = await firstDataDay(ctx, kpi);
  const ranges = mapRanges(answerRanges(ctx), (r) => ({
    start: Math.min(first ?? r.end, r.end),
    end: r.end,
  }));
  const rs = new RecipeSql(ctx);
  const sub = compileKpiSubPlan(rs, kpi, ranges);
  const rows = await rs.run(sub.sql);
  return valuesFromRows(ctx, rows, (row) => sub.value(row), sub.value(undefined));
}

/** A KPI accumulated from the start of the year (quarter, month), or since the data begin. */
export const cumulativeRecipe: Recipe = {
  name: 'cumulative',
  description:
    'the KPI named by `kpi`, accumulated to each period end from the start of its year (`period: ytd`), quarter (qtd), month (mtd), or from the first day with data (all)',
  dependencies: kpiDependency,
  // From the first day with data, the KPI is compiled into one statement over its own ranges.
  compiles: (p) => (p['period'] === 'all' ? kpiDependency(p) : []),
  async compute(ctx) {
    const kpi = stringParam(ctx, 'kpi');
    const period = enumParam(ctx, 'period', ['ytd', 'qtd', 'mtd', 'all'], 'ytd');
    refuseHourGrain(ctx, 'it accumulates whole days');
    if (period === 'all') return sinceFirstDay(ctx, kpi);
    if (ctx.plan.comparisons.includes('previous')) {
      throw recipeError(
        ctx,
        'BAD_COMPARISON',
        `it accumulates from the start of the ${ANCHORS[period]}: compare it with yoy, yoy-weekday or target, not previous`,
      );
    }
    const res = await ctx.subQuery({ ...baseRequest(ctx, [kpi]), cumulative: period });
    return valuesOf(ctx, res, (row, role) => roleValue(row, kpi, role));
  },
};

/**
 * Like-for-like growth: the relative change of `kpi` over N-1, restricted to the locations open
 * over both full periods.
 */
export const lflGrowthRecipe: Recipe = {
  name: 'lfl_growth',
  description:
    'relative change of `kpi` against the same period last year, on the locations open over both periods only',
  dependencies: kpiDependency,
  async compute(ctx) {
    const kpi = stringParam(ctx, 'kpi');
    const res = await ctx.subQuery({ ...baseRequest(ctx, [kpi]), compare: ['yoy'], lfl: true });
    return valuesOf(ctx, res, (row, role) =>
      role === 'current' ? (row.comparisons['yoy']?.[kpi]?.change_ratio ?? null) : null,
    );
  },
};
