import { abtestModel } from '../analytics/abtest/abtest-model.js';
import { anomaliesModel } from '../analytics/anomalies/anomalies-model.js';
import { attributionModel } from '../analytics/attribution/attribution-model.js';
import { basketModel } from '../analytics/basket/basket-model.js';
import { budgetModel } from '../analytics/budget/budget-model.js';
import { clvModel } from '../analytics/clv/clv-model.js';
import { cohortsModel } from '../analytics/cohorts/cohorts-model.js';
import { lostSalesModel } from '../analytics/lost-sales/lost-sales-model.js';
import type { Model } from '../analytics/analytic-model.js';
import { pathsModel } from '../analytics/paths/paths-model.js';
import { promoModel } from '../analytics/promo/promo-model.js';
import { shrinkageModel } from '../analytics/shrinkage/shrinkage-model.js';

/**
 * The analytics models the API offers. The endpoint is generic over the Model seam
 * (src/analytics/analytic-model.ts): a model added here appears in GET /api/models and runs at
 * POST /api/models/{name} with its own params schema, nothing else to change.
 */
export const API_MODELS: readonly Model<unknown, unknown, unknown>[] = [
  basketModel,
  clvModel,
  attributionModel,
  abtestModel,
  promoModel,
  cohortsModel,
  anomaliesModel,
  lostSalesModel,
  shrinkageModel,
  budgetModel,
  pathsModel,
] as readonly Model<unknown, unknown, unknown>[];
