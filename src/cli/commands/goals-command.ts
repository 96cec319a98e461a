import type { Command } from 'commander';
import { objectivesProgress, readObjectives } from '../../goals/objectives.js';
import { loadTargetsFile } from '../../goals/targets-loader.js';
import { loadTargetsOnServer } from '../../live/live-client.js';
import { findLiveServer } from '../../live/live-lock.js';
import { resolveWorkspaceDir } from '../../workspace/workspace.js';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { parseIsoDate, todayEpochDay } from '../../time/civil-date.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderRows } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

export function registerGoals(program: Command, io: CliIo): void {
  const targets = program.command('targets').description('targets per KPI, period and segment');
  addWorkspaceOption(
    targets
      .command('load')
      .description(
        'load a targets CSV (kpi_id,period_start,period_end,segment_key,segment_value,target_value); replaces targets with the same key',
      )
      .argument('<file>', 'CSV file with a header line')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (file: string, opts: { workspace?: string; format: string }) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    // A server running on the workspace is its one writer: it loads the file (src/live).
    const server = findLiveServer(resolveWorkspaceDir(opts.workspace));
    const res = server
      ? await loadTargetsOnServer(server, file)
      : await withWorkspace(opts.workspace, {}, (ws) =>
          loadTargetsFile(ws.engine, loadDictionary({ workspaceDir: ws.dir }), file),
        );
    io.out(
      format === 'json'
        ? renderJson(res)
        : `${res.file}: ${res.read} read = ${res.inserted} new + ${res.updated} replaced\n`,
    );
  });

  addWorkspaceOption(
    program
      .command('objectives')
      .description(
        'progress of the objectives in DIR/objectives.yaml (goals grouping KPIs with targets and a deadline)',
      )
      .option('--as-of <date>', 'judge progress as of this day (default: yesterday)')
      .option('--format <format>', 'table or json', 'table')
      .addHelpText(
        'after',
        `
objectives.yaml:
  objectives:
    - id: grow-q1
      name: Grow sales 10 % next quarter
      from: 2026-01-01
      deadline: 2026-03-31
      kpis:
        - { kpi: net_sales, target: 1500000 }
        - { kpi: aov, target: 62 }
`,
      ),
  ).action(async (opts: { workspace?: string; asOf?: string; format: string }) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const asOf = opts.asOf ? parseIsoDate(opts.asOf, '--as-of') : todayEpochDay() - 1;
    const res = await withWorkspace(opts.workspace, { readOnly: true }, async (ws) =>
      objectivesProgress(
        {
          engine: ws.engine,
          dictionary: loadDictionary({ workspaceDir: ws.dir }),
          config: ws.config,
        },
        readObjectives(ws.dir),
        asOf,
      ),
    );
    if (format === 'json') {
      io.out(renderJson(res));
      return;
    }
    const rows = res.flatMap((o) =>
      o.kpis.map((k) => ({
        objective: o.name,
        deadline: o.deadline,
        elapsed: Math.round(o.elapsed * 100) / 100,
        kpi: k.kpi,
        value: k.value === null ? null : Math.round(k.value * 100) / 100,
        target: k.target,
        progress: k.progress === null ? null : Math.round(k.progress * 1000) / 1000,
        status: k.status,
      })),
    );
    io.out(
      renderRows(
        'table',
        ['objective', 'deadline', 'elapsed', 'kpi', 'value', 'target', 'progress', 'status'].map(
          (name) => ({
            name,
            type: ['elapsed', 'value', 'target', 'progress'].includes(name) ? 'DOUBLE' : 'VARCHAR',
          }),
        ),
        rows,
      ),
    );
  });
}
