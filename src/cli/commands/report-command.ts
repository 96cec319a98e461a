import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { REPORT_PERIODS } from '../../goals/reports/report-period.js';
import type { ReportSchedule } from '../../goals/reports/report-service.js';
import { callServer } from '../../live/live-client.js';
import { findLiveServer } from '../../live/live-lock.js';
import type { LiveServerInfo } from '../../live/live-lock.js';
import { startServer } from '../../server/http-server.js';
import { parseWhere } from '../../semantic/plan/plan-builder.js';
import { VitrineError } from '../../util/errors.js';
import { resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderList } from '../output.js';
import { addWorkspaceOption } from '../workspace-option.js';

/**
 * Reports are printed by a server (the PDF is the dashboard as a person sees it): the one
 * serving the workspace, or one started here for the command's duration.
 */
async function withServer<T>(
  flag: string | undefined,
  version: string,
  fn: (s: LiveServerInfo) => Promise<T>,
): Promise<T> {
  const dir = resolveWorkspaceDir(flag);
  const running = findLiveServer(dir);
  if (running) return fn(running);
  const server = await startServer({
    workspaceDir: dir,
    port: 0,
    host: '127.0.0.1',
    version,
    warmUp: false,
  });
  try {
    const own = findLiveServer(dir);
    if (!own) throw new VitrineError('SERVER_START', 'the report printer could not start');
    return await fn(own);
  } finally {
    await server.close();
  }
}

interface Rendered {
  title: string;
  subtitle: string;
  from: string;
  to: string;
  lines: string[];
  pdf_base64: string;
}

