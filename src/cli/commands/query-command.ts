import type { Command } from 'commander';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { parseWhere } from '../../semantic/plan/plan-builder.js';
import { runQuery } from '../../semantic/query/query-runner.js';
import { flattenResponse } from '../../semantic/query/query-table.js';
import { dimensionNames } from '../../semantic/query/dimension-values.js';
import type { QueryRequest } from '../../semantic/query/query-types.js';
import { parseCalendarKind } from '../../time/calendar.js';
import { parseComparison } from '../../time/comparison.js';
import { parseCumulative } from '../../time/cumulative.js';
import { parseGrain } from '../../time/grain.js';
import type { CliIo } from '../cli-io.js';
import { queryDisplayTable } from '../kpi-display.js';
import { parseFormat, renderJson, renderRows } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

interface QueryOptions {
  workspace?: string;
  kpi: string;
  by?: string;
  grain?: string;
  from: string;
  to: string;
  where?: string;
  compare?: string;
  cumulative?: string;
  calendar?: string;
  lfl?: boolean;
  format: string;
  showSql?: boolean;
  engine?: string;
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Builds a request from CLI options (shared with explain). */
export function requestFromOptions(opts: QueryOptions): QueryRequest {
  return {
    kpis: list(opts.kpi),
    ...(opts.by ? { by: list(opts.by) } : {}),
    ...(opts.grain ? { grain: parseGrain(opts.grain) } : {}),
    from: opts.from,
    to: opts.to,
    ...(opts.where ? { where: parseWhere(opts.where) } : {}),
    ...(opts.compare ? { compare: list(opts.compare).map(parseComparison) } : {}),
    ...(opts.cumulative ? { cumulative: parseCumulative(opts.cumulative) } : {}),
    ...(opts.calendar ? { calendar: parseCalendarKind(opts.calendar) } : {}),
    ...(opts.lfl ? { lfl: true } : {}),
  };
}

export function registerQuery(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('query')
      .description(
        'compute KPIs at any grain and split, with comparisons (N-1, previous, target) and cumulative totals',
      )
      .requiredOption('--kpi <ids>', 'KPI ids, comma-separated (vitrine kpi list)')
      .option('--by <dims>', 'dimensions to split by, comma-separated (channel, region, category…)')
      .option('--grain <grain>', 'hour, day, week, month, quarter or year')
      .requiredOption('--from <date>', 'first day, YYYY-MM-DD (local)')
      .requiredOption('--to <date>', 'last day, YYYY-MM-DD (local, inclusive)')
      .option('--where <filters>', 'dimension=value,… (values of one dimension are ORed)')
      .option('--compare <list>', 'previous, yoy, yoy-weekday, target (comma-separated)')
      .option('--cumulative <kind>', 'ytd, qtd or mtd')
      .option('--calendar <kind>', 'civil or retail-454 (default: the workspace calendar)')
      .option('--lfl', 'like-for-like: only locations open over both compared periods')
      .option('--format <format>', 'table, json or csv', 'table')
      .option('--show-sql', 'print every statement the query runs (recipes included) on stderr')
      .option(
        '--engine <url>',
        "run on this engine (postgres://…, clickhouse://…, duckdb:FILE) with the workspace's config and dictionary",
      )
      .addHelpText(
        'after',
        `
Examples:
  vitrine query --kpi net_sales,orders,aov --from 2025-01-01 --to 2025-12-31 --grain month --compare yoy
  vitrine query --kpi net_sales --by channel --from 2025-11-01 --to 2025-11-30 --compare yoy-weekday
  vitrine query --kpi net_sales --grain month --cumulative ytd --from 2025-01-01 --to 2025-06-30 --compare yoy,target
  vitrine query --kpi orders --by category --where "region=Bretagne" --from 2025-03-01 --to 2025-03-31 --format json
`,
      ),
  ).action(async (opts: QueryOptions) => {
    const format = parseFormat(opts.format, ['table', 'json', 'csv']);
    const request = requestFromOptions(opts);
    const open = { readOnly: true, ...(opts.engine ? { engine: opts.engine } : {}) };
    const { res, dictionary, style, names } = await withWorkspace(
      opts.workspace,
      open,
      async (ws) => {
        const dictionary = loadDictionary({ workspaceDir: ws.dir });
        const res = await runQuery({ engine: ws.engine, dictionary, config: ws.config }, request);
        // A terminal table shows names beside ids; machine formats carry the ids alone.
        const names = new Map<string, Map<string, string>>();
        if (format === 'table') {
          for (const d of res.request.by ?? []) {
            const ids = res.rows.map((r) => r.dims[d]).filter((v) => v !== null && v !== undefined);
            names.set(d, await dimensionNames(ws.engine, d, ids.map(String)));
          }
        }
        const style = { locale: ws.config.locale, currency: ws.config.reporting_currency };
        return { res, dictionary, style, names };
      },
    );
    for (const w of res.warnings) io.err(`warning: ${w}\n`);
    if (opts.showSql) for (const s of res.sql) io.err(`${s}\n`);
    if (format === 'json') {
      io.out(renderJson(res.rows));
      return;
    }
    if (format === 'csv') {
      const flat = flattenResponse(res);
      io.out(renderRows(format, flat.columns, flat.rows));
      return;
    }
    const shown = queryDisplayTable(res, dictionary, style, names);
    io.out(renderRows(format, shown.columns, shown.rows));
  });
}
