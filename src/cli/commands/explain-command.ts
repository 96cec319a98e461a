import type { Command } from 'commander';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { explainKpi } from '../../semantic/explain/explain.js';
import type { ExplainResult } from '../../semantic/explain/explain.js';
import { parseWhere } from '../../semantic/plan/plan-builder.js';
import { parseComparison } from '../../time/comparison.js';
import { getDimension } from '../../semantic/facts/fact-resolver.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${fmt(v)}`;
}

export function renderExplain(r: ExplainResult): string {
  const lines = [
    `${r.kpi} ${r.from} → ${r.to}: ${fmt(r.value)} vs ${fmt(r.comparison)} (${r.vs}), change ${r.change === null ? '—' : signed(r.change)}`,
  ];
  if (r.drivers.length > 0) {
    lines.push('', 'drivers:');
    for (const d of r.drivers) {
      lines.push(
        `  ${`${d.term} · ${d.driver}`.padEnd(64)} ${signed(d.contribution).padStart(16)}   (${fmt(d.comparison)} → ${fmt(d.value)})`,
      );
    }
  }
  if (r.segments.length > 0) {
    lines.push('', `by ${r.by}:`);
    for (const s of [...r.segments].sort(
      (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution),
    )) {
      const split =
        s.mix !== undefined ? `   mix ${signed(s.mix)} · rate ${signed(s.rate ?? 0)}` : '';
      lines.push(
        `  ${String(s.segment ?? '(none)').padEnd(32)} ${signed(s.contribution).padStart(16)}${split}`,
      );
    }
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

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
        '\nExample:\n  vitrine explain net_sales --from 2025-11-01 --to 2025-11-30 --vs yoy --by channel\n',
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
      const res = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
        explainKpi(
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
        ),
      );
      io.out(format === 'json' ? renderJson(res) : renderExplain(res));
    },
  );
}
