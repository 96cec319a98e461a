import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  chiSquareSurvival,
  digamma,
  erfc,
  gammaQ,
  hyp2f1,
  incompleteBeta,
  lgamma,
  logAddExp,
  logSumExp,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from './special-functions.js';

// Reference values are closed forms (shown) or SciPy 1.17 (special.gammaln, digamma, betainc,
// hyp2f1; stats.t, stats.chi2), an implementation independent of this one.
describe('special functions', () => {
  it('ln Γ: closed forms and large arguments', () => {
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14); // Γ(1/2) = √π
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12); // 9!
    expect(lgamma(1)).toBeCloseTo(0, 14);
    // Stirling branch against Lanczos at the switch point, and a far value: ln Γ(1e8).
    expect(lgamma(1e7 + 1) - lgamma(1e7)).toBeCloseTo(Math.log(1e7), 6);
    expect(lgamma(0)).toBe(Infinity);
  });

  it('ψ: −γ at 1, −γ − 2 ln 2 at 1/2, recurrence ψ(x+1) = ψ(x) + 1/x', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 13);
    expect(digamma(3.7) - digamma(2.7)).toBeCloseTo(1 / 2.7, 13);
  });

  it('log-sum-exp does not overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-1000, -1000, -1000])).toBeCloseTo(-1000 + Math.log(3), 12);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logAddExp(-Infinity, 2)).toBe(2);
  });

  it('incomplete beta: I_x(1,1) = x, I_x(a,1) = xᵃ, symmetry, SciPy value', () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(incompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 14);
    expect(incompleteBeta(0.5, 2.5, 2.5)).toBeCloseTo(0.5, 14);
    expect(incompleteBeta(0.3, 2.5, 3.5)).toBeCloseTo(0.29675298929566646, 12);
    // Large shapes (a posterior of 100 000 visitors) stay accurate: the mean is near the median.
    expect(incompleteBeta(0.03, 3001, 97001)).toBeGreaterThan(0.49);
    expect(incompleteBeta(0.03, 3001, 97001)).toBeLessThan(0.51);
    expect(betaQuantile(incompleteBeta(0.42, 7, 9), 7, 9)).toBeCloseTo(0.42, 12);
  });

  it('incomplete gamma, erfc and the normal distribution', () => {
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 14); // Q(1, x) = e^-x
    expect(gammaQ(3.5, 2)).toBeCloseTo(0.779777408475716, 12);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });

  it("Student's t: Cauchy closed forms and SciPy values", () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 14); // arctan(1)/π + 1/2
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
    expect(studentTCdf(1.5, 3.7)).toBeCloseTo(0.8932009153989933, 12);
    expect(studentTQuantile(0.9, 2.5)).toBeCloseTo(1.7302509288071766, 10);
    expect(studentTTwoSided(0, 10)).toBeCloseTo(1, 14);
  });

  it('chi-square survival: e^(−x/2) with 2 degrees of freedom, SciPy with 3', () => {
    expect(chiSquareSurvival(3, 2)).toBeCloseTo(Math.exp(-1.5), 14);
    expect(chiSquareSurvival(7.5, 3)).toBeCloseTo(0.0575584519726364, 12);
    expect(chiSquareSurvival(0, 1)).toBe(1);
  });

  it('₂F₁: −ln(1−z)/z, (1−z)^−a, a SciPy value, and honest non-convergence', () => {
    expect(hyp2f1(1, 1, 2, 0.5).value).toBeCloseTo(-Math.log(0.5) / 0.5, 13);
    expect(hyp2f1(2.3, 1.7, 1.7, 0.4).value).toBeCloseTo(Math.pow(0.6, -2.3), 12);
    expect(hyp2f1(0.7, 2.3, 3.1, 0.8).value).toBeCloseTo(2.0727548162966496, 11);
    const big = hyp2f1(26.242593, 28.425752, 28.218638, 0.9);
    expect(big.converged).toBe(true);
    expect(big.value / 2.7782768920849577e26).toBeCloseTo(1, 10);
    const slow = hyp2f1(5, 5, 1, 0.999999, 1000);
    expect(slow.converged).toBe(false);
    expect(hyp2f1(1, 1, 2, 1).converged).toBe(false);
  });
});
