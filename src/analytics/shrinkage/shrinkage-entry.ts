import type { ModelEntry } from '../analytic-model.js';
import { shrinkageModel } from './shrinkage-model.js';

/** The shrinkage model as the CLI, the API and the docs show it. */
export const shrinkageEntry: ModelEntry = {
  model: shrinkageModel,
  input:
    'CSV count_on,location,sku,book_quantity,counted_quantity[,unit_cost][,category]. Workspace: inventory_counts.',
  json: '{ "total", "byLocation", "byCategory", "byLocationCategory": [ { "key", "book_units", "lost_units", "found_units",\n    "net_loss_units", "shrink_rate", "rate_interval", "net_loss_at_cost" } ], "diagnostics" }',
  examples: [
    'vitrine model shrinkage --workspace ./demo',
    'vitrine model shrinkage --input counts.csv',
  ],
};
