/**
 * Helpers for a model's dashboard view: what a board draws, not every row the model computed.
 * A CLV fit carries one row per customer and attribution one per campaign; the browser needs a
 * distribution, the segments and the head of the ranking. The full result stays available with
 * `"view": "full"` (the default of POST /api/models/{name}); a view is cut from the cached full
 * result.
 */

/** Rows of a ranking a board shows. */
export const BOARD_HEAD = 50;
const BINS = 20;

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
export const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;
export const rows = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export interface Histogram {
  /** Lower edges of the bins; the last bin is closed on `max`. */
  readonly edges: number[];
  readonly counts: number[];
  readonly max: number;
  /** Values at or above the 99th percentile are gathered in the last bin (long tail). */
  readonly capped: boolean;
}

/** Equal-width bins from 0 (or the minimum when negative) to the 99th percentile. */
export function histogram(values: readonly number[], bins = BINS): Histogram | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const lo = Math.min(0, xs[0] ?? 0);
  const p99 = xs[Math.min(xs.length - 1, Math.floor(0.99 * (xs.length - 1)))] ?? 0;
  const top = xs[xs.length - 1] ?? 0;
  const hi = p99 > lo ? p99 : top > lo ? top : lo + 1;
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return {
    edges: counts.map((_, i) => lo + i * width),
    counts,
    max: hi,
    capped: top > hi,
  };
}
