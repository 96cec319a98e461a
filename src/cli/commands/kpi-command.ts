import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { QueryColumn, Row } from '../../backends/engine.js';
import type { Diagnostic } from '../../semantic/dictionary/dictionary-loader.js';
import { formatDiagnostic } from '../../semantic/dictionary/dictionary-loader.js';
import { checkDictionary, lockDictionary } from '../../semantic/dictionary/kpi-governance.js';
import type { KpiDetail } from '../../semantic/dictionary/kpi-report.js';
import {
  kpiDetail,
  kpiSummary,
  missingText,
  SOURCE_SYSTEMS,
  sourceMatrix,
} from '../../semantic/dictionary/kpi-report.js';
import { VitrineError } from '../../util/errors.js';
import { tableStats } from '../../workspace/table-stats.js';
import { isWorkspace, openWorkspace } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderTable } from '../output.js';

const WORKSPACE_HELP =
  'a workspace whose dictionary/ folder extends the shipped KPIs (default: $VITRINE_WORKSPACE)';

/**
 * The workspace of a dictionary command, if any. Unlike data commands these work without one
 * (on the shipped dictionary alone), so the current directory is never assumed.
 */
function optionalWorkspace(flag: string | undefined): string | undefined {
  const dir = flag ?? process.env['VITRINE_WORKSPACE'];
  if (!dir) return undefined;
  const abs = resolve(dir);
  if (!isWorkspace(abs)) {
    throw new VitrineError(
      'NOT_A_WORKSPACE',
      `${abs} is not a Vitrine workspace (no vitrine.yaml); create one with "vitrine init ${dir}" or pass --workspace DIR`,
    );
  }
  return abs;
}

const text = (name: string): QueryColumn => ({ name, type: 'VARCHAR' });
const int = (name: string): QueryColumn => ({ name, type: 'INTEGER' });

/** Loads the dictionary in force; a dictionary that does not load names its faults. */
function dictionaryFor(workspace: string | undefined, io: CliIo) {
  const check = checkDictionary(workspace ? { workspaceDir: workspace } : {});
  const loadErrors = check.dictionary.diagnostics.filter((d) => d.severity === 'error');
  // Listing still works around a broken definition, but says so (details: kpi validate).
  if (loadErrors.length > 0) {
    io.err(
      `warning: ${loadErrors.length} KPI definition${loadErrors.length === 1 ? '' : 's'} could not be loaded; run "vitrine kpi validate"\n`,
    );
  }
  return check.dictionary;
}

export function registerKpi(program: Command, io: CliIo): void {
  const kpi = program
    .command('kpi')
    .description('the KPI dictionary: list, show, validate, lock, and the sources each KPI needs')
    .addHelpText(
      'after',
      `
Examples:
  vitrine kpi list --area margin
  vitrine kpi show gross_margin_rate
  vitrine kpi validate --workspace ./my-shop
  vitrine kpi sources --workspace ./my-shop`,
    );

  kpi
    .command('list')
    .description('list the KPIs of the dictionary')
    .option('--area <area>', 'only the KPIs of one area (sales, margin, customers…)')
    .option('--format <format>', 'table or json', 'table')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action((opts: { area?: string; format: string; workspace?: string }) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const dict = dictionaryFor(optionalWorkspace(opts.workspace), io);
      if (opts.area !== undefined && !dict.areas().includes(opts.area)) {
        throw new VitrineError(
          'UNKNOWN_AREA',
          `unknown area "${opts.area}"; areas are: ${dict.areas().join(', ')}`,
        );
      }
      const kpis = dict.list(opts.area).map(kpiSummary);
      if (format === 'json') {
        io.out(renderJson(kpis));
        return;
      }
      io.out(
        renderTable(
          [
            text('id'),
            text('area'),
            text('unit'),
            text('polarity'),
            text('additivity'),
            text('owner'),
            int('version'),
            text('status'),
            text('name'),
          ],
          kpis.map((k): Row => ({
            id: k.id,
            area: k.area,
            unit: k.unit,
            polarity: k.polarity,
            additivity: k.additivity,
            owner: k.owner,
            version: k.version,
            status: k.status,
            name: k.name.en,
          })),
        ),
      );
    });

  kpi
    .command('show')
    .description('show one KPI: definition, formula, owner, sources, rules, versions')
    .argument('<id>', 'KPI id (vitrine kpi list shows them)')
    .option('--format <format>', 'table or json', 'table')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action((id: string, opts: { format: string; workspace?: string }) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const detail = kpiDetail(dictionaryFor(optionalWorkspace(opts.workspace), io), id);
      io.out(format === 'json' ? renderJson(detail) : renderDetail(detail));
    });

  kpi
    .command('validate')
    .description(
      'check the shipped dictionary and a workspace’s own: formulas, references, units, versions against the lock',
    )
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action((opts: { workspace?: string }) => {
      const workspace = optionalWorkspace(opts.workspace);
      const { dictionary, diagnostics } = checkDictionary(
        workspace ? { workspaceDir: workspace } : {},
      );
      for (const d of diagnostics) io.err(`${formatDiagnostic(d)}\n`);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      const scope = workspace ? `shipped dictionary and ${workspace}` : 'shipped dictionary';
      if (errors > 0) {
        throw new VitrineError(
          'KPI_DICTIONARY_INVALID',
          `kpi validate: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in the ${scope}`,
        );
      }
      const own = dictionary.list().filter((e) => e.origin === 'workspace').length;
      io.out(
        `ok: ${dictionary.entries.size} KPIs valid${own ? ` (${own} from the workspace)` : ''}, locks up to date${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`,
      );
    });

  kpi
    .command('lock')
    .description(
      'record the version and definition hash of every KPI in kpis.lock.json (the workspace’s own with --workspace)',
    )
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action((opts: { workspace?: string }) => {
      const workspace = optionalWorkspace(opts.workspace);
      const res = lockDictionary(workspace ? { workspaceDir: workspace } : {});
      for (const d of res.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
      if (!res.file) {
        throw new VitrineError(
          'KPI_LOCK_REFUSED',
          `kpi lock: refused, ${countText(res.diagnostics)} to fix first (a changed definition needs a new version and a changelog line)`,
        );
      }
      const parts = [
        res.added.length ? `added ${idList(res.added)}` : '',
        res.updated.length ? `updated ${idList(res.updated)}` : '',
        res.removed.length ? `removed ${idList(res.removed)}` : '',
      ].filter((p) => p !== '');
      io.out(
        `locked ${res.locked} KPIs in ${res.file}${parts.length ? ` (${parts.join('; ')})` : ''}\n`,
      );
    });

  kpi
    .command('sources')
    .description(
      'the KPI × source-system matrix; with a workspace, the KPIs it cannot compute because a table they read is empty',
    )
    .option('--format <format>', 'table or json', 'table')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action(async (opts: { format: string; workspace?: string }) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const workspace = optionalWorkspace(opts.workspace);
      const dict = dictionaryFor(workspace, io);
      let counts: Map<string, number> | undefined;
      if (workspace) {
        const ws = await openWorkspace(workspace, { readOnly: true });
        try {
          counts = new Map((await tableStats(ws.engine)).map((s) => [s.table, s.rows]));
        } finally {
          await ws.close();
        }
      }
      const matrix = sourceMatrix(dict, counts);
      if (format === 'json') {
        io.out(renderJson(matrix));
        return;
      }
      io.out(
        renderTable(
          [text('kpi'), text('area'), ...SOURCE_SYSTEMS.map(text)],
          matrix.kpis.map((k) => ({
            kpi: k.id,
            area: k.area,
            ...Object.fromEntries(SOURCE_SYSTEMS.map((s) => [s, k.sources.includes(s) ? '●' : ''])),
          })),
        ),
      );
      io.out('\n');
      io.out(
        renderTable(
          [text('source'), text('name'), text('grain'), text('typical latency'), text('tables')],
          matrix.systems.map((s) => ({
            source: s.id,
            name: s.name.en,
            grain: s.grain,
            'typical latency': s.latency,
            tables: s.tables.join(' '),
          })),
        ),
      );
      if (workspace) {
        const blocked = matrix.kpis.filter((k) => (k.missing ?? []).length > 0);
        io.out(
          blocked.length === 0
            ? `\nevery KPI has data to read in ${workspace}\n`
            : `\n${blocked.length} KPIs cannot be computed in ${workspace}:\n${blocked.map((k) => `  ${k.id}: ${missingText(k)}\n`).join('')}`,
        );
      }
    });

  for (const cmd of kpi.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  }
}

