import type { ModelEntry } from '../analytic-model.js';
import { BOARD_HEAD, rows } from '../dashboard-view.js';
import { basketModel } from './basket-model.js';

/** The basket model as the CLI, the API and the docs show it. */
export const basketEntry: ModelEntry = {
  model: basketModel,
  input:
    '--input-format baskets: one basket per line, items separated by commas (no header).\n  --input-format long: CSV with header basket_id,item, one row per item of a basket.\n  Workspace: a basket is a valid order (not cancelled or fraud), items at --level.',
  json: '{ "rules": [ { "lhs": [..], "rhs": [..], "support", "confidence", "lift", "leverage", "conviction", "count" } ],\n    "transactions": N, "items": N, "minCount": N, "frequentItemsets": N, "diagnostics": {…} }\n  conviction is null when confidence is 1 (infinite).',
  examples: [
    'vitrine model basket --input groceries.csv --min-support 0.006 --min-confidence 0.25',
    'vitrine model basket --workspace ./demo --level category --min-support 0.005 --format json',
  ],
  dashboard: (values) => {
    const rules = rows(values['rules']);
    return { ...values, rules: rules.slice(0, BOARD_HEAD), rules_total: rules.length };
  },
};
