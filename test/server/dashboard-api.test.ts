import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BOARDS,
  DEFAULT_COMPARE,
  DEFAULT_PRESET,
  presetRange,
  tileQueries,
} from '../../src/server/dashboard-boards.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

// The endpoints the dashboard's analyses, data-quality view and first board rely on:
// /api/session, /api/query/batch, /api/models/{name} (dashboard view), /api/data-quality, and the
// cache the server fills at start.

const OCT = { from: '2026-10-01', to: '2026-10-31' };
let demo: ServedDemo;
let truth: {
  meta: { end: string; rowCounts: Record<string, number> };
  experiment: { experimentId: string; visitors: number; variants: string[] };
};
/** Reference tables read straight from the demo's database (data, not API answers). */
let channels: Map<string, string>;
let locations: { id: string; region: string | null }[];

type Json = Record<string, unknown> & { error?: { code: string; message: string } };
interface BatchLine {
  index: number;
  status: number;
  cache?: string;
  body: Json & { rows?: { dims: Record<string, unknown>; values: Record<string, unknown> }[] };
}

const token = (name: string) => demo.tokens[name] ?? null;

async function batch(
  body: unknown,
  who = 'viewer',
): Promise<{ status: number; lines: BatchLine[] }> {
  const res = await demo.call('/api/query/batch', { token: token(who), body });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, lines: [JSON.parse(text) as BatchLine] };
  expect(res.headers.get('content-type')).toContain('application/x-ndjson');
  return {
    status: res.status,
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as BatchLine),
  };
}

beforeAll(async () => {
  const dir = inject('smallDemoDir');
  truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as typeof truth;
  demo = await serveDemo(dir);
  const ws = await openWorkspace(dir, { readOnly: true });
  try {
    channels = new Map(
      (await ws.engine.run('SELECT channel_id, name FROM channels')).rows.map((r) => [
        String(r['channel_id']),
        String(r['name']),
      ]),
    );
    locations = (await ws.engine.run('SELECT location_id, region FROM locations')).rows.map(
      (r) => ({ id: String(r['location_id']), region: (r['region'] as string | null) ?? null }),
    );
  } finally {
    await ws.close();
  }
});
afterAll(async () => {
  await demo?.close();
});

