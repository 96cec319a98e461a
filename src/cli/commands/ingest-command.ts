import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CsvFlags } from '../../ingest/csv/csv-dialect.js';
import type { IngestReport } from '../../ingest/ingest-runner.js';
import { ingest } from '../../ingest/ingest-runner.js';
import { connectorNames } from '../../ingest/source-registry.js';
import { ingestOnServer } from '../../live/live-client.js';
import { findLiveServer } from '../../live/live-lock.js';
import type { ParseOptions } from '../../ingest/validate/column-rules.js';
import { VitrineError } from '../../util/errors.js';
import { resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderTable } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

interface IngestOptions {
  workspace?: string;
  mapping?: string;
  dryRun?: boolean;
  force?: boolean;
  format: string;
  delimiter?: string;
  quote?: string;
  escape?: string;
  encoding?: string;
  decimalComma?: boolean;
  dateFormat?: string;
  timestampFormat?: string;
  timezone?: string;
}

function oneChar(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const named: Record<string, string> = {
    tab: '\t',
    '\\t': '\t',
    comma: ',',
    semicolon: ';',
    pipe: '|',
    none: '',
  };
  const c = named[v] ?? v;
  if (c.length > 1) {
    throw new VitrineError(
      'BAD_FLAG',
      `${flag} takes one character (or tab, comma, semicolon, pipe), got "${v}"`,
    );
  }
  return c;
}

function parseEncoding(v: string | undefined): 'utf-8' | 'latin-1' | undefined {
  if (v === undefined) return undefined;
  const k = v.toLowerCase().replace(/[_\s]/g, '-');
  if (k === 'utf-8' || k === 'utf8') return 'utf-8';
  if (k === 'latin-1' || k === 'latin1' || k === 'iso-8859-1') return 'latin-1';
  throw new VitrineError('BAD_FLAG', `--encoding must be utf-8 or latin-1, got "${v}"`);
}

