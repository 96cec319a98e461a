import { describe, expect, it } from 'vitest';
import {
  absorptionProbabilities,
  chainFromTables,
  expectedVisits,
  firstTouchShares,
  lastTouchShares,
  outcomeProbability,
  removalEffects,
  removalShares,
  solveLinear,
} from './absorbing-chain.js';

/*
 * Solved by hand. States A, B; start A 0.6, B 0.4.
 *   A → B 0.5, conversion 0.2, null 0.3        B → A 0.25, conversion 0.5, null 0.25
 * hA = 0.2 + 0.5 hB, hB = 0.5 + 0.25 hA  ⇒  hA = 18/35, hB = 22/35, P(conv) = 0.6·18/35 + 0.4·22/35 = 0.56
 * Without A (B → A lost): hB = 0.5, P = 0.2, effect 1 − 0.2/0.56 = 9/14
 * Without B (A → B lost): hA = 0.2, P = 0.12, effect 1 − 0.12/0.56 = 11/14
 * Visits v = start (I − Q)⁻¹ = [0.7, 0.7] / 0.875 = [0.8, 0.8]
 * Last touch: A 0.8·0.2 = 0.16, B 0.8·0.5 = 0.4 (sum 0.56); first touch: A 0.6·18/35, B 0.4·22/35.
 */
const chain = chainFromTables(
  ['A', 'B'],
  ['conversion', 'null'],
  { A: 0.6, B: 0.4 },
  {
    A: { B: 0.5, conversion: 0.2, null: 0.3 },
    B: { A: 0.25, conversion: 0.5, null: 0.25 },
  },
);

describe('absorbing chain', () => {
  it('gives the absorption probabilities solved by hand', () => {
    const b = absorptionProbabilities(chain);
    expect(b[0]?.[0]).toBeCloseTo(18 / 35, 12);
    expect(b[1]?.[0]).toBeCloseTo(22 / 35, 12);
    expect(b[0]?.[1]).toBeCloseTo(17 / 35, 12);
    expect(outcomeProbability(chain, 'conversion')).toBeCloseTo(0.56, 12);
  });

  it('gives the removal effects and their shares solved by hand', () => {
    const effects = removalEffects(chain, 'conversion', 'null');
    expect(effects[0]).toBeCloseTo(9 / 14, 12);
    expect(effects[1]).toBeCloseTo(11 / 14, 12);
    const shares = removalShares(chain, 'conversion', 'null');
    expect(shares[0]).toBeCloseTo(9 / 20, 12);
    expect(shares[1]).toBeCloseTo(11 / 20, 12);
  });

  it('gives expected visits, first-touch and last-touch shares solved by hand', () => {
    const v = expectedVisits(chain);
    expect(v[0]).toBeCloseTo(0.8, 12);
    expect(v[1]).toBeCloseTo(0.8, 12);
    const last = lastTouchShares(chain, 'conversion');
    expect(last[0]).toBeCloseTo(0.16 / 0.56, 12);
    expect(last[1]).toBeCloseTo(0.4 / 0.56, 12);
    const first = firstTouchShares(chain, 'conversion');
    expect(first[0]).toBeCloseTo((0.6 * 18) / 35 / 0.56, 12);
    expect(first[1]).toBeCloseTo((0.4 * 22) / 35 / 0.56, 12);
  });

  it('solves a system that needs pivoting', () => {
    // 0·x + 2y = 4, 3x + y = 5 ⇒ y = 2, x = 1
    const x = solveLinear(
      [
        [0, 2],
        [3, 1],
      ],
      [[4], [5]],
    );
    expect(x[0]?.[0]).toBeCloseTo(1, 12);
    expect(x[1]?.[0]).toBeCloseTo(2, 12);
  });

  it('refuses rows that do not sum to 1 and unknown names', () => {
    expect(() =>
      chainFromTables(['A'], ['conversion', 'null'], { A: 1 }, { A: { conversion: 0.5 } }),
    ).toThrow(/sum to 1/);
    expect(() => chainFromTables(['A'], ['conversion', 'null'], { A: 1 }, { A: { C: 1 } })).toThrow(
      /unknown target "C"/,
    );
    expect(() => outcomeProbability(chain, 'purchase')).toThrow(/unknown outcome/);
  });

  it('refuses a chain with a state that is never absorbed', () => {
    const loop = chainFromTables(
      ['A', 'B'],
      ['conversion', 'null'],
      { A: 1 },
      { A: { B: 1 }, B: { A: 1 } },
    );
    expect(() => absorptionProbabilities(loop)).toThrow(/singular/);
  });
});
