import { describe, expect, inject, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';

const demo = inject('smallDemoDir');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    progress: { start() {}, tick() {}, done() {} } as unknown as CliIo['progress'],
  };
  const code = await main([...args, '--workspace', demo], io);
  return { code, out, err };
}
const nb = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
const range = ['--from', '2026-11-01', '--to', '2026-11-22'];

describe('vitrine query output', () => {
  it('JSON and CSV carry money amounts as exact decimals (at most the cents), ratios as fractions', async () => {
    const args = [
      'query',
      '--kpi',
      'net_sales,aov,conversion_rate',
      '--by',
      'channel',
      '--compare',
      'yoy',
      ...range,
    ];
    const json = await cli([...args, '--format', 'json']);
    expect(json.code, json.err).toBe(0);
    const rows = JSON.parse(json.out) as Array<{
      values: Record<string, number | null>;
      comparisons: Record<string, Record<string, Record<string, number | null>>>;
    }>;
    expect(rows.length).toBe(4);
    const cents = (v: number | null | undefined) =>
      v === null || v === undefined || String(v) === String(Math.round(v * 100) / 100);
    for (const r of rows) {
      // AOV is money per order, a ratio: full precision, like conversion_rate.
      for (const k of ['net_sales']) {
        expect(cents(r.values[k]), `${k} ${r.values[k]}`).toBe(true);
        const c = r.comparisons['yoy']?.[k];
        expect(cents(c?.['value']) && cents(c?.['change']), JSON.stringify(c)).toBe(true);
        expect(c).toHaveProperty('change_ratio');
        expect(c).not.toHaveProperty('change_pct');
      }
    }
    // The raw text too: no money with binary noise (…7500000071).
    expect(json.out).not.toMatch(/"net_sales": -?\d+\.\d{3,}/);

    const csv = await cli([...args, '--format', 'csv']);
    const [header, ...lines] = csv.out.trim().split('\n');
    expect(header).toContain('net_sales_yoy_change_ratio');
    expect(header).not.toContain('_change_pct');
    const cols = (header ?? '').split(',');
    for (const line of lines) {
      const cells = line.split(',');
      for (const name of ['net_sales', 'net_sales_yoy', 'net_sales_yoy_change']) {
        const v = cells[cols.indexOf(name)] ?? '';
        expect(v, `${name} = ${v}`).toMatch(/^(-?\d+(\.\d{1,2})?)?$/);
      }
    }
  });

  it('a terminal table shows money with its currency, rates in %, changes of rates in points, names beside ids', async () => {
    const res = await cli([
      'query',
      '--kpi',
      'net_sales,orders,conversion_rate',
      '--by',
      'channel',
      '--compare',
      'yoy',
      ...range,
    ]);
    expect(res.code, res.err).toBe(0);
    const text = nb(res.out);
    // The demo's channels (src/demo): ids with their names, in a French workspace.
    expect(text).toContain('CH-WEB · E-shop maisonvitrine.fr');
    expect(text).toContain('CH-APP · Application Maison Vitrine');
    expect(text).toMatch(/\d{1,3}( \d{3})*,\d{2} €/);
    expect(text).toMatch(/\d+,\d{1,2} %/);
    expect(text).toMatch(/[+-]\d+,\d{2} pt/);
    // No raw float anywhere: at most two decimals after a comma or a dot.
    expect(text).not.toMatch(/\d[.,]\d{3,}/);
  });
});
