/**
 * RFM scores of tied values and the cohorts summary, on hand-built data (issue 13, point 6).
 */
import { describe, expect, it } from 'vitest';
import type { CohortsData } from '../../src/analytics/cohorts/cohorts-model.js';
import {
  cohortsModel,
  cohortsParams,
  fitCohorts,
} from '../../src/analytics/cohorts/cohorts-model.js';
import { quintileScores, rfmScores } from '../../src/analytics/clv/rfm-segments.js';
import { epochDay } from '../../src/time/civil-date.js';

describe('RFM scores', () => {
  it('one-time buyers get the lowest F, not the tie score', () => {
    // 10 customers, 8 bought once: their positions span ranks 0–7, the lowest is 0 → F = 1.
    // The two repeat buyers sit at ranks 8 and 9: ⌊5·8/10⌋ + 1 = 5.
    const purchases = [1, 1, 1, 1, 1, 1, 1, 1, 2, 5];
    expect(quintileScores(purchases, true)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 5, 5]);
  });

  it('ties in days since the last purchase take the worse R', () => {
    // Ascending days 3, 10, 10, 10, 400: the three 10s span ranks 1–3, the worse is 3 →
    // ⌊5·3/5⌋ + 1 = 4 → R = 6 − 4 = 2; 3 days → rank 0 → R = 5; 400 days → rank 4 → R = 1.
    expect(quintileScores([10, 3, 10, 400, 10], false)).toEqual([2, 5, 2, 1, 2]);
  });

  it('a dormant one-time buyer is hibernating, not at risk', () => {
    // Days since last: customer 0 is the most dormant (R = 1) and bought once (F = 1).
    const days = [300, 5, 10, 20, 40, 60, 80, 100, 120, 150];
    const purchases = [1, 1, 1, 1, 1, 1, 1, 1, 2, 5];
    const spend = [50, 60, 70, 80, 90, 100, 110, 120, 130, 140];
    const scores = rfmScores(days, purchases, spend);
    expect(scores[0]).toMatchObject({ r: 1, f: 1, segment: 'hibernating' });
    // The most recent one-time buyer: R = 5, F = 1 → new.
    expect(scores[1]).toMatchObject({ r: 5, f: 1, segment: 'new' });
    // No one-time buyer lands in at_risk (F ≥ 3 is required).
    expect(scores.filter((s, i) => purchases[i] === 1 && s.segment === 'at_risk')).toEqual([]);
  });
});

describe('cohorts summary', () => {
  it('lists every cohort it counts', () => {
    // One customer a month from 2024-01 to 2025-08 (20 cohorts), each buying again the next
    // month; data to 2025-09-30, so every cohort month is complete.
    const purchases = [];
    for (let m = 0; m < 20; m++) {
      const y = 2024 + Math.floor(m / 12);
      const mo = (m % 12) + 1;
      purchases.push({ customerId: `C${m}`, day: epochDay(y, mo, 5), amount: 10 });
      const ny = 2024 + Math.floor((m + 1) / 12);
      const nmo = ((m + 1) % 12) + 1;
      purchases.push({ customerId: `C${m}`, day: epochDay(ny, nmo, 6), amount: 10 });
    }
    purchases.push({ customerId: 'LAST', day: epochDay(2025, 9, 30), amount: 10 });
    const data: CohortsData = { purchases, source: 'test' };
    const result = fitCohorts(data, cohortsParams.parse({}));
    const text = cohortsModel.summarize(result, cohortsParams.parse({}));
    expect(text).toMatch(/— 21 cohorts/);
    const rows = text.split('\n').filter((l) => /^ {2}\d{4}-\d{2} /.test(l));
    expect(rows).toHaveLength(21);
    expect(rows[0]).toMatch(/^ {2}2024-01 /);
  });
});