/** Splits a long text into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A few ids, then how many more: a first lock adds hundreds. */
function idList(ids: readonly string[], max = 8): string {
  return ids.length <= max
    ? ids.join(', ')
    : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

function countText(diagnostics: readonly Diagnostic[]): string {
  const n = diagnostics.filter((d) => d.severity === 'error').length;
  return `${n} error${n === 1 ? '' : 's'}`;
}

/** A KPI as a reader wants it: names and definition first, then formula and rules. */
function renderDetail(k: KpiDetail): string {
  const lines: string[] = [];
  const row = (label: string, value: string | readonly string[]) => {
    const values = typeof value === 'string' ? [value] : value.length ? value : ['—'];
    values.forEach((v, i) => lines.push(`  ${(i === 0 ? label : '').padEnd(12)}${v}`));
  };
  lines.push(
    `${k.id}  (version ${k.version}, ${k.status}${k.origin === 'workspace' ? ', workspace' : ''})`,
  );
  lines.push(`  ${k.name.en} — ${k.name.fr}`);
  lines.push('');
  lines.push(`  ${k.description.en}`);
  lines.push(`  ${k.description.fr}`);
  lines.push('');
  row('area', `${k.area} (${k.file}:${k.line})`);
  row('formula', `${k.formula_text}  [${k.formula_kind}]`);
  if (k.computation) row('computes', wrap(k.computation, 86));
  row('unit', k.unit_detail ? `${k.unit} (${k.unit_detail})` : k.unit);
  row(
    'polarity',
    k.polarity === 'up'
      ? 'up (higher is better)'
      : k.polarity === 'down'
        ? 'down (lower is better)'
        : 'neutral',
  );
  row('additivity', k.additivity);
  row('owner', k.owner);
  row('sources', k.sources.join(' '));
  const width = Math.max(...Object.keys(k.rules).map((r) => r.length));
  row(
    'rules',
    Object.entries(k.rules).map(([r, v]) => `${r.padEnd(width)}  ${v}`),
  );
  if (k.variant_of) row('variant of', k.variant_of);
  if (k.replaced_by) row('replaced by', k.replaced_by);
  row('variants', k.variants.join(', ') || '—');
  row('depends on', k.depends_on.join(', ') || '—');
  row('used by', k.used_by.join(', ') || '—');
  row('tables', k.tables.join(', ') || '—');
  if (k.tags.length) row('tags', k.tags.join(', '));
  row(
    'changelog',
    k.changelog.map((c) => `v${c.version}  ${c.date}  ${c.change}`),
  );
  return `${lines.join('\n')}\n`;
}
