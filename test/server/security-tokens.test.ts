import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  REVOKED_RETENTION_DAYS,
  TokenVerifier,
  createToken,
  parseScopes,
  readSecret,
} from '../../src/server/auth/token-store.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

// Issue 15.1: a scoped admin minted an unscoped admin, listed and revoked every token and wrote
// other stores' targets. Issue 15.11: tokens.json was read on every request and never shrank.

let demo: ServedDemo;
let storeAdmin: string;

beforeAll(async () => {
  demo = await serveDemo(inject('smallDemoDir'));
  storeAdmin = createToken(demo.dir, 'admin', parseScopes(['location=ST05']), 'store admin').token;
});
afterAll(async () => {
  await demo?.close();
});

const post = (token: string, body: unknown) => demo.call('/api/tokens', { token, body });

describe('a scoped admin manages tokens inside its scope only', () => {
  it('cannot create an unscoped token, nor one reaching another store', async () => {
    const admin = await post(storeAdmin, { role: 'admin' });
    expect(admin.status).toBe(403);
    const err = (await admin.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('SCOPE_EXCEEDED');
    expect(err.error.message).toContain('location=ST05');
    expect((await post(storeAdmin, { role: 'viewer' })).status).toBe(403);
    expect(
      (await post(storeAdmin, { role: 'viewer', scopes: ['location=ST05,ST01'] })).status,
    ).toBe(403);
    expect((await post(storeAdmin, { role: 'viewer', scopes: ['region=Bretagne'] })).status).toBe(
      403,
    );
  });

  it('creates tokens within its scope, narrower ones included', async () => {
    const same = await post(storeAdmin, { role: 'analyst', scopes: ['location=ST05'] });
    expect(same.status, await same.clone().text()).toBe(201);
    const narrower = await post(storeAdmin, {
      role: 'viewer',
      scopes: ['location=ST05', 'channel=CH-WEB'],
    });
    expect(narrower.status).toBe(201);
    const { token } = (await narrower.json()) as { token: string };
    const me = (await (await demo.call('/api/me', { token })).json()) as {
      scopes: Record<string, string[]>;
    };
    expect(me.scopes).toEqual({ location: ['ST05'], channel: ['CH-WEB'] });
  });

  it('an unscoped admin still creates any token', async () => {
    expect((await post(demo.tokens['admin'] ?? '', { role: 'admin' })).status).toBe(201);
    expect(
      (await post(demo.tokens['admin'] ?? '', { role: 'admin', scopes: ['location=ST01'] })).status,
    ).toBe(201);
  });

  it('lists only the tokens inside its scope', async () => {
    const res = await demo.call('/api/tokens', { token: storeAdmin });
    expect(res.status).toBe(200);
    const { tokens } = (await res.json()) as {
      tokens: { label: string | null; scopes: Record<string, string[]> }[];
    };
    const labels = tokens.map((t) => t.label);
    expect(labels).toContain('store admin');
    // The fixture's unscoped tokens and the region-scoped viewer are outside location=ST05.
    for (const outside of ['admin', 'analyst', 'viewer', 'regionViewer']) {
      expect(labels).not.toContain(outside);
    }
    expect(tokens.every((t) => t.scopes['location']?.every((v) => v === 'ST05'))).toBe(true);
    // The unscoped admin sees them all.
    const all = (await (await demo.call('/api/tokens')).json()) as { tokens: unknown[] };
    expect(all.tokens.length).toBeGreaterThan(tokens.length);
  });

  it('cannot revoke a token outside its scope', async () => {
    const { tokens } = (await (await demo.call('/api/tokens')).json()) as {
      tokens: { id: string; label: string | null }[];
    };
    const chainAdmin = tokens.find((t) => t.label === 'admin');
    expect(chainAdmin).toBeDefined();
    const res = await demo.call(`/api/tokens/${chainAdmin?.id}`, {
      token: storeAdmin,
      method: 'DELETE',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOKEN_UNKNOWN');
    // Still alive.
    expect((await demo.call('/api/me')).status).toBe(200);
  });

  it('writes targets of its own store only', async () => {
    const target = (extra: Record<string, unknown>) => ({
      targets: [
        {
          kpi_id: 'net_sales',
          period_start: '2026-11-01',
          period_end: '2026-11-30',
          target_value: 1000,
          ...extra,
        },
      ],
    });
    const put = (body: unknown) =>
      demo.call('/api/targets', { token: storeAdmin, method: 'PUT', body });
    const chain = await put(target({}));
    expect(chain.status).toBe(403);
    expect(((await chain.json()) as { error: { message: string } }).error.message).toContain(
      'targets.0',
    );
    expect((await put(target({ segment_key: 'location', segment_value: 'ST01' }))).status).toBe(
      403,
    );
    expect((await put(target({ segment_key: 'region', segment_value: 'Bretagne' }))).status).toBe(
      403,
    );
    const own = await put(target({ segment_key: 'location', segment_value: 'ST05' }));
    expect(own.status, await own.clone().text()).toBe(200);
    expect(await own.json()).toEqual({ inserted: 1, updated: 0 });
  });
});

describe('tokens.json', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitrine-tokens-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is parsed again only when it changes (size, time or identity)', () => {
    const { token } = createToken(dir, 'viewer', {}, 'aaaa');
    const path = join(dir, 'server', 'tokens.json');
    // A whole second, which utimes sets exactly (the file system keeps nanoseconds).
    const t = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(path, t, t);
    const verifier = new TokenVerifier(dir, readSecret(dir));
    expect(verifier.verify(token)?.label).toBe('aaaa');
    // Same size, same modification time, same file: not read again.
    writeFileSync(path, readFileSync(path, 'utf8').replace('"aaaa"', '"bbbb"'));
    utimesSync(path, t, t);
    expect(verifier.verify(token)?.label).toBe('aaaa');
    // A changed modification time is seen at once (revocations apply at the next request).
    utimesSync(path, t, new Date(t.getTime() + 5000));
    expect(verifier.verify(token)?.label).toBe('bbbb');
  });

  it(`drops tokens revoked more than ${REVOKED_RETENTION_DAYS} days ago at the next write`, () => {
    const path = join(dir, 'server', 'tokens.json');
    const old = createToken(dir, 'viewer', {}, 'revoked long ago');
    const recent = createToken(dir, 'viewer', {}, 'revoked yesterday');
    const day = 86_400_000;
    const file = JSON.parse(readFileSync(path, 'utf8')) as {
      tokens: { id: string; revoked_at: string | null }[];
    };
    for (const t of file.tokens) {
      if (t.id === old.info.id)
        t.revoked_at = new Date(Date.now() - (REVOKED_RETENTION_DAYS + 1) * day).toISOString();
      if (t.id === recent.info.id) t.revoked_at = new Date(Date.now() - day).toISOString();
    }
    writeFileSync(path, JSON.stringify(file));
    createToken(dir, 'viewer', {}, 'new');
    const ids = (JSON.parse(readFileSync(path, 'utf8')) as { tokens: { id: string }[] }).tokens.map(
      (t) => t.id,
    );
    expect(ids).not.toContain(old.info.id);
    expect(ids).toContain(recent.info.id);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
