/** Small descriptive statistics shared by the models. Empty input gives null, never NaN. */

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : sum(xs) / xs.length;
}

/** Quantile with linear interpolation between order statistics (type 7, as R and NumPy). */
export function quantile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (h - lo) * (b - a);
}

export function median(xs: readonly number[]): number | null {
  return quantile(xs, 0.5);
}

/** Median absolute deviation scaled to the standard deviation of a normal (× 1.4826). */
export function mad(xs: readonly number[]): number | null {
  const m = median(xs);
  if (m === null) return null;
  return 1.4826 * (median(xs.map((x) => Math.abs(x - m))) as number);
}

/** Pearson correlation; null when either side has no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const mx = sum(xs.slice(0, n)) / n;
  const my = sum(ys.slice(0, n)) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Scores 1..k by quantile of rank (ties share the score of their average rank), k = 5 for RFM:
 * the lowest values score 1 unless `higherIsBetter` is false, when the order is reversed.
 */
export function quantileScores(xs: readonly number[], k: number, higherIsBetter = true): number[] {
  const n = xs.length;
  const idx = xs.map((_, i) => i).sort((a, b) => (xs[a] as number) - (xs[b] as number));
  const rank = new Array<number>(n).fill(0);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && xs[idx[j + 1] as number] === xs[idx[i] as number]) j++;
    const avg = (i + j) / 2;
    for (let t = i; t <= j; t++) rank[idx[t] as number] = avg;
    i = j + 1;
  }
  return rank.map((r) => {
    const score = n <= 1 ? Math.ceil(k / 2) : Math.min(k, Math.floor((r / n) * k) + 1);
    return higherIsBetter ? score : k + 1 - score;
  });
}
