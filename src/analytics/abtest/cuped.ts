/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013): variance reduction with a pre-experiment covariate x.
 * Y' = Y − θ(X − E[X]), θ = Cov(X, Y) / Var(X) pooled within arms (so the treatment effect
 * does not leak into θ). Randomisation makes E[X] equal across arms, so the adjusted means
 * estimate the same effect with variance reduced by the squared correlation. Computed from
 * sufficient statistics: Σx, Σx², Σxy per arm.
 */
import type { ArmStats } from './frequentist-tests.js';

export interface CovariateStats extends ArmStats {
  readonly preSum: number;
  readonly preSumSquares: number;
  readonly sumProducts: number;
}

export interface CupedArm extends ArmStats {
  /** Adjusted mean ȳ − θ(x̄ − x̄ all arms). */
  readonly adjustedMean: number;
}

export interface CupedResult {
  readonly theta: number;
  /** 1 − Var(Y')/Var(Y), pooled within arms. */
  readonly varianceReduction: number;
  /** Arms with adjusted sufficient statistics (Σy', Σy'²) for the usual tests. */
  readonly arms: CupedArm[];
}

export function cuped(arms: readonly CovariateStats[]): CupedResult | null {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let nAll = 0;
  let xAll = 0;
  for (const a of arms) {
    if (a.n < 2) return null;
    const mx = a.preSum / a.n;
    const my = a.sum / a.n;
    sxx += a.preSumSquares - a.n * mx * mx;
    sxy += a.sumProducts - a.n * mx * my;
    syy += a.sumSquares - a.n * my * my;
    nAll += a.n;
    xAll += a.preSum;
  }
  if (!(sxx > 0) || !(syy > 0)) return null;
  const theta = sxy / sxx;
  const meanX = xAll / nAll;
  const out: CupedArm[] = arms.map((a) => {
    const mx = a.preSum / a.n;
    const my = a.sum / a.n;
    // Within-arm sums of squares of y' = y − θ(x − x̄all):
    const varY = a.sumSquares - a.n * my * my;
    const varX = a.preSumSquares - a.n * mx * mx;
    const cov = a.sumProducts - a.n * mx * my;
    const ssAdj = Math.max(0, varY + theta * theta * varX - 2 * theta * cov);
    const adjustedMean = my - theta * (mx - meanX);
    return {
      n: a.n,
      sum: adjustedMean * a.n,
      sumSquares: ssAdj + a.n * adjustedMean * adjustedMean,
      adjustedMean,
    };
  });
  const ssAdjAll = out.reduce((s, a) => s + (a.sumSquares - a.n * a.adjustedMean ** 2), 0);
  return { theta, varianceReduction: 1 - ssAdjAll / syy, arms: out };
}
