import type { ModelEntry } from '../analytic-model.js';
import { isObj, rows } from '../dashboard-view.js';
import { promoModel } from './promo-model.js';

/** The promo model as the CLI, the API and the docs show it. */
export const promoEntry: ModelEntry = {
  model: promoModel,
  input:
    'CSV date,sku,units,revenue[,cost][,category][,promotion]: one row per SKU and day; a promotion is the\n  SKUs and dates of the rows naming it. Workspace: promotions and their products, valid order lines.',
  json: '{ "method", "promotions": [ { "id", "starts_on", "ends_on", "categories", "seasonal_factor",\n    "promoted" | "cannibalised" | "halo": { "skus", "expected_units", "actual_units", "effect", "interval", "incremental_margin" },\n    "promo_margin", "supplier_funding", "net_incremental_margin", "paid_for_itself" } ], "diagnostics" }',
  examples: [
    'vitrine model promo --workspace ./demo',
    'vitrine model promo --input promo-days.csv --format json',
  ],
  dashboard: (values) => {
    // SKU lists are long; a board shows how many SKUs each group holds.
    const group = (g: unknown): unknown => {
      if (!isObj(g)) return g;
      const { skus, ...rest } = g;
      return { ...rest, sku_count: Array.isArray(skus) ? skus.length : 0 };
    };
    return {
      ...values,
      promotions: rows(values['promotions']).map((p) => ({
        ...p,
        promoted: group(p['promoted']),
        cannibalised: group(p['cannibalised']),
        halo: group(p['halo']),
      })),
    };
  },
};
