/**
 * A/B test read-out on hand-computed cases. Reference p-values and quantiles come from SciPy
 * 1.17 (stats.ttest_ind(equal_var=False), stats.t, stats.chi2, math.erfc), an implementation
 * independent of this one; Bayesian values are integrals solved by hand below.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  abtestParams,
  fitAbtest,
  readAbtestFile,
} from '../../src/analytics/abtest/abtest-model.js';
import {
  compareMeans,
  compareRates,
  probabilityBetaGreater,
} from '../../src/analytics/abtest/bayesian-tests.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-abtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const json = (name: string, value: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};
const fit = (input: unknown, params: Record<string, unknown> = {}) =>
  fitAbtest(readAbtestFile(json(`t${Math.random()}.json`, input)), abtestParams.parse(params));

describe('frequentist', () => {
  it("Welch's t-test: (1,2,3,4,5) against (2,4,6,8)", () => {
    // Control: mean 3, s² 2.5, n 5; variant: mean 5, s² 20/3, n 4.
    // se = √(2.5/5 + (20/3)/4) = √(13/6); t = 2/se = 1.358732; df = 4.749415 (Satterthwaite);
    // SciPy: p = 0.2351941; t(0.975, 4.749415) = 2.611916 → CI 2 ± 2.611916·se.
    const res = fit({
      variants: [
        { name: 'control', n: 5, sum: 15, sum_squares: 55 },
        { name: 'B', n: 4, sum: 20, sum_squares: 120 },
      ],
    });
    const c = res.values.comparisons[0];
    expect(res.values.metric).toBe('mean');
    expect(c?.test).toBe('welch_t');
    expect(c?.absolute_effect).toBeCloseTo(2, 14);
    expect(c?.statistic).toBeCloseTo(1.3587324409735149, 12);
    expect(c?.df).toBeCloseTo(4.749414519906324, 12);
    expect(c?.p_value).toBeCloseTo(0.23519411138940557, 10);
    expect(c?.ci_absolute?.[0]).toBeCloseTo(-1.8446363839400912, 9);
    expect(c?.ci_absolute?.[1]).toBeCloseTo(5.844636383940092, 9);
    expect(c?.significant).toBe(false);
  });

  it('two-proportion z-test: 100/1000 against 130/1000', () => {
    // Pooled rate 230/2000 = 0.115; se₀ = √(0.115 · 0.885 · 2/1000); z = 0.03/se₀ = 2.102741;
    // p = erfc(z/√2) = 0.0354885. Wald CI: 0.03 ± 1.959964·√(0.1·0.9/1000 + 0.13·0.87/1000).
    // Relative: ln(1.3) ± 1.959964·√(0.087/130 + 0.09/100)... on the log scale (delta method).
    const res = fit({
      variants: [
        { name: 'control', n: 1000, sum: 100 },
        { name: 'B', n: 1000, sum: 130 },
      ],
      split: [0.5, 0.5],
    });
    const c = res.values.comparisons[0];
    expect(res.values.metric).toBe('proportion');
    expect(c?.statistic).toBeCloseTo(2.102740605622114, 12);
    expect(c?.p_value).toBeCloseTo(0.03548845046647473, 12);
    expect(c?.ci_absolute?.[0]).toBeCloseTo(0.0020679344393763656, 12);
    expect(c?.ci_absolute?.[1]).toBeCloseTo(0.057932065560623636, 12);
    const seLog = Math.sqrt((0.13 * 0.87) / 1000 / 0.13 ** 2 + (0.1 * 0.9) / 1000 / 0.1 ** 2);
    expect(c?.ci_relative?.[0]).toBeCloseTo(
      Math.exp(Math.log(1.3) - 1.959963984540054 * seLog) - 1,
      10,
    );
    expect(c?.relative_effect).toBeCloseTo(0.3, 12);
    expect(c?.significant).toBe(true);
  });

  it('sample ratio mismatch: 5000 / 5200 against 50/50', () => {
    // Expected 5100 each: χ² = 2 · 100²/5100 = 3.921569, df 1, p = erfc(√(χ²/2)) = 0.0476704.
    const res = fit({
      variants: [
        { name: 'control', n: 5000, sum: 500 },
        { name: 'B', n: 5200, sum: 520 },
      ],
      split: [0.5, 0.5],
    });
    expect(res.values.srm?.chi_square).toBeCloseTo(3.9215686274509802, 12);
    expect(res.values.srm?.p_value).toBeCloseTo(0.04767038065616144, 12);
    expect(res.values.srm?.mismatch).toBe(false); // above the 0.001 threshold
    const broken = fit(
      {
        variants: [
          { name: 'control', n: 5000, sum: 500 },
          { name: 'B', n: 5600, sum: 520 },
        ],
      },
      { split: '0.5,0.5' },
    );
    expect(broken.values.srm?.mismatch).toBe(true);
    expect(broken.diagnostics.warnings.map((w) => w.code)).toContain('SRM');
  });
});

describe('Bayesian', () => {
  it('chance to beat: Beta(3,1) over Beta(2,2) is 0.8', () => {
    // P(B > A) = ∫ 6a(1−a)(1 − a³) da = 1 − 6(1/5 − 1/6) = 0.8.
    expect(probabilityBetaGreater(3, 1, 2, 2)).toBeCloseTo(0.8, 14);
    expect(probabilityBetaGreater(2, 2, 3, 1)).toBeCloseTo(0.2, 14);
    expect(probabilityBetaGreater(1, 1, 1, 1)).toBeCloseTo(0.5, 14);
  });

  it('expected losses of 2/2 against 1/2 conversions, solved by hand', () => {
    // Control 1 of 2 → Beta(2, 2); variant 2 of 2 → Beta(3, 1).
    // E[max(A − B, 0)] = ∫ 6a(1−a) · (∫₀ᵃ (a−b) 3b² db) da = ∫ 6a(1−a) a⁴/4 da = 1.5(1/6 − 1/7).
    // E[max(B − A, 0)] = E[B − A] + E[max(A − B, 0)] = 3/4 − 1/2 + 1/28.
    const r = compareRates({ n: 2, conversions: 1 }, { n: 2, conversions: 2 }, 0.95);
    expect(r.chanceToBeatControl).toBeCloseTo(0.8, 14);
    expect(r.expectedLoss).toBeCloseTo(1.5 * (1 / 6 - 1 / 7), 12);
    expect(r.expectedLossControl).toBeCloseTo(0.25 + 1 / 28, 12);
  });

  it('credible interval of the difference of two Beta posteriors', () => {
    // 100/1000 against 130/1000: posteriors Beta(101, 901) and Beta(131, 871). Monte Carlo
    // with 4 million draws (NumPy) gives the 2.5 % and 97.5 % quantiles of the difference
    // 0.002012 and 0.058001, P(B > A) 0.98217; sampling error ≈ 1e-4.
    const r = compareRates({ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }, 0.95);
    expect(r.credibleInterval[0]).toBeCloseTo(0.002012, 3);
    expect(r.credibleInterval[1]).toBeCloseTo(0.058001, 3);
    expect(r.chanceToBeatControl).toBeCloseTo(0.98217, 3);
  });

  it('normal posteriors: chance Φ(Δ/se), losses in closed form', () => {
    // Δ = 1, se = √(4/100 + 4/100) = √0.08: chance Φ(3.5355) = 0.999797.
    const r = compareMeans(
      { mean: 10, variance: 4, n: 100 },
      { mean: 11, variance: 4, n: 100 },
      0.95,
    );
    expect(r?.chanceToBeatControl).toBeCloseTo(0.9997965, 6);
    const se = Math.sqrt(0.08);
    expect(r?.credibleInterval[0]).toBeCloseTo(1 - 1.959963984540054 * se, 12);
    expect(
      compareMeans({ mean: 1, variance: 0, n: 5 }, { mean: 1, variance: 0, n: 5 }, 0.95),
    ).toBeNull();
  });
});

describe('CUPED', () => {
  it('removes the variance explained by the pre-period covariate', () => {
    // Units (x, y): control (1,2) (2,3) (3,5); variant (1,3) (2,5) (3,6).
    // Within arms Sxx = 2 and Sxy = 3 each → θ = 6/4 = 1.5. Syy = 42/9 each; adjusted sum of
    // squares = 42/9 + 1.5²·2 − 2·1.5·3 = 1/6 each → variance reduction 1 − (1/3)/(84/9).
    // Adjusted means stay 10/3 and 14/3 (x̄ is 2 in both arms); Welch on s² = 1/12 per arm:
    // se = √(2·(1/12)/3), t = (4/3)/se = 5.656854, df = 4, SciPy p = 0.00481268.
    const res = fit({
      variants: [
        {
          name: 'control',
          n: 3,
          sum: 10,
          sum_squares: 38,
          pre_sum: 6,
          pre_sum_squares: 14,
          sum_products: 23,
        },
        {
          name: 'B',
          n: 3,
          sum: 14,
          sum_squares: 70,
          pre_sum: 6,
          pre_sum_squares: 14,
          sum_products: 31,
        },
      ],
    });
    const c = res.values.comparisons[0]?.cuped;
    expect(c?.theta).toBeCloseTo(1.5, 14);
    expect(c?.variance_reduction).toBeCloseTo(1 - 1 / 3 / (84 / 9), 12);
    expect(c?.absolute_effect).toBeCloseTo(4 / 3, 12);
    expect(c?.p_value).toBeCloseTo(0.00481267833004422, 9);
    // Unadjusted: s² = 7/3 per arm, t = (4/3)/√(14/9) = 1.069 — far from significant.
    expect(res.values.comparisons[0]?.p_value).toBeGreaterThan(0.3);
  });
});

describe('abtest on bad input', () => {
  it('n = 0 in a variant: effects are null with a diagnostic, never NaN', () => {
    const res = fit({
      variants: [
        { name: 'control', n: 100, sum: 10 },
        { name: 'B', n: 0, sum: 0 },
      ],
    });
    expect(res.diagnostics.warnings.map((w) => w.code)).toContain('EMPTY_VARIANT');
    expect(res.values.comparisons[0]).toMatchObject({
      absolute_effect: null,
      p_value: null,
      bayes: null,
    });
    expect(res.values.variants[1]).toMatchObject({ n: 0, mean: null, sd: null });
    expect(JSON.stringify(res.values)).not.toMatch(/NaN|Infinity/);
  });

  it('zero conversions everywhere: no p-value, a diagnostic, a coin-flip chance', () => {
    const res = fit({
      variants: [
        { name: 'control', n: 500, sum: 0 },
        { name: 'B', n: 500, sum: 0 },
      ],
    });
    const codes = res.diagnostics.warnings.map((w) => w.code);
    expect(codes).toContain('ZERO_CONVERSIONS');
    expect(codes).toContain('NO_VARIANCE');
    expect(res.values.comparisons[0]?.p_value).toBeNull();
    expect(res.values.comparisons[0]?.relative_effect).toBeNull();
    expect(res.values.comparisons[0]?.bayes?.chance_to_beat_control).toBeCloseTo(0.5, 10);
  });

  it('empty file, bad JSON and wrong fields are clear errors', () => {
    expect(() => readAbtestFile(json('empty.json', ''))).toThrow(/empty.*variants/);
    expect(() => readAbtestFile(json('bad.json', '{"variants": ['))).toThrow(/not valid JSON/);
    expect(() =>
      readAbtestFile(
        json('field.json', {
          variants: [
            { name: 'a', n: 'ten', sum: 1 },
            { name: 'b', n: 1, sum: 1 },
          ],
        }),
      ),
    ).toThrow(/variants\.0\.n/);
    expect(() =>
      readAbtestFile(json('one.json', { variants: [{ name: 'a', n: 1, sum: 1 }] })),
    ).toThrow(/at least two variants/);
    expect(() =>
      fit(
        {
          variants: [
            { name: 'a', n: 10, sum: 1 },
            { name: 'b', n: 10, sum: 2 },
          ],
        },
        { control: 'z' },
      ),
    ).toThrow(/no variant named "z"/);
  });

  it('a mean metric needs sum_squares', () => {
    expect(() =>
      fit({
        variants: [
          { name: 'a', n: 10, sum: 25.5 },
          { name: 'b', n: 10, sum: 30 },
        ],
      }),
    ).toThrow(/sum_squares/);
  });
});
