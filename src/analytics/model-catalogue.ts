/**
 * The one list of analytic models. The CLI (`vitrine model <name>`), the API
 * (`GET /api/models`, `POST /api/models/{name}`), the worker that fits models for the API and
 * docs/models.md all read it: adding a model is a folder with its `-model.ts` and `-entry.ts`,
 * one line here, and one view file in web/src/views/analyses/ for its board.
 */
import { abtestEntry } from './abtest/abtest-entry.js';
import type { ModelEntry } from './analytic-model.js';
import { anomaliesEntry } from './anomalies/anomalies-entry.js';
import { attributionEntry } from './attribution/attribution-entry.js';
import { basketEntry } from './basket/basket-entry.js';
import { budgetEntry } from './budget/budget-entry.js';
import { clvEntry } from './clv/clv-entry.js';
import { cohortsEntry } from './cohorts/cohorts-entry.js';
import { lostSalesEntry } from './lost-sales/lost-sales-entry.js';
import { paramFields, paramsJsonSchema } from './model-params.js';
import { pathsEntry } from './paths/paths-entry.js';
import { promoEntry } from './promo/promo-entry.js';
import { shrinkageEntry } from './shrinkage/shrinkage-entry.js';
import { VitrineError } from '../util/errors.js';

/** In the order `vitrine model --help` lists them. */
export const MODEL_CATALOGUE: readonly ModelEntry[] = [
  basketEntry,
  clvEntry,
  attributionEntry,
  abtestEntry,
  promoEntry,
  lostSalesEntry,
  shrinkageEntry,
  cohortsEntry,
  anomaliesEntry,
  budgetEntry,
  pathsEntry,
];

export const modelNames = (): string[] => MODEL_CATALOGUE.map((e) => e.model.name);

/** The entry of a model by name; an unknown name lists the models there are. */
export function findModel(name: string): ModelEntry {
  const entry = MODEL_CATALOGUE.find((e) => e.model.name === name);
  if (!entry) {
    throw new VitrineError(
      'MODEL_UNKNOWN',
      `unknown model "${name}"; models: ${modelNames().join(', ')}`,
    );
  }
  return entry;
}

/** What `GET /api/models` lists: each model, the data it reads and its params as JSON Schema. */
export function modelListing(): {
  name: string;
  description: string;
  needs: ModelEntry['model']['needs'];
  params: Record<string, unknown>;
}[] {
  return MODEL_CATALOGUE.map(({ model }) => ({
    name: model.name,
    description: model.description,
    needs: model.needs,
    params: paramsJsonSchema(model.params),
  }));
}

/** A model's values as its analysis board draws them (`"view": "dashboard"`). */
export function dashboardValues(entry: ModelEntry, values: unknown): unknown {
  if (!entry.dashboard || values === null || typeof values !== 'object' || Array.isArray(values)) {
    return values;
  }
  return entry.dashboard(values as Record<string, unknown>);
}

/** docs/models.md: every model's parameters, bounds, input format and JSON contract. */
export function renderModelReference(): string {
  const out: string[] = [
    '# Analytic models',
    '',
    '<!-- Generated from src/analytics/model-catalogue.ts by `npm run docs`; edit the models, not this file. -->',
    '',
    'Each model runs on a workspace (`vitrine model <name> --workspace DIR`, or',
    '`POST /api/models/{name}` with `{"params": {…}}`) or on a file (`--input FILE`). Parameters are',
    'the same on both surfaces: camelCase in the API, kebab-case options on the command line.',
    'A value outside its bounds is refused (by the CLI, and by the API with a 400) with the',
    'parameter and the bound named.',
    '',
    'Through the API a run is bounded by settings of the server (environment variables): the fit',
    'runs in a worker thread (`VITRINE_MODEL_WORKERS` at once, default 1 on two cores, else 2) with',
    'its own heap (`VITRINE_MODEL_HEAP_MB`, 2048); at most `VITRINE_MODEL_QUEUE` runs wait (16,',
    'then 429); a run stops at `VITRINE_MODEL_TIME_LIMIT` seconds (300, reading and fitting) or',
    'when the client goes away; one fact read returns at most `VITRINE_MODEL_MAX_ROWS` rows',
    '(5,000,000). Work that grows combinatorially is capped inside the model and reported as a',
    '`TRUNCATED` warning in the diagnostics. The CLI runs in process, with the same bounds on',
    'parameters and work.',
    '',
  ];
  for (const entry of MODEL_CATALOGUE) {
    const m = entry.model;
    out.push(`## ${m.name}`, '', `${m.description}.`, '');
    out.push('| Option | API param | Accepts | Default | Meaning |', '|---|---|---|---|---|');
    for (const f of paramFields(m.params)) {
      out.push(
        `| \`${f.option} <${f.arg}>\` | \`${f.key}\` | ${f.accepts} | ${f.defaultText ?? '—'} | ${f.description.replace(/\|/g, '\\|')} |`,
      );
    }
    out.push('', '**Input.** ' + entry.input.replace(/\n\s*/g, ' '), '');
    out.push(
      '**Workspace reads.** ' +
        m.needs
          .map(
            (n) =>
              `\`${n.fact}\`${n.filters.length ? ` [${n.filters.join(', ')}]` : ''}: ${n.reads}`,
          )
          .join('; '),
      '',
    );
    out.push('**JSON output.**', '', '```', entry.json.replace(/\n\s*/g, '\n  '), '```', '');
    out.push('**Examples.**', '', '```sh', ...entry.examples, '```', '');
  }
  return out.join('\n');
}
