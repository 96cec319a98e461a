import { isoDate } from '../../time/civil-date.js';
import { CURRENT_ROLE } from '../plan/period-plan.js';
import type { QueryRequest, QueryResponse, QueryRow } from '../query/query-types.js';
import type { RecipeContext, RecipeValue } from './recipe.js';
import { answerRoles } from './recipe-periods.js';

/**
 * The request a recipe runs through the semantic layer for `kpis`: the same dates, grain,
 * calendar, split, filters, cumulative windows and like-for-like perimeter as the request it
 * answers, so that its periods are the plan's periods; comparisons computed in SQL only.
 */
export function baseRequest(ctx: RecipeContext, kpis: readonly string[]): QueryRequest {
  const { request, plan } = ctx;
  const compare = plan.comparisons.filter((c) => c !== 'target');
  return {
    kpis: [...kpis],
    from: request.from,
    to: request.to,
    ...(request.by ? { by: request.by } : {}),
    ...(plan.grain ? { grain: plan.grain } : {}),
    ...(request.where ? { where: request.where } : {}),
    ...(request.calendar ? { calendar: request.calendar } : {}),
    ...(compare.length > 0 ? { compare } : {}),
    ...(plan.cumulative ? { cumulative: plan.cumulative } : {}),
    ...(request.lfl ? { lfl: true } : {}),
  };
}

/** The plan period (and hour) of a row of a sub-query over the same periods. */
export function periodOfRow(
  ctx: RecipeContext,
  row: QueryRow,
): { periodKey: string; hour: number | null } {
  const hourMatch = ctx.plan.grain === 'hour' ? / (\d{2}):00$/.exec(row.period) : null;
  const label = hourMatch ? row.period.slice(0, -6) : row.period;
  const period =
    ctx.plan.periods.find((p) => p.label === label) ??
    ctx.plan.periods.find((p) => ctx.plan.grain === null && p.key === 'all') ??
    ctx.plan.periods.find((p) => isoDate(p.start) === row.period_start);
  return {
    periodKey: period?.key ?? row.period_start,
    hour: hourMatch ? Number(hourMatch[1]) : null,
  };
}

/** A KPI's value in a row for a role: the row's own for `current`, the comparison's otherwise. */
export function roleValue(row: QueryRow, kpi: string, role: string): number | null {
  return role === CURRENT_ROLE
    ? (row.values[kpi] ?? null)
    : (row.comparisons[role]?.[kpi]?.value ?? null);
}

/** Recipe values from a sub-query's rows, one per role of the plan. */
export function valuesOf(
  ctx: RecipeContext,
  res: QueryResponse,
  pick: (row: QueryRow, role: string) => number | null,
): RecipeValue[] {
  const out: RecipeValue[] = [];
  const roles = answerRoles(ctx.plan);
  for (const row of res.rows) {
    const { periodKey, hour } = periodOfRow(ctx, row);
    for (const role of roles) {
      out.push({ role, periodKey, hour, dims: row.dims, value: pick(row, role) });
    }
  }
  return out;
}
