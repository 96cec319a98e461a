import { Command, CommanderError } from 'commander';
import { isVitrineError, oneLine } from '../util/errors.js';
import type { CliIo } from './cli-io.js';
import { registerDemo } from './commands/demo-command.js';
import { registerCheck } from './commands/check-command.js';
import { registerExplain } from './commands/explain-command.js';
import { registerGoals } from './commands/goals-command.js';
import { registerIdentities } from './commands/identities-command.js';
import { registerIngest } from './commands/ingest-command.js';
import { registerInit } from './commands/init-command.js';
import { registerKpiTest } from './commands/kpi-test-command.js';
import { registerKpi } from './commands/kpi-command.js';
import { registerModel } from './commands/model-command.js';
import { registerQuarantine } from './commands/quarantine-command.js';
import { registerPush } from './commands/push-command.js';
import { registerQuery } from './commands/query-command.js';
import { registerServe } from './commands/serve-command.js';
import { registerSql } from './commands/sql-command.js';
import { registerTables } from './commands/tables-command.js';
import { registerToken } from './commands/token-command.js';
import { stderrProgress } from './progress-renderer.js';

export const VERSION = '0.1.0';

function defaultIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    progress: stderrProgress(),
  };
}

export function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('vitrine')
    .description(
      'Vitrine — one trusted set of retail and e-commerce KPIs across stores, e-shop, marketplaces,\nERP, WMS, CRM, web analytics, ads, support and surveys.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Getting started:
  vitrine demo --workspace ./demo          build the demo retailer (creates the workspace)
  vitrine tables --workspace ./demo        tables of the model and their row counts
  vitrine sql "SELECT count(*) FROM orders" --workspace ./demo

Every command that reads data takes --workspace DIR (default: $VITRINE_WORKSPACE, then the
current directory). JSON output goes to stdout alone; progress and messages go to stderr.`,
    );
  registerInit(program, io);
  registerDemo(program, io);
  registerTables(program, io);
  registerIngest(program, io);
  registerQuarantine(program, io);
  registerIdentities(program, io);
  registerCheck(program, io);
  registerSql(program, io);
  registerKpi(program, io);
  registerKpiTest(program, io);
  registerQuery(program, io);
  registerExplain(program, io);
  registerGoals(program, io);
  registerModel(program, io);
  registerPush(program, io);
  registerServe(program, io);
  registerToken(program, io);
  for (const cmd of program.commands)
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 user error, 2 usage error. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isVitrineError(e)) {
      io.err(`vitrine: ${e.message}\n`);
      return 1;
    }
    io.err(`vitrine: unexpected error: ${oneLine(e)}\n`);
    if (process.env['VITRINE_DEBUG']) io.err(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}
