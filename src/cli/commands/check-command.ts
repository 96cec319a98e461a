import type { Command } from 'commander';
import { qualityReport } from '../../ingest/quality/data-quality.js';
import type { QualityReport } from '../../ingest/quality/data-quality.js';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderTable } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)} %`);

function renderQuality(r: QualityReport): string {
  const out: string[] = [`data quality on ${r.today} (stale after ${r.staleDays} days)`, ''];
  const tcols = [
    'table',
    'rows',
    'latest',
    'age',
    'complete',
    'duplicates',
    'orphans',
    'quarantined',
  ].map((name) => ({ name, type: name === 'rows' || name === 'age' ? 'BIGINT' : 'VARCHAR' }));
  out.push(
    renderTable(
      tcols,
      r.tables.map((t) => ({
        table: t.table,
        rows: t.rows,
        latest: t.latest ? `${t.latest}${t.stale ? ' STALE' : ''}` : '',
        age: t.ageDays,
        complete: pct(t.completeness),
        duplicates: pct(t.duplicateRate),
        orphans: t.orphans.map((o) => `${o.column} ${o.rows}`).join(', '),
        quarantined:
          t.quarantined.open + t.quarantined.held > 0
            ? `${t.quarantined.open} open, ${t.quarantined.held} held`
            : '',
      })),
    ).trimEnd(),
  );
  if (r.sources.length > 0) {
    out.push('', 'per source:');
    const scols = ['source', 'table', 'last load', 'latest data', 'age', 'read', 'quarantined'].map(
      (name) => ({
        name,
        type: ['age', 'read', 'quarantined'].includes(name) ? 'BIGINT' : 'VARCHAR',
      }),
    );
    out.push(
      renderTable(
        scols,
        r.sources.map((s) => ({
          source: s.source,
          table: s.table,
          'last load': s.lastLoad.slice(0, 16),
          'latest data': s.latest ? `${s.latest}${s.stale ? ' STALE' : ''}` : '',
          age: s.ageDays,
          read: s.read,
          quarantined: s.quarantined,
        })),
      ).trimEnd(),
    );
  }
  const c = r.catalogue;
  out.push(
    '',
    `catalogue: ${c.products} products; missing price ${c.missingPrice}, cost ${c.missingCost}, category ${c.missingCategory}, EAN ${c.missingEan}; invalid EAN ${c.invalidEan}`,
  );
  for (const t of r.tables) {
    for (const s of t.sparseColumns) out.push(`  ${t.table}.${s.column}: ${pct(s.filled)} filled`);
  }
  const o = r.orders;
  out.push(
    `orders against their lines: ${o.withoutLines} without any line, ${o.disagreeing} whose subtotal or discount differs from their lines`,
  );
  for (const e of o.examples) out.push(`  ${e.orderId}: ${e.problem}`);
  if (r.kpis.length > 0) {
    out.push(
      '',
      `KPIs whose inputs are stale, empty or incomplete (${r.kpis.length}; a column is incomplete when empty in more than ${pct(r.incompleteAbove)} of its rows):`,
    );
    for (const k of r.kpis) out.push(`  ${k.kpi}: ${k.reasons.join('; ')}`);
  } else {
    out.push('', 'every active KPI has fresh and complete inputs');
  }
  return out.join('\n') + '\n';
}

export function registerCheck(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('check')
      .description(
        'data-quality report per table and source: freshness, completeness, duplicates, orphan references,\nquarantined records, catalogue errors, and the KPIs whose inputs are stale or incomplete',
      )
      .option('--format <format>', 'table or json', 'table')
      .option('--today <date>', 'measure freshness against this day (YYYY-MM-DD)')
      .option('--stale-days <n>', 'data older than n days are stale', '2')
      .option(
        '--incomplete-above <percent>',
        'a KPI is incomplete when a column it adds up or splits by is empty in more than this % of rows',
        '5',
      ),
  ).action(
    async (opts: {
      workspace?: string;
      format: string;
      today?: string;
      staleDays: string;
      incompleteAbove: string;
    }) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const staleDays = Number(opts.staleDays);
      if (!Number.isInteger(staleDays) || staleDays < 0) {
        throw new VitrineError(
          'BAD_FLAG',
          `--stale-days must be a whole number of days, got "${opts.staleDays}"`,
        );
      }
      const percent = Number(opts.incompleteAbove);
      if (opts.incompleteAbove.trim() === '' || !(percent >= 0 && percent < 100)) {
        throw new VitrineError(
          'BAD_FLAG',
          `--incomplete-above must be a percentage from 0 to 100 (excluded), got "${opts.incompleteAbove}"`,
        );
      }
      if (opts.today) parseIsoDate(opts.today, '--today');
      const report = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
        qualityReport(ws.engine, loadDictionary({ workspaceDir: ws.dir }), {
          ...(opts.today ? { today: opts.today } : {}),
          staleDays,
          incompleteAbove: percent / 100,
          timeZone: ws.config.timezone,
        }),
      );
      io.out(format === 'json' ? renderJson(report) : renderQuality(report));
    },
  );
}
