/**
 * Unconstrained minimisation for maximum-likelihood fits: BFGS with an Armijo backtracking line
 * search on an analytic gradient. Models optimise over log-parameters so that positivity needs
 * no constraint. The result says whether it converged and why it stopped: a fit that did not
 * converge is reported as such, never passed off as an estimate.
 */

export interface Objective {
  /** Value to minimise (e.g. the negative log-likelihood); non-finite means "outside". */
  value(x: readonly number[]): number;
  gradient(x: readonly number[]): number[];
}

export interface MinimizeOptions {
  readonly maxIterations?: number;
  /** Converged when max |gradient| ≤ gradientTolerance. */
  readonly gradientTolerance?: number;
  /** Stop (not converged) when a coordinate leaves [-bound, bound] (log-parameter runaway). */
  readonly bound?: number;
}

export interface MinimizeResult {
  readonly x: number[];
  readonly value: number;
  readonly gradient: number[];
  readonly iterations: number;
  readonly converged: boolean;
  readonly reason: 'gradient' | 'max-iterations' | 'line-search' | 'bound' | 'non-finite';
}

const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);
const normInf = (a: readonly number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

export function minimizeBfgs(
  f: Objective,
  x0: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length;
  const maxIter = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-6;
  const bound = options.bound ?? 30;
  let x = [...x0];
  let fx = f.value(x);
  let g = f.gradient(x);
  if (!Number.isFinite(fx) || g.some((v) => !Number.isFinite(v))) {
    return { x, value: fx, gradient: g, iterations: 0, converged: false, reason: 'non-finite' };
  }
  const identity = (): number[][] =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  // Inverse-Hessian approximation; the first step is scaled so it moves about one unit.
  let h = identity();
  let scaled = false;
  let flat = 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (normInf(g) <= gtol) {
      return {
        x,
        value: fx,
        gradient: g,
        iterations: iter - 1,
        converged: true,
        reason: 'gradient',
      };
    }
    let d = h.map((row) => -dot(row, g));
    let slope = dot(g, d);
    if (!(slope < 0)) {
      h = identity();
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    let step = scaled ? 1 : Math.min(1, 1 / Math.max(normInf(d), 1e-12));
    let xn: number[] = x;
    let fn = Infinity;
    let accepted = false;
    for (let k = 0; k < 80; k++) {
      xn = x.map((v, i) => v + step * (d[i] ?? 0));
      fn = f.value(xn);
      if (Number.isFinite(fn) && fn <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease along the direction: at the optimum to machine precision, or stuck.
      return {
        x,
        value: fx,
        gradient: g,
        iterations: iter,
        converged: normInf(g) <= gtol * 100,
        reason: 'line-search',
      };
    }
    // Objective flat to machine precision while the gradient is already small: the optimum is
    // reached as closely as double precision allows (rounding keeps the gradient above gtol).
    if (Math.abs(fx - fn) <= 1e-15 * Math.max(1, Math.abs(fx)) && normInf(g) <= gtol * 100) {
      flat++;
      if (flat >= 3) {
        return {
          x: xn,
          value: fn,
          gradient: f.gradient(xn),
          iterations: iter,
          converged: true,
          reason: 'line-search',
        };
      }
    } else flat = 0;
    const gn = f.gradient(xn);
    if (gn.some((v) => !Number.isFinite(v))) {
      return {
        x,
        value: fx,
        gradient: g,
        iterations: iter,
        converged: false,
        reason: 'non-finite',
      };
    }
    const s = xn.map((v, i) => v - (x[i] ?? 0));
    const y = gn.map((v, i) => v - (g[i] ?? 0));
    const sy = dot(s, y);
    if (sy > 1e-14) {
      if (!scaled) {
        // Shanno's scaling of the initial inverse Hessian.
        const gamma = sy / dot(y, y);
        h = h.map((row) => row.map((v) => v * gamma));
        scaled = true;
      }
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      const rho = 1 / sy;
      h = h.map((row, i) =>
        row.map(
          (v, j) =>
            v +
            (rho * rho * yhy + rho) * (s[i] ?? 0) * (s[j] ?? 0) -
            rho * ((hy[i] ?? 0) * (s[j] ?? 0) + (s[i] ?? 0) * (hy[j] ?? 0)),
        ),
      );
    }
    x = xn;
    fx = fn;
    g = gn;
    if (x.some((v) => Math.abs(v) > bound)) {
      return { x, value: fx, gradient: g, iterations: iter, converged: false, reason: 'bound' };
    }
  }
  return {
    x,
    value: fx,
    gradient: g,
    iterations: maxIter,
    converged: normInf(g) <= gtol,
    reason: 'max-iterations',
  };
}

/** Hessian by central differences of an analytic gradient, symmetrised. */
export function numericHessian(
  gradient: (x: readonly number[]) => number[],
  x: readonly number[],
): number[][] {
  const n = x.length;
  const hess: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const xj = x[j] ?? 0;
    const step = 1e-5 * Math.max(1, Math.abs(xj));
    const plus = [...x];
    const minus = [...x];
    plus[j] = xj + step;
    minus[j] = xj - step;
    const gp = gradient(plus);
    const gm = gradient(minus);
    for (let i = 0; i < n; i++) {
      (hess[i] as number[])[j] = ((gp[i] ?? 0) - (gm[i] ?? 0)) / (2 * step);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = ((hess[i]?.[j] ?? 0) + (hess[j]?.[i] ?? 0)) / 2;
      (hess[i] as number[])[j] = m;
      (hess[j] as number[])[i] = m;
    }
  }
  return hess;
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky; null when the matrix is not
 * positive definite (then the optimum is not a strict local minimum and standard errors do
 * not exist).
 */
export function invertSpd(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      if (i === j) {
        if (!(s > 0)) return null;
        (l[i] as number[])[i] = Math.sqrt(s);
      } else {
        (l[i] as number[])[j] = s / (l[j]?.[j] ?? 1);
      }
    }
  }
  // Invert L, then A⁻¹ = L⁻ᵀ L⁻¹.
  const li: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    (li[i] as number[])[i] = 1 / (l[i]?.[i] ?? 1);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= (l[i]?.[k] ?? 0) * (li[k]?.[j] ?? 0);
      (li[i] as number[])[j] = s / (l[i]?.[i] ?? 1);
    }
  }
  const inv: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += (li[k]?.[i] ?? 0) * (li[k]?.[j] ?? 0);
      (inv[i] as number[])[j] = s;
    }
  }
  return inv;
}
