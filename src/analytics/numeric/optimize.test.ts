import { describe, expect, it } from 'vitest';
import { invertSpd, minimizeBfgs, numericHessian } from './optimize.js';

describe('BFGS', () => {
  it('finds the minimum of Rosenbrock (1, 1) and says it converged', () => {
    const res = minimizeBfgs(
      {
        value: ([x = 0, y = 0]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        gradient: ([x = 0, y = 0]) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
      },
      [-1.2, 1],
      { gradientTolerance: 1e-10, maxIterations: 500 },
    );
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
  });

  it('reports a runaway to the boundary as not converged', () => {
    // e^-x has no minimum: x grows without end.
    const res = minimizeBfgs(
      { value: ([x = 0]) => Math.exp(-x), gradient: ([x = 0]) => [-Math.exp(-x)] },
      [0],
      { bound: 20, gradientTolerance: 1e-30 },
    );
    expect(res.converged).toBe(false);
    expect(['bound', 'line-search', 'max-iterations']).toContain(res.reason);
  });

  it('reports a non-finite start', () => {
    const res = minimizeBfgs({ value: () => NaN, gradient: () => [NaN] }, [0]);
    expect(res).toMatchObject({ converged: false, reason: 'non-finite' });
  });
});

describe('Hessian and SPD inverse', () => {
  it('differentiates a quadratic exactly and inverts [[4, 2], [2, 3]]', () => {
    // f = 2x² + 2xy + 1.5y² → Hessian [[4, 2], [2, 3]]; inverse = 1/8 · [[3, −2], [−2, 4]].
    const h = numericHessian(([x = 0, y = 0]) => [4 * x + 2 * y, 2 * x + 3 * y], [0.3, -0.7]);
    expect(h[0]?.[0]).toBeCloseTo(4, 8);
    expect(h[0]?.[1]).toBeCloseTo(2, 8);
    expect(h[1]?.[1]).toBeCloseTo(3, 8);
    const inv = invertSpd(h) as number[][];
    expect(inv[0]?.[0]).toBeCloseTo(3 / 8, 8);
    expect(inv[0]?.[1]).toBeCloseTo(-2 / 8, 8);
    expect(inv[1]?.[1]).toBeCloseTo(4 / 8, 8);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(
      invertSpd([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });
});
