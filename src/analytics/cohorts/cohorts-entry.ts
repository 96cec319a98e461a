import type { ModelEntry } from '../analytic-model.js';
import { cohortsModel } from './cohorts-model.js';

/** The cohorts model as the CLI, the API and the docs show it. */
export const cohortsEntry: ModelEntry = {
  model: cohortsModel,
  input:
    'CSV customer_id,date,amount, one row per order. Workspace: valid orders of known customers.',
  json: '{ "lastCompleteMonth", "cohorts": [ { "cohort", "customers", "months": [ { "k", "active", "retention", "repeat_rate",\n    "revenue", "cumulative_revenue_per_customer", "nrr" } ] } ], "average", "diagnostics" }',
  examples: [
    'vitrine model cohorts --workspace ./demo',
    'vitrine model cohorts --input orders.csv --format json',
  ],
};
