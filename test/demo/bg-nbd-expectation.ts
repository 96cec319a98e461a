/**
 * Closed forms of the BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way"), written from the paper, independently of the demo generator, so the effects test can
 * hold the generated members to the model's own predictions.
 */

/** Gauss hypergeometric 2F1(a, b; c; z) by its series, for 0 ≤ z < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) return sum;
  }
  throw new Error(`2F1 series did not converge for z=${z}`);
}

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** E[X(t)]: expected repeat purchases in (0, t] of a customer acquired at 0 (eq. 9 of the paper). */
export function expectedRepeats(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z));
}

/** P(X(t) = 0): no repeat purchase in (0, t] — a customer cannot drop out at time 0. */
export function probabilityNoRepeat(p: BgNbdParams, t: number): number {
  return (p.alpha / (p.alpha + t)) ** p.r;
}
