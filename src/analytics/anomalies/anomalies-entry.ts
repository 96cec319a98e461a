import type { ModelEntry } from '../analytic-model.js';
import { anomaliesModel } from './anomalies-model.js';

/** The anomalies model as the CLI, the API and the docs show it. */
export const anomaliesEntry: ModelEntry = {
  model: anomaliesModel,
  input:
    'CSV date,kpi,segment,value (segment "all" for the whole business), one row per KPI, segment and day.\n  Workspace: daily KPI values by each dimension through the semantic layer.',
  json: '{ "window": { "from", "to" }, "scanned", "anomalies": [ { "kpi", "dimension", "segment", "date", "actual", "expected",\n    "change", "relative_change", "z", "direction", "driver": { "kpi", "share" }, "top_segment" } ], "diagnostics" }',
  examples: [
    'vitrine model anomalies --workspace ./demo',
    'vitrine model anomalies --workspace ./demo --kpis net_sales --by region --window-days 28',
  ],
};
