import type { Command } from 'commander';
import { initWorkspace } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';

export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init')
    .description(
      'create a workspace: a vitrine.yaml config and an embedded DuckDB database with every table of the model',
    )
    .argument('<dir>', 'directory to create (must be new or empty)')
    .option('--name <name>', 'workspace name (default: the directory name)')
    .option('--currency <code>', 'reporting currency (ISO 4217)', 'EUR')
    .option(
      '--timezone <zone>',
      'time zone of the business (IANA name): local days, and timestamps written without an offset',
      'Europe/Paris',
    )
    .option('--locale <locale>', 'number and date formats: en-GB, en-US or fr-FR', 'fr-FR')
    .addHelpText(
      'after',
      '\nExamples:\n  vitrine init ./my-shop && vitrine tables --workspace ./my-shop\n  vitrine init ./us-shop --timezone America/New_York --currency USD --locale en-US\n',
    )
    .action(
      async (
        dir: string,
        opts: { name?: string; currency: string; timezone: string; locale: string },
      ) => {
        const ws = await initWorkspace(dir, {
          name: opts.name,
          currency: opts.currency,
          timezone: opts.timezone,
          locale: opts.locale,
        });
        await ws.close();
        io.err(
          `created workspace ${ws.dir} (${ws.config.timezone}, ${ws.config.reporting_currency}, ${ws.config.locale})\n`,
        );
      },
    );
}
