/**
 * Scheduled reports: a board (its headline KPIs and its PDF) over a period rule, in a language,
 * sent to recipients on a cron schedule read in the workspace's time zone. Schedules are data
 * (DIR/reports/schedules.json); runs are recorded in a journal (DIR/reports/log/) so that a run
 * missed while no server was up is done once at the next start, and never twice.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EventJournal } from '../../util/append-journal.js';
import type { KpiDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import type { QueryContext } from '../../semantic/query/query-runner.js';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { localDay } from '../../time/zoned-time.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import type { WorkspaceConfig } from '../../workspace/workspace-config.js';
import { writeDurably } from '../durable-file.js';
import { deliverySettings } from '../notify/notify-settings.js';
import { createMailer } from '../notify/smtp-mailer.js';
import type { Mailer } from '../notify/smtp-mailer.js';
import { nextRun, parseCron, runsBetween } from '../schedules/cron-schedule.js';
import { headlineFigures, headlineLines } from './report-headline.js';
import type { HeadlineFigure } from './report-headline.js';
import { REPORT_PERIODS, reportRange } from './report-period.js';
import type { BoardPdfRequest } from './report-pdf.js';

export const reportInputSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    board: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a board id'),
    /** Headline KPIs of the e-mail; default: the board's tiles. */
    kpis: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
      .max(20)
      .optional(),
    period: z.enum(REPORT_PERIODS).default('last-month'),
    compare: z.enum(['yoy', 'previous']).default('yoy'),
    where: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
    lang: z.enum(['en', 'fr']).default('en'),
    recipients: z.array(z.email()).min(1).max(100),
    /** Five-field cron in the workspace time zone, e.g. "0 7 1 * *" (the 1st at 07:00). */
    cron: z.string().min(9).max(100),
  })
  .strict();

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** An on-demand report: a schedule's fields without recipients or timing, or a custom range. */
export const reportRenderSchema = reportInputSchema
  .omit({ recipients: true, cron: true })
  .extend({ from: isoDay.optional(), to: isoDay.optional() })
  .strict()
  .refine((r) => (r.from === undefined) === (r.to === undefined), {
    message: 'give both from and to, or neither (then the period rule applies)',
    path: ['to'],
  });

export interface ReportSchedule extends z.output<typeof reportInputSchema> {
  readonly id: string;
  readonly scope: Readonly<Record<string, readonly string[]>>;
  readonly created_by: string;
  readonly created_at: string;
}

type ReportLogRecord = {
  readonly t: 'run';
  readonly schedule: string;
  /** The scheduled instant this run stands for (ISO), or null for an on-demand run. */
  readonly due: string | null;
  readonly at: string;
  readonly ok: boolean;
  readonly from: string;
  readonly to: string;
  readonly error?: string;
};

export interface RenderedReport {
  readonly title: string;
  readonly subtitle: string;
  readonly from: string;
  readonly to: string;
  readonly figures: readonly HeadlineFigure[];
  readonly lines: readonly string[];
  readonly pdf: Buffer;
}

export interface ReportServiceOptions {
  readonly dir: string;
  readonly config: WorkspaceConfig;
  readonly dictionary: KpiDictionary;
  /** Reads with a query context under a scope (the schedule's creator's). */
  readonly read: <T>(
    scope: Readonly<Record<string, readonly string[]>>,
    fn: (ctx: QueryContext) => Promise<T>,
  ) => Promise<T>;
  /** Prints a board to PDF under a scope (a server renders its own dashboard). */
  readonly render: (
    scope: Readonly<Record<string, readonly string[]>>,
    request: Omit<BoardPdfRequest, 'dashboardUrl' | 'token'>,
  ) => Promise<Buffer>;
  /** The KPIs a board shows on its tiles. */
  readonly boardKpis: (board: string) => readonly string[] | null;
  readonly now?: () => Date;
  readonly mailer?: Mailer;
}