describe('GET /api/session', () => {
  it('gives me, the workspace with display names, and the KPIs; 401 without a token', async () => {
    const res = await demo.call('/api/session', { token: token('viewer') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      me: { role: string };
      workspace: { data_to: string; labels: Record<string, Record<string, string>> };
      kpis: { id: string }[];
    };
    expect(body.me.role).toBe('viewer');
    // The demo's data end the day before its "today" (ground-truth meta.end).
    expect(body.workspace.data_to).toBe(truth.meta.end);
    expect(body.kpis.map((k) => k.id)).toContain('net_sales');
    // Every channel id is named as in the channels table, and the demo has 4 channels.
    expect(Object.keys(body.workspace.labels['channel'] ?? {})).toHaveLength(
      truth.meta.rowCounts['channels'] ?? -1,
    );
    for (const [id, name] of channels) expect(body.workspace.labels['channel']?.[id]).toBe(name);
    expect(Object.keys(body.workspace.labels['location'] ?? {})).toHaveLength(
      truth.meta.rowCounts['locations'] ?? -1,
    );
    expect(Object.keys(body.workspace.labels['experiment'] ?? {})).toEqual([
      truth.experiment.experimentId,
    ]);
    expect((await demo.call('/api/session', { token: null })).status).toBe(401);
  });

  it('names only the members of a scoped token', async () => {
    const labelsOf = async (who: string) =>
      (
        (await (await demo.call('/api/workspace', { token: token(who) })).json()) as {
          labels: Record<string, Record<string, string>>;
        }
      ).labels;
    expect(Object.keys((await labelsOf('storeAnalyst'))['location'] ?? {})).toEqual(['ST05']);
    const region = locations
      .filter((l) => l.region === 'Pays de la Loire')
      .map((l) => l.id)
      .sort();
    expect(region.length).toBeGreaterThan(0);
    expect(Object.keys((await labelsOf('regionViewer'))['location'] ?? {}).sort()).toEqual(region);
  });
});

describe('POST /api/query/batch', () => {
  const queries = [
    { kpis: ['net_sales', 'orders'], ...OCT, compare: ['yoy'] },
    { kpis: ['orders'], by: ['channel'], ...OCT },
    { kpis: ['net_sales'], ...OCT, grain: 'week' },
  ];

  it('answers each query as POST /api/query does, one NDJSON line each', async () => {
    const { status, lines } = await batch({ queries });
    expect(status).toBe(200);
    expect(lines.map((l) => l.index).sort()).toEqual([0, 1, 2]);
    for (const line of lines) {
      expect(line.status).toBe(200);
      const single = await demo.call('/api/query', {
        token: token('viewer'),
        body: queries[line.index],
      });
      expect(line.body).toEqual(await single.json());
    }
    const byChannel = lines.find((l) => l.index === 1)?.body.rows ?? [];
    expect(byChannel.map((r) => r.dims['channel']).sort()).toEqual([...channels.keys()].sort());
  });

  it('refuses each bad query on its own line and answers the others', async () => {
    const { status, lines } = await batch({
      queries: [
        { kpis: [], ...OCT },
        { kpis: ['no_such_kpi'], ...OCT },
        { kpis: ['orders'], by: ['payment_method'], ...OCT },
        { kpis: ['orders'], ...OCT },
      ],
    });
    expect(status).toBe(200);
    const at = (i: number) => lines.find((l) => l.index === i);
    expect(at(0)?.status).toBe(400);
    expect(at(0)?.body.error?.message).toMatch(/field kpis/);
    expect(at(1)?.status).toBe(400);
    expect(at(1)?.body.error?.message).toContain('no_such_kpi');
    // A viewer splitting by an ad-hoc dimension is refused as by POST /api/query.
    expect(at(2)?.status).toBe(403);
    expect(at(2)?.body.error?.message).toMatch(/payment_method.*analyst/);
    expect(at(3)?.status).toBe(200);
  });

  it.each([
    ['not JSON', '{', /JSON/],
    ['no queries', { queries: [] }, /at least one/],
    [
      'too many',
      { queries: Array.from({ length: 41 }, () => ({ kpis: ['orders'], ...OCT })) },
      /40/,
    ],
    [
      'an unknown field',
      { queries: [{ kpis: ['orders'], ...OCT }], extra: 1 },
      /extra|unrecognized/i,
    ],
  ])('400 for %s', async (_name, body, message) => {
    const res = await demo.call('/api/query/batch', { token: token('viewer'), body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error?.message).toMatch(message);
  });

  it('401 without a token', async () => {
    const res = await demo.call('/api/query/batch', { token: null, body: { queries } });
    expect(res.status).toBe(401);
  });

  it('a scoped token reads only its rows, whatever each query asks', async () => {
    const { lines } = await batch(
      {
        queries: [
          { kpis: ['net_sales'], by: ['location'], ...OCT },
          { kpis: ['net_sales'], by: ['location'], ...OCT, where: { location: ['ST01'] } },
        ],
      },
      'storeAnalyst',
    );
    const rows = (i: number) => lines.find((l) => l.index === i)?.body.rows ?? [];
    expect(rows(0).map((r) => r.dims['location'])).toEqual(['ST05']);
    expect(rows(1).filter((r) => r.dims['location'] === 'ST01')).toEqual([]);
  });
});

describe('the cache filled at start', () => {
  it("holds the direction board's first screen for the whole business and for each scope", async () => {
    const computed = await demo.server.firstBoardWarmed;
    expect(computed).toBeGreaterThan(0);
    const direction = BOARDS.find((b) => b.id === 'direction');
    if (!direction) throw new Error('no direction board');
    const ctx = {
      range: presetRange(DEFAULT_PRESET, truth.meta.end),
      compare: DEFAULT_COMPARE,
      filters: {},
    };
    const { values } = tileQueries(direction, ctx);
    const hit = async (who: string, body: unknown) => {
      const res = await demo.call('/api/query', { token: token(who), body });
      expect(res.status, who).toBe(200);
      return res.headers.get('x-vitrine-cache');
    };
    expect(await hit('viewer', values)).toBe('hit');
    // A store scope cannot take every tile's KPI together (NPS has no store): the board then
    // asks each tile alone, and those were computed for the scope at start.
    expect(await hit('regionViewer', { ...values, kpis: ['net_sales'] })).toBe('hit');
    expect(await hit('storeAnalyst', { ...values, kpis: ['orders'] })).toBe('hit');
    // A query nobody asked is computed on demand.
    const other = await demo.call('/api/query', {
      token: token('viewer'),
      body: { ...values, from: '2024-02-01', to: '2024-02-29' },
    });
    expect(other.headers.get('x-vitrine-cache')).toBe('miss');
  });
});

describe('POST /api/models/{name}', () => {
  const DASHBOARD_MODELS = [
    'anomalies',
    'basket',
    'clv',
    'attribution',
    'abtest',
    'promo',
    'cohorts',
  ];

  it('lists every model of the analysis boards', async () => {
    const res = await demo.call('/api/models', { token: token('analyst') });
    const names = ((await res.json()) as { models: { name: string }[] }).models.map((m) => m.name);
    for (const m of DASHBOARD_MODELS) expect(names).toContain(m);
  });

  it.each(DASHBOARD_MODELS)(
    '%s: 401 without a token, 403 for a viewer and a scoped analyst',
    async (name) => {
      const body = { params: {}, view: 'dashboard' };
      expect((await demo.call(`/api/models/${name}`, { token: null, body })).status).toBe(401);
      const viewer = await demo.call(`/api/models/${name}`, { token: token('viewer'), body });
      expect(viewer.status).toBe(403);
      expect(((await viewer.json()) as Json).error?.message).toContain('analyst');
      const scoped = await demo.call(`/api/models/${name}`, { token: token('storeAnalyst'), body });
      expect(scoped.status).toBe(403);
      expect(((await scoped.json()) as Json).error?.code).toBe('SCOPED_TOKEN');
    },
  );

  it('400 with the option at fault', async () => {
    const bad = await demo.call('/api/models/basket', {
      token: token('analyst'),
      body: { params: { minSupport: 2 } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error?.message).toContain('--min-support');
    const view = await demo.call('/api/models/cohorts', {
      token: token('analyst'),
      body: { params: {}, view: 'everything' },
    });
    expect(view.status).toBe(400);
    expect(((await view.json()) as Json).error?.message).toMatch(/field view/);
  });

  it('A/B test: the experiment of the manifest, every visitor counted, then served from the cache', async () => {
    const ask = () =>
      demo.call('/api/models/abtest', {
        token: token('analyst'),
        body: { params: {}, view: 'dashboard' },
      });
    const first = (await (await ask()).json()) as {
      result: { values: { experiment: { id: string }; variants: { name: string; n: number }[] } };
      meta: { cached: boolean };
    };
    expect(first.result.values.experiment.id).toBe(truth.experiment.experimentId);
    expect(first.result.values.variants.map((v) => v.name).sort()).toEqual(
      [...truth.experiment.variants].sort(),
    );
    expect(first.result.values.variants.reduce((s, v) => s + v.n, 0)).toBe(
      truth.experiment.visitors,
    );
    const second = (await (await ask()).json()) as typeof first;
    expect(second.meta.cached).toBe(true);
    expect(second.result).toEqual(first.result);
  });

  it('CLV, dashboard view: a distribution and the head, not one row per customer', async () => {
    const params = { calibrationEnd: '2026-05-24', timeUnit: 'week' };
    const res = await demo.call('/api/models/clv', {
      token: token('analyst'),
      body: { params, view: 'dashboard' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const v = ((await res.json()) as { result: { values: Record<string, unknown> } }).result
      .values as {
      customers?: unknown;
      customers_total: number;
      distribution: { counts: number[]; edges: number[] };
      top_customers: { clv: number }[];
      holdout: { actualPurchases: number } | null;
    };
    expect(v.customers).toBeUndefined();
    expect(v.distribution.counts).toHaveLength(20);
    const binned = v.distribution.counts.reduce((s, n) => s + n, 0);
    expect(binned).toBeGreaterThan(0);
    expect(binned).toBeLessThanOrEqual(v.customers_total);
    expect(v.top_customers.length).toBeLessThanOrEqual(20);
    const clvs = v.top_customers.map((c) => c.clv);
    expect(clvs).toEqual([...clvs].sort((a, b) => b - a));
    // Calibrated half a year before the end: the holdout has actual repeat purchases.
    expect(v.holdout?.actualPurchases).toBeGreaterThan(0);
  });
});

describe('GET /api/data-quality', () => {
  it("the check library's report: orders as loaded, fresh or stale by the day asked", async () => {
    const res = await demo.call('/api/data-quality?today=2026-11-23', { token: token('analyst') });
    expect(res.status).toBe(200);
    const q = (await res.json()) as {
      today: string;
      tables: {
        table: string;
        rows: number;
        latest: string | null;
        ageDays: number;
        stale: boolean;
      }[];
      catalogue: { products: number };
      kpis: { kpi: string; reasons: string[] }[];
    };
    expect(q.today).toBe('2026-11-23');
    const orders = q.tables.find((t) => t.table === 'orders');
    expect(orders?.rows).toBe(truth.meta.rowCounts['orders']);
    // Data end 2026-11-22 (manifest), measured on the 23rd: one day old, fresh within 2 days.
    expect(truth.meta.end).toBe('2026-11-22');
    expect(orders?.latest).toBe('2026-11-22');
    expect(orders?.ageDays).toBe(1);
    expect(orders?.stale).toBe(false);
    expect(q.catalogue.products).toBe(truth.meta.rowCounts['products']);
    const strict = (await (
      await demo.call('/api/data-quality?today=2026-11-23&stale_days=0', {
        token: token('analyst'),
      })
    ).json()) as typeof q;
    expect(strict.tables.find((t) => t.table === 'orders')?.stale).toBe(true);
  });

  it.each([
    ['?today=2026-13-45', /today/],
    ['?stale_days=abc', /stale_days/],
    ['?bogus=1', /bogus|unrecognized/i],
  ])('400 for %s', async (query, message) => {
    const res = await demo.call(`/api/data-quality${query}`, { token: token('analyst') });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error?.message).toMatch(message);
  });

  it('401 without a token, 403 for a viewer and for a scoped token', async () => {
    expect((await demo.call('/api/data-quality', { token: null })).status).toBe(401);
    expect((await demo.call('/api/data-quality', { token: token('viewer') })).status).toBe(403);
    expect((await demo.call('/api/data-quality', { token: token('storeAnalyst') })).status).toBe(
      403,
    );
  });
});

describe('OpenAPI', () => {
  it('describes the new endpoints', async () => {
    const doc = (await (await demo.call('/api/openapi.json')).json()) as { paths: object };
    for (const p of [
      '/api/session',
      '/api/query/batch',
      '/api/models/{name}',
      '/api/data-quality',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
