import type { ModelEntry } from '../analytic-model.js';
import { histogram, num, rows } from '../dashboard-view.js';
import { clvModel } from './clv-model.js';

/** The clv model as the CLI, the API and the docs show it. */
export const clvEntry: ModelEntry = {
  model: clvModel,
  input:
    'CSV with header customer_id,date,amount (optional margin), one row per transaction;\n  date is YYYY-MM-DD; same-day transactions of a customer are merged.\n  Workspace: valid orders of known customers, amounts excluding tax in the reporting currency.',
  json: '{ "params": { "bgnbd": { "r", "alpha", "a", "b" }, "gammaGamma": { "p", "q", "gamma" } },\n    "customers": [ { "customer_id", "frequency", "recency", "T", "monetary", "expected_purchases",\n                     "p_alive", "expected_spend", "clv", "historical_revenue", "historical_margin", "rfm", "value_tier" } ],\n    "standardErrors", "logLikelihood", "calibration", "totals", "holdout", "segments", "diagnostics" }\n  frequency counts repeat purchases; monetary is the mean of repeat purchases; null = not computable.',
  examples: [
    'vitrine model clv --input transactions.csv --calibration-end 1997-09-30 --time-unit week --horizon 39',
    'vitrine model clv --workspace ./demo --format json',
  ],
  dashboard: (values) => {
    const customers = rows(values['customers']);
    const clv = customers.map((c) => num(c['clv'])).filter((v): v is number => v !== null);
    const byClv = [...customers].sort((a, b) => (num(b['clv']) ?? -1) - (num(a['clv']) ?? -1));
    const { customers: _all, ...rest } = values;
    return {
      ...rest,
      distribution: histogram(clv),
      customers_total: customers.length,
      top_customers: byClv.slice(0, 20),
    };
  },
};
