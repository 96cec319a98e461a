import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('seeded random streams', () => {
  it('repeats for the same seed and label, differs otherwise', () => {
    const a = new Random(7).fork('sales');
    const b = new Random(7).fork('sales');
    const c = new Random(8).fork('sales');
    const d = new Random(7).fork('web');
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
    expect(Array.from({ length: 5 }, () => d.nextUint32())).not.toEqual(sa);
  });

  // Sample means of n = 20000 draws: the standard error is sd/√n, so 5 standard errors is a
  // bound a correct sampler breaks about once in 3 million runs.
  const n = 20000;
  it('draws Poisson, Gamma, Beta and Binomial with the right means', () => {
    const r = new Random(1);
    const pois = Array.from({ length: n }, () => r.poisson(3.5));
    expect(Math.abs(mean(pois) - 3.5)).toBeLessThan(5 * Math.sqrt(3.5 / n));
    const poisBig = Array.from({ length: n }, () => r.poisson(120));
    expect(Math.abs(mean(poisBig) - 120)).toBeLessThan(5 * Math.sqrt(120 / n));
    // Gamma(shape 0.5, rate 2): mean 0.25, sd √0.5/2 ≈ 0.354
    const g = Array.from({ length: n }, () => r.gamma(0.5, 2));
    expect(Math.abs(mean(g) - 0.25)).toBeLessThan((5 * 0.354) / Math.sqrt(n));
    // Gamma(shape 6, rate 0.1): mean 60, sd √6/0.1 ≈ 24.5
    const g2 = Array.from({ length: n }, () => r.gamma(6, 0.1));
    expect(Math.abs(mean(g2) - 60)).toBeLessThan((5 * 24.5) / Math.sqrt(n));
    // Beta(2, 6): mean 0.25, sd √(12/(64·9)) ≈ 0.144
    const bt = Array.from({ length: n }, () => r.beta(2, 6));
    expect(Math.abs(mean(bt) - 0.25)).toBeLessThan((5 * 0.144) / Math.sqrt(n));
    const bi = Array.from({ length: n }, () => r.binomial(200, 0.03));
    expect(Math.abs(mean(bi) - 6)).toBeLessThan((5 * Math.sqrt(200 * 0.03 * 0.97)) / Math.sqrt(n));
  });

  it('picks by weight', () => {
    const r = new Random(3);
    let hits = 0;
    for (let i = 0; i < n; i++) if (r.weightedIndex([1, 3]) === 1) hits++;
    // p = 0.75, sd of the share = √(0.75·0.25/n) ≈ 0.0031
    expect(Math.abs(hits / n - 0.75)).toBeLessThan(5 * 0.0031);
  });
});
