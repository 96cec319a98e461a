import type { Command } from 'commander';
import type { Engine } from '../../backends/engine.js';
import { isEmbeddedEngine } from '../../backends/engine.js';
import { describeEngine, openEngine, parseEngineUrl } from '../../backends/backend-registry.js';
import { pushWorkspace } from '../../backends/push/push-workspace.js';
import type { PushReport } from '../../backends/push/push-workspace.js';
import { VitrineError } from '../../util/errors.js';
import { openWorkspace, resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderRows } from '../output.js';
import { addWorkspaceOption } from '../workspace-option.js';

interface PushCliOptions {
  workspace?: string;
  to: string;
  tables?: string;
  cluster?: string;
  restart?: boolean;
  format: string;
}

function reportRows(report: PushReport) {
  return report.tables.map((t) => ({
    table: t.table,
    source_rows: t.sourceRows,
    target_rows: t.targetRows,
    money: t.money.map((m) => `${m.column}=${m.source ?? 'NULL'}`).join(' ') || '-',
    money_on_target: t.money.every((m) => m.source === m.target)
      ? 'equal'
      : t.money
          .filter((m) => m.source !== m.target)
          .map((m) => `${m.column}=${m.target ?? 'NULL'}`)
          .join(' '),
    status: `${t.ok ? 'ok' : 'MISMATCH'}${t.skipped ? ' (already pushed)' : ''}`,
  }));
}

export function registerPush(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('push')
      .description(
        "copy the workspace's canonical model to PostgreSQL or ClickHouse (resumable, reconciled)",
      )
      .requiredOption(
        '--to <url>',
        'target engine: postgres://user@host:port/db, clickhouse://host:8123, duckdb:FILE',
      )
      .option('--tables <names>', 'only these tables of the model, comma-separated')
      .option('--cluster <name>', 'ClickHouse: create local tables on every shard + Distributed')
      .option('--restart', 'copy every table again, even those a previous run finished')
      .option('--format <format>', 'table or json (the reconciliation)', 'table')
      .addHelpText(
        'after',
        `
Creates the model's tables on the target, copies every table in chunks (a progress bar on
stderr), and ends with a reconciliation: row counts and the sum of every money column, source
against target. An interrupted push resumes: finished tables are skipped, an unfinished one is
copied again from scratch. A mismatch fails the command (exit 1).

Examples:
  vitrine push --to postgres://vitrine@localhost:5432/vitrine --workspace ./demo
  vitrine push --to clickhouse://localhost:8123 --cluster vitrine --workspace ./demo
  vitrine push --to postgres://vitrine@localhost/vitrine --tables orders,order_lines
`,
      ),
  ).action(async (opts: PushCliOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const spec = parseEngineUrl(opts.to, opts.cluster);
    const dir = resolveWorkspaceDir(opts.workspace);
    const ws = await openWorkspace(dir, { readOnly: true });
    let source: Engine = ws.engine;
    let target: Engine | null = null;
    try {
      // A workspace already moved to a server still pushes from its embedded database.
      if (!isEmbeddedEngine(source)) {
        source = await openEngine(
          { kind: 'duckdb', path: 'vitrine.duckdb' },
          {
            baseDir: ws.dir,
            readOnly: true,
          },
        );
      }
      target = await openEngine(spec, opts.cluster ? { cluster: opts.cluster } : {});
      io.err(`vitrine push: ${ws.dir} → ${describeEngine(spec)}\n`);
      const tables = (opts.tables ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const report = await pushWorkspace({
        source,
        target,
        ...(tables.length ? { tables } : {}),
        ...(opts.cluster ? { cluster: opts.cluster } : {}),
        ...(opts.restart ? { restart: true } : {}),
        progress: io.progress,
      });
      if (format === 'json') io.out(renderJson(report));
      else {
        io.out(
          renderRows(
            'table',
            [
              { name: 'table', type: 'VARCHAR' },
              { name: 'source_rows', type: 'BIGINT' },
              { name: 'target_rows', type: 'BIGINT' },
              { name: 'money', type: 'VARCHAR' },
              { name: 'money_on_target', type: 'VARCHAR' },
              { name: 'status', type: 'VARCHAR' },
            ],
            reportRows(report),
          ),
        );
      }
      const bad = report.tables.filter((t) => !t.ok).map((t) => t.table);
      if (bad.length > 0) {
        throw new VitrineError(
          'PUSH_MISMATCH',
          `reconciliation failed for ${bad.join(', ')}: the target differs from the workspace (run again with --restart to copy them anew)`,
        );
      }
      io.err(
        `pushed ${report.tables.length} tables in ${report.seconds.toFixed(1)}s, reconciled\n`,
      );
    } finally {
      await target?.close();
      if (source !== ws.engine) await source.close();
      await ws.close();
    }
  });
}
