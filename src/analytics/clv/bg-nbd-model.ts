/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
 * customer buys as a Poisson process of rate λ ~ Gamma(r, α); after each repeat purchase they
 * drop out with probability p ~ Beta(a, b).
 *
 * The likelihood of (x, tₓ, T) is written without the hypergeometric function, as the sum of
 * two terms evaluated in log space and combined with log-sum-exp (FHL 2005, eq. 6):
 *
 *   ln L = logsumexp( A − (r+x) ln(α+T) + ln B(a, b+x) − ln B(a, b),
 *                     A − (r+x) ln(α+tₓ) + ln B(a+1, b+x−1) − ln B(a, b)   [x > 0 only] )
 *   A    = ln Γ(r+x) − ln Γ(r) + r ln α
 *
 * so that large x or T never overflow. The fit maximises the likelihood over log-parameters
 * with BFGS on the analytic gradient (digamma), from two starting points.
 */
import { invertSpd, minimizeBfgs, numericHessian } from '../numeric/optimize.js';
import { digamma, hyp2f1, lbeta, lgamma, logAddExp } from '../numeric/special-functions.js';
import type { Convergence } from '../analytic-model.js';

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** One customer's calibration summary: repeat purchases, age at last purchase, age. */
export interface RepeatSummary {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

interface Group extends RepeatSummary {
  readonly weight: number;
}

/** Customers with identical (x, tₓ, T) share one likelihood evaluation. */
export function groupSummaries(rows: readonly RepeatSummary[]): Group[] {
  const map = new Map<string, Group>();
  for (const r of rows) {
    const key = `${r.frequency}|${r.recency}|${r.T}`;
    const g = map.get(key);
    map.set(key, g ? { ...g, weight: g.weight + 1 } : { ...r, weight: 1 });
  }
  return [...map.values()];
}

/** ln L of one customer and its gradient with respect to (r, α, a, b). */
function customerTerms(
  p: BgNbdParams,
  c: RepeatSummary,
  withGradient: boolean,
): { ll: number; grad: number[] | null } {
  const { r, alpha, a, b } = p;
  const x = c.frequency;
  const base = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) - lbeta(a, b);
  const l1 = base - (r + x) * Math.log(alpha + c.T) + lbeta(a, b + x);
  const l2 =
    x > 0 ? base - (r + x) * Math.log(alpha + c.recency) + lbeta(a + 1, b + x - 1) : -Infinity;
  const ll = logAddExp(l1, l2);
  if (!withGradient) return { ll, grad: null };
  const w1 = Math.exp(l1 - ll);
  const w2 = x > 0 ? Math.exp(l2 - ll) : 0;
  const dRx = digamma(r + x) - digamma(r) + Math.log(alpha);
  const dAbx = digamma(a + b + x);
  const dAb = digamma(a + b);
  const g1 = [
    dRx - Math.log(alpha + c.T),
    r / alpha - (r + x) / (alpha + c.T),
    dAb - dAbx,
    digamma(b + x) - dAbx - digamma(b) + dAb,
  ];
  let grad = g1.map((g) => w1 * g);
  if (w2 > 0) {
    const g2 = [
      dRx - Math.log(alpha + c.recency),
      r / alpha - (r + x) / (alpha + c.recency),
      1 / a - dAbx + dAb,
      digamma(b + x - 1) - dAbx - digamma(b) + dAb,
    ];
    grad = grad.map((g, i) => g + w2 * (g2[i] as number));
  }
  return { ll, grad };
}

export function bgNbdLogLikelihood(p: BgNbdParams, rows: readonly RepeatSummary[]): number {
  let s = 0;
  for (const c of rows) s += customerTerms(p, c, false).ll;
  return s;
}

const fromLog = (x: readonly number[]): BgNbdParams => ({
  r: Math.exp(x[0] as number),
  alpha: Math.exp(x[1] as number),
  a: Math.exp(x[2] as number),
  b: Math.exp(x[3] as number),
});

export interface BgNbdFit {
  readonly params: BgNbdParams;
  readonly logLikelihood: number;
  /** Standard errors from the inverse observed information; null when it is not PD. */
  readonly standardErrors: BgNbdParams | null;
  readonly convergence: Convergence;
  /** Other starting points that ended at a different optimum (by log-likelihood). */
  readonly otherOptima: number[];
}

