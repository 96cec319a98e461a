import { Command, CommanderError } from 'commander';
import { isVitrineError, oneLine } from '../util/errors.js';
import type { CliIo } from './cli-io.js';
import { COMMANDS } from './command-catalogue.js';
import type { CommandEntry, RegisterCommands } from './command-catalogue.js';
import { stderrProgress } from './progress-renderer.js';

export const VERSION = '0.1.0';

function defaultIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    progress: stderrProgress(),
  };
}

/**
 * The command names a command line runs: its first word that is not an option, and for
 * `help <command>` that command too. No option before the command takes a value (only
 * `--help` and `--version` are global), so the first bare word is the command.
 */
export function commandsOf(argv: readonly string[]): string[] {
  const words = argv.filter((a) => !a.startsWith('-'));
  const first = words[0];
  if (first === undefined) return [];
  return first === 'help' && words[1] !== undefined ? [first, words[1]] : [first];
}

/**
 * The program with the modules of the commands `run` names (all of them when omitted) and a
 * light stand-in for every other one: its name and description, enough for the listing and for
 * "did you mean" on a typo. A stand-in never runs: the command a line names is always loaded.
 */
export async function buildProgram(io: CliIo, run?: readonly string[]): Promise<Command> {
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
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  const help = program.createHelp();
  program.configureHelp({
    subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd),
  });
  const loaders = new Set(
    COMMANDS.filter((c) => run === undefined || run.includes(c.name)).map((c) => c.load),
  );
  const modules = new Map<CommandEntry['load'], RegisterCommands>();
  await Promise.all([...loaders].map(async (load) => modules.set(load, await load())));
  const registered = new Set<CommandEntry['load']>();
  for (const entry of COMMANDS) {
    const register = modules.get(entry.load);
    if (!register) program.command(entry.name).description(entry.description);
    else if (!registered.has(entry.load)) {
      registered.add(entry.load);
      register(program, io);
    }
  }
  for (const cmd of program.commands)
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 user error, 2 usage error. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    const program = await buildProgram(io, commandsOf(argv));
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
