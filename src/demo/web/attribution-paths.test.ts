import { describe, expect, it } from 'vitest';
import {
  firstTouchShares,
  outcomeProbability,
} from '../../analytics/attribution/absorbing-chain.js';
import { Random } from '../random.js';
import { CONVERSION, JourneySampler, journeyChain, touchTimes } from './attribution-paths.js';

describe('journeys drawn from the chain', () => {
  const chain = journeyChain();

  it('convert and start as the chain says (within 4 standard errors)', () => {
    const sampler = new JourneySampler(chain);
    const rng = new Random(3, 'journeys');
    const path: number[] = [];
    const n = 100_000;
    let converted = 0;
    const firstOfConverted = new Array<number>(chain.states.length).fill(0);
    let selfLoops = 0;
    for (let i = 0; i < n; i++) {
      const ok = sampler.draw(rng, path);
      for (let j = 1; j < path.length; j++) if (path[j] === path[j - 1]) selfLoops++;
      if (ok) {
        converted++;
        const f = path[0] ?? 0;
        firstOfConverted[f] = (firstOfConverted[f] ?? 0) + 1;
      }
    }
    const p = outcomeProbability(chain, CONVERSION);
    expect(Math.abs(converted / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    const first = firstTouchShares(chain, CONVERSION);
    first.forEach((q, i) => {
      const observed = (firstOfConverted[i] ?? 0) / converted;
      expect(Math.abs(observed - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / converted));
    });
    expect(selfLoops).toBe(0);
  });

  it('places touches strictly increasing, after the lower bound and ending at the last touch', () => {
    const rng = new Random(5, 'times');
    const out: number[] = [];
    for (const [n, last, low] of [
      [5, 1_000_000_000, 0],
      [8, 1_000_000, 999_000], // squeezed into one second
      [1, 42, 0],
    ] as const) {
      touchTimes(rng, n, last, low, out);
      expect(out).toHaveLength(n);
      expect(out[n - 1]).toBe(last);
      for (let i = 0; i < n; i++) {
        expect(out[i]).toBeGreaterThan(low);
        if (i > 0) expect(out[i]).toBeGreaterThan(out[i - 1] ?? Infinity);
      }
    }
  });
});
