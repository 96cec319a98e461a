/**
 * Data-driven attribution with a first-order Markov chain (Anderl et al. 2016): transition
 * probabilities between channels are estimated from every journey (start → c₁ → … → conversion
 * or null); a channel's removal effect is 1 − P(conversion without it) / P(conversion), where
 * removing it sends its traffic to null. The probabilities are solved exactly on the absorbing
 * chain (src/analytics/attribution/absorbing-chain.ts), not simulated, so results are
 * deterministic. Credit is the removal effects normalised to the observed conversions.
 *
 * Repeated touches of the same channel are kept as self-transitions: they do not change
 * absorption probabilities (a self-loop only delays leaving), hence not the removal effects.
 */
import type { AbsorbingChain } from './absorbing-chain.js';
import { outcomeProbability, removalEffects, validateChain } from './absorbing-chain.js';
import type { Journey } from './journeys.js';

export const CONVERSION = 'conversion';
export const NULL = 'null';

export interface MarkovAttribution {
  readonly states: string[];
  /** P(conversion) of a journey under the estimated chain. */
  readonly conversionProbability: number;
  readonly removalEffects: Record<string, number>;
  /** Removal effects normalised to sum to 1: each channel's share of the conversions. */
  readonly shares: Record<string, number>;
  /** Estimated transition probabilities, by origin (start included). */
  readonly transitions: Record<string, Record<string, number>>;
}

/** The chain estimated from journey counts (maximum likelihood: row-normalised counts). */
export function estimateChain(journeys: readonly Journey[]): AbsorbingChain | null {
  const states = [...new Set(journeys.flatMap((j) => [...j.channels]))].sort();
  const index = new Map(states.map((s, i) => [s, i]));
  const n = states.length;
  const start = new Array<number>(n).fill(0);
  const counts = states.map(() => new Array<number>(n).fill(0));
  const exits = states.map(() => [0, 0]);
  let total = 0;
  for (const j of journeys) {
    const w = j.conversions + j.nulls;
    if (w <= 0 || j.channels.length === 0) continue;
    total += w;
    const ids = j.channels.map((c) => index.get(c) as number);
    start[ids[0] as number]! += w;
    for (let k = 0; k + 1 < ids.length; k++) counts[ids[k] as number]![ids[k + 1] as number]! += w;
    const last = exits[ids[ids.length - 1] as number] as number[];
    last[0]! += j.conversions;
    last[1]! += j.nulls;
  }
  if (total === 0) return null;
  const transient: number[][] = [];
  const absorbing: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = counts[i] as number[];
    const ex = exits[i] as number[];
    const out = row.reduce((s, x) => s + x, 0) + (ex[0] as number) + (ex[1] as number);
    if (out === 0) {
      // A channel seen only in zero-weight journeys: make it end in null.
      transient.push(new Array<number>(n).fill(0));
      absorbing.push([0, 1]);
      continue;
    }
    transient.push(row.map((x) => x / out));
    absorbing.push([(ex[0] as number) / out, (ex[1] as number) / out]);
  }
  const chain: AbsorbingChain = {
    states,
    outcomes: [CONVERSION, NULL],
    start: start.map((x) => x / total),
    transient,
    absorbing,
  };
  validateChain(chain);
  return chain;
}

/** Removal effects and shares; null when no journey converts (nothing to attribute). */
export function markovAttribution(journeys: readonly Journey[]): MarkovAttribution | null {
  const chain = estimateChain(journeys);
  if (!chain) return null;
  const p = outcomeProbability(chain, CONVERSION);
  if (!(p > 0)) return null;
  const effects = removalEffects(chain, CONVERSION, NULL);
  const total = effects.reduce((s, e) => s + e, 0);
  const named = (xs: readonly number[]) =>
    Object.fromEntries(chain.states.map((s, i) => [s, xs[i] ?? 0]));
  const transitions: Record<string, Record<string, number>> = {
    '(start)': named(chain.start),
  };
  chain.states.forEach((s, i) => {
    const row: Record<string, number> = {};
    chain.states.forEach((t, j) => {
      const v = chain.transient[i]?.[j] ?? 0;
      if (v > 0) row[t] = v;
    });
    chain.outcomes.forEach((o, k) => {
      const v = chain.absorbing[i]?.[k] ?? 0;
      if (v > 0) row[o] = v;
    });
    transitions[s] = row;
  });
  return {
    states: [...chain.states],
    conversionProbability: p,
    removalEffects: named(effects),
    shares: named(effects.map((e) => (total > 0 ? e / total : 0))),
    transitions,
  };
}
