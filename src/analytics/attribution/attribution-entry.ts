import type { ModelEntry } from '../analytic-model.js';
import { BOARD_HEAD, isObj, num, rows } from '../dashboard-view.js';
import { attributionModel } from './attribution-model.js';

/** The attribution model as the CLI, the API and the docs show it. */
export const attributionEntry: ModelEntry = {
  model: attributionModel,
  input:
    'CSV with header path,total_conversions,total_conversion_value,total_null; channels of a path\n  separated by " > ". Workspace: touchpoints of each visitor up to each valid order placed in a\n  web or app session.',
  json: '{ "totals": {…}, "models": { "<model>": { "<channel>": { "conversions", "value", "margin" } } },\n    "markov": { "conversionProbability", "removalEffects", "shares", "transitions" },\n    "efficiency": { "channels": [ { "key", "spend", "revenue", "roas", "marketing_roi", "cac", "ltv", "ltv_cac", … } ], "campaigns": [...] },\n    "diagnostics" }  models: first_touch, last_touch, linear, time_decay, position_based, markov.',
  examples: [
    'vitrine model attribution --input attribution_paths.csv',
    'vitrine model attribution --workspace ./demo --from 2025-01-01 --to 2025-12-31 --format json',
  ],
  dashboard: (values) => {
    const eff = values['efficiency'];
    if (!isObj(eff)) return values;
    const campaigns = rows(eff['campaigns']);
    return {
      ...values,
      efficiency: {
        ...eff,
        campaigns_total: campaigns.length,
        campaigns: [...campaigns]
          .sort((a, b) => (num(b['spend']) ?? 0) - (num(a['spend']) ?? 0))
          .slice(0, BOARD_HEAD),
      },
    };
  },
};
