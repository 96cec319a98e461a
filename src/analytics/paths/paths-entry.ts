import type { ModelEntry } from '../analytic-model.js';
import { BOARD_HEAD, rows } from '../dashboard-view.js';
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
  dashboard: (values) => {
    // Pairs come most frequent first; a board shows the head of both lists.
    const pairs = rows(values['pairs']);
    return {
      ...values,
      pairs: pairs.slice(0, BOARD_HEAD),
      pairs_total: pairs.length,
      byProduct: rows(values['byProduct']).slice(0, BOARD_HEAD),
    };
  },
};
