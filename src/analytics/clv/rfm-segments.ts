/**
 * RFM scores (1–5 by quintile: recent, frequent and big spenders score 5) and the segments
 * retail CRM teams use. Ties share a score (average rank), so a base where most customers
 * bought once gives them all the same F score.
 */
import { quantileScores } from '../numeric/descriptive-stats.js';

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
  const r = quantileScores(daysSinceLast, 5, false);
  const f = quantileScores(purchases, 5, true);
  const m = quantileScores(spend, 5, true);
  return r.map((ri, i) => {
    const fi = f[i] as number;
    return { r: ri, f: fi, m: m[i] as number, segment: rfmSegment(ri, fi) };
  });
}