const PERIOD_WORDS = {
  en: {
    yesterday: 'yesterday',
    'last-week': 'last week',
    'last-month': 'last month',
    'week-to-date': 'week to date',
    'month-to-date': 'month to date',
    'year-to-date': 'year to date',
    yoy: 'compared with N-1',
    previous: 'compared with the previous period',
    generated: 'Generated',
  },
  fr: {
    yesterday: 'hier',
    'last-week': 'semaine dernière',
    'last-month': 'mois dernier',
    'week-to-date': 'semaine en cours',
    'month-to-date': 'mois en cours',
    'year-to-date': 'année en cours',
    yoy: 'comparé à N-1',
    previous: 'comparé à la période précédente',
    generated: 'Généré le',
  },
} as const;

const RETRY_MS = 10 * 60_000;

export function schedulesPath(dir: string): string {
  return join(dir, 'reports', 'schedules.json');
}

export class ReportService {
  private readonly journal: EventJournal<ReportLogRecord>;
  private readonly runs: ReportLogRecord[];
  private readonly now: () => Date;
  private readonly mailer: Mailer;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ReportServiceOptions) {
    const { journal, pending } = EventJournal.open<ReportLogRecord>(
      join(options.dir, 'reports', 'log'),
      0,
    );
    this.journal = journal;
    this.runs = pending.map((e) => e.rec);
    this.now = options.now ?? (() => new Date());
    this.mailer =
      options.mailer ?? createMailer(deliverySettings(options.config, options.dir), 'reports');
  }

  close(): void {
    this.journal.close();
  }

  schedules(): ReportSchedule[] {
    const path = schedulesPath(this.options.dir);
    if (!existsSync(path)) return [];
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { schedules?: ReportSchedule[] };
    return raw.schedules ?? [];
  }

  private write(list: readonly ReportSchedule[]): void {
    writeDurably(
      schedulesPath(this.options.dir),
      `${JSON.stringify({ schedules: list }, null, 2)}\n`,
    );
  }

  add(
    input: unknown,
    owner: { id: string; scope: Readonly<Record<string, readonly string[]>> },
  ): ReportSchedule {
    const parsed = reportInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VitrineError(
        'BAD_REPORT',
        `report: ${issue?.path.join('.') || '(report)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const r = parsed.data;
    parseCron(r.cron);
    if (!this.options.boardKpis(r.board))
      throw new VitrineError('BAD_REPORT', `report: board: unknown board "${r.board}"`);
    for (const k of r.kpis ?? []) this.options.dictionary.get(k);
    const list = this.schedules();
    let id: string;
    do id = `rp-${randomBytes(4).toString('hex')}`;
    while (list.some((s) => s.id === id));
    const schedule: ReportSchedule = {
      ...r,
      id,
      scope: owner.scope,
      created_by: owner.id,
      created_at: this.now().toISOString(),
    };
    this.write([...list, schedule]);
    return schedule;
  }

  remove(id: string): ReportSchedule {
    const list = this.schedules();
    const found = list.find((s) => s.id === id);
    if (!found) throw new VitrineError('UNKNOWN_REPORT', `no report schedule "${id}"`);
    this.write(list.filter((s) => s.id !== id));
    return found;
  }

  /** When a schedule runs next, in ISO (UTC). */
  nextRun(s: ReportSchedule): string {
    return new Date(
      nextRun(parseCron(s.cron), this.now().getTime(), this.options.config.timezone),
    ).toISOString();
  }

  lastRun(id: string): ReportLogRecord | null {
    return [...this.runs].reverse().find((r) => r.schedule === id) ?? null;
  }

  /** Renders a report as of now: headline figures and the board's PDF. */
  async render(
    r: Pick<
      ReportSchedule,
      'board' | 'kpis' | 'period' | 'compare' | 'where' | 'lang' | 'name' | 'scope'
    >,
    /** A range of days instead of the period rule (an on-demand report of any period). */
    custom?: { readonly from: string; readonly to: string },
  ): Promise<RenderedReport> {
    const { config } = this.options;
    const today = localDay(this.now().getTime(), config.timezone);
    const range = custom
      ? { start: parseIsoDate(custom.from, 'from'), end: parseIsoDate(custom.to, 'to') }
      : reportRange(r.period, today, config);
    if (range.end < range.start) {
      throw new VitrineError(
        'BAD_REPORT',
        `report: to ${custom?.to ?? ''} is before from ${custom?.from ?? ''}`,
      );
    }
    const from = isoDate(range.start);
    const to = isoDate(range.end);
    const kpis = r.kpis ?? this.options.boardKpis(r.board) ?? [];
    const w = PERIOD_WORDS[r.lang];
    const title = r.name ?? `Vitrine — ${r.board.charAt(0).toUpperCase()}${r.board.slice(1)}`;
    const span = from === to ? from : `${from} → ${to}`;
    const subtitle = `${custom ? span : `${w[r.period]}: ${span}`}, ${w[r.compare]}`;
    const figures = await this.options.read(r.scope, (ctx) =>
      headlineFigures(ctx, kpis, range, r.lang, r.where),
    );
    const style = {
      locale: r.lang === 'fr' ? 'fr-FR' : config.locale.startsWith('fr') ? 'en-GB' : config.locale,
      currency: config.reporting_currency,
    };
    const lines = headlineLines(figures, r.lang, style);
    const generatedAt = `${w.generated} ${new Intl.DateTimeFormat(style.locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: config.timezone,
    }).format(this.now())} (${config.timezone})`;
    const pdf = await this.options.render(r.scope, {
      board: r.board,
      from,
      to,
      compare: r.compare,
      lang: r.lang,
      where: r.where,
      title,
      subtitle,
      generatedAt,
    });
    return { title, subtitle, from, to, figures, lines, pdf };
  }

  /** Runs a schedule now: renders, e-mails with the PDF attached, records the run. */
  async run(s: ReportSchedule, due: Date | null): Promise<ReportLogRecord> {
    const at = this.now();
    let rec: ReportLogRecord;
    try {
      const report = await this.render(s);
      await this.mailer.send({
        id: `${s.id}.${(due ?? at).toISOString()}`,
        to: s.recipients,
        subject: `${report.title} — ${report.subtitle}`,
        text: [`${report.title}`, report.subtitle, '', ...report.lines].join('\n'),
        attachments: [
          {
            filename: `${s.board}-${report.from}-${report.to}.pdf`,
            content: report.pdf,
            contentType: 'application/pdf',
          },
        ],
      });
      rec = {
        t: 'run',
        schedule: s.id,
        due: due?.toISOString() ?? null,
        at: at.toISOString(),
        ok: true,
        from: report.from,
        to: report.to,
      };
    } catch (e) {
      rec = {
        t: 'run',
        schedule: s.id,
        due: due?.toISOString() ?? null,
        at: at.toISOString(),
        ok: false,
        from: '',
        to: '',
        error: oneLine(e),
      };
    }
    this.journal.append([rec]);
    this.runs.push(rec);
    return rec;
  }

  /**
   * Runs what is due: for each schedule, the runs between its last recorded one (or its
   * creation) and now. Runs missed while down collapse into one, for the latest due time, so a
   * server back after a weekend sends Monday's report once, not three times.
   */
  runDue(): Promise<ReportLogRecord[]> {
    const p = this.running.then(() => this.runDueNow());
    this.running = p.catch(() => undefined);
    return p;
  }

  private async runDueNow(): Promise<ReportLogRecord[]> {
    const out: ReportLogRecord[] = [];
    const now = this.now().getTime();
    for (const s of this.schedules()) {
      const mine = this.runs.filter((r) => r.schedule === s.id && r.due !== null);
      const sent = [...mine].reverse().find((r) => r.ok);
      const tried = mine[mine.length - 1];
      // A failed run (SMTP down) is tried again, at most every RETRY_MS.
      if (tried && !tried.ok && now - Date.parse(tried.at) < RETRY_MS) continue;
      const since = sent?.due ? Date.parse(sent.due) : Date.parse(s.created_at);
      const due = runsBetween(parseCron(s.cron), since, now, this.options.config.timezone);
      const latest = due[due.length - 1];
      if (latest !== undefined) out.push(await this.run(s, new Date(latest)));
    }
    return out;
  }
}
