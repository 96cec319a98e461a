import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  probabilityAlive,
} from './bg-nbd-model.js';
import {
  conditionalExpectedSpend,
  gammaGammaLogLikelihood,
  populationMeanSpend,
} from './gamma-gamma-model.js';
import { summarizeTransactions } from './customer-summary.js';
import { rfmSegment } from './rfm-segments.js';

const ONES = { r: 1, alpha: 1, a: 1, b: 1 };

describe('BG/NBD by hand', () => {
  it('likelihood without repeat purchase: (α/(α+T))^r', () => {
    // r = α = 1, T = 1 → L = 1/2.
    expect(bgNbdLogLikelihood(ONES, [{ frequency: 0, recency: 0, T: 1 }])).toBeCloseTo(
      Math.log(0.5),
      13,
    );
  });

  it('likelihood with one repeat purchase: the two terms of FHL eq. 6', () => {
    // r = α = a = b = 1, x = 1, tₓ = 1, T = 2:
    // B(1,2)/B(1,1) · Γ(2)/Γ(1) · 1/(1+2)² + B(2,1)/B(1,1) · 1/(1+1)² = 0.5/9 + 0.5/4.
    const expected = Math.log(0.5 / 9 + 0.5 / 4);
    expect(bgNbdLogLikelihood(ONES, [{ frequency: 1, recency: 1, T: 2 }])).toBeCloseTo(
      expected,
      13,
    );
  });

  it('stays finite where the naive product would overflow', () => {
    const ll = bgNbdLogLikelihood({ r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, [
      { frequency: 5000, recency: 5000, T: 5200 },
    ]);
    expect(Number.isFinite(ll)).toBe(true);
  });

  it('P(alive): 1 without repeat purchase, 1/(1 + a/(b+x−1)·((α+T)/(α+tₓ))^(r+x)) otherwise', () => {
    expect(probabilityAlive(ONES, { frequency: 0, recency: 0, T: 10 })).toBe(1);
    // 1 / (1 + 1 · (3/2)²) = 1/3.25.
    expect(probabilityAlive(ONES, { frequency: 1, recency: 1, T: 2 })).toBeCloseTo(1 / 3.25, 14);
  });

  it('expected purchases match the lifetimes documentation on CDNOW', () => {
    // lifetimes docs (Quickstart, "Ranking customers"): with the CDNOW fit r = 0.242593,
    // α = 4.413532, a = 0.792886, b = 2.425752, the expected purchases in the next week of
    // customer 1516 (x = 26, tₓ = 30.86, T = 31.00 weeks) is 0.710623, of 157 (29, 37.71, 38.00)
    // 0.662396, of 509 (18, 35.14, 35.86) 0.424877. The docs computed these on the library's
    // cdnow_customers.csv, whose ages are stored rounded to 2 decimals, as used here.
    const p = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
    expect(expectedPurchases(p, { frequency: 26, recency: 30.86, T: 31.0 }, 1)).toBeCloseTo(
      0.710623,
      5,
    );
    expect(expectedPurchases(p, { frequency: 29, recency: 37.71, T: 38.0 }, 1)).toBeCloseTo(
      0.662396,
      5,
    );
    expect(expectedPurchases(p, { frequency: 18, recency: 35.14, T: 35.86 }, 1)).toBeCloseTo(
      0.424877,
      5,
    );
  });

  it('a new customer with b→∞ behaves like the NBD: E[X(t)] → r t / α', () => {
    // With no dropout (b huge) the BG/NBD collapses to the NBD, whose mean is r·t/α.
    const e = expectedPurchasesNewCustomer({ r: 2, alpha: 10, a: 1.5, b: 1e7 }, 5);
    expect(e).toBeCloseTo((2 * 5) / 10, 5);
    expect(expectedPurchases(ONES, { frequency: 0, recency: 0, T: 0 }, 0)).toBe(0);
    // a = 1 makes (a+b+x−1)/(a−1) undefined: null, not NaN.
    expect(expectedPurchases(ONES, { frequency: 1, recency: 1, T: 2 }, 1)).toBeNull();
  });
});

describe('Gamma-Gamma by hand', () => {
  it('likelihood: p = q = γ = 1, x = 1, mₓ = 1 gives Γ(2)/(Γ(1)Γ(1)) · 1/2² ', () => {
    expect(
      gammaGammaLogLikelihood({ p: 1, q: 1, gamma: 1 }, [{ frequency: 1, monetary: 1 }]),
    ).toBeCloseTo(-2 * Math.LN2, 14);
  });

  it('expected spend: (γ + x·mₓ)·p / (px + q − 1), and pγ/(q−1) without history', () => {
    const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
    // (15.44 + 2 × 22.35) × 6.25 / (12.5 + 3.74 − 1) = 375.875 / 15.24.
    expect(conditionalExpectedSpend(gg, { frequency: 2, monetary: 22.35 })).toBeCloseTo(
      375.875 / 15.24,
      12,
    );
    // 6.25 × 15.44 / 2.74 = 35.2189…
    expect(conditionalExpectedSpend(gg, { frequency: 0, monetary: 0 })).toBeCloseTo(
      96.5 / 2.74,
      12,
    );
    expect(populationMeanSpend({ p: 1, q: 0.9, gamma: 1 })).toBeNull();
  });
});

describe('transaction summary conventions', () => {
  it('merges same-day purchases, counts repeat days, measures ages from the first purchase', () => {
    const day = (d: number) => 10_000 + d;
    const s = summarizeTransactions(
      [
        { customerId: 'A', day: day(0), amount: 10, margin: 4 },
        { customerId: 'A', day: day(0), amount: 5, margin: 1 }, // same day: merged → 15
        { customerId: 'A', day: day(7), amount: 20, margin: 8 },
        { customerId: 'A', day: day(21), amount: 40, margin: 10 },
        { customerId: 'A', day: day(40), amount: 99, margin: 9 }, // after calibration: holdout
        { customerId: 'B', day: day(14), amount: 7, margin: 2 },
        { customerId: 'C', day: day(30), amount: 3, margin: 1 }, // first seen after calibration
      ],
      day(28),
      7,
    );
    expect(s.firstSeenAfter).toBe(1);
    const a = s.customers.find((c) => c.customerId === 'A');
    // Repeat days 7 and 21: x = 2, tₓ = 21/7 = 3 weeks, T = 28/7 = 4 weeks, mₓ = (20 + 40)/2.
    expect(a).toMatchObject({ frequency: 2, recency: 3, T: 4, monetary: 30, revenue: 75 });
    expect(a?.margin).toBe(23); // 4 + 1 + 8 + 10
    expect(a?.monetaryMargin).toBe(9);
    expect(a).toMatchObject({ holdoutPurchases: 1, holdoutRevenue: 99 });
    const b = s.customers.find((c) => c.customerId === 'B');
    expect(b).toMatchObject({ frequency: 0, recency: 0, T: 2, monetary: 0 });
  });

  it('names RFM segments by the documented rules', () => {
    expect(rfmSegment(5, 5)).toBe('champions');
    expect(rfmSegment(2, 5)).toBe('loyal');
    expect(rfmSegment(5, 1)).toBe('new');
    expect(rfmSegment(4, 2)).toBe('potential');
    expect(rfmSegment(1, 3)).toBe('at_risk');
    expect(rfmSegment(2, 1)).toBe('hibernating');
    expect(rfmSegment(3, 3)).toBe('need_attention');
  });
});
