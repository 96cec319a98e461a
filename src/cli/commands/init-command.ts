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
    .addHelpText(
      'after',
      '\nExample:\n  vitrine init ./my-shop && vitrine tables --workspace ./my-shop\n',
    )
    .action(async (dir: string, opts: { name?: string; currency: string }) => {
      const ws = await initWorkspace(dir, { name: opts.name, currency: opts.currency });
      await ws.close();
      io.err(`created workspace ${ws.dir}\n`);
    });
}
