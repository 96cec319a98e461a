import type { Command } from 'commander';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { explainKpi } from '../../semantic/explain/explain.js';
import { dimensionNames } from '../../semantic/query/dimension-values.js';
import { parseWhere } from '../../semantic/plan/plan-builder.js';
import { parseComparison } from '../../time/comparison.js';
import { getDimension } from '../../semantic/facts/fact-resolver.js';
import type { CliIo } from '../cli-io.js';
import { renderExplainText } from '../kpi-display.js';
import { parseFormat, renderJson } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

export function registerExplain(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('explain')
      .description(
        'why a KPI moved: its change against N-1, the previous period or target, split into drivers and into mix and rate effects across a dimension (contributions add up to the change)',
      )
      .argument('<kpi>', 'KPI id')
      .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
      .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
      .option('--vs <comparison>', 'yoy, yoy-weekday, previous or target', 'yoy')
      .option('--by <dimension>', 'split the change across a dimension')
      .option('--where <filters>', 'dimension=value,…')
      .option('--format <format>', 'table or json', 'table')
      .addHelpText(
        'after',
        `
Drivers: net_sales, gross_sales and orders split into traffic × conversion (× ticket) online and
in stores; conversion_rate into the web funnel (add to cart × checkout × valid orders). Every
other KPI says why it has no drivers; --by splits any additive or ratio KPI across a dimension.

Example:
  vitrine explain net_sales --from 2025-11-01 --to 2025-11-30 --vs yoy --by channel
`,
      ),
  ).action(
    async (
      kpi: string,
      opts: {
        workspace?: string;
        from: string;
        to: string;
        vs: string;
        by?: string;
        where?: string;
        format: string;
      },
    ) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const vs = parseComparison(opts.vs);
      if (opts.by) getDimension(opts.by);
      const { res, style, names } = await withWorkspace(
        opts.workspace,
        { readOnly: true },
        async (ws) => {
          const res = await explainKpi(
            {
              engine: ws.engine,
              dictionary: loadDictionary({ workspaceDir: ws.dir }),
              config: ws.config,
            },
            {
              kpi,
              from: opts.from,
              to: opts.to,
              vs,
              ...(opts.by ? { by: opts.by } : {}),
              ...(opts.where ? { where: parseWhere(opts.where) } : {}),
            },
          );
          const names = new Map<string, Map<string, string>>();
          if (opts.by && format === 'table') {
            const ids = res.segments.map((s) => s.segment).filter((v) => v !== null);
            names.set(opts.by, await dimensionNames(ws.engine, opts.by, ids.map(String)));
          }
          const style = { locale: ws.config.locale, currency: ws.config.reporting_currency };
          return { res, style, names };
        },
      );
      io.out(format === 'json' ? renderJson(res) : renderExplainText(res, style, names));
    },
  );
}
