import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import { createToken } from '../../src/server/auth/token-store.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { startServer } from '../../src/server/http-server.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

const OCT = { from: '2026-10-01', to: '2026-10-31' };
let demo: ServedDemo;

type Json = Record<string, unknown> & {
  rows?: { dims: Record<string, unknown>; values: Record<string, number | null> }[];
  error?: { code: string; message: string };
};

async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

beforeAll(async () => {
  demo = await serveDemo(inject('smallDemoDir'));
});
afterAll(async () => {
  await demo?.close();
});

/** Every endpoint: the role it needs and a request that succeeds with that role. */
const ENDPOINTS: {
  path: string;
  method?: string;
  body?: unknown;
  role: 'viewer' | 'analyst' | 'admin';
}[] = [
  { path: '/api/openapi.json', role: 'viewer' },
  { path: '/api/me', role: 'viewer' },
  { path: '/api/workspace', role: 'viewer' },
  { path: '/api/kpis', role: 'viewer' },
  { path: '/api/kpis/net_sales', role: 'viewer' },
  {
    path: '/api/query',
    body: { kpis: ['net_sales', 'orders'], ...OCT, compare: ['yoy'] },
    role: 'viewer',
  },
  {
    path: '/api/query/csv',
    body: { kpis: ['net_sales'], by: ['channel'], ...OCT },
    role: 'viewer',
  },
  { path: '/api/targets?kpi=net_sales', role: 'viewer' },
  { path: '/api/objectives', role: 'viewer' },
  { path: '/api/sources', role: 'viewer' },
  {
    path: '/api/explain',
    body: { kpi: 'orders', ...OCT, vs: 'yoy', by: 'channel' },
    role: 'analyst',
  },
  { path: '/api/models', role: 'analyst' },
  { path: '/api/data-quality', role: 'analyst' },
  { path: '/api/tokens', role: 'admin' },
];
const WEAKER = { viewer: null, analyst: 'viewer', admin: 'analyst' } as const;

