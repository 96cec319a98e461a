import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/backends/engine.js';
import { webhookSignature } from '../../src/goals/alerts/alert-delivery.js';
import { AlertService } from '../../src/goals/alerts/alert-service.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import { workspaceConfigSchema } from '../../src/workspace/workspace-config.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import type { SmtpReceiver } from '../helpers/smtp-receiver.js';

const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('../semantic/kpis/', import.meta.url)),
});
const SECRET = 'test-secret-4f1c';

interface Hook {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let engine: Engine;
let smtp: SmtpReceiver;
let hookServer: Server;
let hookUrl = '';
const hooks: Hook[] = [];
let hookDown = false;

beforeAll(async () => {
  // One order a day on 1–10 January 2026 (noon UTC), and two more on 5 January: 3 that day.
  const days = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
  const orders = [
    ...days.map((d, i) => ({
      order_id: `o${i}`,
      channel_id: 'web',
      ordered_at: `${d}T12:00:00Z`,
      status: 'paid',
    })),
    { order_id: 'x1', channel_id: 'web', ordered_at: '2026-01-05T13:00:00Z', status: 'paid' },
    { order_id: 'x2', channel_id: 'store', ordered_at: '2026-01-05T14:00:00Z', status: 'paid' },
  ];
  const lines = orders.map((o) => ({
    order_id: o.order_id,
    line_no: 1,
    sku: 'A',
    quantity: 1,
    unit_list_price: 20,
    unit_price: 20,
  }));
  engine = await fixtureDatabase({ orders, order_lines: lines });

  smtp = await startSmtpReceiver();

  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (hookDown) {
        res.writeHead(503).end('down');
        return;
      }
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await engine.close();
  await smtp.close();
  await new Promise<void>((resolve) => hookServer.close(() => resolve()));
});

/** Subject (RFC 2047 Q words) and body (quoted-printable) of a received message, decoded. */
function readMail(raw: string): { subject: string; body: string } {
  const qp = (s: string) =>
    Buffer.from(
      s
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const subjectLine = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(head)?.[1] ?? '';
  const subject = subjectLine
    .replace(/\r?\n[ \t]/g, '')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, w: string) => qp(w.replace(/_/g, ' ')))
    .replace(/\?=\s*=\?/g, '');
  return { subject, body: qp(rest.join('\n\n')) };
}

function service(dir: string, clock: { now: Date }) {
  const config = workspaceConfigSchema.parse({
    name: 'alerts',
    reporting_currency: 'EUR',
    locale: 'en-GB',
    timezone: 'Europe/Paris',
    notifications: {
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'vitrine@example.test' },
      dashboard_url: 'http://127.0.0.1:4310',
    },
  });
  return new AlertService({
    dir,
    config,
    dictionary,
    read: (fn) => fn({ engine, dictionary, config }),
    message: () => ({ dashboardUrl: 'http://127.0.0.1:4310', boardOf: () => 'direction' }),
    now: () => clock.now,
    retry: { firstDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 5 },
  });
}

