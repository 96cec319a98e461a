import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handBuiltContext } from '../../../test/helpers/hand-built-demo.js';
import type { DemoContext } from '../demo-context.js';
import { campaignsPart } from './campaigns-part.js';
import { planningPart } from './planning-part.js';
import { servicePart } from './service-part.js';
import { webPart } from './web-part.js';

const scratch = mkdtempSync(join(tmpdir(), 'vitrine-web-part-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The four parts of this area on a small hand-built retailer (no catalogue, customers or sales part). */
function run(name: string, seed: number): DemoContext {
  const ctx = handBuiltContext(join(scratch, name), {
    seed,
    webPerDay: 0.3,
    appPerDay: 0.1,
    storePerDay: 3,
    members: 200,
  });
  for (const part of [campaignsPart, webPart, servicePart, planningPart]) part.run(ctx);
  ctx.out.dispose();
  return ctx;
}

describe('web, service and planning parts on a hand-built retailer', () => {
  const a = run('a', 5);
  const d = run('d', 9);

  it('draw the same rows and manifest for the same seed, other ones for another seed', () => {
    const b = run('b', 5);
    expect(b.out.counts()).toEqual(a.out.counts());
    expect(JSON.stringify(b.truth)).toBe(JSON.stringify(a.truth));
    expect(JSON.stringify(d.truth)).not.toBe(JSON.stringify(a.truth));
  });

  it('write one converting session per online order and the planned share of others', () => {
    const ctx = d;
    const online = ctx.orders.filter((o) => o.sessionId !== null).length;
    const sessions = ctx.out.count('sessions');
    const web = ctx.truth['web'] as { conversion: { expectedOverall: number } };
    // ~570 online orders over 4 years: the smoothed daily means make the rate ±5 % at worst.
    expect(online / sessions).toBeGreaterThan(web.conversion.expectedOverall * 0.9);
    expect(online / sessions).toBeLessThan(web.conversion.expectedOverall * 1.1);
    expect(ctx.webDays?.converted.reduce((s, v) => s + v, 0)).toBe(online);
    expect(ctx.webDays?.sessions.reduce((s, v) => s + v, 0)).toBe(sessions);
  });

  it('refuses to run before the campaigns part', () => {
    const ctx = handBuiltContext(join(scratch, 'e'), {
      webPerDay: 0.1,
      appPerDay: 0,
      storePerDay: 0,
    });
    expect(() => webPart.run(ctx)).toThrow(/campaigns part first/);
    ctx.out.dispose();
  });
});
