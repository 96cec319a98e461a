import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  parseStatus,
  quarantineCsv,
  quarantineSummary,
  quarantinedRecords,
} from '../../ingest/quarantine/quarantine-store.js';
import type { QuarantineFilter } from '../../ingest/quarantine/quarantine-store.js';
import { VitrineError } from '../../util/errors.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderTable } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

interface FilterOptions {
  workspace?: string;
  table?: string;
  status?: string;
  format?: string;
  limit?: string;
  out?: string;
}

function parseRun(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new VitrineError('BAD_RUN', `run "${v}" must be a run number (vitrine quarantine list)`);
  return n;
}

function filterOf(run: string | undefined, opts: FilterOptions): QuarantineFilter {
  const runId = parseRun(run);
  const status = parseStatus(opts.status);
  return {
    ...(runId !== undefined ? { runId } : {}),
    ...(opts.table ? { table: opts.table } : {}),
    ...(status ? { status } : {}),
  };
}

const STATUS_HELP = 'open, held, released or all (default: open and held)';

export function registerQuarantine(program: Command, io: CliIo): void {
  const q = program
    .command('quarantine')
    .description('records refused by ingest, each with its reason, file and line');
  addWorkspaceOption(
    q
      .command('list')
      .description('quarantined records per load and table, with their most frequent reason')
      .option('--table <table>', 'one table')
      .option('--status <status>', STATUS_HELP)
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (opts: FilterOptions) => {
    const format = parseFormat(opts.format ?? 'table', ['table', 'json']);
    const groups = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
      quarantineSummary(ws.engine, filterOf(undefined, opts)),
    );
    if (format === 'json') {
      io.out(renderJson(groups));
      return;
    }
    const columns = ['run', 'source', 'table', 'status', 'records', 'most frequent reason'].map(
      (name) => ({
        name,
        type: name === 'run' || name === 'records' ? 'BIGINT' : 'VARCHAR',
      }),
    );
    io.out(
      renderTable(
        columns,
        groups.map((g) => ({
          run: g.runId,
          source: g.source,
          table: g.table,
          status: g.status,
          records: g.records,
          'most frequent reason': `${g.topReason.slice(0, 90)}${g.topReasonCount < g.records ? ` (×${g.topReasonCount})` : ''}`,
        })),
      ),
    );
  });
  addWorkspaceOption(
    q
      .command('show')
      .description('the quarantined records of a load (or of every load), one per line')
      .argument('[run]', 'run number (vitrine quarantine list)')
      .option('--table <table>', 'one table')
      .option('--status <status>', STATUS_HELP)
      .option('--limit <n>', 'at most n records', '200')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (run: string | undefined, opts: FilterOptions) => {
    const format = parseFormat(opts.format ?? 'table', ['table', 'json']);
    const limit = Number(opts.limit ?? '200');
    const records = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
      quarantinedRecords(ws.engine, { ...filterOf(run, opts), limit }),
    );
    if (format === 'json') {
      io.out(renderJson(records));
      return;
    }
    const columns = ['run', 'table', 'file', 'line', 'status', 'reason'].map((name) => ({
      name,
      type: name === 'run' || name === 'line' ? 'BIGINT' : 'VARCHAR',
    }));
    io.out(
      renderTable(
        columns,
        records.map((r) => ({
          run: r.runId,
          table: r.table,
          file: r.file,
          line: r.line,
          status: r.status,
          reason: r.reason,
        })),
      ),
    );
  });
  addWorkspaceOption(
    q
      .command('export')
      .description(
        'quarantined records as CSV (file, line, reason and the record), to fix and load again',
      )
      .argument('[run]', 'run number (default: every load)')
      .option('--table <table>', 'one table')
      .option('--status <status>', STATUS_HELP)
      .option('--out <file>', 'write to a file instead of stdout'),
  ).action(async (run: string | undefined, opts: FilterOptions) => {
    const records = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
      quarantinedRecords(ws.engine, filterOf(run, opts)),
    );
    const csv = quarantineCsv(records);
    if (opts.out) {
      writeFileSync(opts.out, csv);
      io.err(`${records.length} quarantined records written to ${opts.out}\n`);
    } else {
      io.out(csv);
    }
  });
}
