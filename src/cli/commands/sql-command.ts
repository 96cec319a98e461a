import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderRows } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

export function registerSql(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('sql')
      .description('run a read-only SQL query on the workspace (anything but a read is refused)')
      .argument('<query>', 'one SELECT (or WITH … SELECT, EXPLAIN) statement')
      .option('--format <format>', 'table, json or csv', 'table')
      .addHelpText(
        'after',
        '\nExamples:\n  vitrine sql "SELECT channel_id, count(*) FROM orders GROUP BY 1"\n  vitrine sql "SELECT * FROM products LIMIT 5" --format csv\n',
      ),
  ).action(async (query: string, opts: { workspace?: string; format: string }) => {
    const format = parseFormat(opts.format, ['table', 'json', 'csv']);
    // A sandbox, not a statement filter: DuckDB opens the file read-only with no file, network
    // or extension access and its settings locked, so whatever the statement is, it can read
    // the model's tables and nothing else.
    const res = await withWorkspace(opts.workspace, { readOnly: true, sandbox: true }, (ws) =>
      ws.engine.runReadOnly(query),
    );
    io.out(renderRows(format, res.columns, res.rows));
  });
}