describe('every endpoint', () => {
  it('answers health without a token', async () => {
    const res = await demo.call('/api/health', { token: null });
    expect(res.status).toBe(200);
    expect((await json(res))['status']).toBe('ok');
  });

  for (const ep of ENDPOINTS) {
    it(`${ep.method ?? (ep.body ? 'POST' : 'GET')} ${ep.path}: 200 with a ${ep.role} token, 401 without, 403 below ${ep.role}`, async () => {
      const ok = await demo.call(ep.path, { token: demo.tokens[ep.role] ?? null, body: ep.body });
      expect(ok.status, await ok.clone().text()).toBe(200);
      const anon = await demo.call(ep.path, { token: null, body: ep.body });
      expect(anon.status).toBe(401);
      expect((await json(anon)).error?.message).toMatch(/Bearer/);
      const forged = await demo.call(ep.path, { token: 'vt_00000000_forged', body: ep.body });
      expect(forged.status).toBe(401);
      const weaker = WEAKER[ep.role];
      if (weaker) {
        const res = await demo.call(ep.path, { token: demo.tokens[weaker] ?? null, body: ep.body });
        expect(res.status).toBe(403);
        expect((await json(res)).error?.message).toContain(ep.role);
      }
    });
  }

  it('describes every endpoint in the OpenAPI document', async () => {
    const doc = await json(await demo.call('/api/openapi.json'));
    const paths = Object.keys(doc['paths'] as object);
    for (const p of [
      '/api/health',
      '/api/query',
      '/api/explain',
      '/api/models',
      '/api/targets',
      '/api/data-quality',
      '/api/sources',
      '/api/tokens',
    ]) {
      expect(paths).toContain(p);
    }
    expect(doc['openapi']).toBe('3.1.0');
  });

  it('query answers exactly what the library computes, with comparisons', async () => {
    const request = { kpis: ['net_sales', 'orders', 'aov'], ...OCT, compare: ['yoy' as const] };
    const body = await json(await demo.call('/api/query', { body: request }));
    const ws = await openWorkspace(demo.dir, { readOnly: true });
    try {
      const direct = await runQuery(
        {
          engine: ws.engine,
          dictionary: loadDictionary({ workspaceDir: ws.dir }),
          config: ws.config,
        },
        request,
      );
      expect(body.rows).toEqual(JSON.parse(JSON.stringify(direct.rows)));
      expect(direct.rows[0]?.values['orders']).toBeGreaterThan(0);
    } finally {
      await ws.close();
    }
  });

  it('viewers split by dashboard dimensions only; analysts by any', async () => {
    const req = { kpis: ['orders'], by: ['payment_method'], ...OCT };
    const viewer = await demo.call('/api/query', {
      token: demo.tokens['viewer'] ?? null,
      body: req,
    });
    expect(viewer.status).toBe(403);
    expect((await json(viewer)).error?.message).toMatch(/payment_method.*analyst/);
    const analyst = await demo.call('/api/query', {
      token: demo.tokens['analyst'] ?? null,
      body: req,
    });
    expect(analyst.status).toBe(200);
  });

  it('runs an analytics model for an analyst', async () => {
    const res = await demo.call('/api/models/basket', {
      token: demo.tokens['analyst'] ?? null,
      body: {
        params: { level: 'category', minSupport: 0.01, from: '2026-01-01', to: '2026-10-31' },
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toHaveProperty('result.values');
    expect(
      (await demo.call('/api/models/nope', { token: demo.tokens['analyst'] ?? null, body: {} }))
        .status,
    ).toBe(404);
  });

  it('admin writes targets (read-write for the write only) and manages tokens', async () => {
    const put = await demo.call('/api/targets', {
      method: 'PUT',
      body: {
        targets: [
          {
            kpi_id: 'orders',
            period_start: '2026-10-01',
            period_end: '2026-10-31',
            target_value: 1234,
          },
        ],
      },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const q = await json(
      await demo.call('/api/query', { body: { kpis: ['orders'], ...OCT, compare: ['target'] } }),
    );
    const comps = (
      q.rows?.[0] as unknown as { comparisons: Record<string, Record<string, { value: number }>> }
    ).comparisons;
    expect(comps['target']?.['orders']?.value).toBe(1234);
    expect(
      (
        await demo.call('/api/targets', {
          method: 'PUT',
          token: demo.tokens['analyst'] ?? null,
          body: { targets: [] },
        })
      ).status,
    ).toBe(403);

    const created = await demo.call('/api/tokens', {
      body: { role: 'viewer', scopes: ['channel=CH-WEB'] },
    });
    expect(created.status).toBe(201);
    const { token, info } = (await created.json()) as { token: string; info: { id: string } };
    expect((await demo.call('/api/me', { token })).status).toBe(200);
    expect((await demo.call(`/api/tokens/${info.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await demo.call('/api/me', { token })).status).toBe(401);
    const stored = readFileSync(join(demo.dir, 'server', 'tokens.json'), 'utf8');
    expect(stored).not.toContain(token);
  });
});

describe('row-level scopes', () => {
  const regionViewer = () => demo.tokens['regionViewer'] ?? null;
  const storeAnalyst = () => demo.tokens['storeAnalyst'] ?? null;
  let st05: number;
  let all: number;

  beforeAll(async () => {
    const byLoc = await json(
      await demo.call('/api/query', { body: { kpis: ['net_sales'], by: ['location'], ...OCT } }),
    );
    const rows = byLoc.rows ?? [];
    expect(rows.length).toBeGreaterThan(2);
    st05 = rows.find((r) => r.dims['location'] === 'ST05')?.values['net_sales'] ?? NaN;
    all =
      (await json(await demo.call('/api/query', { body: { kpis: ['net_sales'], ...OCT } })))
        .rows?.[0]?.values['net_sales'] ?? NaN;
    expect(st05).toBeGreaterThan(0);
    expect(all).toBeGreaterThan(st05);
  });

  it('query: a total is the scope total, not the business total (and is not served from the unscoped cache)', async () => {
    for (const token of [regionViewer(), storeAnalyst()]) {
      const res = await json(
        await demo.call('/api/query', { token, body: { kpis: ['net_sales'], ...OCT } }),
      );
      expect(res.rows?.[0]?.values['net_sales']).toBeCloseTo(st05, 2);
    }
  });

  it('split by location: only the scope rows', async () => {
    const res = await json(
      await demo.call('/api/query', {
        token: regionViewer(),
        body: { kpis: ['net_sales', 'orders'], by: ['location'], ...OCT },
      }),
    );
    expect(res.rows?.map((r) => r.dims['location'])).toEqual(['ST05']);
  });

  it('asking for another store by filter returns nothing of it', async () => {
    const res = await json(
      await demo.call('/api/query', {
        token: storeAnalyst(),
        body: { kpis: ['net_sales'], by: ['location'], where: { location: ['ST01'] }, ...OCT },
      }),
    );
    expect(
      (res.rows ?? []).filter(
        (r) => r.dims['location'] === 'ST01' && (r.values['net_sales'] ?? 0) !== 0,
      ),
    ).toEqual([]);
  });

  it('explain: segments only of the scope', async () => {
    const res = (await (
      await demo.call('/api/explain', {
        token: storeAnalyst(),
        body: { kpi: 'orders', ...OCT, by: 'location' },
      })
    ).json()) as { segments: { segment: string }[] };
    expect(res.segments.map((s) => s.segment)).toEqual(['ST05']);
  });

  it('export: the CSV holds only the scope rows', async () => {
    const res = await demo.call('/api/query/csv', {
      token: regionViewer(),
      body: { kpis: ['net_sales'], by: ['location'], ...OCT },
    });
    const lines = (await res.text()).trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['ST05']);
  });

  it('KPIs without a location are refused, paths outside the semantic layer are closed', async () => {
    const sessions = await demo.call('/api/query', {
      token: regionViewer(),
      body: { kpis: ['sessions'], ...OCT },
    });
    expect(sessions.status).toBe(403);
    expect(
      (await demo.call('/api/models/basket', { token: storeAnalyst(), body: {} })).status,
    ).toBe(403);
    expect((await demo.call('/api/data-quality', { token: storeAnalyst() })).status).toBe(403);
    const targets = (await (
      await demo.call('/api/targets?kpi=net_sales', { token: regionViewer() })
    ).json()) as { targets: { segment_key: string | null }[] };
    expect(targets.targets.every((t) => t.segment_key === null)).toBe(true);
  });
});

describe('malformed input', () => {
  const cases: [string, unknown, RegExp][] = [
    ['/api/query', '{not json', /body: expected a JSON object/],
    ['/api/query', { kpis: [], ...OCT }, /field kpis: ask for at least one KPI/],
    [
      '/api/query',
      { kpis: ['net_sales'], from: '2026-13', to: '2026-10-31' },
      /field from: expected a date/,
    ],
    ['/api/query', { kpis: ['net_sales'], ...OCT, grain: 'decade' }, /field grain/],
    ['/api/query', { kpis: ['net_sales'], ...OCT, extra: 1 }, /extra/],
    ['/api/query', { kpis: ['no_such_kpi'], ...OCT }, /unknown KPI "no_such_kpi"/],
    ['/api/query', { kpis: ['net_sales'], by: ['planet'], ...OCT }, /unknown dimension "planet"/],
    [
      '/api/query',
      { kpis: ['net_sales'], where: { region: 'Ouest' }, ...OCT },
      /field where.region/,
    ],
    ['/api/explain', { kpi: 'net_sales', ...OCT, vs: 'tomorrow' }, /field vs/],
    ['/api/tokens', { role: 'root' }, /field role/],
  ];
  for (const [path, body, message] of cases) {
    it(`${path} ${typeof body === 'string' ? body : JSON.stringify(body)} → 400 ${message}`, async () => {
      const res = await demo.call(path, { body });
      expect(res.status).toBe(400);
      expect((await json(res)).error?.message).toMatch(message);
    });
  }

  it('unknown paths are 404 and name the OpenAPI document', async () => {
    const res = await demo.call('/api/nothing');
    expect(res.status).toBe(404);
  });
});

describe('rate limit, audit, secret', () => {
  it('refuses past the limit per token with 429 and Retry-After', async () => {
    const limited = await startServer({
      workspaceDir: demo.dir,
      port: 0,
      host: '127.0.0.1',
      rateLimit: 3,
      staticDir: null,
      version: 'test',
    });
    try {
      const call = (token: string | undefined) =>
        fetch(`${limited.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(demo.tokens['limited'])).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const last = await call(demo.tokens['limited']);
      expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
      // Another token has its own budget.
      expect((await call(demo.tokens['viewer'])).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('keeps an append-only audit log of who ran what', () => {
    const lines = readFileSync(join(demo.dir, 'server', 'audit.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(20);
    const q = lines.find((l) => l['path'] === '/api/query' && l['status'] === 200);
    expect(q).toMatchObject({
      method: 'POST',
      role: expect.any(String),
      token: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect(JSON.stringify(lines)).not.toMatch(/vt_[0-9a-f]{8}_/);
  });

  it('refuses to start with an empty, default or weak secret', async () => {
    const opts = {
      workspaceDir: demo.dir,
      port: 0,
      host: '127.0.0.1',
      staticDir: null,
      version: 'test',
    };
    for (const secret of ['', 'changeme', 'short-secret']) {
      process.env['VITRINE_SERVER_SECRET'] = secret;
      try {
        await expect(startServer(opts)).rejects.toThrow(/secret/);
      } finally {
        delete process.env['VITRINE_SERVER_SECRET'];
      }
    }
    expect(() => createToken(demo.dir, 'viewer')).not.toThrow();
  });
});
