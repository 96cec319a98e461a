import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { meaningAt, withVersion } from '../../semantic/dictionary/kpi-history.js';
import { runKpiExamples } from '../../semantic/examples/kpi-example-runner.js';
import { runQuery } from '../../semantic/query/query-runner.js';
import { VitrineError } from '../../util/errors.js';
import { isWorkspace, openWorkspace, resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson } from '../output.js';
import { WORKSPACE_HELP } from '../workspace-option.js';

function parseVersion(v: string): number {
  const n = Number(v.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new VitrineError('BAD_VERSION', `version "${v}" must be a whole number such as 1 or v2`);
  return n;
}

/** `vitrine kpi test` and `vitrine kpi diff`, added to the `kpi` command. */
export function registerKpiTest(program: Command, io: CliIo): void {
  const kpi = program.commands.find((c) => c.name() === 'kpi');
  if (!kpi) throw new Error('the kpi command must be registered first');

  kpi
    .command('test')
    .description(
      'run the examples KPIs carry (a tiny fixture and the value computed by hand) against the engine',
    )
    .argument('[ids...]', 'only these KPIs')
    .option('-w, --workspace <dir>', `${WORKSPACE_HELP}; adds its own dictionary`)
    .option('--format <format>', 'table or json', 'table')
    .action(async (ids: string[], opts: { workspace?: string; format: string }) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const dir = opts.workspace ? resolveWorkspaceDir(opts.workspace) : undefined;
      const outcomes = await runKpiExamples(loadDictionary(dir ? { workspaceDir: dir } : {}), ids);
      const failed = outcomes.filter((o) => !o.passed);
      if (format === 'json') io.out(renderJson(outcomes));
      else {
        for (const o of outcomes) {
          io.out(
            `${o.passed ? 'ok  ' : 'FAIL'} ${o.kpi} — ${o.example}${o.passed ? '' : `: expected ${o.expected}, got ${o.actual}${o.error ? ` (${o.error})` : ''}`}\n`,
          );
        }
        io.out(`${outcomes.length - failed.length} passed, ${failed.length} failed\n`);
      }
      if (failed.length > 0)
        throw new VitrineError('KPI_EXAMPLES_FAILED', `${failed.length} KPI example(s) failed`);
    });

  kpi
    .command('diff')
    .description(
      'two versions of a KPI side by side: their definitions and, on a workspace, their values',
    )
    .argument('<id>', 'KPI id')
    .argument('<v1>', 'a version (e.g. 1)')
    .argument('<v2>', 'another version (e.g. 2)')
    .option('-w, --workspace <dir>', `${WORKSPACE_HELP}; computes both versions on it`)
    .option('--from <date>', 'first day for the values (default: 30 days before --to)')
    .option('--to <date>', 'last day for the values (default: yesterday)')
    .option('--format <format>', 'table or json', 'table')
    .action(
      async (
        id: string,
        v1: string,
        v2: string,
        opts: { workspace?: string; from?: string; to?: string; format: string },
      ) => {
        const format = parseFormat(opts.format, ['table', 'json']);
        const a = parseVersion(v1);
        const b = parseVersion(v2);
        const dir = resolveWorkspaceDir(opts.workspace);
        const withWs = isWorkspace(dir);
        const dictionary = loadDictionary(withWs ? { workspaceDir: dir } : {});
        const defs = { [a]: meaningAt(dictionary, id, a), [b]: meaningAt(dictionary, id, b) };
        let values: Record<number, number | null> | null = null;
        let range: { from: string; to: string } | null = null;
        if (withWs && opts.from && opts.to) {
          range = { from: opts.from, to: opts.to };
          const ws = await openWorkspace(dir, { readOnly: true });
          try {
            values = {};
            for (const v of [a, b]) {
              const res = await runQuery(
                {
                  engine: ws.engine,
                  dictionary: withVersion(dictionary, id, v),
                  config: ws.config,
                },
                { kpis: [id], from: range.from, to: range.to },
              );
              values[v] = res.rows[0]?.values[id] ?? null;
            }
          } finally {
            await ws.close();
          }
        }
        if (format === 'json') {
          io.out(renderJson({ id, versions: [a, b], definitions: defs, range, values }));
          return;
        }
        for (const v of [a, b]) {
          io.out(
            `── ${id} v${v}${values ? ` = ${values[v] ?? '—'} (${range?.from} → ${range?.to})` : ''}\n`,
          );
          io.out(stringify(defs[v]));
        }
        if (!values) io.out('(give --workspace DIR --from D --to D to compute both versions)\n');
      },
    );
}
