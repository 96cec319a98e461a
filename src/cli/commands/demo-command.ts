import type { Command } from 'commander';
import { generateDemo } from '../../demo/demo-generator.js';
import { parseScale } from '../../demo/demo-scale.js';
import { parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson } from '../output.js';
import { WORKSPACE_HELP } from '../workspace-option.js';

function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new VitrineError('BAD_SEED', `seed "${v}" must be a whole number from 0 to 4294967295`);
  }
  return n;
}

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'generate the demo retailer (a French omnichannel chain: stores, e-shop, app, marketplace, click-and-collect)\ninto a workspace, with its ground-truth manifest (ground-truth.json)',
    )
    .option('-w, --workspace <dir>', `${WORKSPACE_HELP}; created when missing`)
    .option(
      '--scale <scale>',
      'small (tests, seconds), medium (default demo), large (benchmarks, ≥ 10M order lines)',
      'medium',
    )
    .option('--seed <n>', 'random seed: the same seed gives the same data', '42')
    .option(
      '--today <date>',
      'generate as if today were this date (YYYY-MM-DD); data end the day before',
    )
    .option('--force', 'replace the data of a workspace that already has some')
    .option('--format <format>', 'summary as table or json', 'table')
    .addHelpText(
      'after',
      '\nExamples:\n  vitrine demo --workspace ./demo --scale small --seed 7\n  vitrine demo --workspace ./demo --force            # rebuild the medium demo\n',
    )
    .action(
      async (opts: {
        workspace?: string;
        scale: string;
        seed: string;
        today?: string;
        force?: boolean;
        format: string;
      }) => {
        const format = parseFormat(opts.format, ['table', 'json']);
        const result = await generateDemo(resolveWorkspaceDir(opts.workspace), {
          scale: parseScale(opts.scale),
          seed: parseSeed(opts.seed),
          ...(opts.today ? { today: parseIsoDate(opts.today, '--today') } : {}),
          force: Boolean(opts.force),
          progress: io.progress,
        });
        if (format === 'json') {
          io.out(
            renderJson({
              workspace: result.workspace,
              seconds: result.seconds,
              rowCounts: result.rowCounts,
            }),
          );
          return;
        }
        const total = Object.values(result.rowCounts).reduce((a, b) => a + b, 0);
        io.out(
          `demo retailer built in ${result.workspace} in ${result.seconds.toFixed(1)}s: ${total.toLocaleString('en-US')} rows\n`,
        );
      },
    );
}