/** Maximum-likelihood fit. Returns the best of the starts and how it converged. */
export function fitBgNbd(rows: readonly RepeatSummary[]): BgNbdFit {
  const groups = groupSummaries(rows);
  const n = rows.length;
  // Mean negative log-likelihood: the gradient tolerance then means the same for any n.
  const objective = {
    value(x: readonly number[]) {
      const p = fromLog(x);
      let s = 0;
      for (const g of groups) s += g.weight * customerTerms(p, g, false).ll;
      return -s / n;
    },
    gradient(x: readonly number[]) {
      const p = fromLog(x);
      const grad = [0, 0, 0, 0];
      for (const g of groups) {
        const t = customerTerms(p, g, true).grad as number[];
        for (let i = 0; i < 4; i++) grad[i] = (grad[i] as number) + g.weight * (t[i] as number);
      }
      const natural = [p.r, p.alpha, p.a, p.b];
      return grad.map((v, i) => (-v * (natural[i] as number)) / n);
    },
  };
  const meanT = rows.reduce((s, c) => s + c.T, 0) / Math.max(1, n);
  const starts = [
    [0, 0, 0, 0],
    [Math.log(0.5), Math.log(Math.max(1, meanT / 4)), Math.log(0.8), Math.log(2.5)],
  ];
  const runs = starts.map((s) =>
    minimizeBfgs(objective, s, { gradientTolerance: 1e-7, maxIterations: 1000, bound: 25 }),
  );
  const ok = runs.filter((r) => Number.isFinite(r.value));
  const best = (ok.length > 0 ? ok : runs).reduce((m, r) => (r.value < m.value ? r : m));
  const params = fromLog(best.x);
  const logLikelihood = -best.value * n;
  const otherOptima = runs
    .filter((r) => r !== best && r.converged && Math.abs(r.value - best.value) * n > 1e-3)
    .map((r) => -r.value * n);
  // Observed information in natural parameters, for standard errors.
  const naturalGradient = (v: readonly number[]) => {
    const p: BgNbdParams = { r: v[0] ?? 0, alpha: v[1] ?? 0, a: v[2] ?? 0, b: v[3] ?? 0 };
    if ([p.r, p.alpha, p.a, p.b].some((z) => !(z > 0))) return [NaN, NaN, NaN, NaN];
    const grad = [0, 0, 0, 0];
    for (const g of groups) {
      const t = customerTerms(p, g, true).grad as number[];
      for (let i = 0; i < 4; i++) grad[i] = (grad[i] as number) - g.weight * (t[i] as number);
    }
    return grad;
  };
  let standardErrors: BgNbdParams | null = null;
  if (best.converged) {
    const hess = numericHessian(naturalGradient, [params.r, params.alpha, params.a, params.b]);
    const cov = hess.every((row) => row.every(Number.isFinite)) ? invertSpd(hess) : null;
    if (cov) {
      const se = cov.map((row, i) => Math.sqrt(row[i] ?? NaN));
      if (se.every((s) => Number.isFinite(s))) {
        standardErrors = { r: se[0] ?? 0, alpha: se[1] ?? 0, a: se[2] ?? 0, b: se[3] ?? 0 };
      }
    }
  }
  const reasons: Record<string, string> = {
    gradient: 'gradient below tolerance',
    'line-search': best.converged
      ? 'no further improvement (at the optimum to machine precision)'
      : 'line search failed before the gradient vanished',
    'max-iterations': 'iteration limit reached',
    bound:
      'a parameter ran away to a boundary (the data do not identify the model: e.g. almost no repeat purchases or no dropout signal)',
    'non-finite': 'the likelihood is not finite at the starting point',
  };
  return {
    params,
    logLikelihood,
    standardErrors,
    otherOptima,
    convergence: {
      method: 'BFGS on log-parameters, analytic gradient, 2 starts',
      converged: best.converged,
      iterations: best.iterations,
      objective: Number.isFinite(logLikelihood) ? logLikelihood : null,
      gradientMax: Math.max(...best.gradient.map((g) => Math.abs(g * n))),
      message: reasons[best.reason] ?? best.reason,
    },
  };
}

/** ln of the odds (dead : alive) factor a/(b+x−1) · ((α+T)/(α+tₓ))^{r+x}, for x > 0. */
function logDeadOdds(p: BgNbdParams, c: RepeatSummary): number {
  if (c.frequency <= 0) return -Infinity;
  const x = c.frequency;
  return (
    Math.log(p.a) -
    Math.log(p.b + x - 1) +
    (p.r + x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.recency))
  );
}

/** P(alive at T | x, tₓ, T) (FHL 2005, eq. 11); 1 for customers without repeat purchase. */
export function probabilityAlive(p: BgNbdParams, c: RepeatSummary): number {
  const lo = logDeadOdds(p, c);
  if (lo === -Infinity) return 1;
  // 1 / (1 + e^lo) computed without overflow.
  return lo > 0 ? Math.exp(-lo) / (1 + Math.exp(-lo)) : 1 / (1 + Math.exp(lo));
}

/**
 * Expected repeat purchases in (T, T + t] given the history (FHL 2005, eq. 10). Null when
 * the hypergeometric series does not converge or the parameters leave its domain.
 */
export function expectedPurchases(p: BgNbdParams, c: RepeatSummary, t: number): number | null {
  if (t <= 0) return 0;
  const x = c.frequency;
  const { r, alpha, a, b } = p;
  const cc = a + b + x - 1;
  if (!(cc > 0) || a === 1) return null;
  const z = t / (alpha + c.T + t);
  const f = hyp2f1(r + x, b + x, cc, z);
  if (!f.converged) return null;
  const lnPow = (r + x) * (Math.log(alpha + c.T) - Math.log(alpha + c.T + t));
  const bracket = 1 - Math.exp(lnPow + Math.log(f.value));
  const numerator = (cc / (a - 1)) * bracket;
  const value = numerator * probabilityAlive(p, c);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/** E[X(t)]: expected purchases of a new customer in (0, t] (FHL 2005, eq. 9). */
export function expectedPurchasesNewCustomer(p: BgNbdParams, t: number): number | null {
  return expectedPurchases(p, { frequency: 0, recency: 0, T: 0 }, t);
}
