/**
 * Rule-based attribution: each converting journey's credit (1 conversion, its value and
 * margin) is split over its touches by a fixed rule. Credits of one journey sum to 1, so the
 * attributed totals equal the observed totals whatever the rule.
 */
import type { Journey } from './journeys.js';

export type HeuristicRule =
  'first_touch' | 'last_touch' | 'linear' | 'time_decay' | 'position_based';

export const HEURISTIC_RULES: readonly HeuristicRule[] = [
  'first_touch',
  'last_touch',
  'linear',
  'time_decay',
  'position_based',
];

export interface HeuristicOptions {
  /**
   * Time decay: a touch's weight halves every halfLife. With touch ages in days (workspace)
   * it is in days; without ages (path files) it is in touches counted back from the last.
   */
  readonly halfLife: number;
  /** Position based: share of the first and of the last touch (the middle shares the rest). */
  readonly firstShare: number;
  readonly lastShare: number;
}

/** Weights of the touches of one journey under a rule (they sum to 1). */
export function touchWeights(
  rule: HeuristicRule,
  journey: Pick<Journey, 'channels' | 'ageDays'>,
  options: HeuristicOptions,
): number[] {
  const n = journey.channels.length;
  const w = new Array<number>(n).fill(0);
  if (n === 0) return w;
  switch (rule) {
    case 'first_touch':
      w[0] = 1;
      return w;
    case 'last_touch':
      w[n - 1] = 1;
      return w;
    case 'linear':
      return w.fill(1 / n);
    case 'time_decay': {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const age = journey.ageDays ? (journey.ageDays[i] ?? 0) : n - 1 - i;
        w[i] = Math.pow(2, -Math.max(0, age) / options.halfLife);
        total += w[i] as number;
      }
      return w.map((x) => x / total);
    }
    case 'position_based': {
      if (n === 1) return [1];
      if (n === 2) {
        // Two touches: first and last only; their shares are renormalised (50/50 by default).
        const s = options.firstShare + options.lastShare;
        return [options.firstShare / s, options.lastShare / s];
      }
      const middle = (1 - options.firstShare - options.lastShare) / (n - 2);
      w.fill(middle);
      w[0] = options.firstShare;
      w[n - 1] = options.lastShare;
      return w;
    }
  }
}

export interface Credit {
  conversions: number;
  value: number;
  margin: number | null;
}

/** Credit per key (channel, or campaign with `keyOf`) under one rule. */
export function heuristicCredit(
  rule: HeuristicRule,
  journeys: readonly Journey[],
  options: HeuristicOptions,
  keyOf: (j: Journey, i: number) => string = (j, i) => j.channels[i] as string,
): Map<string, Credit> {
  const out = new Map<string, Credit>();
  for (const j of journeys) {
    if (j.conversions <= 0) continue;
    const w = touchWeights(rule, j, options);
    for (let i = 0; i < w.length; i++) {
      const wi = w[i] as number;
      if (wi === 0) continue;
      const k = keyOf(j, i);
      let c = out.get(k);
      if (!c) out.set(k, (c = { conversions: 0, value: 0, margin: 0 }));
      c.conversions += wi * j.conversions;
      c.value += wi * j.value;
      c.margin = c.margin === null || j.margin === undefined ? null : c.margin + wi * j.margin;
    }
  }
  return out;
}
