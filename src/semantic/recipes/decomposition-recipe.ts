import type { Recipe } from './recipe.js';
import { listParamOf, recipeError } from './recipe-params.js';
import type { StoredModelOutput } from './model-output-store.js';
import { coverageText, readModelOutput, storedTotal } from './model-output-store.js';
import { baseRequest, roleValue, valuesOf } from './sub-query-values.js';

/**
 * A total made of parts in the same unit (revenue leakage = discounts + refunds + …). A part
 * computed by an analytics model is read from the model's last stored run (`vitrine model
 * lost-sales` stores its daily values, `model-output-store.ts`); without a run, or for a split,
 * filter or scope the daily run cannot answer, it is reported missing in the answer's warnings
 * and the total flagged incomplete, never silently short.
 */
export const decompositionRecipe: Recipe = {
  name: 'decomposition',
  description:
    'the sum of the KPIs named by `kpis` (same unit), each a part of the total; parts computed by a model and not available make the total incomplete',
  // Parts are checked at compute time: a part computed by a model cannot be planned.
  async compute(ctx) {
    const parts = listParamOf(ctx, 'kpis');
    if (parts.length === 0) {
      throw recipeError(ctx, 'RECIPE_PARAM', 'recipe decomposition needs the parameter kpis');
    }
    const fromModels: string[] = [];
    const computed: string[] = [];
    const stored: { id: string; run: StoredModelOutput }[] = [];
    // A stored run is a daily total over the whole business: it answers periods, not a split,
    // an hour, a filter or a scoped caller.
    const daily =
      ctx.plan.dims.length > 0
        ? `split by ${ctx.plan.dims.map((d) => d.id).join(', ')}`
        : ctx.plan.grain === 'hour'
          ? 'by hour'
          : ctx.request.where && Object.keys(ctx.request.where).length > 0
            ? 'filtered'
            : Object.keys(ctx.scopes).length > 0
              ? 'for a scoped caller'
              : ctx.plan.cumulative
                ? 'cumulated'
                : null;
    for (const id of parts) {
      const f = ctx.dictionary.get(id).def.formula;
      if (!('model' in f)) {
        computed.push(id);
        continue;
      }
      const run = await readModelOutput(ctx.engine, f.model, f.output ?? id);
      if ('missing' in run) fromModels.push(`${id} (model ${f.model}): ${run.missing}`);
      else if (daily)
        fromModels.push(`${id} (model ${f.model}): its stored run is daily, not ${daily}`);
      else stored.push({ id, run });
    }
    if (fromModels.length > 0) {
      ctx.warn(
        `KPI ${ctx.kpi.def.id} is incomplete: ${fromModels.join(', ')}; the total leaves ${fromModels.length > 1 ? 'them' : 'it'} out`,
      );
    }
    if (computed.length === 0) return [];
    const res = await ctx.subQuery(baseRequest(ctx, computed));
    const uncovered = new Set<string>();
    const values = valuesOf(ctx, res, (row, role) => {
      let total = 0;
      for (const id of computed) {
        const v = roleValue(row, id, role);
        // A part without a value makes the total unknown rather than short.
        if (v === null) return null;
        total += v;
      }
      return total;
    });
    if (stored.length === 0) return values;
    const out = values.map((v) => {
      if (v.value === null) return v;
      let total = v.value;
      for (const { id, run } of stored) {
        for (const r of ctx.plan.ranges) {
          if (r.role !== v.role || r.periodKey !== v.periodKey) continue;
          const part = storedTotal(run, r.start, r.end);
          if (part === null) {
            uncovered.add(`${id} (stored run covers ${coverageText(run)})`);
            return { ...v, value: null };
          }
          total += part;
        }
      }
      return { ...v, value: total };
    });
    if (uncovered.size > 0) {
      ctx.warn(
        `KPI ${ctx.kpi.def.id} is unknown for periods outside its model runs: ${[...uncovered].join(', ')}; run the model again over them`,
      );
    }
    return out;
  },
};
