/**
 * The models on a workspace (the small demo, seed 7, built once by test/global-setup.ts)
 * against the truth the generator wrote in ground-truth.json. Tolerances are statistical: the
 * demo draws customers, journeys and visitors at random, so an estimate is held to the truth
 * within 3 standard errors (its own) or a stated margin, never to its own previous output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { abtestModel } from '../../src/analytics/abtest/abtest-model.js';
import { anomaliesModel } from '../../src/analytics/anomalies/anomalies-model.js';
import { attributionModel } from '../../src/analytics/attribution/attribution-model.js';
import { basketModel } from '../../src/analytics/basket/basket-model.js';
import { budgetModel } from '../../src/analytics/budget/budget-model.js';
import { clvModel } from '../../src/analytics/clv/clv-model.js';
import { cohortsModel } from '../../src/analytics/cohorts/cohorts-model.js';
import { lostSalesModel } from '../../src/analytics/lost-sales/lost-sales-model.js';
import { pathsModel } from '../../src/analytics/paths/paths-model.js';
import { promoModel } from '../../src/analytics/promo/promo-model.js';
import { shrinkageModel } from '../../src/analytics/shrinkage/shrinkage-model.js';
import type { WorkspaceSource } from '../../src/analytics/analytic-model.js';
import { runModel } from '../../src/analytics/analytic-model.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const dir = inject('smallDemoDir');
// Sections are typed where read: the manifest is the generator's, not ours.
const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
let ws: Workspace;
let source: WorkspaceSource;
beforeAll(async () => {
  ws = await openWorkspace(dir, { readOnly: true });
  source = { engine: ws.engine, config: ws.config, dir: ws.dir };
});
afterAll(async () => ws?.close());

const within = (est: number | undefined, target: number, tol: number, what: string) => {
  expect(est, what).toBeDefined();
  expect(
    Math.abs((est as number) - target),
    `${what}: ${est} vs ${target} (± ${tol})`,
  ).toBeLessThanOrEqual(tol);
};

describe('clv on the demo members (BG/NBD + Gamma-Gamma)', () => {
  it('recovers the purchase and dropout parameters within 3 standard errors', async () => {
    const { result } = await runModel(clvModel, { kind: 'workspace', source }, {});
    const members = truth['members'] as {
      bgnbd: Record<'r' | 'alpha' | 'a' | 'b', number>;
      gammaGamma: Record<'p' | 'q' | 'gamma', number>;
      counts: { members: number; transactions: number };
    };
    const v = result.values;
    // Every member is a customer of the workspace, and every purchase a day of theirs (a few
    // same-day purchases merge: frequency counts purchase days).
    expect(v.calibration.customers).toBe(members.counts.members);
    expect(v.calibration.purchaseDays).toBeLessThanOrEqual(members.counts.transactions);
    expect(v.calibration.purchaseDays).toBeGreaterThan(0.97 * members.counts.transactions);
    expect(result.diagnostics.convergence['bgnbd']?.converged).toBe(true);
    const p = v.params.bgnbd;
    const se = v.standardErrors.bgnbd;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      within(p?.[k], members.bgnbd[k], 3 * (se?.[k] ?? 0), `BG/NBD ${k}`);
    }
    // Gamma-Gamma: the generator realises each drawn value as a basket that approximates it
    // (manifest members.basketMatching), which adds within-customer noise: the shape p of a
    // transaction is then not identifiable, but the across-customer shape q and the mean
    // spend per transaction pγ/(q−1) are. Truth: 6 × 40 / 2.5 = 96 €.
    const g = v.params.gammaGamma;
    const gse = v.standardErrors.gammaGamma;
    within(g?.q, members.gammaGamma.q, 3 * (gse?.q ?? 0), 'Gamma-Gamma q');
    const tg = members.gammaGamma;
    const meanTruth = (tg.p * tg.gamma) / (tg.q - 1);
    within(v.totals.populationMeanSpend ?? undefined, meanTruth, 0.06 * meanTruth, 'mean spend');
  });
});

describe('abtest on the demo experiment', () => {
  it('finds the planted relative lift inside its interval, with no sample-ratio mismatch', async () => {
    const { result } = await runModel(abtestModel, { kind: 'workspace', source }, {});
    const exp = truth['experiment'] as {
      experimentId: string;
      visitors: number;
      relativeLift: number;
      expectedControlRate: number;
    };
    const v = result.values;
    expect(v.experiment?.id).toBe(exp.experimentId);
    expect(v.metric).toBe('proportion');
    expect(v.variants.reduce((s, a) => s + a.n, 0)).toBe(exp.visitors);
    const c = v.comparisons[0];
    const [lo, hi] = c?.ci_relative ?? [NaN, NaN];
    expect(lo).toBeLessThanOrEqual(exp.relativeLift);
    expect(hi).toBeGreaterThanOrEqual(exp.relativeLift);
    expect(c?.significant).toBe(true);
    expect(v.srm?.mismatch).toBe(false);
    // The control rate: a binomial proportion within 3 standard errors of the expected rate.
    const control = v.variants.find((a) => a.name === 'control');
    const seRate = Math.sqrt(
      (exp.expectedControlRate * (1 - exp.expectedControlRate)) / (control?.n ?? 1),
    );
    within(control?.mean ?? undefined, exp.expectedControlRate, 3 * seRate, 'control rate');
    expect(c?.bayes?.chance_to_beat_control).toBeGreaterThan(0.99);
    expect(c?.cuped).not.toBeNull();
  });
});

describe('attribution on the demo journeys', () => {
  it('recovers each channel’s removal effect from the touchpoints', async () => {
    const { result } = await runModel(attributionModel, { kind: 'workspace', source }, {});
    const t = truth['attribution'] as {
      removalEffects: Record<string, number>;
      shares: Record<string, number>;
      conversionProbability: number;
      journeys: { converting: number; null: number };
    };
    const v = result.values;
    // Same journeys as the generator drew. Its converting journeys include the orders later
    // cancelled or flagged as fraud, which are not valid conversions here (about 2 %): they
    // count as journeys without conversion.
    expect(v.totals.journeys).toBe(t.journeys.converting + t.journeys.null);
    expect(v.totals.conversions).toBeLessThanOrEqual(t.journeys.converting);
    expect(v.totals.conversions).toBeGreaterThan(0.96 * t.journeys.converting);
    within(v.markov?.conversionProbability, t.conversionProbability, 0.015, 'P(conversion)');
    for (const [ch, effect] of Object.entries(t.removalEffects)) {
      within(v.markov?.removalEffects[ch], effect, 0.02, `removal effect of ${ch}`);
      within(v.markov?.shares[ch], t.shares[ch] ?? 0, 0.015, `share of ${ch}`);
    }
    // Spend, acquisition and efficiency per channel exist for the paid channels.
    const sea = v.efficiency?.channels.find((r) => r.key === 'sea');
    expect(sea?.spend).toBeGreaterThan(0);
    expect(sea?.roas).toBeGreaterThan(0);
  });
});

describe('basket on the demo orders', () => {
  it('puts the planted product affinities at the top by lift', async () => {
    const { result } = await runModel(
      basketModel,
      { kind: 'workspace', source },
      { minSupport: 0.001, minConfidence: 0.05, maxLen: 2 },
    );
    const pairs = (truth['basketAffinity'] as { pairs: { a: string; b: string }[] }).pairs;
    const top = result.values.rules.slice(0, 2 * pairs.length);
    for (const { a, b } of pairs) {
      const found = top.find(
        (r) => (r.lhs[0] === a && r.rhs[0] === b) || (r.lhs[0] === b && r.rhs[0] === a),
      );
      expect(found, `${a} ⇔ ${b}`).toBeDefined();
      expect(found?.lift).toBeGreaterThan(2);
    }
    // A basket is a valid order: cancelled and fraud orders are not baskets.
    const counts = (truth['meta'] as { rowCounts: Record<string, number> }).rowCounts;
    expect(result.values.transactions).toBeLessThan(counts['orders'] ?? 0);
  });

  it('works at category level', async () => {
    const { result } = await runModel(
      basketModel,
      { kind: 'workspace', source },
      { level: 'category', minSupport: 0.005, minConfidence: 0.1 },
    );
    expect(result.values.level).toBe('category');
    expect(result.values.items).toBeLessThan(20);
    expect(result.values.rules.length).toBeGreaterThan(0);
  });
});

describe('shrinkage on the demo counts', () => {
  it('recovers each location’s loss rate per count within 3 binomial standard errors', async () => {
    const { result } = await runModel(shrinkageModel, { kind: 'workspace', source }, {});
    const rates = (truth['shrinkage'] as { ratePerCount: Record<string, number> }).ratePerCount;
    for (const [loc, rate] of Object.entries(rates)) {
      const g = result.values.byLocation.find((x) => x.key === loc);
      // counted = book − Binomial(book, rate): the estimator's SE is √(rate(1 − rate)/Σ book).
      const se = Math.sqrt((rate * (1 - rate)) / (g?.book_units ?? 1));
      within(g?.shrink_rate ?? undefined, rate, 3 * se, `shrink rate of ${loc}`);
    }
  });
});

describe('lost sales on the demo stockouts', () => {
  it('estimates the demand lost to empty shelves, in total and per location', async () => {
    const { result } = await runModel(lostSalesModel, { kind: 'workspace', source }, {});
    const t = truth['lostSales'] as {
      totals: { units: number; value: string };
      byLocation: Record<string, { units: number }>;
    };
    // The truth is the demand the generator could not serve; the model only sees sales and
    // end-of-day stock, and expects demand from in-stock days. Stated tolerance: 15 % in total,
    // 25 % per location.
    within(result.values.total.lost_units, t.totals.units, 0.15 * t.totals.units, 'lost units');
    within(
      result.values.total.lost_value,
      Number(t.totals.value),
      0.15 * Number(t.totals.value),
      'lost value',
    );
    for (const [loc, v] of Object.entries(t.byLocation)) {
      const est = result.values.byLocation.find((r) => r.key === loc)?.lost_units;
      within(est, v.units, 0.25 * v.units, `lost units at ${loc}`);
    }
  });
});

describe('promo on the demo promotions', () => {
  it('recovers the planted uplift and cannibalisation of the targeted promotions', async () => {
    const { result } = await runModel(promoModel, { kind: 'workspace', source }, {});
    const targeted = (
      truth['promotions'] as { targeted: { id: string; uplift: number; cannibalisation: number }[] }
    ).targeted;
    expect(targeted.length).toBeGreaterThan(5);
    let upliftCovered = 0;
    let cannibCovered = 0;
    let bias = 0;
    for (const t of targeted) {
      const r = result.values.promotions.find((p) => p.id === t.id);
      const u = r?.promoted.interval;
      const c = r?.cannibalised?.interval;
      if (u && u[0] <= t.uplift && t.uplift <= u[1]) upliftCovered++;
      if (c && c[0] <= -t.cannibalisation && -t.cannibalisation <= c[1]) cannibCovered++;
      bias += (r?.promoted.effect ?? 0) - t.uplift;
    }
    // 95 % intervals: with ~20 promotions, fewer than 80 % covering would be a real failure.
    expect(upliftCovered / targeted.length).toBeGreaterThanOrEqual(0.8);
    expect(cannibCovered / targeted.length).toBeGreaterThanOrEqual(0.8);
    // No systematic error on average (stockouts during promotions cap sales a little).
    expect(Math.abs(bias / targeted.length)).toBeLessThan(0.1);
    const funded = result.values.promotions.filter((p) => p.supplier_funding > 0);
    expect(funded.length).toBeGreaterThan(0);
    expect(result.values.promotions.every((p) => p.paid_for_itself !== null)).toBe(true);
  });
});

describe('cohorts, paths, anomalies and budget on the demo', () => {
  it('cohorts: every member in one cohort, month 0 is the whole cohort', async () => {
    const { result } = await runModel(cohortsModel, { kind: 'workspace', source }, {});
    const members = (truth['members'] as { counts: { members: number } }).counts.members;
    const inCohorts = result.values.cohorts.reduce((s, c) => s + c.customers, 0);
    // Members of the incomplete last month are left out of the cohorts.
    expect(inCohorts).toBeLessThanOrEqual(members);
    expect(inCohorts).toBeGreaterThan(0.95 * members);
    for (const c of result.values.cohorts) expect(c.months[0]?.retention).toBe(1);
  });

  it('paths: probabilities out of each product sum to 1', async () => {
    const { result } = await runModel(pathsModel, { kind: 'workspace', source }, {});
    expect(result.values.transitions).toBeGreaterThan(1000);
    const out = new Map<string, number>();
    for (const p of result.values.pairs) out.set(p.from, (out.get(p.from) ?? 0) + p.probability);
    for (const total of out.values()) expect(total).toBeCloseTo(1, 10);
  });

  it('anomalies: scans the last week of data through the semantic layer', async () => {
    const { result } = await runModel(
      anomaliesModel,
      { kind: 'workspace', source },
      { kpis: 'net_sales,orders', by: 'channel' },
    );
    const end = (truth['meta'] as { end: string }).end;
    expect(result.values.window.to).toBe(end);
    expect(result.values.scanned).toBeGreaterThan(20);
    expect(JSON.stringify(result.values)).not.toMatch(/NaN|Infinity/);
  });

  it('budget: the suggested spends use the whole budget within the bounds', async () => {
    const { result } = await runModel(budgetModel, { kind: 'workspace', source }, {});
    const v = result.values;
    const total = v.channels.reduce((s, c) => s + c.suggested_spend, 0);
    expect(total).toBeCloseTo(v.budget, 6);
    for (const c of v.channels) {
      expect(c.suggested_spend).toBeGreaterThanOrEqual(0.7 * c.current_spend - 1e-6);
      expect(c.suggested_spend).toBeLessThanOrEqual(1.3 * c.current_spend + 1e-6);
    }
    expect(v.expected_effect.change).toBeGreaterThanOrEqual(-1e-6);
  });
});
