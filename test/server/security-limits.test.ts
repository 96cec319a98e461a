import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry } from '../../src/server/audit-log.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

// Issue 15.6: 8 × 50 MB bodies grew the audit log by 400 MB; 2,000 unauthenticated 8 KB paths
// added 15.5 MB (no rate limit before authentication); the audit line was written only after
// the response (15.2), the file was world-readable and never rotated.

const auditPath = (demo: ServedDemo) => join(demo.dir, 'server', 'audit.ndjson');
const auditLines = (demo: ServedDemo): AuditEntry[] =>
  readFileSync(auditPath(demo), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);

describe('bodies, audit lines and the audit file', () => {
  let demo: ServedDemo;
  beforeAll(async () => {
    demo = await serveDemo(inject('smallDemoDir'), {
      limits: { bodyBytes: 64 * 1024 },
      audit: { maxBytes: 40_000, keep: 2 },
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('refuses a body past the limit with 413 naming it, and audits a short line', async () => {
    const big = JSON.stringify({ kpis: ['net_sales'], pad: 'x'.repeat(200_000) });
    const res = await demo.call('/api/query', { body: big });
    expect(res.status).toBe(413);
    const err = (await res.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(err.error.message).toContain(String(64 * 1024));
    const raw = readFileSync(auditPath(demo), 'utf8');
    expect(raw).not.toContain('x'.repeat(1000));
    expect(auditLines(demo).some((e) => e.status === 413)).toBe(true);
  });

  it('writes a start line before the handler and an end line after, paired by id', async () => {
    const res = await demo.call('/api/me');
    expect(res.status).toBe(200);
    const lines = auditLines(demo).filter((e) => e.path === '/api/me');
    const start = lines.find((e) => e.phase === 'start');
    const end = lines.find((e) => e.phase === 'end' && e.id === start?.id);
    expect(start?.status).toBeUndefined();
    expect(start?.token).not.toBeNull();
    expect(end?.status).toBe(200);
    expect(lines.indexOf(start as AuditEntry)).toBeLessThan(lines.indexOf(end as AuditEntry));
  });

  it('cuts an 8 KB path and a large detail to a bounded line', async () => {
    const path = `/api/${'a'.repeat(8192)}`;
    expect((await demo.call(path)).status).toBe(404);
    const where = { product: Array.from({ length: 200 }, (_, i) => `SKU-${i}-${'y'.repeat(150)}`) };
    const res = await demo.call('/api/query', {
      body: { kpis: ['net_sales'], from: '2026-10-01', to: '2026-10-31', where },
    });
    expect(res.status).toBe(200);
    const raw = readFileSync(auditPath(demo), 'utf8');
    for (const line of raw.trim().split('\n')) expect(line.length).toBeLessThan(17_500);
    const cut = auditLines(demo).find((e) => e.path.startsWith('/api/aaaa'));
    expect(cut?.path.length).toBeLessThanOrEqual(513);
    expect((cut?.detail as { path_chars?: number }).path_chars).toBe(8197);
  });

  it('rotates by size, keeps the number of files asked, and is readable by its owner only', async () => {
    for (let i = 0; i < 300; i++) await demo.call('/api/health');
    const path = auditPath(demo);
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(statSync(path).size).toBeLessThanOrEqual(40_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.1`).mode & 0o777).toBe(0o600);
  });
});

describe('per-address limits, before authentication', () => {
  let demo: ServedDemo;
  beforeAll(async () => {
    demo = await serveDemo(inject('smallDemoDir'), {
      limits: { unauthenticatedPerMinute: 10, addressPerMinute: 40 },
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('refuses unauthenticated floods with 429 and audits one refusal, not each', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      statuses.push((await demo.call(`/api/${'z'.repeat(100)}${i}`, { token: null })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const refused = auditLines(demo).filter((e) => e.path.startsWith('/api/zzz'));
    // 10 answered 401 (a start and an end line each), then one line for the first refusal.
    expect(refused.filter((e) => e.status === 429)).toHaveLength(1);
    expect(refused).toHaveLength(21);
    // A valid token from the same address is not refused by the unauthenticated limit.
    expect((await demo.call('/api/me')).status).toBe(200);
  });

  it('limits every request per address, whatever its token', async () => {
    let last = 0;
    for (let i = 0; i < 45; i++) last = (await demo.call('/api/me')).status;
    expect(last).toBe(429);
  });
});
