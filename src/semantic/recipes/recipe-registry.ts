import { VitrineError } from '../../util/errors.js';
import type { Recipe } from './recipe.js';
import { breakdownRecipe } from './breakdown-recipe.js';
import { coveredRangeKeysRecipe } from './catalogue-recipes.js';
import {
  cohortRetentionRecipe,
  customersWithOrdersRecipe,
  interactingCustomersRecipe,
  retentionRateRecipe,
  returningVisitorsRecipe,
} from './customer-set-recipes.js';
import { clvHistoricalRecipe, nrrRecipe } from './customer-value-recipes.js';
import { decompositionRecipe } from './decomposition-recipe.js';
import { reorderSignalRecipe } from './inventory-recipes.js';
import { marketSizeProratedRecipe, recognisedSalesRecipe } from './revenue-recipes.js';
import { cumulativeRecipe, lflGrowthRecipe } from './rewrite-recipes.js';
import { perSellingAreaRecipe } from './selling-area-recipe.js';

/** Every recipe of the computation catalogue (src/semantic/dictionary/computation-catalogue.ts). */
const RECIPES: readonly Recipe[] = [
  breakdownRecipe,
  cumulativeRecipe,
  lflGrowthRecipe,
  perSellingAreaRecipe,
  returningVisitorsRecipe,
  interactingCustomersRecipe,
  customersWithOrdersRecipe,
  retentionRateRecipe,
  cohortRetentionRecipe,
  clvHistoricalRecipe,
  nrrRecipe,
  recognisedSalesRecipe,
  decompositionRecipe,
  reorderSignalRecipe,
  coveredRangeKeysRecipe,
  marketSizeProratedRecipe,
];
const BY_NAME = new Map(RECIPES.map((r) => [r.name, r]));

export function recipeNames(): string[] {
  return RECIPES.map((r) => r.name);
}

export function getRecipe(name: string, kpi?: string): Recipe {
  const r = BY_NAME.get(name);
  if (!r) {
    throw new VitrineError(
      'UNKNOWN_RECIPE',
      `${kpi ? `KPI ${kpi}: ` : ''}unknown recipe "${name}"; recipes are: ${recipeNames().join(', ')}`,
    );
  }
  return r;
}
