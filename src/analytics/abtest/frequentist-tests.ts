/**
 * Frequentist comparisons of a variant with the control from per-variant sufficient statistics
 * (n, Σy, Σy²): Welch's t-test on means, the two-proportion z-test on rates, and the
 * sample-ratio-mismatch chi-square against the planned split. Every function returns null
 * where a quantity does not exist (no variance, empty arm) instead of NaN.
 */
import {
  chiSquareSurvival,
  erfc,
  normalQuantile,
  studentTQuantile,
  studentTTwoSided,
} from '../numeric/special-functions.js';

export interface ArmStats {
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

export function armMean(a: ArmStats): number | null {
  return a.n > 0 ? a.sum / a.n : null;
}

/** Unbiased sample variance; null below 2 observations. Clamped at 0 against rounding. */
export function armVariance(a: ArmStats): number | null {
  if (a.n < 2) return null;
  return Math.max(0, (a.sumSquares - (a.sum * a.sum) / a.n) / (a.n - 1));
}

export interface Comparison {
  readonly test: 'welch_t' | 'two_proportion_z';
  readonly absolute: number | null;
  readonly relative: number | null;
  readonly ciAbsolute: [number, number] | null;
  readonly ciRelative: [number, number] | null;
  readonly statistic: number | null;
  readonly df: number | null;
  readonly pValue: number | null;
  readonly standardError: number | null;
}

const EMPTY = {
  absolute: null,
  relative: null,
  ciAbsolute: null,
  ciRelative: null,
  statistic: null,
  df: null,
  pValue: null,
  standardError: null,
};

/**
 * CI of the relative effect μv/μc − 1 on the log scale (delta method on ln μv − ln μc):
 * se = √(varV/μv² + varC/μc²) with varX the variance of each mean, then exp back. Unlike a
 * symmetric interval on the ratio it stays positive and agrees with the test on the difference.
 * Null unless both means are positive.
 */
function relativeCi(
  mc: number,
  mv: number,
  varMeanC: number,
  varMeanV: number,
  q: number,
): [number, number] | null {
  if (!(mc > 0 && mv > 0)) return null;
  const logRatio = Math.log(mv / mc);
  const se = Math.sqrt(varMeanV / (mv * mv) + varMeanC / (mc * mc));
  return [Math.exp(logRatio - q * se) - 1, Math.exp(logRatio + q * se) - 1];
}

/** Welch's unequal-variance t-test of variant against control. */
export function welchTest(control: ArmStats, variant: ArmStats, confidence: number): Comparison {
  const mc = armMean(control);
  const mv = armMean(variant);
  const vc = armVariance(control);
  const vv = armVariance(variant);
  if (mc === null || mv === null) return { test: 'welch_t', ...EMPTY };
  const absolute = mv - mc;
  const relative = mc === 0 ? null : absolute / mc;
  if (vc === null || vv === null) return { test: 'welch_t', ...EMPTY, absolute, relative };
  const a = vc / control.n;
  const b = vv / variant.n;
  const se = Math.sqrt(a + b);
  if (!(se > 0)) return { test: 'welch_t', ...EMPTY, absolute, relative, standardError: 0 };
  const df = (a + b) ** 2 / ((a * a) / (control.n - 1) + (b * b) / (variant.n - 1));
  const t = absolute / se;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    test: 'welch_t',
    absolute,
    relative,
    ciAbsolute: [absolute - q * se, absolute + q * se],
    ciRelative: relativeCi(mc, mv, a, b, q),
    statistic: t,
    df,
    pValue: studentTTwoSided(t, df),
    standardError: se,
  };
}

/**
 * Two-proportion z-test: the statistic uses the pooled rate (the null hypothesis of equal
 * rates), the confidence interval the unpooled standard error (Wald).
 */
export function twoProportionTest(
  control: ArmStats,
  variant: ArmStats,
  confidence: number,
): Comparison {
  if (control.n === 0 || variant.n === 0) return { test: 'two_proportion_z', ...EMPTY };
  const pc = control.sum / control.n;
  const pv = variant.sum / variant.n;
  const absolute = pv - pc;
  const relative = pc === 0 ? null : absolute / pc;
  const pooled = (control.sum + variant.sum) / (control.n + variant.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / variant.n));
  const a = (pc * (1 - pc)) / control.n;
  const b = (pv * (1 - pv)) / variant.n;
  const se = Math.sqrt(a + b);
  const q = normalQuantile(1 - (1 - confidence) / 2);
  const z = sePooled > 0 ? absolute / sePooled : null;
  return {
    test: 'two_proportion_z',
    absolute,
    relative,
    ciAbsolute: se > 0 ? [absolute - q * se, absolute + q * se] : null,
    ciRelative: se > 0 ? relativeCi(pc, pv, a, b, q) : null,
    statistic: z,
    df: null,
    pValue: z === null ? null : erfc(Math.abs(z) / Math.SQRT2),
    standardError: se > 0 ? se : null,
  };
}

export interface SrmCheck {
  readonly chiSquare: number;
  readonly df: number;
  readonly pValue: number;
  readonly expected: number[];
}

/** Pearson chi-square of the observed arm sizes against the planned split. */
export function sampleRatioMismatch(
  counts: readonly number[],
  split: readonly number[],
): SrmCheck | null {
  const total = counts.reduce((s, c) => s + c, 0);
  const splitTotal = split.reduce((s, c) => s + c, 0);
  if (total === 0 || counts.length < 2 || !(splitTotal > 0)) return null;
  const expected = split.map((s) => (total * s) / splitTotal);
  let chi = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = expected[i] as number;
    if (!(e > 0)) return null;
    chi += ((counts[i] as number) - e) ** 2 / e;
  }
  const df = counts.length - 1;
  return { chiSquare: chi, df, pValue: chiSquareSurvival(chi, df), expected };
}
