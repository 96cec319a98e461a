import type { Command } from 'commander';
import { abtestModel } from '../../analytics/abtest/abtest-model.js';
import { anomaliesModel } from '../../analytics/anomalies/anomalies-model.js';
import { attributionModel } from '../../analytics/attribution/attribution-model.js';
import { basketModel } from '../../analytics/basket/basket-model.js';
import { budgetModel } from '../../analytics/budget/budget-model.js';
import { clvModel } from '../../analytics/clv/clv-model.js';
import { cohortsModel } from '../../analytics/cohorts/cohorts-model.js';
import type { LostSalesValues } from '../../analytics/lost-sales/lost-sales-model.js';
import { lostSalesModel } from '../../analytics/lost-sales/lost-sales-model.js';
import { storeLostSalesRun } from '../../analytics/lost-sales/lost-sales-store.js';
import { pathsModel } from '../../analytics/paths/paths-model.js';
import { promoModel } from '../../analytics/promo/promo-model.js';
import { shrinkageModel } from '../../analytics/shrinkage/shrinkage-model.js';
import type { Model, ModelInput } from '../../analytics/analytic-model.js';
import { runModel } from '../../analytics/analytic-model.js';
import type { CliIo } from '../cli-io.js';
import { renderJson } from '../output.js';
import { VitrineError } from '../../util/errors.js';
import { WORKSPACE_HELP, withWorkspace } from '../workspace-option.js';

/** How each model appears on the command line: its options and the help that documents them. */
export interface ModelCli {
  /** Params, data and values vary per model; the CLI passes raw options through runModel. */
  readonly model: Model<unknown, unknown, unknown>;
  readonly options: (cmd: Command) => Command;
  readonly inputHelp: string;
  readonly jsonHelp: string;
  readonly examples: readonly string[];
}

