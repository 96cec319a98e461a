import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csvTable } from '../../src/util/csv.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import type { ServedDemo } from './server-fixture.js';
import { serveDemo } from './server-fixture.js';

// Issue 15.8: bad input answered 500; issue 15.9: a SKU `=HYPERLINK(…)` came out of every CSV
// as a live formula.

describe('bad input is a 400 naming what is wrong', () => {
  let demo: ServedDemo;
  let web: string;
  beforeAll(async () => {
    // A built dashboard, so that non-API paths reach the file server as in production.
    web = mkdtempSync(join(tmpdir(), 'vitrine-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Vitrine</title>');
    demo = await serveDemo(inject('smallDemoDir'), { staticDir: web });
  });
  afterAll(async () => {
    await demo?.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('malformed percent-encoding in any path, with or without a token', async () => {
    for (const path of ['/%s', '/%x%x%x', '/api/%s', '/api/kpis/%E0%A4%A', '/assets/%']) {
      for (const token of [null, demo.tokens['viewer'] ?? null]) {
        const res = await demo.call(path, { token });
        expect(res.status, `${path} ${token ? 'with' : 'without'} token`).toBe(400);
        const err = (await res.json()) as { error: { code: string; message: string } };
        expect(err.error.code).toBe('BAD_PATH');
        expect(err.error.message).toContain('percent-encoding');
      }
    }
    // Well-formed encodings still reach the dashboard.
    expect((await demo.call('/boards/direction%20x', { token: null })).status).toBe(200);
  });

  it('a date outside the supported range', async () => {
    for (const to of ['9999-12-31', '0001-01-01']) {
      const res = await demo.call('/api/query', {
        body: { kpis: ['net_sales'], from: '2026-01-01', to },
      });
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { message: string } };
      expect(err.error.message).toContain('field to');
      expect(err.error.message).toContain('1900-01-01');
    }
  });

  it('a target value beyond what a target holds', async () => {
    const put = (target_value: unknown) =>
      demo.call('/api/targets', {
        method: 'PUT',
        body: `{"targets":[{"kpi_id":"net_sales","period_start":"2031-11-01","period_end":"2031-11-30","target_value":${String(target_value)}}]}`,
      });
    const res = await put('18446744073709552000');
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { message: string } };
    expect(err.error.message).toContain('field targets.0.target_value');
    expect(err.error.message).toContain('out of range');
    // The largest a DECIMAL(18,8) holds is accepted, exactly; a tiny one is not written as 1e-7.
    expect((await put('9999999999.5')).status).toBe(200);
    expect((await put('0.0000001')).status).toBe(200);
    const read = (await (await demo.call('/api/targets?kpi=net_sales')).json()) as {
      targets: { period_start: string; target_value: number }[];
    };
    expect(read.targets.find((t) => t.period_start === '2031-11-01')?.target_value).toBe(1e-7);
  });
});

const FORMULA = '=HYPERLINK("http://evil.example","click")';

describe('CSV formula injection', () => {
  it('neutralises text that a spreadsheet would run, and only text', () => {
    const csv = csvTable(
      ['sku', 'label', 'net_sales'],
      [
        ['=HYPERLINK("http://evil.example","click")', '+33 6 12', -12.5],
        ['@SUM(A1)', '-cmd|x', '-12.50'],
        ['\tTAB', '\rCR', 0],
        ['PLAIN', 'a;b', 1e-7],
      ],
    );
    expect(csv).toBe(
      [
        'sku,label,net_sales',
        `"'=HYPERLINK(""http://evil.example"",""click"")",'+33 6 12,-12.5`,
        `'@SUM(A1),'-cmd|x,-12.50`,
        `'\tTAB,"'\rCR",0`,
        'PLAIN,"a;b",1e-7',
        '',
      ].join('\n'),
    );
  });

  it('in /api/query/csv: a brand named like a formula comes out as text', async () => {
    // A copy of the demo where one brand is a formula (what a hostile supplier feed could carry).
    const root = mkdtempSync(join(tmpdir(), 'vitrine-formula-'));
    const dir = join(root, 'ws');
    cpSync(inject('smallDemoDir'), dir, { recursive: true });
    const ws = await openWorkspace(dir);
    try {
      await ws.engine.run(
        `UPDATE products SET brand = $1 WHERE brand = (SELECT min(brand) FROM products)`,
        [FORMULA],
      );
    } finally {
      await ws.close();
    }
    const demo = await serveDemo(dir);
    try {
      const res = await demo.call('/api/query/csv', {
        body: { kpis: ['net_sales'], by: ['brand'], from: '2026-01-01', to: '2026-12-31' },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const lines = (await res.text()).trim().split('\n');
      const formula = lines.filter((l) => l.includes('HYPERLINK'));
      expect(formula).toHaveLength(1);
      expect(formula[0]).toMatch(/(^|,)"'=HYPERLINK\(""http:\/\/evil\.example"",""click""\)",/);
      // Its amount is still a number a spreadsheet adds up.
      expect(formula[0]?.split(',').at(-1)).toMatch(/^-?\d+(\.\d+)?$/);
      for (const line of lines) expect(line).not.toMatch(/(^|,)"?[=+@]/);
    } finally {
      await demo.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
