/** `vitrine model …` through the real binary (run `npm run build` first). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { ATTRIBUTION_PATHS, GROCERIES, writeCdnowCsv } from './datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-model-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function json(args: string[]): Promise<Record<string, unknown>> {
  const res = await runCli(args);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  // JSON cannot carry NaN; a bare NaN or Infinity in the text would make it invalid.
  expect(res.stdout).not.toMatch(/\bNaN\b|\bInfinity\b/);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

describe('vitrine model', () => {
  it('lists the models and documents each contract in --help', async () => {
    const res = await runCli(['model', '--help']);
    expect(res.code).toBe(0);
    const models = [
      'basket',
      'clv',
      'attribution',
      'abtest',
      'promo',
      'lost-sales',
      'shrinkage',
      'cohorts',
      'anomalies',
      'budget',
      'paths',
    ];
    for (const m of models) expect(res.stdout).toMatch(new RegExp(`^  ${m} \\[options\\]`, 'm'));
    const clv = await runCli(['model', 'clv', '--help']);
    expect(clv.stdout).toContain('customer_id,date,amount');
    expect(clv.stdout).toContain('"expected_purchases"');
    expect(clv.stdout).toContain('--calibration-end');
    const basket = await runCli(['model', 'basket', '--help']);
    expect(basket.stdout).toContain('"conviction"');
    expect(basket.stdout).toContain('--input-format');
  });

  it('basket: Groceries gives 463 rules as JSON', async () => {
    const out = await json([
      'model',
      'basket',
      '--input',
      GROCERIES,
      '--min-support',
      '0.006',
      '--min-confidence',
      '0.25',
      '--format',
      'json',
    ]);
    expect(out['transactions']).toBe(9835);
    expect(out['items']).toBe(169);
    const rules = out['rules'] as Array<Record<string, unknown>>;
    expect(rules).toHaveLength(463);
    expect(Object.keys(rules[0] ?? {}).sort()).toEqual(
      ['confidence', 'conviction', 'count', 'leverage', 'lhs', 'lift', 'rhs', 'support'].sort(),
    );
    expect(out['diagnostics']).toBeDefined();
  });

  it('basket: the long format and a readable summary', async () => {
    const p = file('long.csv', 'basket_id,item\n1,a\n1,b\n2,a\n2,b\n3,a\n');
    const res = await runCli([
      'model',
      'basket',
      '--input',
      p,
      '--input-format',
      'long',
      '--min-support',
      '0.5',
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('{b} ⇒ {a}');
    expect(res.stdout).toContain('3 baskets');
  });

  it('clv: CDNOW as a CSV export, calibration 1997-09-30 in weeks', async () => {
    const p = join(dir, 'cdnow.csv');
    writeCdnowCsv(p);
    const out = await json([
      'model',
      'clv',
      '--input',
      p,
      '--calibration-end',
      '1997-09-30',
      '--time-unit',
      'week',
      '--horizon',
      '39',
      '--format',
      'json',
    ]);
    const params = out['params'] as {
      bgnbd: Record<string, number>;
      gammaGamma: Record<string, number>;
    };
    expect(params.bgnbd['r']).toBeCloseTo(0.2426, 4);
    expect(params.gammaGamma['p']).toBeCloseTo(6.25, 2);
    const customers = out['customers'] as Array<Record<string, unknown>>;
    expect(customers).toHaveLength(2357);
    expect(Object.keys(customers[0] ?? {})).toEqual(
      expect.arrayContaining([
        'customer_id',
        'frequency',
        'recency',
        'T',
        'monetary',
        'expected_purchases',
        'p_alive',
        'expected_spend',
        'clv',
      ]),
    );
  });

  it('attribution: the path export, every model and the Markov removal effects', async () => {
    const out = await json([
      'model',
      'attribution',
      '--input',
      ATTRIBUTION_PATHS,
      '--format',
      'json',
    ]);
    const models = out['models'] as Record<string, Record<string, { conversions: number }>>;
    expect(Object.keys(models).sort()).toEqual([
      'first_touch',
      'last_touch',
      'linear',
      'markov',
      'position_based',
      'time_decay',
    ]);
    const markov = out['markov'] as { removalEffects: Record<string, number> };
    expect(Object.keys(markov.removalEffects)).toHaveLength(12);
  });

  it('abtest: summary names the significance and the Bayesian chance', async () => {
    const p = file(
      'ab.json',
      JSON.stringify({
        variants: [
          { name: 'control', n: 1000, sum: 100 },
          { name: 'B', n: 1000, sum: 130 },
        ],
        split: [0.5, 0.5],
      }),
    );
    const res = await runCli(['model', 'abtest', '--input', p]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('B vs control');
    expect(res.stdout).toContain('chance to beat control');
    expect(res.stdout).toContain('p = 0.0355');
  });

  it('shrinkage and paths read their files', async () => {
    const counts = file(
      'counts.csv',
      'count_on,location,sku,book_quantity,counted_quantity\n2024-02-13,S1,A,100,97\n',
    );
    const out = await json(['model', 'shrinkage', '--input', counts, '--format', 'json']);
    expect((out['total'] as { net_loss_units: number }).net_loss_units).toBe(3);
    const views = file('views.csv', 'session_id,sku\ns1,A\ns1,B\n');
    const res = await runCli(['model', 'paths', '--input', views]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('A → B');
  });

  it('bad input ends with exit code 1 and a clear message', async () => {
    const empty = await runCli(['model', 'clv', '--input', file('empty.csv', '')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^vitrine: .*empty\.csv: the file is empty/);
    const cols = await runCli(['model', 'attribution', '--input', file('cols.csv', 'a,b\n1,2\n')]);
    expect(cols.code).toBe(1);
    expect(cols.stderr).toContain('missing column(s) path');
    const missing = await runCli(['model', 'basket', '--input', join(dir, 'nope.csv')]);
    expect(missing.stderr).toContain('no such file');
    const both = await runCli(['model', 'basket', '--input', GROCERIES, '--workspace', dir]);
    expect(both.stderr).toContain('either --input FILE or --workspace DIR');
    const opt = await runCli(['model', 'basket', '--input', GROCERIES, '--min-support', '2']);
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain('option --min-support');
    const fmtErr = await runCli(['model', 'basket', '--input', GROCERIES, '--format', 'xml']);
    expect(fmtErr.stderr).toContain('unknown format "xml"');
    const n0 = await runCli([
      'model',
      'abtest',
      '--input',
      file('n0.json', '{"variants":[{"name":"control","n":0,"sum":0},{"name":"B","n":0,"sum":0}]}'),
      '--format',
      'json',
    ]);
    expect(n0.code).toBe(0);
    expect(n0.stdout).not.toMatch(/NaN/);
    expect(n0.stdout).toContain('EMPTY_VARIANT');
  });
});
