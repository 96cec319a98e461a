import type { ModelEntry } from '../analytic-model.js';
import { BOARD_HEAD, num, rows } from '../dashboard-view.js';
import { lostSalesModel } from './lost-sales-model.js';

/** The lost-sales model as the CLI, the API and the docs show it. */
export const lostSalesEntry: ModelEntry = {
  model: lostSalesModel,
  input:
    'CSV date,location,sku,on_hand,units_sold[,revenue][,category][,promotion]: one row per location, SKU and day\n  (on_hand = end-of-day stock). Workspace: daily inventory snapshots and valid order lines.',
  json: '{ "total": { "stockout_days", "lost_units", "lost_value" }, "byLocation": [...], "byCategory": [...],\n    "bySkuLocation": [ { "sku", "location", "category", "stockout_days", "lost_units", "lost_value" } ], "diagnostics" }',
  examples: [
    'vitrine model lost-sales --workspace ./demo',
    'vitrine model lost-sales --input stock-days.csv --format json',
  ],
  dashboard: (values) => {
    // One row per SKU and location is thousands; a board shows the largest losses.
    const all = rows(values['bySkuLocation']);
    return {
      ...values,
      bySkuLocation: [...all]
        .sort((a, b) => (num(b['lost_value']) ?? 0) - (num(a['lost_value']) ?? 0))
        .slice(0, BOARD_HEAD),
      bySkuLocation_total: all.length,
    };
  },
};
