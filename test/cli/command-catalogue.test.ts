import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-catalogue.js';
import { buildProgram } from '../../src/cli/main.js';

describe('the command catalogue', () => {
  it('says what the command modules register: the same names, in order, terms and descriptions', async () => {
    const io = { out: () => undefined, err: () => undefined, progress: undefined as never };
    const program = await buildProgram(io);
    const help = new Help();
    expect(
      program.commands.map((c) => ({
        name: c.name(),
        term: help.subcommandTerm(c),
        description: c.description(),
      })),
    ).toEqual(COMMANDS.map((c) => ({ name: c.name, term: c.term, description: c.description })));
  });
});
