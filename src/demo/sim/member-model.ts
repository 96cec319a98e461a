import type { Random } from '../random.js';

/**
 * Repeat purchasing of members: BG/NBD (Fader, Hardie & Lee 2005) for the timing and
 * Gamma-Gamma (Fader, Hardie & Lee 2005b) for the spend, with the time unit a week.
 *
 * - purchase rate λ ~ Gamma(shape r, rate α) per member; while alive, repeat purchases are a
 *   Poisson process of rate λ in calendar time (no seasonality);
 * - dropout probability p ~ Beta(a, b); a member cannot drop out at the first purchase
 *   (time 0, the acquisition); after each repeat purchase it becomes inactive with probability p;
 * - ν ~ Gamma(shape q, rate γ) per member; each transaction value z ~ Gamma(shape p, rate ν).
 */
export const BG_NBD = { r: 0.9, alpha: 8, a: 1.6, b: 6 } as const;
/** Values in euros excluding VAT: E[z] = p·γ / (q − 1) = 96. */
export const GAMMA_GAMMA = { p: 6, q: 3.5, gamma: 40 } as const;

export const WEEK_MS = 7 * 86_400_000;

export interface MemberTraits {
  /** Purchases per week while alive. */
  readonly lambda: number;
  readonly dropout: number;
  /** Gamma-Gamma rate of the member's transaction values. */
  readonly nu: number;
}

export function drawTraits(rng: Random): MemberTraits {
  return {
    lambda: rng.gamma(BG_NBD.r, BG_NBD.alpha),
    dropout: rng.beta(BG_NBD.a, BG_NBD.b),
    nu: rng.gamma(GAMMA_GAMMA.q, GAMMA_GAMMA.gamma),
  };
}

/** Repeat purchase times, in weeks after the acquisition, up to horizonWeeks. */
export function repeatPurchaseWeeks(
  rng: Random,
  traits: MemberTraits,
  horizonWeeks: number,
): number[] {
  const out: number[] = [];
  let t = 0;
  for (;;) {
    t += rng.exponential(traits.lambda);
    if (t > horizonWeeks) return out;
    out.push(t);
    if (rng.chance(traits.dropout)) return out;
  }
}

/** One transaction value in euros excluding VAT. */
export function transactionValue(rng: Random, traits: MemberTraits): number {
  return rng.gamma(GAMMA_GAMMA.p, traits.nu);
}
