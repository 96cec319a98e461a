import { describe, expect, it } from 'vitest';
import { Random } from '../random.js';
import { repeatPurchaseWeeks } from './member-model.js';

describe('BG/NBD repeat purchases of one member', () => {
  it('match E[X(t) | λ, p] = (1 − e^(−λpt)) / p', () => {
    // While alive, purchases are Poisson(λ); each purchase ends the life with probability p, so
    // the purchase process is a Poisson process thinned to a geometric number of events.
    const rng = new Random(11, 'member-test');
    const traits = { lambda: 0.2, dropout: 0.25, nu: 0.1 };
    const t = 30;
    const n = 40_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const k = repeatPurchaseWeeks(rng, traits, t).length;
      sum += k;
      sq += k * k;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    const expected = (1 - Math.exp(-traits.lambda * traits.dropout * t)) / traits.dropout;
    expect(Math.abs(mean - expected)).toBeLessThan((5 * sd) / Math.sqrt(n));
  });

  it('never drops a member at the acquisition and stops after a dropout', () => {
    const rng = new Random(3, 'member-test');
    const certain = { lambda: 1, dropout: 1, nu: 0.1 };
    let withOne = 0;
    for (let i = 0; i < 1000; i++) {
      const times = repeatPurchaseWeeks(rng, certain, 50);
      expect(times.length).toBeLessThanOrEqual(1);
      if (times.length === 1) withOne++;
    }
    // With λ = 1 per week over 50 weeks, the first repeat purchase (almost) always happens.
    expect(withOne).toBe(1000);
    const times = repeatPurchaseWeeks(rng, { lambda: 2, dropout: 0, nu: 0.1 }, 10);
    expect(times.every((t, i) => t > 0 && t <= 10 && (i === 0 || t > times[i - 1]!))).toBe(true);
  });
});
