import { comparisonRange, periodsBefore } from '../../time/comparison.js';
import { calendarGrainOf } from '../../time/grain.js';
import type { DayRange } from '../../time/period.js';
import { CURRENT_ROLE } from '../plan/period-plan.js';
import type { QueryPlan, RoleRange } from '../plan/query-plan.js';
import type { RecipeContext } from './recipe.js';
import { recipeError } from './recipe-params.js';

/** Roles a recipe answers for: the current period and each comparison computed in SQL. */
export function answerRoles(plan: QueryPlan): string[] {
  return [CURRENT_ROLE, ...plan.comparisons.filter((c) => c !== 'target')];
}

/** The plan's ranges of those roles: what a recipe computes. */
export function answerRanges(ctx: RecipeContext): RoleRange[] {
  const roles = new Set(answerRoles(ctx.plan));
  return ctx.plan.ranges.filter((r) => roles.has(r.role));
}

/** The smallest range holding every range given. */
export function spanOf(ranges: readonly DayRange[]): DayRange {
  return {
    start: Math.min(...ranges.map((r) => r.start)),
    end: Math.max(...ranges.map((r) => r.end)),
  };
}

/** Recipes that count over whole days refuse the hour grain rather than answer per day. */
export function refuseHourGrain(ctx: RecipeContext, why: string): void {
  if (ctx.plan.grain === 'hour') {
    throw recipeError(ctx, 'BAD_GRAIN', `no hour grain: ${why}; use --grain day or coarser`);
  }
}

/**
 * P−1 of a range: the whole period of the request's grain before the one the range starts in
 * (the customers of February for March, or for March 1–17); without a grain, or for cumulative
 * windows, the range of the same length just before.
 */
export function previousRange(ctx: RecipeContext, r: DayRange): DayRange {
  const { grain, cumulative } = ctx.plan;
  if (grain && !cumulative) {
    const period = ctx.calendar.periodOf(r.start, calendarGrainOf(grain));
    const prev = periodsBefore(ctx.calendar, period, 1);
    return { start: prev.start, end: prev.end };
  }
  const length = r.end - r.start + 1;
  return { start: r.start - length, end: r.start - 1 };
}

/**
 * The same dates one year earlier, like for like at the request's grain (a whole month maps to
 * the whole month, 52 weeks earlier on the retail calendar).
 */
export function yearEarlierRange(ctx: RecipeContext, r: DayRange): DayRange {
  const { grain, cumulative } = ctx.plan;
  return comparisonRange({
    from: r.start,
    to: r.end,
    grain: grain && !cumulative ? grain : 'day',
    calendar: ctx.calendar,
    compare: 'yoy',
  }).comparison;
}

/** Ranges with their days replaced, keeping role and period. */
export function mapRanges(
  ranges: readonly RoleRange[],
  f: (r: RoleRange) => DayRange,
  key: (r: RoleRange) => string = (r) => r.periodKey,
): RoleRange[] {
  return ranges.map((r) => {
    const d = f(r);
    return { role: r.role, periodKey: key(r), start: d.start, end: d.end };
  });
}
