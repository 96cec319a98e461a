import type { Context } from 'hono';
import type { ReportSchedule, ReportService } from '../../goals/reports/report-service.js';
import { reportRenderSchema } from '../../goals/reports/report-service.js';
import type { AppDeps, AppEnv, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { HttpError, jsonBody, parseBody } from '../http-errors.js';
import { notTheWriter, ruleWithinScope } from './alert-routes.js';

function visibleSchedule(c: Context<AppEnv>, reports: ReportService, id: string): ReportSchedule {
  const auth = c.get('auth');
  const s = reports.schedules().find((x) => x.id === id && ruleWithinScope(x, auth.scopes));
  if (!s) throw new HttpError(404, 'NOT_FOUND', `no report schedule "${id}" in your scope`);
  return s;
}

/**
 * Reports: render a board as a PDF with its headline figures (any role, under its scope), and
 * manage schedules (analysts and admins; a schedule renders under its creator's scope).
 */
export function register(
  app: VitrineHono,
  deps: AppDeps & { readonly reports: ReportService | null },
): void {
  if (!deps.reports) {
    app.all('/api/reports/*', () => notTheWriter());
    app.all('/api/reports', () => notTheWriter());

    return;
  }
  const reports = deps.reports;

  app.post('/api/reports/render', async (c) => {
    const auth = c.get('auth');
    const body = parseBody(reportRenderSchema, await jsonBody(c));
    c.set('detail', { board: body.board, period: body.period });
    const { from, to, ...rest } = body;
    const report = await reports.render(
      { ...rest, scope: auth.scopes },
      from !== undefined && to !== undefined ? { from, to } : undefined,
    );
    if (c.req.query('format') === 'json') {
      return c.json({
        title: report.title,
        subtitle: report.subtitle,
        from: report.from,
        to: report.to,
        lines: report.lines,
        figures: report.figures,
        pdf_base64: report.pdf.toString('base64'),
      });
    }
    c.header('Content-Type', 'application/pdf');
    c.header(
      'Content-Disposition',
      `attachment; filename="${body.board}-${report.from}-${report.to}.pdf"`,
    );
    return c.body(new Uint8Array(report.pdf));
  });

  app.get('/api/reports', (c) => {
    const auth = requireRole(c, 'analyst');
    return c.json({
      schedules: reports
        .schedules()
        .filter((s) => ruleWithinScope(s, auth.scopes))
        .map((s) => ({ ...s, next_run: reports.nextRun(s), last_run: reports.lastRun(s.id) })),
    });
  });

  app.post('/api/reports', async (c) => {
    const auth = requireRole(c, 'analyst');
    const schedule = reports.add(await jsonBody(c), { id: auth.id, scope: auth.scopes });
    c.set('detail', { schedule: schedule.id });
    return c.json({ schedule: { ...schedule, next_run: reports.nextRun(schedule) } }, 201);
  });

  app.delete('/api/reports/:id', (c) => {
    requireRole(c, 'analyst');
    const s = visibleSchedule(c, reports, c.req.param('id'));
    reports.remove(s.id);
    return c.json({ removed: s.id });
  });

  app.post('/api/reports/:id/run', async (c) => {
    requireRole(c, 'analyst');
    const s = visibleSchedule(c, reports, c.req.param('id'));
    const run = await reports.run(s, null);
    if (!run.ok)
      throw new HttpError(502, 'REPORT_FAILED', `report ${s.id}: ${run.error ?? 'failed'}`);
    return c.json({ run });
  });
}
