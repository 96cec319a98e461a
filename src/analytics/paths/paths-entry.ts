import type { ModelEntry } from '../analytic-model.js';
import { pathsModel } from './paths-model.js';

/** The paths model as the CLI, the API and the docs show it. */
export const pathsEntry: ModelEntry = {
  model: pathsModel,
  input:
    'CSV session_id,sku[,event_no]: product views in order. Workspace: view_item events of web_events.',
  json: '{ "sessions", "products", "transitions", "pairs": [ { "from", "to", "count", "probability" } ],\n    "byProduct": [ { "product", "views", "next_views" } ], "diagnostics" }',
  examples: [
    'vitrine model paths --workspace ./demo',
    'vitrine model paths --input views.csv --format json',
  ],
};
