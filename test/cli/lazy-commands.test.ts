import type { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../src/cli/command-catalogue.js';
import { commandsOf, main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/cli-io.js';

/**
 * `vitrine --help` used to import every command module (engines, the semantic layer, the
 * server) to print a list: 0.65 s on a quiet machine. Each module is replaced here by one that
 * records its import, so the test sees which modules a command line loads.
 */
const imported = vi.hoisted(() => [] as string[]);

const stand = (file: string, register: string, names: readonly string[]) => ({
  [register]: (program: Command) => {
    for (const n of names) program.command(n).action(() => undefined);
  },
  file,
});

vi.mock('../../src/cli/commands/query-command.js', () => {
  imported.push('query');
  return stand('query', 'registerQuery', ['query']);
});
vi.mock('../../src/cli/commands/explain-command.js', () => {
  imported.push('explain');
  return stand('explain', 'registerExplain', ['explain']);
});
vi.mock('../../src/cli/commands/goals-command.js', () => {
  imported.push('goals');
  return stand('goals', 'registerGoals', ['targets', 'objectives']);
});
vi.mock('../../src/cli/commands/serve-command.js', () => {
  imported.push('serve');
  return stand('serve', 'registerServe', ['serve']);
});
vi.mock('../../src/cli/commands/demo-command.js', () => {
  imported.push('demo');
  return stand('demo', 'registerDemo', ['demo']);
});
vi.mock('../../src/cli/commands/model-command.js', () => {
  imported.push('model');
  return stand('model', 'registerModel', ['model']);
});

const sink = (): CliIo & { text: () => string } => {
  let text = '';
  return {
    out: (t) => (text += t),
    err: (t) => (text += t),
    progress: { start() {}, tick() {}, done() {} } as unknown as CliIo['progress'],
    text: () => text,
  };
};

describe('commands load when they run', () => {
  it('lists every command for --help without importing any command module', async () => {
    // Not reset: importing main.ts must not have imported a command module either.
    expect(imported).toEqual([]);
    const io = sink();
    expect(await main(['--help'], io)).toBe(0);
    expect(imported).toEqual([]);
    for (const c of COMMANDS) expect(io.text()).toContain(c.name);
    expect(io.text()).toContain('explain [options] <kpi>');
  });

  it('imports only the module of the command a line runs (both commands of a shared module)', async () => {
    imported.length = 0;
    expect(await main(['explain'], sink())).toBe(0);
    expect(imported).toEqual(['explain']);
    imported.length = 0;
    expect(await main(['objectives'], sink())).toBe(0);
    expect(imported).toEqual(['goals']);
    imported.length = 0;
    expect(await main(['help', 'serve'], sink())).toBe(0);
    expect(imported).toEqual(['serve']);
  });

  it('still suggests the nearest command on a typo', async () => {
    const io = sink();
    expect(await main(['qurey'], io)).toBe(2);
    expect(io.text()).toContain('Did you mean query?');
  });

  it('finds the command word of a line', () => {
    expect(commandsOf(['--help'])).toEqual([]);
    expect(commandsOf(['query', '--kpi', 'orders'])).toEqual(['query']);
    expect(commandsOf(['help', 'explain'])).toEqual(['help', 'explain']);
  });
});
