/**
 * Bayesian comparison of a variant with the control.
 *
 * Rates: Beta(1 + conversions, 1 + failures) posteriors (uniform prior). The chance to beat
 * control is exact (Miller's closed form, a finite sum because the posterior shapes are
 * integers); the expected loss of choosing an arm is exact too (Stucchio's identity through
 * the same function); the credible interval of the difference comes from its CDF,
 * P(V − C ≤ d) = E_C[I_{C+d}(αv, βv)], integrated by Simpson's rule over C's posterior and
 * inverted by bisection.
 *
 * Means: normal posteriors N(ȳ, s²/n) (flat prior, large samples), with closed forms.
 */
import {
  betaQuantile,
  incompleteBeta,
  lbeta,
  logSumExp,
  normalCdf,
  normalPdf,
  normalQuantile,
} from '../numeric/special-functions.js';

export interface BayesComparison {
  /** P(variant > control). */
  readonly chanceToBeatControl: number;
  /** E[max(control − variant, 0)]: what choosing the variant costs when it is worse. */
  readonly expectedLoss: number;
  /** E[max(variant − control, 0)]: what keeping the control costs when it is worse. */
  readonly expectedLossControl: number;
  /** Credible interval of variant − control. */
  readonly credibleInterval: [number, number];
  readonly prior: string;
}

/**
 * P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2) with a1 a positive integer:
 * Σ_{i<a1} B(a2+i, b1+b2) / ((b1+i) B(1+i, b1) B(a2, b2)).
 */
function betaGreaterSum(a1: number, b1: number, a2: number, b2: number): number {
  const terms: number[] = [];
  const base = lbeta(a2, b2);
  for (let i = 0; i < a1; i++) {
    terms.push(lbeta(a2 + i, b1 + b2) - Math.log(b1 + i) - lbeta(1 + i, b1) - base);
  }
  return Math.exp(logSumExp(terms));
}

/** P(X > Y), X ~ Beta(a1, b1), Y ~ Beta(a2, b2), integer first shapes; sums the shorter side. */
export function probabilityBetaGreater(a1: number, b1: number, a2: number, b2: number): number {
  if (!Number.isInteger(a1) || !Number.isInteger(a2)) {
    throw new Error('probabilityBetaGreater needs integer first shape parameters');
  }
  const p = a1 <= a2 ? betaGreaterSum(a1, b1, a2, b2) : 1 - betaGreaterSum(a2, b2, a1, b1);
  return Math.min(1, Math.max(0, p));
}

/** Simpson nodes and normalised weights over the bulk of a Beta density. */
function betaNodes(a: number, b: number, intervals = 400): { x: number[]; w: number[] } {
  const lo = betaQuantile(1e-10, a, b);
  const hi = betaQuantile(1 - 1e-10, a, b);
  const h = (hi - lo) / intervals;
  const x: number[] = [];
  const lw: number[] = [];
  for (let k = 0; k <= intervals; k++) {
    const xi = lo + k * h;
    const simpson = k === 0 || k === intervals ? 1 : k % 2 === 1 ? 4 : 2;
    x.push(xi);
    const lnDens =
      xi <= 0 || xi >= 1
        ? -Infinity
        : (a - 1) * Math.log(xi) + (b - 1) * Math.log1p(-xi) - lbeta(a, b);
    lw.push(Math.log(simpson) + lnDens);
  }
  const norm = logSumExp(lw);
  return { x, w: lw.map((l) => Math.exp(l - norm)) };
}

export function compareRates(
  control: { n: number; conversions: number },
  variant: { n: number; conversions: number },
  confidence: number,
): BayesComparison {
  const ac = 1 + control.conversions;
  const bc = 1 + control.n - control.conversions;
  const av = 1 + variant.conversions;
  const bv = 1 + variant.n - variant.conversions;
  const pBeat = probabilityBetaGreater(av, bv, ac, bc);
  // Stucchio: E[max(C − V, 0)] = E[C·1{C>V}] − E[V·1{C>V}].
  const lossVariant =
    (ac / (ac + bc)) * probabilityBetaGreater(ac + 1, bc, av, bv) -
    (av / (av + bv)) * probabilityBetaGreater(ac, bc, av + 1, bv);
  const lossControl =
    (av / (av + bv)) * probabilityBetaGreater(av + 1, bv, ac, bc) -
    (ac / (ac + bc)) * probabilityBetaGreater(av, bv, ac + 1, bc);
  const nodes = betaNodes(ac, bc);
  const cdf = (d: number) =>
    nodes.x.reduce((s, x, k) => s + (nodes.w[k] as number) * incompleteBeta(x + d, av, bv), 0);
  const invert = (p: number) => {
    let lo = -1;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const tail = (1 - confidence) / 2;
  return {
    chanceToBeatControl: pBeat,
    expectedLoss: Math.max(0, lossVariant),
    expectedLossControl: Math.max(0, lossControl),
    credibleInterval: [invert(tail), invert(1 - tail)],
    prior: 'Beta(1, 1) on each rate',
  };
}

export function compareMeans(
  control: { mean: number; variance: number; n: number },
  variant: { mean: number; variance: number; n: number },
  confidence: number,
): BayesComparison | null {
  const se = Math.sqrt(control.variance / control.n + variant.variance / variant.n);
  if (!(se > 0)) return null;
  const delta = variant.mean - control.mean;
  const z = delta / se;
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return {
    chanceToBeatControl: normalCdf(z),
    // D ~ N(Δ, se²): E[max(−D, 0)] = se·φ(Δ/se) − Δ·Φ(−Δ/se), and symmetrically.
    expectedLoss: se * normalPdf(z) - delta * normalCdf(-z),
    expectedLossControl: se * normalPdf(z) + delta * normalCdf(z),
    credibleInterval: [delta - q * se, delta + q * se],
    prior: 'flat prior on each mean; normal posterior N(ȳ, s²/n)',
  };
}