describe('alerts', () => {
  const dirs: string[] = [];
  const workspace = () => {
    const d = mkdtempSync(join(tmpdir(), 'vitrine-alerts-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('fires once with the value, stays quiet while firing, then recovers; e-mail and signed webhook', async () => {
    process.env['VITRINE_WEBHOOK_SECRET'] = SECRET;
    const dir = workspace();
    const clock = { now: new Date('2026-01-06T09:00:00Z') };
    const alerts = service(dir, clock);
    smtp.mails.length = 0;
    hooks.length = 0;
    const { rule, evaluation } = await alerts.add(
      {
        name: 'Busy day',
        kpi: 't_orders',
        window: 'day',
        condition: { kind: 'threshold', direction: 'above', value: 2 },
        channels: [
          { kind: 'email', to: ['direction@example.test'] },
          { kind: 'webhook', url: hookUrl },
          { kind: 'dashboard' },
        ],
      },
      { id: 'cli', scope: {} },
    );
    // Yesterday in Paris was 5 January: 3 orders, above 2.
    expect(evaluation).toMatchObject({
      status: 'firing',
      value: 3,
      window: { from: '2026-01-05', to: '2026-01-05' },
    });

    const first = await alerts.evaluateAll();
    expect(first.map((o) => o.transition)).toEqual(['firing']);
    const sent = await alerts.deliverDue();
    expect(sent.map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toBe('direction@example.test');
    const mail = readMail(smtp.mails[0]?.raw ?? '');
    expect(mail.subject).toBe('Alert: Busy day — 3');
    expect(mail.body).toContain('Orders: 3');
    expect(mail.body).toContain('Compared with threshold: 2');
    expect(mail.body).toContain('Period: 2026-01-05');
    expect(mail.body).toContain(
      'Open the board: http://127.0.0.1:4310/?board=direction&period=custom&from=2026-01-05&to=2026-01-05&lang=en',
    );
    expect(hooks).toHaveLength(1);
    const hook = hooks[0];
    const body = JSON.parse(hook?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ rule: rule.id, kpi: 't_orders', status: 'firing', value: 3 });
    expect(hook?.headers['x-vitrine-signature']).toBe(
      webhookSignature(SECRET, String(hook?.headers['x-vitrine-timestamp']), hook?.body ?? ''),
    );

    // Still firing an hour later: nothing new.
    clock.now = new Date('2026-01-06T10:00:00Z');
    expect((await alerts.evaluateAll()).map((o) => o.transition)).toEqual([null]);
    expect(await alerts.deliverDue()).toEqual([]);
    expect(smtp.mails).toHaveLength(1);

    // The next day, yesterday (6 January) had 1 order: recovered, one notice per channel.
    clock.now = new Date('2026-01-07T09:00:00Z');
    expect((await alerts.evaluateAll()).map((o) => o.transition)).toEqual(['recovered']);
    await alerts.deliverDue();
    expect(smtp.mails).toHaveLength(2);
    expect(readMail(smtp.mails[1]?.raw ?? '').subject).toBe(
      'Recovered: Busy day is back within its rule — 1',
    );
    expect(hooks).toHaveLength(2);
    expect(JSON.parse(hooks[1]?.body ?? '{}')).toMatchObject({ status: 'recovered', value: 1 });

    // The dashboard feed lists both, newest first, unread until read.
    const feed = alerts.log.feed('tok-1', new Set([rule.id]));
    expect(feed.items.map((n) => n.status)).toEqual(['recovered', 'firing']);
    expect(feed.unread).toBe(2);
    alerts.close();
  });

  it('retries a receiver that is down with backoff and delivers once when it is back', async () => {
    process.env['VITRINE_WEBHOOK_SECRET'] = SECRET;
    const dir = workspace();
    const clock = { now: new Date('2026-01-06T09:00:00Z') };
    const alerts = service(dir, clock);
    hooks.length = 0;
    await alerts.add(
      {
        kpi: 't_orders',
        condition: { kind: 'threshold', direction: 'above', value: 2 },
        channels: [{ kind: 'webhook', url: hookUrl, format: 'slack' }],
      },
      { id: 'cli', scope: {} },
    );
    await alerts.evaluateAll();
    hookDown = true;
    const failed = await alerts.deliverDue();
    expect(failed).toMatchObject([
      { status: 'pending', attempts: 1, lastError: expect.stringMatching(/503/) },
    ]);
    // Not due again before its backoff (1 s).
    expect(await alerts.deliverDue()).toEqual([]);
    clock.now = new Date(clock.now.getTime() + 1000);
    expect(await alerts.deliverDue()).toMatchObject([{ status: 'pending', attempts: 2 }]);
    // Second backoff is 2 s; the receiver is back.
    hookDown = false;
    clock.now = new Date(clock.now.getTime() + 2000);
    expect(await alerts.deliverDue()).toMatchObject([{ status: 'sent', attempts: 3 }]);
    clock.now = new Date(clock.now.getTime() + 60_000);
    expect(await alerts.deliverDue()).toEqual([]);
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0]?.body ?? '{}')).toMatchObject({
      text: expect.stringMatching(/^Alert: t_orders|^Alert: Orders/),
    });
    const attempts = alerts.log.records().filter((r) => r.t === 'attempt');
    expect(attempts.map((r) => (r.t === 'attempt' ? r.ok : null))).toEqual([false, false, true]);
    alerts.close();

    // A restart reads the same state: still firing, nothing owed, nothing sent again.
    const again = service(dir, clock);
    expect((await again.evaluateAll()).map((o) => o.transition)).toEqual([null]);
    expect(await again.deliverDue()).toEqual([]);
    expect(hooks).toHaveLength(1);
    again.close();
  });

  it('compares with N-1 in % and keeps a scoped rule inside its scope', async () => {
    const dir = workspace();
    const clock = { now: new Date('2026-01-06T09:00:00Z') };
    const alerts = service(dir, clock);
    // No orders a year earlier: the change vs N-1 cannot be judged.
    const { evaluation } = await alerts.add(
      {
        kpi: 't_orders',
        condition: { kind: 'change', vs: 'yoy', direction: 'down', by: 10, unit: 'pct' },
      },
      { id: 'cli', scope: {} },
    );
    expect(evaluation.status).toBe('no_data');
    // Against the previous day (4 January: 1 order), 5 January's 3 orders are +200 %.
    const up = await alerts.add(
      {
        kpi: 't_orders',
        condition: { kind: 'change', vs: 'previous', direction: 'up', by: 150, unit: 'pct' },
      },
      { id: 'cli', scope: {} },
    );
    expect(up.evaluation).toMatchObject({
      status: 'firing',
      value: 3,
      compared: { value: 1, change: 200 },
    });
    // A token scoped to the store channel sees 1 order on 5 January, whatever its rule asks.
    const scoped = await alerts.add(
      {
        kpi: 't_orders',
        where: { channel: ['web'] },
        condition: { kind: 'threshold', direction: 'above', value: 0 },
      },
      { id: 'tok-store', scope: { channel: ['store'] } },
    );
    expect(scoped.evaluation.status).not.toBe('firing');
    const own = await alerts.add(
      { kpi: 't_orders', condition: { kind: 'threshold', direction: 'above', value: 0 } },
      { id: 'tok-store', scope: { channel: ['store'] } },
    );
    expect(own.evaluation).toMatchObject({ status: 'firing', value: 1 });
    alerts.close();
  });

  it('refuses a rule that cannot run, naming why', async () => {
    const alerts = service(workspace(), { now: new Date('2026-01-06T09:00:00Z') });
    await expect(
      alerts.add(
        { kpi: 'no_such_kpi', condition: { kind: 'threshold', direction: 'above', value: 1 } },
        { id: 'cli', scope: {} },
      ),
    ).rejects.toThrow(/no_such_kpi/);
    await expect(
      alerts.add(
        { kpi: 't_orders', condition: { kind: 'threshold', direction: 'sideways', value: 1 } },
        { id: 'cli', scope: {} },
      ),
    ).rejects.toThrow(/condition\.direction/);
    await expect(
      alerts.add(
        {
          kpi: 't_orders',
          condition: { kind: 'threshold', direction: 'above', value: 1 },
          channels: [{ kind: 'email', to: ['not-an-address'] }],
        },
        { id: 'cli', scope: {} },
      ),
    ).rejects.toThrow(/channels\.0\.to\.0/);
    expect(alerts.rules()).toEqual([]);
    alerts.close();
  });
});
