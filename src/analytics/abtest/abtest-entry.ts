import type { ModelEntry } from '../analytic-model.js';
import { abtestModel } from './abtest-model.js';

/** The abtest model as the CLI, the API and the docs show it. */
export const abtestEntry: ModelEntry = {
  model: abtestModel,
  input:
    'JSON { "variants": [ { "name", "n", "sum", "sum_squares" } ], "split": [0.5, 0.5] }; for rates sum =\n  conversions (sum_squares optional). CUPED: add "pre_sum", "pre_sum_squares", "sum_products" per variant.',
  json: '{ "metric", "control", "variants": [ { "name", "n", "mean", "sd" } ],\n    "comparisons": [ { "variant", "absolute_effect", "relative_effect", "ci_absolute", "ci_relative", "p_value",\n                       "bayes": { "chance_to_beat_control", "expected_loss", "credible_interval" }, "cuped" } ],\n    "srm": { "chi_square", "p_value", "mismatch" }, "diagnostics" }',
  examples: [
    'vitrine model abtest --input test.json',
    'vitrine model abtest --workspace ./demo --experiment EXP-0001 --format json',
  ],
};
