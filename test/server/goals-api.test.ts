import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { ARTIFACTS, ensureDashboardBuilt } from '../e2e/browser-helper.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

let demo: ServedDemo;

beforeAll(async () => {
  demo = await serveDemo(inject('smallDemoDir'), { staticDir: await ensureDashboardBuilt() });
});
afterAll(async () => {
  await demo.server.close();
  rmSync(demo.dir, { recursive: true, force: true });
});

const rule = {
  kpi: 'orders',
  window: 'month',
  condition: { kind: 'change', vs: 'yoy', direction: 'down', by: 50, unit: 'pct' },
};

describe('alert rules over the API', () => {
  it('needs a token and the analyst role to create; a viewer reads its feed', async () => {
    expect((await demo.call('/api/alerts', { token: null, body: rule })).status).toBe(401);
    expect((await demo.call('/api/alerts', { token: 'bad', body: rule })).status).toBe(401);
    const viewer = await demo.call('/api/alerts', { token: demo.tokens['viewer'], body: rule });
    expect(viewer.status).toBe(403);
    expect((await demo.call('/api/alerts', { token: demo.tokens['viewer'] })).status).toBe(403);
    const feed = await demo.call('/api/notifications', { token: demo.tokens['viewer'] });
    expect(feed.status).toBe(200);
    expect(await feed.json()).toEqual({ unread: 0, items: [] });
  });

  it('refuses a rule that cannot run with a message naming the field or the KPI', async () => {
    const unknown = await demo.call('/api/alerts', {
      token: demo.tokens['analyst'],
      body: { ...rule, kpi: 'net_salez' },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toMatch(/net_salez/);
    const bad = await demo.call('/api/alerts', {
      token: demo.tokens['analyst'],
      body: { ...rule, window: 'fortnight' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/window/);
  });

  it("keeps a scoped token's rules inside its scope", async () => {
    const mine = await demo.call('/api/alerts', { token: demo.tokens['storeAnalyst'], body: rule });
    expect(mine.status).toBe(201);
    const created = (await mine.json()) as { rule: { id: string; scope: unknown } };
    expect(created.rule.scope).toEqual({ location: ['ST05'] });
    const chain = await demo.call('/api/alerts', { token: demo.tokens['analyst'], body: rule });
    expect(chain.status).toBe(201);
    const chainId = ((await chain.json()) as { rule: { id: string } }).rule.id;

    const listed = async (token: string | undefined) =>
      (
        (await (await demo.call('/api/alerts', { token })).json()) as { rules: { id: string }[] }
      ).rules.map((r) => r.id);
    expect(await listed(demo.tokens['storeAnalyst'])).toEqual([created.rule.id]);
    expect(await listed(demo.tokens['admin'])).toEqual(
      expect.arrayContaining([created.rule.id, chainId]),
    );
    // The store's analyst can neither remove nor test the chain's rule: for it, there is none.
    const del = await demo.call(`/api/alerts/${chainId}`, {
      token: demo.tokens['storeAnalyst'],
      method: 'DELETE',
    });
    expect(del.status).toBe(404);
    const test = await demo.call(`/api/alerts/${chainId}/test`, {
      token: demo.tokens['storeAnalyst'],
      body: {},
    });
    expect(test.status).toBe(404);
    const own = await demo.call(`/api/alerts/${created.rule.id}`, {
      token: demo.tokens['storeAnalyst'],
      method: 'DELETE',
    });
    expect(own.status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('describes every alert, notification and report endpoint with its role', async () => {
    const doc = (await (await demo.call('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-vitrine-role': string }>>;
    };
    const roles = Object.fromEntries(
      Object.entries(doc.paths)
        .filter(([p]) => /^\/api\/(alerts|notifications|reports)/.test(p))
        .flatMap(([p, ops]) =>
          Object.entries(ops).map(([m, op]) => [`${m} ${p}`, op['x-vitrine-role']]),
        ),
    );
    expect(roles).toEqual({
      'get /api/alerts': 'analyst',
      'post /api/alerts': 'analyst',
      'delete /api/alerts/{id}': 'analyst',
      'post /api/alerts/{id}/test': 'analyst',
      'get /api/alerts/log': 'analyst',
      'get /api/notifications': 'viewer',
      'post /api/notifications/read': 'viewer',
      'get /api/reports': 'analyst',
      'post /api/reports': 'analyst',
      'delete /api/reports/{id}': 'analyst',
      'post /api/reports/{id}/run': 'analyst',
      'post /api/reports/render': 'viewer',
    });
  });
});

describe('reports', () => {
  it('prints the direction board to a PDF holding the period and its figures', async () => {
    const res = await demo.call('/api/reports/render?format=json', {
      token: demo.tokens['viewer'],
      body: { board: 'direction', from: '2026-11-01', to: '2026-11-22', lang: 'en' },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      title: string;
      subtitle: string;
      lines: string[];
      pdf_base64: string;
    };
    // Kept with the screenshots, to be looked at as a person would.
    mkdirSync(ARTIFACTS, { recursive: true });
    const pdf = join(ARTIFACTS, 'report-direction.pdf');
    writeFileSync(pdf, Buffer.from(report.pdf_base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

    // Valid orders placed 1–22 November 2026, local dates (Paris), counted here by hand.
    const ws = await openWorkspace(inject('smallDemoDir'), { readOnly: true });
    let orders: number;
    try {
      const r = await ws.engine.run(
        `SELECT count(*)::INTEGER AS n FROM orders
          WHERE status NOT IN ('cancelled', 'fraud')
            AND CAST(timezone('Europe/Paris', ordered_at) AS DATE) BETWEEN DATE '2026-11-01' AND DATE '2026-11-22'`,
      );
      orders = Number(r.rows[0]?.['n']);
    } finally {
      await ws.close();
    }
    expect(orders).toBeGreaterThan(100);
    const shown = new Intl.NumberFormat('en-GB').format(orders);
    expect(report.lines.find((l) => l.startsWith('Orders:'))).toMatch(
      new RegExp(`^Orders: ${shown} \\(`),
    );
    const flat = text.replace(/[\s\u00a0\u202f]+/g, ' ');
    expect(flat).toContain('2026-11-01 → 2026-11-22');
    expect(flat).toContain(shown);
    expect(flat).toMatch(/Generated/);
  });

  it('schedules need the analyst role, a valid cron and a known board', async () => {
    const body = { board: 'direction', cron: '0 7 1 * *', recipients: ['direction@example.test'] };
    expect((await demo.call('/api/reports', { token: demo.tokens['viewer'], body })).status).toBe(
      403,
    );
    const badCron = await demo.call('/api/reports', {
      token: demo.tokens['analyst'],
      body: { ...body, cron: '0 25 * * *' },
    });
    expect(badCron.status).toBe(400);
    expect(JSON.stringify(await badCron.json())).toMatch(/hour: 25 is outside 0–23/);
    const badBoard = await demo.call('/api/reports', {
      token: demo.tokens['analyst'],
      body: { ...body, board: 'nope' },
    });
    expect(badBoard.status).toBe(400);
    const ok = await demo.call('/api/reports', { token: demo.tokens['analyst'], body });
    expect(ok.status).toBe(201);
    const s = ((await ok.json()) as { schedule: { next_run: string } }).schedule;
    // The 1st of a month at 07:00 in Paris is 06:00 UTC in winter, 05:00 in summer.
    expect(s.next_run).toMatch(/-01T0[56]:00:00\.000Z$/);
  });
});