const MODELS: readonly ModelCli[] = [
  {
    model: basketModel,
    options: (c) =>
      c
        .option('--min-support <x>', 'minimum share of baskets containing an itemset', '0.001')
        .option('--min-confidence <x>', 'minimum confidence of a rule', '0.1')
        .option('--min-len <n>', 'minimum items in a rule, left and right together', '2')
        .option('--max-len <n>', 'maximum items in a rule', '10')
        .option('--max-rhs <n>', 'maximum items on the right side (1 as arules)', '1')
        .option('--level <level>', 'workspace: product, subcategory or category', 'product')
        .option(
          '--input-format <format>',
          'baskets (one basket per line) or long (basket_id,item)',
          'baskets',
        )
        .option('--sort <measure>', 'lift, confidence, support, count or leverage', 'lift')
        .option('--top <n>', 'rules shown in the summary', '20')
        .option('--from <date>', 'workspace: first order day (YYYY-MM-DD)')
        .option('--to <date>', 'workspace: last order day (YYYY-MM-DD)'),
    inputHelp:
      '--input-format baskets: one basket per line, items separated by commas (no header).\n  --input-format long: CSV with header basket_id,item, one row per item of a basket.\n  Workspace: a basket is a valid order (not cancelled or fraud), items at --level.',
    jsonHelp:
      '{ "rules": [ { "lhs": [..], "rhs": [..], "support", "confidence", "lift", "leverage", "conviction", "count" } ],\n    "transactions": N, "items": N, "minCount": N, "frequentItemsets": N, "diagnostics": {…} }\n  conviction is null when confidence is 1 (infinite).',
    examples: [
      'vitrine model basket --input groceries.csv --min-support 0.006 --min-confidence 0.25',
      'vitrine model basket --workspace ./demo --level category --min-support 0.005 --format json',
    ],
  },
  {
    model: clvModel,
    options: (c) =>
      c
        .option(
          '--calibration-end <date>',
          'last day of the calibration period (default: last transaction)',
        )
        .option('--time-unit <unit>', 'day or week', 'week')
        .option('--horizon <n>', 'prediction horizon in time units (default 52 weeks / 365 days)')
        .option('--discount-rate <x>', 'annual discount rate of the predictive CLV', '0.1')
        .option('--value <basis>', 'revenue or margin per purchase', 'revenue')
        .option('--top <n>', 'customers shown in the summary', '10')
        .option('--from <date>', 'workspace: first order day')
        .option('--to <date>', 'workspace: last order day'),
    inputHelp:
      'CSV with header customer_id,date,amount (optional margin), one row per transaction;\n  date is YYYY-MM-DD; same-day transactions of a customer are merged.\n  Workspace: valid orders of known customers, amounts excluding tax in the reporting currency.',
    jsonHelp:
      '{ "params": { "bgnbd": { "r", "alpha", "a", "b" }, "gammaGamma": { "p", "q", "gamma" } },\n    "customers": [ { "customer_id", "frequency", "recency", "T", "monetary", "expected_purchases",\n                     "p_alive", "expected_spend", "clv", "historical_revenue", "historical_margin", "rfm", "value_tier" } ],\n    "standardErrors", "logLikelihood", "calibration", "totals", "holdout", "segments", "diagnostics" }\n  frequency counts repeat purchases; monetary is the mean of repeat purchases; null = not computable.',
    examples: [
      'vitrine model clv --input transactions.csv --calibration-end 1997-09-30 --time-unit week --horizon 39',
      'vitrine model clv --workspace ./demo --format json',
    ],
  },
  {
    model: attributionModel,
    options: (c) =>
      c
        .option(
          '--half-life <n>',
          'time decay half-life: days (workspace) or touches (file); default 7 / 1',
        )
        .option('--first-share <x>', 'position based: share of the first touch', '0.4')
        .option('--last-share <x>', 'position based: share of the last touch', '0.4')
        .option(
          '--lookback-days <n>',
          'workspace: touches older than this before a conversion are ignored',
          '30',
        )
        .option('--efficiency-model <model>', 'model feeding CAC, ROAS, ROI, LTV/CAC', 'markov')
        .option('--spend <file>', 'file mode: CSV channel,spend for ROAS')
        .option('--from <date>', 'workspace: first conversion day')
        .option('--to <date>', 'workspace: last conversion day'),
    inputHelp:
      'CSV with header path,total_conversions,total_conversion_value,total_null; channels of a path\n  separated by " > ". Workspace: touchpoints of each visitor up to each valid order placed in a\n  web or app session.',
    jsonHelp:
      '{ "totals": {…}, "models": { "<model>": { "<channel>": { "conversions", "value", "margin" } } },\n    "markov": { "conversionProbability", "removalEffects", "shares", "transitions" },\n    "efficiency": { "channels": [ { "key", "spend", "revenue", "roas", "marketing_roi", "cac", "ltv", "ltv_cac", … } ], "campaigns": [...] },\n    "diagnostics" }  models: first_touch, last_touch, linear, time_decay, position_based, markov.',
    examples: [
      'vitrine model attribution --input attribution_paths.csv',
      'vitrine model attribution --workspace ./demo --from 2025-01-01 --to 2025-12-31 --format json',
    ],
  },
  {
    model: abtestModel,
    options: (c) =>
      c
        .option('--confidence <x>', 'confidence level of intervals and tests', '0.95')
        .option('--metric <kind>', 'auto, proportion or mean', 'auto')
        .option('--control <name>', 'control variant (default: "control", else the first)')
        .option('--split <shares>', 'planned split, e.g. 0.5,0.5 (default: the file’s, else equal)')
        .option(
          '--srm-threshold <p>',
          'p-value below which the split is declared mismatched',
          '0.001',
        )
        .option('--experiment <id>', 'workspace: experiment id (default: the latest)')
        .option(
          '--outcome <kind>',
          'workspace: conversion, orders or revenue (default: from the primary KPI)',
        ),
    inputHelp:
      'JSON { "variants": [ { "name", "n", "sum", "sum_squares" } ], "split": [0.5, 0.5] }; for rates sum =\n  conversions (sum_squares optional). CUPED: add "pre_sum", "pre_sum_squares", "sum_products" per variant.',
    jsonHelp:
      '{ "metric", "control", "variants": [ { "name", "n", "mean", "sd" } ],\n    "comparisons": [ { "variant", "absolute_effect", "relative_effect", "ci_absolute", "ci_relative", "p_value",\n                       "bayes": { "chance_to_beat_control", "expected_loss", "credible_interval" }, "cuped" } ],\n    "srm": { "chi_square", "p_value", "mismatch" }, "diagnostics" }',
    examples: [
      'vitrine model abtest --input test.json',
      'vitrine model abtest --workspace ./demo --experiment EXP-0001 --format json',
    ],
  },
  {
    model: promoModel,
    options: (c) =>
      c
        .option('--promotion <id>', 'workspace: one promotion (default: every price promotion)')
        .option('--baseline-days <n>', 'days before and after used as the baseline', '28')
        .option('--companion-lift <x>', 'minimum basket lift of a halo companion', '1.5')
        .option('--confidence <x>', 'confidence of the effect intervals', '0.95'),
    inputHelp:
      'CSV date,sku,units,revenue[,cost][,category][,promotion]: one row per SKU and day; a promotion is the\n  SKUs and dates of the rows naming it. Workspace: promotions and their products, valid order lines.',
    jsonHelp:
      '{ "method", "promotions": [ { "id", "starts_on", "ends_on", "categories", "seasonal_factor",\n    "promoted" | "cannibalised" | "halo": { "skus", "expected_units", "actual_units", "effect", "interval", "incremental_margin" },\n    "promo_margin", "supplier_funding", "net_incremental_margin", "paid_for_itself" } ], "diagnostics" }',
    examples: [
      'vitrine model promo --workspace ./demo',
      'vitrine model promo --input promo-days.csv --format json',
    ],
  },
  {
    model: lostSalesModel,
    options: (c) =>
      c
        .option('--window-days <n>', 'days each side of a stockout for the in-stock rate', '28')
        .option('--top <n>', 'items shown in the summary', '15')
        .option('--from <date>', 'workspace: first day')
        .option('--to <date>', 'workspace: last day'),
    inputHelp:
      'CSV date,location,sku,on_hand,units_sold[,revenue][,category][,promotion]: one row per location, SKU and day\n  (on_hand = end-of-day stock). Workspace: daily inventory snapshots and valid order lines.',
    jsonHelp:
      '{ "total": { "stockout_days", "lost_units", "lost_value" }, "byLocation": [...], "byCategory": [...],\n    "bySkuLocation": [ { "sku", "location", "category", "stockout_days", "lost_units", "lost_value" } ], "diagnostics" }',
    examples: [
      'vitrine model lost-sales --workspace ./demo',
      'vitrine model lost-sales --input stock-days.csv --format json',
    ],
  },
  {
    model: shrinkageModel,
    options: (c) =>
      c
        .option('--confidence <x>', 'confidence of the rate intervals', '0.95')
        .option('--from <date>', 'workspace: first count day')
        .option('--to <date>', 'workspace: last count day'),
    inputHelp:
      'CSV count_on,location,sku,book_quantity,counted_quantity[,unit_cost][,category]. Workspace: inventory_counts.',
    jsonHelp:
      '{ "total", "byLocation", "byCategory", "byLocationCategory": [ { "key", "book_units", "lost_units", "found_units",\n    "net_loss_units", "shrink_rate", "rate_interval", "net_loss_at_cost" } ], "diagnostics" }',
    examples: [
      'vitrine model shrinkage --workspace ./demo',
      'vitrine model shrinkage --input counts.csv',
    ],
  },
  {
    model: cohortsModel,
    options: (c) =>
      c
        .option('--max-months <n>', 'months after the first purchase shown per cohort', '24')
        .option('--from <date>', 'workspace: first order day')
        .option('--to <date>', 'workspace: last order day'),
    inputHelp:
      'CSV customer_id,date,amount, one row per order. Workspace: valid orders of known customers.',
    jsonHelp:
      '{ "lastCompleteMonth", "cohorts": [ { "cohort", "customers", "months": [ { "k", "active", "retention", "repeat_rate",\n    "revenue", "cumulative_revenue_per_customer", "nrr" } ] } ], "average", "diagnostics" }',
    examples: [
      'vitrine model cohorts --workspace ./demo',
      'vitrine model cohorts --input orders.csv --format json',
    ],
  },
  {
    model: anomaliesModel,
    options: (c) =>
      c
        .option(
          '--kpis <ids>',
          'KPIs to scan, comma-separated',
          'net_sales,orders,aov,units_sold,gross_margin_rate,return_rate,conversion_rate,sessions',
        )
        .option('--by <dims>', 'dimensions to scan, comma-separated', 'channel,region,category')
        .option('--to <date>', 'last day scanned (default: the last day with orders)')
        .option('--window-days <n>', 'days scanned, ending on --to', '7')
        .option('--lookback-weeks <n>', 'weeks of same-weekday history for the expectation', '8')
        .option('--threshold <z>', 'robust z-score from which a move is abnormal', '3.5')
        .option('--min-relative-scale <x>', 'smallest scale as a share of the level', '0.05')
        .option('--top <n>', 'anomalies shown in the summary', '20'),
    inputHelp:
      'CSV date,kpi,segment,value (segment "all" for the whole business), one row per KPI, segment and day.\n  Workspace: daily KPI values by each dimension through the semantic layer.',
    jsonHelp:
      '{ "window": { "from", "to" }, "scanned", "anomalies": [ { "kpi", "dimension", "segment", "date", "actual", "expected",\n    "change", "relative_change", "z", "direction", "driver": { "kpi", "share" }, "top_segment" } ], "diagnostics" }',
    examples: [
      'vitrine model anomalies --workspace ./demo',
      'vitrine model anomalies --workspace ./demo --kpis net_sales --by region --window-days 28',
    ],
  },
  {
    model: budgetModel,
    options: (c) =>
      c
        .option('--budget <amount>', 'budget per period to allocate (default: current spend)')
        .option(
          '--max-shift <x>',
          'largest change of a channel’s spend, as a share of its current spend',
          '0.3',
        )
        .option('--recent-periods <n>', 'periods averaged for the current spend', '13')
        .option('--min-periods <n>', 'periods a channel needs for a curve', '8')
        .option('--from <date>', 'workspace: first day')
        .option('--to <date>', 'workspace: last day'),
    inputHelp:
      'CSV period,channel,spend,margin (margin: attributed gross margin of the period). Workspace: weekly ad\n  spend per channel and the margin of conversions credited linearly over their touches.',
    jsonHelp:
      '{ "periods", "budget", "channels": [ { "channel", "curve": { "beta", "theta", "r2" }, "current_spend", "suggested_spend",\n    "change", "marginal_return_current", "marginal_return_suggested", … } ], "expected_effect", "diagnostics" }',
    examples: [
      'vitrine model budget --workspace ./demo',
      'vitrine model budget --input weekly.csv --budget 5000',
    ],
  },
  {
    model: pathsModel,
    options: (c) =>
      c
        .option('--min-count <n>', 'transitions seen fewer times are left out', '1')
        .option('--top <n>', 'transitions shown in the summary', '20')
        .option('--from <date>', 'workspace: first day')
        .option('--to <date>', 'workspace: last day'),
    inputHelp:
      'CSV session_id,sku[,event_no]: product views in order. Workspace: view_item events of web_events.',
    jsonHelp:
      '{ "sessions", "products", "transitions", "pairs": [ { "from", "to", "count", "probability" } ],\n    "byProduct": [ { "product", "views", "next_views" } ], "diagnostics" }',
    examples: [
      'vitrine model paths --workspace ./demo',
      'vitrine model paths --input views.csv --format json',
    ],
  },
];

