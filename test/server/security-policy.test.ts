import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { internalSplits, viewerDimensionRefusal } from '../../src/server/auth/dimension-policy.js';
import {
  BOARDS,
  DEFAULT_COMPARE,
  DEFAULT_PRESET,
  boardQueries,
  filterOptionQueries,
  presetRange,
} from '../../src/server/dashboard-boards.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

// Issue 15.10: viewers could not split by customer_segment but could filter by it, and could
// read new_vs_returning_orders, a KPI split by a customer dimension; /api/kpis/:id showed the
// install path to every role.

const OCT = { from: '2026-10-01', to: '2026-10-31' };
let demo: ServedDemo;

beforeAll(async () => {
  demo = await serveDemo(inject('smallDemoDir'));
});
afterAll(async () => {
  await demo?.close();
});

const query = (token: string | undefined, body: unknown) =>
  demo.call('/api/query', { token: token ?? null, body });

describe('one rule for by, where and KPI-internal splits', () => {
  it('a viewer cannot filter by a dimension it cannot split by; an analyst can', async () => {
    const body = { kpis: ['orders'], ...OCT, where: { customer_segment: ['vip'] } };
    const res = await query(demo.tokens['viewer'], body);
    expect(res.status).toBe(403);
    const err = (await res.json()) as { error: { message: string } };
    expect(err.error.message).toContain('where.customer_segment');
    expect(err.error.message).toContain('analyst');
    expect((await query(demo.tokens['analyst'], body)).status).toBe(200);
    // The dashboard's filters stay open to viewers.
    expect(
      (await query(demo.tokens['viewer'], { kpis: ['orders'], ...OCT, where: { channel: ['x'] } }))
        .status,
    ).toBe(200);
  });

  it('a viewer cannot read a KPI that splits itself by such a dimension', async () => {
    // kpis/sales.yaml: new_vs_returning_orders is orders broken down by new_vs_returning.
    const body = { kpis: ['new_vs_returning_orders'], ...OCT };
    const res = await query(demo.tokens['viewer'], body);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'new_vs_returning_orders is split by new_vs_returning',
    );
    expect((await query(demo.tokens['analyst'], body)).status).toBe(200);
    // The same rule in a board's batch.
    const batch = await demo.call('/api/query/batch', {
      token: demo.tokens['viewer'] ?? null,
      body: { queries: [body, { kpis: ['orders'], ...OCT }] },
    });
    const lines = (await batch.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { index: number; status: number });
    expect(lines.find((l) => l.index === 0)?.status).toBe(403);
    expect(lines.find((l) => l.index === 1)?.status).toBe(200);
  });

  it('finds internal splits through the KPIs a KPI is computed from', () => {
    const dict = loadDictionary({});
    expect(internalSplits(dict, 'new_vs_returning_orders')).toEqual(['new_vs_returning']);
    expect(internalSplits(dict, 'margin_by_category')).toEqual(['category']);
    expect(internalSplits(dict, 'net_sales')).toEqual([]);
  });

  it('every query of the default boards and filter bar stays open to viewers', () => {
    const dict = loadDictionary({});
    const ctx = {
      range: presetRange(DEFAULT_PRESET, '2026-10-31'),
      compare: DEFAULT_COMPARE,
      filters: {},
    };
    const queries = [
      ...BOARDS.flatMap((b) => boardQueries(b, ctx)),
      ...filterOptionQueries({ from: '2026-01-01', to: '2026-10-31' }).map((q) => q.query),
    ];
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) expect(viewerDimensionRefusal(q, dict), JSON.stringify(q)).toBeNull();
  });
});

describe('the install path', () => {
  it('is shown to admins only', async () => {
    const get = async (path: string, token: string | undefined) =>
      (await demo.call(path, { token: token ?? null })).text();
    for (const role of ['viewer', 'analyst']) {
      for (const path of ['/api/kpis/net_sales', '/api/kpis', '/api/session']) {
        const text = await get(path, demo.tokens[role]);
        expect(text, `${path} as ${role}`).not.toContain('"file"');
        expect(text).not.toContain('.yaml');
      }
    }
    const detail = JSON.parse(await get('/api/kpis/net_sales', demo.tokens['admin'])) as {
      file: string;
    };
    expect(detail.file).toMatch(/sales\.yaml$/);
  });
});
