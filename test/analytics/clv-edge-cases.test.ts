import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClvData } from '../../src/analytics/clv/clv-model.js';
import { clvModel, clvParams, fitClv, readClvFile } from '../../src/analytics/clv/clv-model.js';
import type { Transaction } from '../../src/analytics/clv/customer-summary.js';
import { runModel } from '../../src/analytics/analytic-model.js';
import { epochDay } from '../../src/time/civil-date.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-clv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const data = (transactions: Transaction[]): ClvData => ({
  transactions,
  source: 'test',
  readWarnings: [],
});
const D0 = epochDay(2024, 1, 1);

/** Every number in the result is finite or null: JSON would turn NaN into null silently. */
function expectNoNaN(value: unknown, path = ''): void {
  if (typeof value === 'number') expect(Number.isFinite(value), path).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => expectNoNaN(v, `${path}[${i}]`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) expectNoNaN(v, `${path}.${k}`);
}

describe('clv on bad input', () => {
  it('an empty file is an error that says what is expected', () => {
    expect(() => readClvFile(file('empty.csv', ''))).toThrow(/empty.*customer_id,date,amount/);
  });

  it('wrong columns are named', () => {
    expect(() => readClvFile(file('cols.csv', 'client,day,amount\nA,2024-01-01,3\n'))).toThrow(
      /missing column\(s\) customer_id, date/,
    );
  });

  it('a bad value names its line and column', () => {
    expect(() =>
      readClvFile(file('bad.csv', 'customer_id,date,amount\nA,2024-01-01,3\nB,2024-13-01,4\n')),
    ).toThrow(/bad\.csv:3: column date/);
    expect(() =>
      readClvFile(file('nan.csv', 'customer_id,date,amount\nA,2024-01-01,three\n')),
    ).toThrow(/nan\.csv:2: column amount: "three" is not a number/);
  });

  it('a single customer gives historical values and a diagnostic, never NaN', async () => {
    const p = file('one.csv', 'customer_id,date,amount\nA,2024-01-01,10\nA,2024-02-01,20\n');
    const { result } = await runModel(clvModel, { kind: 'file', path: p }, {});
    expect(result.values.params.bgnbd).toBeNull();
    expect(result.values.customers[0]).toMatchObject({
      customer_id: 'A',
      frequency: 1,
      historical_revenue: 30,
      clv: null,
      p_alive: null,
    });
    const codes = result.diagnostics.warnings.map((w) => w.code);
    expect(codes).toContain('TOO_FEW_CUSTOMERS');
    expect(codes).toContain('TOO_FEW_REPEAT_CUSTOMERS');
    expectNoNaN(result.values);
  });

  it('no repeat purchase at all: the models are not fitted, and it is said', () => {
    const res = fitClv(
      data(
        Array.from({ length: 20 }, (_, i) => ({
          customerId: `C${i}`,
          day: D0 + i,
          amount: 10 + i,
          margin: null,
        })),
      ),
      clvParams.parse({}),
    );
    expect(res.values.params).toEqual({ bgnbd: null, gammaGamma: null });
    expect(res.diagnostics.warnings.map((w) => w.code)).toContain('NO_REPEAT_PURCHASES');
    expectNoNaN(res.values);
  });

  it('a fit that cannot converge is reported as such, with null predictions', () => {
    // 40 identical clockwork customers buying every week until the end: no heterogeneity and no
    // dropout, so the likelihood keeps improving as r, α → ∞ and the dropout vanishes.
    const tx: Transaction[] = [];
    for (let c = 0; c < 40; c++)
      for (let w = 0; w <= 20; w++)
        tx.push({ customerId: `C${c}`, day: D0 + 7 * w, amount: 10 + (c % 7), margin: null });
    const res = fitClv(data(tx), clvParams.parse({ calibrationEnd: '2024-05-20' }));
    expect(res.diagnostics.convergence['bgnbd']?.converged).toBe(false);
    expect(res.diagnostics.warnings.map((w) => w.code)).toContain('NOT_CONVERGED');
    expect(res.values.params.bgnbd).toBeNull();
    expect(res.values.customers.every((c) => c.clv === null)).toBe(true);
    expectNoNaN(res.values);
  });

  it('margin as the value basis needs margins', () => {
    expect(() =>
      fitClv(
        data([
          { customerId: 'A', day: D0, amount: 1, margin: null },
          { customerId: 'A', day: D0 + 3, amount: 1, margin: null },
        ]),
        clvParams.parse({ value: 'margin' }),
      ),
    ).toThrow(/margin column/);
  });

  it('rejects bad options by name', async () => {
    const p = file('ok.csv', 'customer_id,date,amount\nA,2024-01-01,10\n');
    await expect(
      runModel(clvModel, { kind: 'file', path: p }, { timeUnit: 'month' }),
    ).rejects.toThrow(/option --time-unit/);
    await expect(
      runModel(clvModel, { kind: 'file', path: p }, { calibrationEnd: '1997/09/30' }),
    ).rejects.toThrow(/option --calibration-end/);
  });
});
