import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { callServer } from '../../live/live-client.js';
import { findLiveServer } from '../../live/live-lock.js';
import { VitrineError } from '../../util/errors.js';
import { resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson } from '../output.js';
import { addWorkspaceOption } from '../workspace-option.js';

interface SendOptions {
  workspace?: string;
  url?: string;
  token?: string;
  batch: string;
  wait?: boolean;
  format: string;
}

interface EventsAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; id: string | null; field: string; reason: string }[];
  data_version: number;
}

export interface SendReport {
  read: number;
  accepted: number;
  duplicates: number;
  rejected: { line: number; id: string | null; field: string; reason: string }[];
  data_version: number | null;
}

/** The server to send to: --url and --token (or $VITRINE_TOKEN), else the workspace's own. */
function target(opts: SendOptions): { url: string; token: string } {
  if (opts.url) {
    const token = opts.token ?? process.env['VITRINE_TOKEN'];
    if (!token) {
      throw new VitrineError(
        'BAD_OPTION',
        '--url needs a token: --token TOKEN or $VITRINE_TOKEN (vitrine token create --role ingest)',
      );
    }
    return { url: opts.url.replace(/\/+$/, ''), token };
  }
  const dir = resolveWorkspaceDir(opts.workspace);
  const server = findLiveServer(dir);
  if (!server) {
    throw new VitrineError(
      'NO_SERVER',
      `no server runs on ${dir}: start one with "vitrine serve --workspace ${dir}", or name one with --url and --token`,
    );
  }
  return server;
}

/**
 * Streams NDJSON to POST /api/events in batches, numbering events by their line so that a
 * refused one is named where it is in the file.
 */
export async function sendEvents(
  input: Readable,
  server: { url: string; token: string },
  options: { batch: number; wait: boolean },
): Promise<SendReport> {
  const report: SendReport = {
    read: 0,
    accepted: 0,
    duplicates: 0,
    rejected: [],
    data_version: null,
  };
  let lines: string[] = [];
  let lineNos: number[] = [];
  const flush = async () => {
    if (lines.length === 0) return;
    const { body } = await callServer<EventsAnswer>(
      server,
      'POST',
      `/api/events${options.wait ? '?wait=1' : ''}`,
      `${lines.join('\n')}\n`,
      { 'content-type': 'application/x-ndjson' },
    );
    report.accepted += body.accepted;
    report.duplicates += body.duplicates;
    report.data_version = body.data_version;
    for (const r of body.rejected) {
      report.rejected.push({
        line: lineNos[r.index] ?? 0,
        id: r.id,
        field: r.field,
        reason: r.reason,
      });
    }
    lines = [];
    lineNos = [];
  };
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n += 1;
    if (line.trim() === '') continue;
    lines.push(line);
    lineNos.push(n);
    report.read += 1;
    if (lines.length >= options.batch) await flush();
  }
  await flush();
  return report;
}

export function registerEvents(program: Command, io: CliIo): void {
  const events = program
    .command('events')
    .description('live events: send NDJSON to the server that owns a workspace');
  addWorkspaceOption(
    events
      .command('send')
      .description(
        'send events (one JSON object a line: {"id", "type", "data"}) to the running server; each is\nacknowledged once journaled, and refused ones come back with their line, field and reason',
      )
      .argument('<file>', 'NDJSON file, or - for standard input')
      .option('--url <url>', 'server to send to (default: the one running on the workspace)')
      .option('--token <token>', 'token with the ingest or admin role (default: $VITRINE_TOKEN)')
      .option('--batch <n>', 'events per request', '500')
      .option('--wait', 'return once the events are rows of the model')
      .option('--format <format>', 'table or json', 'table')
      .addHelpText(
        'after',
        `
Event types: order, pos_ticket, order_status, return, session, web_event, support_contact,
survey_answer; the fields of "data" are the model's columns (docs/live.md).

Examples:
  vitrine events send today.ndjson --workspace ./demo
  tail -f till.ndjson | vitrine events send - --url https://vitrine.example --token "$TOKEN"
`,
      ),
  ).action(async (file: string, opts: SendOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const batch = Number(opts.batch);
    if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) {
      throw new VitrineError('BAD_OPTION', `--batch: expected 1 to 10000, got "${opts.batch}"`);
    }
    const server = target(opts);
    const input: Readable = file === '-' ? process.stdin : createReadStream(file);
    if (file !== '-') {
      await new Promise<void>((resolve, reject) => {
        input.once('readable', () => resolve());
        input.once('error', (e) =>
          reject(new VitrineError('FILE_NOT_FOUND', `${file}: ${(e as Error).message}`)),
        );
      });
    }
    const report = await sendEvents(input, server, { batch, wait: Boolean(opts.wait) });
    if (format === 'json') {
      io.out(renderJson(report));
      return;
    }
    const out = [
      `events ${file === '-' ? '(stdin)' : file}: ${report.read} read = ${report.accepted} accepted + ${report.duplicates} already sent + ${report.rejected.length > 0 ? new Set(report.rejected.map((r) => r.line)).size : 0} refused`,
    ];
    for (const r of report.rejected.slice(0, 50)) {
      out.push(`  line ${r.line}${r.id ? ` (${r.id})` : ''}: ${r.field}: ${r.reason}`);
    }
    if (report.rejected.length > 50) out.push(`  … ${report.rejected.length - 50} more`);
    if (report.data_version !== null) out.push(`data version ${report.data_version}`);
    io.out(`${out.join('\n')}\n`);
  });
}
