/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b; Fader & Hardie 2013,
 * "The Gamma-Gamma Model of Monetary Value"): each transaction value z ~ Gamma(p, ν) around
 * the customer's own mean, ν ~ Gamma(q, γ) across customers. Fitted on customers with repeat
 * purchases, from x (repeat transactions) and mₓ (their mean value):
 *
 *   ln f(mₓ | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln mₓ + px ln x
 *                  − (px+q) ln(γ + x·mₓ)
 *
 * It assumes spend is independent of purchase frequency; the fit reports their correlation.
 */
import { invertSpd, minimizeBfgs, numericHessian } from '../numeric/optimize.js';
import { digamma, lgamma } from '../numeric/special-functions.js';
import type { Convergence } from '../analytic-model.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

export interface SpendSummary {
  /** Repeat transactions (x > 0). */
  readonly frequency: number;
  /** Mean value of the repeat transactions (mₓ > 0). */
  readonly monetary: number;
}

function terms(
  par: GammaGammaParams,
  c: SpendSummary,
  withGradient: boolean,
): { ll: number; grad: number[] | null } {
  const { p, q, gamma } = par;
  const x = c.frequency;
  const m = c.monetary;
  const px = p * x;
  const lnDen = Math.log(gamma + x * m);
  const ll =
    lgamma(px + q) -
    lgamma(px) -
    lgamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * lnDen;
  if (!withGradient) return { ll, grad: null };
  const dPq = digamma(px + q);
  return {
    ll,
    grad: [
      x * (dPq - digamma(px) + Math.log(m) + Math.log(x) - lnDen),
      dPq - digamma(q) + Math.log(gamma) - lnDen,
      q / gamma - (px + q) / (gamma + x * m),
    ],
  };
}

export function gammaGammaLogLikelihood(
  par: GammaGammaParams,
  rows: readonly SpendSummary[],
): number {
  return rows.reduce((s, c) => s + terms(par, c, false).ll, 0);
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly logLikelihood: number;
  readonly standardErrors: GammaGammaParams | null;
  readonly convergence: Convergence;
}

const fromLog = (x: readonly number[]): GammaGammaParams => ({
  p: Math.exp(x[0] as number),
  q: Math.exp(x[1] as number),
  gamma: Math.exp(x[2] as number),
});

export function fitGammaGamma(rows: readonly SpendSummary[]): GammaGammaFit {
  const n = rows.length;
  const objective = {
    value(x: readonly number[]) {
      const par = fromLog(x);
      return -rows.reduce((s, c) => s + terms(par, c, false).ll, 0) / n;
    },
    gradient(x: readonly number[]) {
      const par = fromLog(x);
      const g = [0, 0, 0];
      for (const c of rows) {
        const t = terms(par, c, true).grad as number[];
        for (let i = 0; i < 3; i++) g[i] = (g[i] as number) + (t[i] as number);
      }
      const natural = [par.p, par.q, par.gamma];
      return g.map((v, i) => (-v * (natural[i] as number)) / n);
    },
  };
  // Method-of-moments flavoured starts: p ≈ 1 and γ near the mean spend, and a neutral one.
  const meanM = rows.reduce((s, c) => s + c.monetary, 0) / Math.max(1, n);
  const starts = [
    [0, 0, 0],
    [Math.log(2), Math.log(3), Math.log(Math.max(1e-3, meanM))],
  ];
  const runs = starts.map((s) =>
    minimizeBfgs(objective, s, { gradientTolerance: 1e-7, maxIterations: 2000, bound: 25 }),
  );
  const best = runs.reduce((m, r) =>
    Number.isFinite(r.value) && (!Number.isFinite(m.value) || r.value < m.value) ? r : m,
  );
  const params = fromLog(best.x);
  const logLikelihood = -best.value * n;
  let standardErrors: GammaGammaParams | null = null;
  if (best.converged) {
    const naturalGradient = (v: readonly number[]) => {
      const par = { p: v[0] ?? 0, q: v[1] ?? 0, gamma: v[2] ?? 0 };
      if (!(par.p > 0 && par.q > 0 && par.gamma > 0)) return [NaN, NaN, NaN];
      const g = [0, 0, 0];
      for (const c of rows) {
        const t = terms(par, c, true).grad as number[];
        for (let i = 0; i < 3; i++) g[i] = (g[i] as number) - (t[i] as number);
      }
      return g;
    };
    const hess = numericHessian(naturalGradient, [params.p, params.q, params.gamma]);
    const cov = hess.every((row) => row.every(Number.isFinite)) ? invertSpd(hess) : null;
    if (cov) {
      const se = cov.map((row, i) => Math.sqrt(row[i] ?? NaN));
      if (se.every(Number.isFinite)) {
        standardErrors = { p: se[0] ?? 0, q: se[1] ?? 0, gamma: se[2] ?? 0 };
      }
    }
  }
  return {
    params,
    logLikelihood,
    standardErrors,
    convergence: {
      method: 'BFGS on log-parameters, analytic gradient, 2 starts',
      converged: best.converged,
      iterations: best.iterations,
      objective: Number.isFinite(logLikelihood) ? logLikelihood : null,
      gradientMax: Math.max(...best.gradient.map((g) => Math.abs(g * n))),
      message:
        best.reason === 'bound'
          ? 'a parameter ran away to a boundary (spend barely varies between customers, or too few repeat customers)'
          : best.converged
            ? 'gradient below tolerance'
            : `stopped: ${best.reason}`,
    },
  };
}

/** Population mean spend per transaction pγ/(q−1); null when q ≤ 1 (infinite mean). */
export function populationMeanSpend(par: GammaGammaParams): number | null {
  return par.q > 1 ? (par.p * par.gamma) / (par.q - 1) : null;
}

/**
 * E[spend per transaction | x, mₓ] = (γ + x·mₓ)·p / (px + q − 1): a weighted mean of the
 * population mean and the customer's own mean (Fader, Hardie & Lee 2005b, eq. 5).
 */
export function conditionalExpectedSpend(par: GammaGammaParams, c: SpendSummary): number | null {
  if (c.frequency <= 0 || !(c.monetary > 0)) return populationMeanSpend(par);
  const den = par.p * c.frequency + par.q - 1;
  if (!(den > 0)) return null;
  return ((par.gamma + c.frequency * c.monetary) * par.p) / den;
}
