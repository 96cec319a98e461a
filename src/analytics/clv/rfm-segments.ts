/**
 * RFM scores (1–5 by quintile: recent, frequent and big spenders score 5) and the segments
 * retail CRM teams use. Customers with the same value share a score, the lowest their positions
 * span: a tie is never promoted by its size. With an average rank, a base where 85 % bought once
 * put every one-time buyer at the 42nd percentile, F = 3, and the dormant ones in `at_risk`;
 * with the lowest position they score F = 1, as a single purchase should.
 */

export type RfmSegment =
  'champions' | 'loyal' | 'potential' | 'new' | 'need_attention' | 'at_risk' | 'hibernating';

export interface RfmScore {
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly segment: RfmSegment;
}

export const RFM_RULES =
  'champions R≥4 F≥4; loyal F≥4; new R=5 F=1; potential R≥4; at_risk R≤2 F≥3; hibernating R≤2; need_attention otherwise (first rule that matches)';

export function rfmSegment(r: number, f: number): RfmSegment {
  if (r >= 4 && f >= 4) return 'champions';
  if (f >= 4) return 'loyal';
  if (r === 5 && f === 1) return 'new';
  if (r >= 4) return 'potential';
  if (r <= 2 && f >= 3) return 'at_risk';
  if (r <= 2) return 'hibernating';
  return 'need_attention';
}

/**
 * @param daysSinceLast days from the last purchase to the end of calibration (fewer = better)
 * @param purchases number of purchase days
 * @param spend total spend
 */
export function rfmScores(
  daysSinceLast: readonly number[],
  purchases: readonly number[],
  spend: readonly number[],
): RfmScore[] {
  const r = quintileScores(daysSinceLast, false);
  const f = quintileScores(purchases, true);
  const m = quintileScores(spend, true);
  return r.map((ri, i) => {
    const fi = f[i] as number;
    return { r: ri, f: fi, m: m[i] as number, segment: rfmSegment(ri, fi) };
  });
}

/**
 * Quintile scores 1–5 where a group of equal values takes the score of its worst position: the
 * lowest rank when higher is better, the highest when lower is better (days since last purchase).
 * The score of rank i (0-based, of n) is ⌊5 i / n⌋ + 1, inverted when lower is better.
 */
export function quintileScores(xs: readonly number[], higherIsBetter: boolean): number[] {
  const n = xs.length;
  const idx = xs.map((_, i) => i).sort((a, b) => (xs[a] as number) - (xs[b] as number));
  const scores = new Array<number>(n).fill(3);
  if (n <= 1) return scores;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && xs[idx[j + 1] as number] === xs[idx[i] as number]) j++;
    const rank = higherIsBetter ? i : j;
    const score = Math.min(5, Math.floor((rank / n) * 5) + 1);
    for (let t = i; t <= j; t++) scores[idx[t] as number] = higherIsBetter ? score : 6 - score;
    i = j + 1;
  }
  return scores;
}
