import type { Command } from 'commander';
import type { ModelInput } from '../../analytics/analytic-model.js';
import { runModel } from '../../analytics/analytic-model.js';
import type { LostSalesValues } from '../../analytics/lost-sales/lost-sales-model.js';
import { lostSalesModel } from '../../analytics/lost-sales/lost-sales-model.js';
import { storeLostSalesRun } from '../../analytics/lost-sales/lost-sales-store.js';
import { MODEL_CATALOGUE, modelNames } from '../../analytics/model-catalogue.js';
import { addParamOptions } from '../../analytics/model-params.js';
import type { CliIo } from '../cli-io.js';
import { renderJson } from '../output.js';
import { VitrineError } from '../../util/errors.js';
import { WORKSPACE_HELP, withWorkspace } from '../workspace-option.js';

// Options, help and contracts come from the model catalogue (src/analytics/model-catalogue.ts):
// each option is a field of the model's params schema, with its description and default.

interface CommonOptions {
  input?: string;
  workspace?: string;
  format: string;
  [key: string]: unknown;
}

export function registerModel(program: Command, io: CliIo): void {
  const group = program
    .command('model')
    .description(`analytic models on a workspace or a file: ${modelNames().join(', ')}`)
    .addHelpText(
      'after',
      `
Each model reads a workspace (--workspace DIR, through the semantic model's facts and filters)
or a file (--input FILE, for an export). It prints a readable summary, or with --format json
its full results with diagnostics: assumptions, convergence and warnings. Values that cannot
be computed are null, never NaN. Run "vitrine model <name> --help" for formats and contracts.`,
    );
  for (const spec of MODEL_CATALOGUE) {
    const cmd = addParamOptions(
      group
        .command(spec.model.name)
        .description(spec.model.description)
        .option('--input <file>', 'read this file instead of a workspace')
        .option('-w, --workspace <dir>', WORKSPACE_HELP)
        .option('--format <format>', 'summary or json', 'summary'),
      spec.model.params,
    );
    cmd
      .addHelpText(
        'after',
        `
Input:
  ${spec.input}
Workspace reads: ${spec.model.needs.map((n) => `${n.fact}${n.filters.length ? ` [${n.filters.join(', ')}]` : ''}`).join('; ')}

JSON output (--format json):
  ${spec.json}

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