interface CommonOptions {
  input?: string;
  workspace?: string;
  format: string;
  [key: string]: unknown;
}

export function registerModel(program: Command, io: CliIo): void {
  const group = program
    .command('model')
    .description(
      'analytic models on a workspace or a file: basket, clv, attribution, abtest, promo, lost-sales, shrinkage, cohorts, anomalies, budget, paths',
    )
    .addHelpText(
      'after',
      `
Each model reads a workspace (--workspace DIR, through the semantic model's facts and filters)
or a file (--input FILE, for an export). It prints a readable summary, or with --format json
its full results with diagnostics: assumptions, convergence and warnings. Values that cannot
be computed are null, never NaN. Run "vitrine model <name> --help" for formats and contracts.`,
    );
  for (const spec of MODELS) {
    const cmd = spec.options(
      group
        .command(spec.model.name)
        .description(spec.model.description)
        .option('--input <file>', 'read this file instead of a workspace')
        .option('-w, --workspace <dir>', WORKSPACE_HELP)
        .option('--format <format>', 'summary or json', 'summary'),
    );
    cmd
      .addHelpText(
        'after',
        `
Input:
  ${spec.inputHelp}
Workspace reads: ${spec.model.needs.map((n) => `${n.fact}${n.filters.length ? ` [${n.filters.join(', ')}]` : ''}`).join('; ')}

JSON output (--format json):
  ${spec.jsonHelp}

Examples:
${spec.examples.map((e) => `  ${e}`).join('\n')}
`,
      )
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
      .action(async (opts: CommonOptions) => {
        if (opts.format !== 'summary' && opts.format !== 'json') {
          throw new VitrineError(
            'BAD_FORMAT',
            `unknown format "${opts.format}"; valid formats: summary, json`,
          );
        }
        const { input, workspace, format, ...raw } = opts;
        if (input && workspace) {
          throw new VitrineError(
            'INPUT_AND_WORKSPACE',
            'give either --input FILE or --workspace DIR, not both',
          );
        }
        const model = spec.model;
        const run = (source: ModelInput) => runModel(model, source, raw);
        const { params, result } = input
          ? await run({ kind: 'file', path: input })
          : await withWorkspace(workspace, { readOnly: true }, (ws) =>
              run({
                kind: 'workspace',
                source: { engine: ws.engine, config: ws.config, dir: ws.dir },
              }),
            );
        // A workspace run of lost sales is kept for the KPIs that read it (revenue_leakage).
        if (!input && model.name === lostSalesModel.name) {
          const kept = await withWorkspace(workspace, {}, (ws) =>
            storeLostSalesRun(ws.engine, result.values as LostSalesValues),
          );
          if (kept)
            io.err('lost sales stored in the workspace: revenue_leakage now includes them\n');
        }
        if (format === 'json') {
          io.out(renderJson({ ...(result.values as object), diagnostics: result.diagnostics }));
        } else {
          io.out(model.summarize(result, params));
        }
      });
  }
  group.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
}
