import { listParam } from '../dictionary/computation-catalogue.js';
import type { Grain } from '../query/query-types.js';
import type { Recipe } from './recipe.js';
import { boolParam, listParamOf, stringParam } from './recipe-params.js';
import { answerRoles } from './recipe-periods.js';
import { baseRequest, periodOfRow, roleValue, valuesOf } from './sub-query-values.js';

const GRAINS: readonly string[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];

/**
 * A KPI split by more dimensions than the request's (margin by product), at the grain the
 * request names or the recipe's default one (sales by hour), optionally as shares of the total
 * of its segments (a mix). Its rows carry the added dimensions; the runner keeps them apart
 * from the rows of the other KPIs.
 */
export const breakdownRecipe: Recipe = {
  name: 'breakdown',
  description:
    'the KPI named by `kpi` split by the `by` dimensions besides the request’s, at `grain` when the request names none; with share=true, each segment’s share of the period’s total',
  dependencies: (p) => (typeof p['kpi'] === 'string' ? [p['kpi']] : []),
  dimensions: (p) => listParam(p['by']),
  grain: (p) =>
    typeof p['grain'] === 'string' && GRAINS.includes(p['grain']) ? (p['grain'] as Grain) : null,
  async compute(ctx) {
    const kpi = stringParam(ctx, 'kpi');
    const by = [...(ctx.request.by ?? [])];
    for (const d of listParamOf(ctx, 'by')) if (!by.includes(d)) by.push(d);
    const res = await ctx.subQuery({
      ...baseRequest(ctx, [kpi]),
      ...(by.length > 0 ? { by } : {}),
    });
    if (!boolParam(ctx, 'share'))
      return valuesOf(ctx, res, (row, role) => roleValue(row, kpi, role));

    // A mix sums to 1: each segment over the sum of the segments of the same period, hour and
    // request split (with a one-to-many split, an order in two categories counts in both).
    const groupOf = (row: (typeof res.rows)[number], role: string) => {
      const { periodKey, hour } = periodOfRow(ctx, row);
      return JSON.stringify([
        role,
        periodKey,
        hour,
        ...ctx.plan.dims.map((x) => row.dims[x.id] ?? null),
      ]);
    };
    const totals = new Map<string, number>();
    for (const row of res.rows) {
      for (const role of answerRoles(ctx.plan)) {
        const v = roleValue(row, kpi, role);
        if (v === null) continue;
        const key = groupOf(row, role);
        totals.set(key, (totals.get(key) ?? 0) + v);
      }
    }
    return valuesOf(ctx, res, (row, role) => {
      const v = roleValue(row, kpi, role);
      const total = totals.get(groupOf(row, role));
      return v === null || total === undefined || total === 0 ? null : v / total;
    });
  },
};