export function flagsOf(opts: IngestOptions): { csv: CsvFlags; parse: ParseOptions } {
  const delimiter = oneChar('--delimiter', opts.delimiter);
  const quote = oneChar('--quote', opts.quote);
  const escape = oneChar('--escape', opts.escape);
  const encoding = parseEncoding(opts.encoding);
  return {
    csv: {
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(quote !== undefined ? { quote } : {}),
      ...(escape !== undefined ? { escape } : {}),
      ...(encoding ? { encoding } : {}),
    },
    parse: {
      ...(opts.decimalComma ? { decimalComma: true } : {}),
      ...(opts.dateFormat ? { dateFormat: opts.dateFormat } : {}),
      ...(opts.timestampFormat ? { timestampFormat: opts.timestampFormat } : {}),
      ...(opts.timezone ? { timeZone: opts.timezone } : {}),
    },
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** The summary printed after a load: files, reconciliation per table, first quarantined records. */
export function renderIngestReport(r: IngestReport): string {
  const out: string[] = [];
  const head = r.dryRun
    ? 'dry run (nothing was written)'
    : r.runId === null
      ? 'nothing to do'
      : `run ${r.runId}`;
  out.push(`ingest ${r.source}: ${r.files.length} file${r.files.length === 1 ? '' : 's'}, ${head}`);
  for (const f of r.files) {
    out.push(
      `  ${basename(f.path)}  ${f.status === 'loaded' ? 'read' : `already loaded by run ${f.previousRun} (same content): skipped`}`,
    );
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  if (r.tables.length > 0) {
    const columns = [
      'table',
      'read',
      'loaded',
      'updated',
      'duplicates',
      'quarantined',
      'held',
      'released',
    ].map((name, i) => ({ name, type: i === 0 ? 'VARCHAR' : 'BIGINT' }));
    const rows = r.tables.map((t) => ({
      table: t.table,
      read: t.read,
      loaded: t.loaded,
      updated: t.updated,
      duplicates: t.duplicates,
      quarantined: t.quarantined,
      held: t.held,
      released: t.released.read,
    }));
    out.push('', renderTable(columns, rows).trimEnd());
    out.push('', 'reconciliation (read = loaded + updated + duplicates + quarantined):');
    for (const t of r.tables) {
      const ok = t.read === t.loaded + t.updated + t.duplicates + t.quarantined;
      out.push(
        `  ${t.table}: ${n(t.read)} = ${n(t.loaded)} + ${n(t.updated)} + ${n(t.duplicates)} + ${n(t.quarantined)}${ok ? '' : '  MISMATCH'}${t.held > 0 ? `  (${n(t.held)} held until their parent arrives)` : ''}`,
      );
      if (t.removed > 0) {
        out.push(`  ${t.table}: ${n(t.removed)} stored rows no longer sent by the source: removed`);
      }
      if (t.released.read > 0) {
        out.push(
          `  ${t.table}: ${n(t.released.read)} held records of earlier loads released: ${n(t.released.loaded)} loaded, ${n(t.released.updated)} updated, ${n(t.released.duplicates)} duplicates, ${n(t.released.quarantined)} quarantined`,
        );
      }
    }
  }
  for (const note of r.notes) out.push(note);
  if (r.identitiesMerged > 0) {
    out.push(
      `identities: ${n(r.identitiesMerged)} customers linked to a customer of another source`,
    );
  }
  if (r.quarantineSample.length > 0) {
    out.push(
      '',
      `quarantined (first ${r.quarantineSample.length}${r.runId !== null && !r.dryRun ? `; all: vitrine quarantine show ${r.runId}` : ''}):`,
    );
    for (const q of r.quarantineSample) {
      out.push(`  ${basename(q.file)}:${q.line ?? '?'}  ${q.table ?? ''}  ${q.reason}`);
    }
  }
  out.push(`(${r.seconds.toFixed(1)}s)`);
  return out.join('\n') + '\n';
}

export function registerIngest(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('ingest')
      .description(
        'load files into the workspace: validated, refused records quarantined with their reason, file and line,\nidempotent (a file already loaded is skipped), one transaction per load',
      )
      .argument(
        '<source>',
        `${connectorNames().join(', ')}, or a table of the model for the generic import`,
      )
      .argument('<files...>', 'files or directories')
      .option(
        '--mapping <file>',
        'YAML options of the source, or the mapping of the mapping source',
      )
      .option('--dry-run', 'check and report everything, write nothing')
      .option('--force', 'read files again even when already loaded (records upsert by key)')
      .option('--format <format>', 'table or json', 'table')
      .option('--delimiter <c>', 'CSV delimiter (default: detected among , ; tab |)')
      .option('--quote <c>', 'CSV quote character (default ")')
      .option('--escape <c>', 'CSV escape character inside quotes (default: the quote doubled)')
      .option('--encoding <enc>', 'utf-8 or latin-1 (default: detected)')
      .option('--decimal-comma', 'numbers are written 12,50 (default: detected)')
      .option('--date-format <fmt>', 'strptime format of dates, e.g. %d/%m/%Y (default YYYY-MM-DD)')
      .option('--timestamp-format <fmt>', 'strptime format of timestamps, e.g. "%d/%m/%Y %H:%M"')
      .option('--timezone <tz>', 'IANA zone of timestamps written without an offset (default UTC)')
      .addHelpText(
        'after',
        `
Examples:
  vitrine ingest orders exports/orders.csv              generic import: columns named as the model
  vitrine ingest model exports/                         several tables, files named after them
  vitrine ingest shopify orders_export_1.csv            the Shopify orders export
  vitrine ingest pos item-sales-2025-03.csv --mapping pos.yaml
  vitrine ingest ga4 events_20250310.ndjson events_20250311.parquet
  vitrine ingest products catalogue.csv --encoding latin-1 --delimiter ";" --decimal-comma --dry-run
`,
      ),
  ).action(async (source: string, files: string[], opts: IngestOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const { csv, parse } = flagsOf(opts);
    const request = {
      source,
      paths: files,
      ...(opts.mapping ? { mapping: opts.mapping } : {}),
      dryRun: Boolean(opts.dryRun),
      force: Boolean(opts.force),
      csv,
      parse,
      progress: io.progress,
    };
    // A server running on the workspace is its one writer: it does the load (src/live).
    const server = findLiveServer(resolveWorkspaceDir(opts.workspace));
    const report = server
      ? await ingestOnServer(server, request)
      : await withWorkspace(opts.workspace, {}, (ws) => ingest(ws, request));
    io.out(format === 'json' ? renderJson(report) : renderIngestReport(report));
  });
}