export function registerReport(program: Command, io: CliIo): void {
  const report = program
    .command('report')
    .description(
      'reports: a board as a PDF with its headline figures, on demand or scheduled by e-mail',
    );
  const version = () => program.version() ?? '0.0.0';

  addWorkspaceOption(
    report
      .command('render')
      .description('print a board to PDF now, and show its headline figures')
      .requiredOption(
        '--board <id>',
        'the board: direction, marketing, service, product, supply, finance, stores, tech',
      )
      .option('--period <rule>', `the period: ${REPORT_PERIODS.join(', ')}`, 'last-month')
      .option('--from <date>', 'first day of a custom period (with --to)')
      .option('--to <date>', 'last day of a custom period')
      .option('--compare <kind>', 'yoy (N-1) or previous', 'yoy')
      .option(
        '--where <filters>',
        'dimension=value,… as in vitrine query (values of one dimension are ORed)',
      )
      .option('--lang <lang>', 'en or fr', 'en')
      .requiredOption('--out <file>', 'the PDF file to write')
      .option('--format <format>', 'table or json (the headline figures)', 'table')
      .addHelpText(
        'after',
        `
Examples:
  vitrine report render --board direction --period last-month --lang fr --out direction.pdf
  vitrine report render --board stores --where "region=Île-de-France" --period last-week --out idf.pdf
  vitrine report render --board finance --from 2026-01-01 --to 2026-03-31 --out q1.pdf

Needs Chromium (Debian: apt-get install chromium, or VITRINE_CHROMIUM=/path/to/chrome).`,
      ),
  ).action(
    async (o: {
      workspace?: string;
      board: string;
      period: string;
      from?: string;
      to?: string;
      compare: string;
      where?: string;
      lang: string;
      out: string;
      format: string;
    }) => {
      const format = parseFormat(o.format, ['table', 'json']);
      const body = {
        board: o.board,
        period: o.period,
        compare: o.compare,
        lang: o.lang,
        where: o.where ? parseWhere(o.where) : {},
        ...(o.from !== undefined ? { from: o.from } : {}),
        ...(o.to !== undefined ? { to: o.to } : {}),
      };
      io.progress.info(`printing the ${o.board} board…`);
      const res = await withServer(
        o.workspace,
        version(),
        async (s) =>
          (await callServer<Rendered>(s, 'POST', '/api/reports/render?format=json', body)).body,
      );
      writeFileSync(o.out, Buffer.from(res.pdf_base64, 'base64'));
      const { pdf_base64: _pdf, ...rest } = res;
      io.out(
        format === 'json'
          ? renderJson({ ...rest, out: o.out })
          : `${res.title} — ${res.subtitle}\n${res.lines.join('\n')}\nwrote ${o.out}\n`,
      );
    },
  );

  addWorkspaceOption(
    report
      .command('add')
      .description('schedule a report by e-mail (PDF attached, headline figures in the body)')
      .requiredOption('--board <id>', 'the board printed')
      .requiredOption(
        '--cron <expr>',
        'when, in the workspace time zone: "0 7 1 * *" = the 1st at 07:00',
      )
      .requiredOption('--to <addresses>', 'recipients, comma-separated')
      .option('--period <rule>', `the period: ${REPORT_PERIODS.join(', ')}`, 'last-month')
      .option('--compare <kind>', 'yoy (N-1) or previous', 'yoy')
      .option(
        '--where <filters>',
        'dimension=value,… as in vitrine query (values of one dimension are ORed)',
      )
      .option('--kpis <ids>', "headline KPIs of the e-mail (default: the board's tiles)")
      .option('--name <text>', 'the report title')
      .option('--lang <lang>', 'en or fr', 'en')
      .addHelpText(
        'after',
        `
Examples:
  vitrine report add --board direction --period last-month --cron "0 7 1 * *" --to direction@example.com --lang fr
  vitrine report add --board stores --period last-week --cron "30 6 * * mon" --to regions@example.com

Runs are made by \`vitrine serve\`; one missed while no server ran is made once at the next start.`,
      ),
  ).action(
    async (o: {
      workspace?: string;
      board: string;
      cron: string;
      to: string;
      period: string;
      compare: string;
      where?: string;
      kpis?: string;
      name?: string;
      lang: string;
    }) => {
      const body = {
        board: o.board,
        cron: o.cron,
        recipients: o.to.split(',').map((x) => x.trim()),
        period: o.period,
        compare: o.compare,
        where: o.where ? parseWhere(o.where) : {},
        lang: o.lang,
        ...(o.kpis ? { kpis: o.kpis.split(',').map((x) => x.trim()) } : {}),
        ...(o.name ? { name: o.name } : {}),
      };
      const res = await withServer(
        o.workspace,
        version(),
        async (s) =>
          (
            await callServer<{ schedule: ReportSchedule & { next_run: string } }>(
              s,
              'POST',
              '/api/reports',
              body,
            )
          ).body.schedule,
      );
      io.out(`added ${res.id}: ${res.board}, ${res.period}, next run ${res.next_run}\n`);
    },
  );

  addWorkspaceOption(
    report
      .command('list')
      .description('scheduled reports, with their next and last runs')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (o: { workspace?: string; format: string }) => {
    const format = parseFormat(o.format, ['table', 'json']);
    type Listed = ReportSchedule & {
      next_run: string;
      last_run: { at: string; ok: boolean; error?: string } | null;
    };
    const list = await withServer(
      o.workspace,
      version(),
      async (s) =>
        (await callServer<{ schedules: Listed[] }>(s, 'GET', '/api/reports')).body.schedules,
    );
    io.out(
      renderList(
        format,
        list,
        ['id', 'board', 'period', 'cron', 'to', 'next run', 'last run'],
        list.map((s) => ({
          id: s.id,
          board: s.board,
          period: s.period,
          cron: s.cron,
          to: s.recipients.join(', '),
          'next run': s.next_run,
          'last run': s.last_run
            ? `${s.last_run.at} ${s.last_run.ok ? 'sent' : `failed: ${s.last_run.error ?? ''}`}`
            : '—',
        })),
        'no scheduled report; add one with `vitrine report add --help`',
      ),
    );
  });

  addWorkspaceOption(
    report
      .command('run')
      .description('run a scheduled report now (sends it)')
      .argument('<id>', 'the schedule id'),
  ).action(async (id: string, o: { workspace?: string }) => {
    await withServer(o.workspace, version(), async (s) =>
      callServer(s, 'POST', `/api/reports/${encodeURIComponent(id)}/run`),
    );
    io.out(`sent ${id}\n`);
  });

  addWorkspaceOption(
    report
      .command('remove')
      .description('remove a scheduled report')
      .argument('<id>', 'the schedule id'),
  ).action(async (id: string, o: { workspace?: string }) => {
    await withServer(o.workspace, version(), async (s) =>
      callServer(s, 'DELETE', `/api/reports/${encodeURIComponent(id)}`),
    );
    io.out(`removed ${id}\n`);
  });
}
