/**
 * CLV on the CDNOW sample (2,357 customers) with calibration ending 1997-09-30, in weeks, against
 * published estimates:
 * - BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative
 *   to the Pareto/NBD model", Marketing Science 24(2): r = 0.243, α = 4.414, a = 0.793,
 *   b = 2.426, LL = −9582.4; to more digits, as CLVTools checks them in its test suite
 *   (tests/testthat/test_correctness_bgnbd.R): r = 0.2425945, α = 4.4136019, a = 0.7929199,
 *   b = 2.4258881, LL = −9582.429. Standard errors from the lifetimes documentation
 *   (docs/Quickstart.md, bgf.summary): 0.012557, 0.378221, 0.185719, 0.705345.
 * - Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": p = 6.25,
 *   q = 3.74, γ = 15.44 (946 repeat customers; LL −4055.9177 in CLVTools'
 *   test_correctness_gg.R); the lifetimes docs print p 6.25, q 3.74, v 15.45 on the same data.
 * Tolerances: the digits published.
 */
import { describe, expect, it } from 'vitest';
import { clvParams, fitClv } from '../../src/analytics/clv/clv-model.js';
import { cdnowTransactions } from './datasets.js';

describe('CLV on CDNOW (Fader, Hardie & Lee 2005)', () => {
  const res = fitClv(
    { transactions: cdnowTransactions(), source: 'cdnow', readWarnings: [] },
    clvParams.parse({ calibrationEnd: '1997-09-30', timeUnit: 'week', horizon: 39 }),
  );
  const v = res.values;

  it('summarises 2,357 customers, 946 of them with repeat purchases', () => {
    expect(v.calibration.customers).toBe(2357);
    expect(v.calibration.repeatCustomers).toBe(946);
    // lifetimes' customer 1 (master id 00004): frequency 2, recency 30.43, T 38.86, $22.35.
    const c1 = v.customers.find((c) => c.customer_id === '00004');
    expect(c1?.frequency).toBe(2);
    expect(c1?.recency).toBeCloseTo(30.43, 2);
    expect(c1?.T).toBeCloseTo(38.86, 2);
    expect(c1?.monetary).toBeCloseTo(22.345, 3); // (29.73 + 14.96) / 2, printed 22.35
  });

  it('fits BG/NBD to the published estimates', () => {
    const p = v.params.bgnbd;
    expect(res.diagnostics.convergence['bgnbd']?.converged).toBe(true);
    expect(p?.r).toBeCloseTo(0.2425945, 5);
    expect(p?.alpha).toBeCloseTo(4.4136019, 3);
    expect(p?.a).toBeCloseTo(0.7929199, 4);
    expect(p?.b).toBeCloseTo(2.4258881, 3);
    expect(v.logLikelihood.bgnbd).toBeCloseTo(-9582.429, 2);
    const se = v.standardErrors.bgnbd;
    expect(se?.r).toBeCloseTo(0.012557, 4);
    expect(se?.alpha).toBeCloseTo(0.378221, 3);
    expect(se?.a).toBeCloseTo(0.185719, 3);
    expect(se?.b).toBeCloseTo(0.705345, 2);
  });

  it('fits Gamma-Gamma to the published estimates', () => {
    const g = v.params.gammaGamma;
    expect(res.diagnostics.convergence['gammaGamma']?.converged).toBe(true);
    expect(g?.p).toBeCloseTo(6.25, 2);
    expect(g?.q).toBeCloseTo(3.74, 2);
    expect(g?.gamma).toBeCloseTo(15.44, 1);
    expect(v.logLikelihood.gammaGamma).toBeCloseTo(-4055.9177, 3);
  });

  it('predicts for every customer without NaN, and warns about the heavy dropout tail', () => {
    for (const c of v.customers) {
      for (const k of ['expected_purchases', 'p_alive', 'expected_spend', 'clv'] as const) {
        expect(Number.isFinite(c[k]), `${c.customer_id}.${k}`).toBe(true);
      }
    }
    expect(res.diagnostics.warnings.map((w) => w.code)).toContain('DROPOUT_HEAVY_TAIL');
    // Holdout: the 39 weeks after calibration hold real repeat purchases to compare with.
    expect(v.holdout?.length).toBeCloseTo(39, 0);
    expect(v.holdout?.actualPurchases).toBeGreaterThan(0);
  });
});
