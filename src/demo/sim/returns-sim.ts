import type { Random } from '../random.js';

/**
 * Returns: each unit sold comes back with the rate of its category and channel family (store or
 * online), independently (Binomial(quantity, rate) units per line), so returned units / units
 * sold estimates the rate. Reasons are drawn per returned line; damaged and defective units are
 * never restocked, the others are with probability `restockProbability`.
 */

export const RETURN_RATES: Readonly<Record<string, { store: number; online: number }>> = {
  Décoration: { store: 0.03, online: 0.08 },
  'Linge de maison': { store: 0.05, online: 0.14 },
  Cuisine: { store: 0.03, online: 0.07 },
  'Art de la table': { store: 0.04, online: 0.1 },
  Luminaires: { store: 0.04, online: 0.12 },
  Rangement: { store: 0.02, online: 0.06 },
  'Bien-être': { store: 0.02, online: 0.05 },
  Jardin: { store: 0.03, online: 0.09 },
};

export const RETURN_REASONS = [
  'changed_mind',
  'damaged',
  'defective',
  'not_as_described',
  'wrong_item',
  'late_delivery',
] as const;
export const REASON_WEIGHTS = {
  store: [0.45, 0.15, 0.2, 0.1, 0.1, 0],
  online: [0.35, 0.2, 0.12, 0.18, 0.08, 0.07],
} as const;
export const NEVER_RESTOCKED: readonly string[] = ['damaged', 'defective'];
export const RESTOCK_PROBABILITY = 0.92;

/** Days after the purchase (stores) or the delivery / collection (online) a return comes back. */
export const RETURN_DELAY = {
  storeMeanDays: 8,
  storeMaxDays: 30,
  onlineMinDays: 2,
  onlineMaxDays: 28,
};

export interface ReturnRates {
  readonly store: Float64Array;
  readonly online: Float64Array;
}

export function returnRatesByCategory(categories: readonly string[]): ReturnRates {
  return {
    store: Float64Array.from(categories.map((c) => RETURN_RATES[c]?.store ?? 0.03)),
    online: Float64Array.from(categories.map((c) => RETURN_RATES[c]?.online ?? 0.08)),
  };
}

export function drawReason(rng: Random, online: boolean): string {
  return RETURN_REASONS[rng.weightedIndex(online ? REASON_WEIGHTS.online : REASON_WEIGHTS.store)]!;
}

export function drawRestocked(rng: Random, reason: string): boolean {
  return !NEVER_RESTOCKED.includes(reason) && rng.chance(RESTOCK_PROBABILITY);
}

export function storeReturnDelay(rng: Random): number {
  return Math.min(
    RETURN_DELAY.storeMaxDays,
    1 + Math.floor(rng.exponential(1 / RETURN_DELAY.storeMeanDays)),
  );
}

export function onlineReturnDelay(rng: Random): number {
  return rng.int(RETURN_DELAY.onlineMinDays, RETURN_DELAY.onlineMaxDays);
}
