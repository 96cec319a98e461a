import type { ModelEntry } from '../analytic-model.js';
import { budgetModel } from './budget-model.js';

/** The budget model as the CLI, the API and the docs show it. */
export const budgetEntry: ModelEntry = {
  model: budgetModel,
  input:
    'CSV period,channel,spend,margin (margin: attributed gross margin of the period). Workspace: weekly ad\n  spend per channel and the margin of conversions credited linearly over their touches.',
  json: '{ "periods", "budget", "channels": [ { "channel", "curve": { "beta", "theta", "r2" }, "current_spend", "suggested_spend",\n    "change", "marginal_return_current", "marginal_return_suggested", … } ], "expected_effect", "diagnostics" }',
  examples: [
    'vitrine model budget --workspace ./demo',
    'vitrine model budget --input weekly.csv --budget 5000',
  ],
};
