import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/backends/engine.js';
import { ReportService } from '../../src/goals/reports/report-service.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import { workspaceConfigSchema } from '../../src/workspace/workspace-config.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import type { SmtpReceiver } from '../helpers/smtp-receiver.js';

// The printer is exercised for real in test/server/goals-api.test.ts (Chromium on the demo);
// here each "PDF" names the range it was asked for, so the schedule's choices can be read back.
const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('../semantic/kpis/', import.meta.url)),
});

let engine: Engine;
let smtp: SmtpReceiver;

beforeAll(async () => {
  // Two orders of 20.00 a day through March and April 2026, one a day in March 2025.
  const orders: Record<string, unknown>[] = [];
  for (let d = 0; d < 61; d++) {
    const day = new Date(Date.UTC(2026, 2, 1 + d)).toISOString().slice(0, 10);
    orders.push({
      order_id: `a${d}`,
      channel_id: 'web',
      ordered_at: `${day}T10:00:00Z`,
      status: 'paid',
    });
    orders.push({
      order_id: `b${d}`,
      channel_id: 'web',
      ordered_at: `${day}T15:00:00Z`,
      status: 'paid',
    });
  }
  for (let d = 0; d < 31; d++) {
    const day = new Date(Date.UTC(2025, 2, 1 + d)).toISOString().slice(0, 10);
    orders.push({
      order_id: `c${d}`,
      channel_id: 'web',
      ordered_at: `${day}T10:00:00Z`,
      status: 'paid',
    });
  }
  const lines = orders.map((o) => ({
    order_id: o['order_id'],
    line_no: 1,
    sku: 'A',
    quantity: 1,
    unit_list_price: 20,
    unit_price: 20,
  }));
  engine = await fixtureDatabase({ orders, order_lines: lines });
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await engine.close();
  await smtp.close();
});

describe('scheduled reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-reports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = workspaceConfigSchema.parse({
    name: 'reports',
    reporting_currency: 'EUR',
    locale: 'en-GB',
    timezone: 'Europe/Paris',
    notifications: { smtp: { host: '127.0.0.1', port: 25, from: 'kpi@example.test' } },
  });
  const clock = { now: new Date('2026-03-20T12:00:00Z') };
  const printed: string[] = [];
  const service = () =>
    new ReportService({
      dir,
      config: {
        ...config,
        notifications: {
          ...config.notifications!,
          smtp: { ...config.notifications!.smtp!, port: smtp.port },
        },
      },
      dictionary,
      read: (_scope, fn) => fn({ engine, dictionary, config }),
      render: async (_scope, r) => {
        printed.push(`${r.from}..${r.to}`);
        return Buffer.from(`%PDF-1.4 ${r.title} ${r.from}..${r.to}`);
      },
      boardKpis: (board) => (board === 'direction' ? ['t_sales', 't_orders'] : null),
      now: () => clock.now,
    });

  it('runs at 07:00 Paris time on the 1st, across the change to summer time, with the month’s figures', async () => {
    const reports = service();
    const s = reports.add(
      {
        name: 'Direction monthly',
        board: 'direction',
        period: 'last-month',
        recipients: ['direction@example.test'],
        cron: '0 7 1 * *',
      },
      { id: 'cli', scope: {} },
    );
    // 1 April 2026 07:00 in Paris is 05:00 UTC (summer time since 29 March).
    expect(reports.nextRun(s)).toBe('2026-04-01T05:00:00.000Z');
    clock.now = new Date('2026-04-01T04:59:00Z');
    expect(await reports.runDue()).toEqual([]);
    clock.now = new Date('2026-04-01T05:00:30Z');
    const [run] = await reports.runDue();
    expect(run).toMatchObject({
      ok: true,
      from: '2026-03-01',
      to: '2026-03-31',
      due: '2026-04-01T05:00:00.000Z',
    });
    expect(printed).toEqual(['2026-03-01..2026-03-31']);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]?.raw ?? '';
    // March 2026: 62 orders of 20.00 = 1,240.00; March 2025: 31 orders, 620.00 (+100 %).
    const body = mail.replace(/=\r?\n/g, '').replace(/=E2=80=AF|=C2=A0/g, ' ');
    expect(body).toMatch(
      /Sales: =E2=82=AC1,240\.00 \(\+100\.0% vs N-1, no objective\)|Sales: €1,240\.00 \(\+100\.0% vs N-1, no objective\)/,
    );
    expect(body).toMatch(/Orders: 62 \(\+100\.0% vs N-1/);
    expect(mail).toMatch(/filename=direction-2026-03-01-2026-03-31\.pdf/);
    expect(mail).toMatch(/Content-Type: application\/pdf/);
    // Nothing more until the next 1st.
    clock.now = new Date('2026-04-20T12:00:00Z');
    expect(await reports.runDue()).toEqual([]);
    reports.close();
  });

  it('makes a run missed while down once at the next start, and retries a failed send', async () => {
    smtp.mails.length = 0;
    printed.length = 0;
    // Down from 20 April to 3 June: the 1 May and 1 June runs were missed; one run catches up.
    clock.now = new Date('2026-06-03T08:00:00Z');
    const reports = service();
    smtp.down = true;
    const [failed] = await reports.runDue();
    expect(failed).toMatchObject({ ok: false, due: '2026-06-01T05:00:00.000Z' });
    expect(failed?.error).toMatch(/down for maintenance|421|Unexpected/i);
    smtp.down = false;
    // Not retried within 10 minutes, then sent once.
    clock.now = new Date('2026-06-03T08:05:00Z');
    expect(await reports.runDue()).toEqual([]);
    clock.now = new Date('2026-06-03T08:11:00Z');
    const [sent] = await reports.runDue();
    expect(sent).toMatchObject({ ok: true, from: '2026-05-01', to: '2026-05-31' });
    expect(smtp.mails).toHaveLength(1);
    expect(printed).toEqual(['2026-05-01..2026-05-31', '2026-05-01..2026-05-31']);
    reports.close();
    // A restart finds it done.
    const again = service();
    expect(await again.runDue()).toEqual([]);
    again.close();
  });
});
