import type { Recipe } from './recipe.js';
import { listParamOf, recipeError } from './recipe-params.js';
import { baseRequest, roleValue, valuesOf } from './sub-query-values.js';

/**
 * A total made of parts in the same unit (revenue leakage = discounts + refunds + …). Parts
 * computed by an analytics model have no run stored for queries yet: they are reported missing
 * in the answer's warnings and the total is flagged incomplete, never silently short.
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
    for (const id of parts) {
      const f = ctx.dictionary.get(id).def.formula;
      if ('model' in f) fromModels.push(`${id} (model ${f.model})`);
      else computed.push(id);
    }
    if (fromModels.length > 0) {
      ctx.warn(
        `KPI ${ctx.kpi.def.id} is incomplete: no stored model run for ${fromModels.join(', ')}; the total leaves ${fromModels.length > 1 ? 'them' : 'it'} out`,
      );
    }
    if (computed.length === 0) return [];
    const res = await ctx.subQuery(baseRequest(ctx, computed));
    return valuesOf(ctx, res, (row, role) => {
      let total = 0;
      for (const id of computed) {
        const v = roleValue(row, id, role);
        // A part without a value makes the total unknown rather than short.
        if (v === null) return null;
        total += v;
      }
      return total;
    });
  },
};
