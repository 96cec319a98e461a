import type { Command } from 'commander';
import { tableStats } from '../../workspace/table-stats.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderRows } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

export function registerTables(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('tables')
      .description('list the tables of the canonical model with their row counts')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (opts: { workspace?: string; format: string }) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const stats = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
      tableStats(ws.engine),
    );
    if (format === 'json') {
      io.out(renderJson(stats));
      return;
    }
    io.out(
      renderRows(
        'table',
        [
          { name: 'table', type: 'VARCHAR' },
          { name: 'area', type: 'VARCHAR' },
          { name: 'rows', type: 'BIGINT' },
          { name: 'sources', type: 'VARCHAR' },
        ],
        stats.map((s) => ({ ...s })),
      ),
    );
  });
}
