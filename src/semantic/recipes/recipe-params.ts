import { VitrineError } from '../../util/errors.js';
import { listParam } from '../dictionary/computation-catalogue.js';
import type { RecipeContext } from './recipe.js';

/**
 * Parameters of a recipe as the KPI gives them. The dictionary validator checks them when the
 * dictionary loads; these accessors still fail with a one-line error naming the KPI, since a
 * workspace may run with a dictionary that has diagnostics.
 */

function recipeOf(ctx: RecipeContext): string {
  const f = ctx.kpi.def.formula;
  return 'recipe' in f ? f.recipe : '';
}

/** An error naming the KPI (and its recipe) at fault. */
export function recipeError(ctx: RecipeContext, code: string, message: string): VitrineError {
  return new VitrineError(code, `KPI ${ctx.kpi.def.id}: ${message}`);
}

function missing(ctx: RecipeContext, name: string, what: string): VitrineError {
  return recipeError(
    ctx,
    'RECIPE_PARAM',
    `recipe ${recipeOf(ctx)} needs the parameter ${name} (${what})`,
  );
}

export function stringParam(ctx: RecipeContext, name: string): string {
  const v = ctx.params[name];
  if (typeof v !== 'string' || v.trim() === '') throw missing(ctx, name, 'a KPI id');
  return v.trim();
}

export function intParam(ctx: RecipeContext, name: string, min = 0): number {
  const v = ctx.params[name];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min) throw missing(ctx, name, `a whole number ≥ ${min}`);
  return n;
}

export function boolParam(ctx: RecipeContext, name: string): boolean {
  const v = ctx.params[name];
  return v === true || v === 'true';
}

export function enumParam<T extends string>(
  ctx: RecipeContext,
  name: string,
  values: readonly T[],
  fallback?: T,
): T {
  const v = ctx.params[name];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  throw missing(ctx, name, `one of ${values.join(', ')}`);
}

export function listParamOf(ctx: RecipeContext, name: string): string[] {
  return listParam(ctx.params[name]);
}
