/** promo, lost-sales, shrinkage, cohorts, anomalies, budget and paths on hand-computed files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anomaliesModel } from '../../src/analytics/anomalies/anomalies-model.js';
import {
  allocate,
  budgetModel,
  fitResponseCurve,
} from '../../src/analytics/budget/budget-model.js';
import { cohortsModel } from '../../src/analytics/cohorts/cohorts-model.js';
import { censoredExcess, lostSalesModel } from '../../src/analytics/lost-sales/lost-sales-model.js';
import type { Model } from '../../src/analytics/analytic-model.js';
import { runModel } from '../../src/analytics/analytic-model.js';
import { pathsModel } from '../../src/analytics/paths/paths-model.js';
import { promoModel } from '../../src/analytics/promo/promo-model.js';
import { shrinkageModel } from '../../src/analytics/shrinkage/shrinkage-model.js';
import { epochDay, isoDate } from '../../src/time/civil-date.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-retail-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, lines: readonly string[]) => {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
async function run<P, D, V>(
  model: Model<P, D, V>,
  path: string,
  params: Record<string, unknown> = {},
) {
  const { result } = await runModel(model, { kind: 'file', path }, params);
  expect(JSON.stringify(result.values)).not.toMatch(/NaN|Infinity/);
  return result;
}
const day = (d: number) => isoDate(epochDay(2024, 1, 1) + d - 1);

describe('shrinkage', () => {
  it('net loss, gains apart, rate on book units, value at cost', async () => {
    const r = await run(
      shrinkageModel,
      file('counts.csv', [
        'count_on,location,sku,book_quantity,counted_quantity,unit_cost,category',
        '2024-02-13,S1,A,100,97,2.5,Deco',
        '2024-02-13,S1,B,50,51,10,Deco',
        '2024-02-13,S2,A,40,38,2.5,Deco',
        '2024-05-14,S1,A,80,80,2.5,Deco',
      ]),
    );
    const s1 = r.values.byLocation.find((g) => g.key === 'S1');
    // S1: book 230, counted 228; 3 missing on A, 1 found on B → net 2; at cost 3 × 2.5 − 1 × 10.
    expect(s1).toMatchObject({
      book_units: 230,
      lost_units: 3,
      found_units: 1,
      net_loss_units: 2,
      count_days: 2,
    });
    expect(s1?.shrink_rate).toBeCloseTo(2 / 230, 14);
    expect(s1?.net_loss_at_cost).toBeCloseTo(-2.5, 12);
    expect(r.values.total.shrink_rate).toBeCloseTo(4 / 270, 14);
    expect(r.values.byCategory).toHaveLength(1);
  });

  it('says what is missing', async () => {
    await expect(
      run(
        shrinkageModel,
        file('bad-counts.csv', ['count_on,location,sku,book_quantity', '2024-01-01,S1,A,3']),
      ),
    ).rejects.toThrow(/missing column\(s\) counted_quantity/);
  });
});

describe('cohorts', () => {
  it('retention, repeat rate, revenue per customer and NRR by month since the first order', async () => {
    const r = await run(
      cohortsModel,
      file('orders.csv', [
        'customer_id,date,amount',
        'A,2024-01-05,10',
        'A,2024-01-20,5',
        'A,2024-03-02,20',
        'B,2024-01-15,30',
        'B,2024-03-31,7',
        'C,2024-02-10,8',
        'C,2024-02-11,4',
      ]),
    );
    expect(r.values.lastCompleteMonth).toBe('2024-03');
    const jan = r.values.cohorts.find((c) => c.cohort === '2024-01');
    // Month 0: A and B buy (45 €), A twice → repeat ½. Month 1: nobody. Month 2: both (27 €),
    // B's second order → repeat 1; NRR 27/45; cumulative revenue (45 + 27)/2.
    expect(jan?.customers).toBe(2);
    expect(jan?.months.map((m) => m.retention)).toEqual([1, 0, 1]);
    expect(jan?.months.map((m) => m.repeat_rate)).toEqual([0.5, 0.5, 1]);
    expect(jan?.months[2]?.nrr).toBeCloseTo(0.6, 14);
    expect(jan?.months[2]?.cumulative_revenue_per_customer).toBeCloseTo(36, 14);
    const feb = r.values.cohorts.find((c) => c.cohort === '2024-02');
    expect(feb?.months.map((m) => [m.active, m.repeat_rate])).toEqual([
      [1, 1],
      [0, 1],
    ]);
    expect(r.values.average.map((a) => a.retention)).toEqual([1, 0, 1]);
  });

  it('leaves out an incomplete last month', async () => {
    const r = await run(
      cohortsModel,
      file('orders-partial.csv', ['customer_id,date,amount', 'A,2024-01-05,10', 'B,2024-02-10,8']),
    );
    expect(r.values.cohorts.map((c) => c.cohort)).toEqual(['2024-01']);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain('INCOMPLETE_MONTH');
  });
});

describe('paths', () => {
  it('counts successive product views, skipping reloads, in event order', async () => {
    const r = await run(
      pathsModel,
      file('views.csv', [
        'session_id,sku,event_no',
        's1,B,2',
        's1,A,1',
        's1,B,3',
        's1,C,4',
        's2,A,1',
        's2,C,2',
        's3,B,1',
      ]),
    );
    // s1: A B B C → A→B, B→C; s2: A→C; s3: nothing. Out of A: 2 → ½ each.
    expect(r.values.transitions).toBe(3);
    expect(r.values.sessions).toBe(3);
    const p = Object.fromEntries(r.values.pairs.map((x) => [`${x.from}${x.to}`, x.probability]));
    expect(p).toEqual({ AB: 0.5, AC: 0.5, BC: 1 });
    expect(r.values.byProduct.find((x) => x.product === 'B')).toMatchObject({
      views: 3,
      next_views: 1,
    });
  });
});

describe('lost sales', () => {
  it('censored Poisson excess: λ on an empty day, λ/(1 − e^−λ) − 1 after selling one unit', () => {
    expect(censoredExcess(2, 0)).toBeCloseTo(2, 14);
    expect(censoredExcess(2, 1)).toBeCloseTo(2 / (1 - Math.exp(-2)) - 1, 12);
    // Demand in lines of 2 units (dispersion 2): D = 2N, N ~ Poisson(1), after selling 2 units.
    expect(censoredExcess(2, 2, 2)).toBeCloseTo(2 * (1 / (1 - Math.exp(-1)) - 1), 12);
    expect(censoredExcess(0, 3)).toBe(0);
  });

  it('estimates the demand of stockout days from the item’s share of the location', async () => {
    // Y sells 10 a day; X 2 a day, except day 6 (sold 1, then empty) and day 7 (empty all day).
    // In-stock days of X: 8 days, 16 units, against 80 units of the rest of the location → share
    // 0.2; days 6 and 7 sold 10 of Y → λ = 2 each. Day 6 lost 2/(1 − e^−2) − 1, day 7 lost 2.
    const lines = ['date,location,sku,on_hand,units_sold,revenue'];
    for (let d = 1; d <= 10; d++) {
      lines.push(`${day(d)},L,Y,50,10,30`);
      const sold = d === 6 ? 1 : d === 7 ? 0 : 2;
      const onHand = d === 6 || d === 7 ? 0 : 5;
      lines.push(`${day(d)},L,X,${onHand},${sold},${sold * 5}`);
    }
    const r = await run(lostSalesModel, file('stock.csv', lines));
    const expected = 2 / (1 - Math.exp(-2)) - 1 + 2;
    expect(r.values.total.stockout_days).toBe(2);
    expect(r.values.total.lost_units).toBeCloseTo(expected, 12);
    expect(r.values.total.lost_value).toBeCloseTo(expected * 5, 10);
    expect(r.values.bySkuLocation[0]).toMatchObject({ sku: 'X', location: 'L' });
  });
});

describe('promo', () => {
  it('uplift and cannibalisation against a season-adjusted baseline; margin and payback', async () => {
    // Baseline 7 days before and after a 3-day promotion (days 8–10) of P; Q shares P's
    // category, R is the control. Baseline 10 a day each; during: P 20, Q 8, R 11 a day.
    // Season = 11/10; expected P = 10 × 1.1 × 3 = 33 → uplift 60/33 − 1; Q: 24/33 − 1.
    // Margin per unit 4 at baseline (price 10, cost 6), 2 for P during (price 8):
    // P: 60 × 2 − 33 × 4 = −12; Q: 24 × 4 − 33 × 4 = −36; no funding → did not pay.
    const lines = ['date,sku,units,revenue,cost,category,promotion'];
    for (let d = 1; d <= 17; d++) {
      const during = d >= 8 && d <= 10;
      lines.push(
        `${day(d)},P,${during ? 20 : 10},${during ? 160 : 100},${during ? 120 : 60},A,${during ? 'PR1' : ''}`,
      );
      lines.push(`${day(d)},Q,${during ? 8 : 10},${during ? 80 : 100},${during ? 48 : 60},A,`);
      lines.push(`${day(d)},R,${during ? 11 : 10},${during ? 110 : 100},${during ? 66 : 60},B,`);
    }
    const r = await run(promoModel, file('promo.csv', lines), { baselineDays: 7 });
    const p = r.values.promotions[0];
    expect(p?.id).toBe('PR1');
    expect(p?.seasonal_factor).toBeCloseTo(1.1, 14);
    expect(p?.promoted.expected_units).toBeCloseTo(33, 12);
    expect(p?.promoted.effect).toBeCloseTo(60 / 33 - 1, 12);
    expect(p?.cannibalised?.effect).toBeCloseTo(24 / 33 - 1, 12);
    expect(p?.promoted.incremental_margin).toBeCloseTo(-12, 10);
    expect(p?.cannibalised?.incremental_margin).toBeCloseTo(-36, 10);
    expect(p?.net_incremental_margin).toBeCloseTo(-48, 10);
    expect(p?.paid_for_itself).toBe(false);
    expect(p?.promoted.interval?.[0]).toBeLessThan(p?.promoted.effect ?? 0);
  });

  it('a file without any promotion is an error', async () => {
    await expect(
      run(promoModel, file('nopromo.csv', ['date,sku,units,revenue', `${day(1)},P,1,1`])),
    ).rejects.toThrow(/no row names a promotion/);
  });
});

describe('anomalies', () => {
  it('flags a day far from its weekday median and names the factor that moved', async () => {
    // Eight previous same weekdays: 100 102 98 101 99 103 97 100 → median 100, MAD 1.5;
    // scale = max(1.4826 × 1.5, 5 % × 100) = 5 → z = (200 − 100)/5 = 20. Orders flat at 10,
    // aov 10 → 20: aov carries all of the log-change.
    const base = [100, 102, 98, 101, 99, 103, 97, 100];
    const lines = ['date,kpi,segment,value'];
    base.forEach((v, i) => {
      const d = day(1 + 7 * i);
      lines.push(`${d},net_sales,all,${v}`, `${d},orders,all,10`, `${d},aov,all,${v / 10}`);
      lines.push(`${d},returns,all,0`);
    });
    const last = day(1 + 7 * 8);
    lines.push(
      `${last},net_sales,all,200`,
      `${last},orders,all,10`,
      `${last},aov,all,20`,
      `${last},returns,all,3`,
    );
    const r = await run(anomaliesModel, file('kpis.csv', lines), { windowDays: 1 });
    const a = r.values.anomalies.find((x) => x.kpi === 'net_sales');
    expect(a).toMatchObject({ date: last, expected: 100, change: 100, direction: 'up' });
    expect(a?.z).toBeCloseTo(20, 12);
    expect(a?.driver?.kpi).toBe('aov');
    expect(a?.driver?.share).toBeCloseTo(1, 12);
    expect(r.values.anomalies.some((x) => x.kpi === 'orders')).toBe(false);
    // A series of zeros has no level: not judged, and it is said.
    expect(r.values.anomalies.some((x) => x.kpi === 'returns')).toBe(false);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain('SPARSE_SERIES');
  });
});

describe('budget', () => {
  const lines = ['period,channel,spend,margin'];
  for (let t = 1; t <= 10; t++) {
    const s = 10 * t;
    lines.push(`W${String(t).padStart(2, '0')},a,${s},${10 * Math.sqrt(s)}`);
    lines.push(`W${String(t).padStart(2, '0')},b,${s},${20 * Math.sqrt(s)}`);
  }

  it('recovers exact power curves', () => {
    const c = fitResponseCurve(
      Array.from({ length: 6 }, (_, i) => ({ spend: i + 1, margin: 3 * Math.pow(i + 1, 0.4) })),
    );
    expect(c?.beta).toBeCloseTo(3, 12);
    expect(c?.theta).toBeCloseTo(0.4, 12);
    expect(c?.r2).toBeCloseTo(1, 12);
  });

  it('equalises marginal returns: with θ = ½ spends go as β² (20 % / 80 %)', async () => {
    const r = await run(budgetModel, file('weekly.csv', lines), {
      maxShift: 10,
      recentPeriods: 10,
    });
    const [a, b] = r.values.channels;
    expect(a?.current_spend).toBeCloseTo(55, 12); // mean of 10…100
    expect(r.values.budget).toBeCloseTo(110, 12);
    expect(a?.suggested_spend).toBeCloseTo(22, 6);
    expect(b?.suggested_spend).toBeCloseTo(88, 6);
    expect(a?.marginal_return_suggested).toBeCloseTo(b?.marginal_return_suggested ?? 0, 6);
    // 10√22 + 20√88 against 30√55.
    expect(r.values.expected_effect.change).toBeCloseTo(
      10 * Math.sqrt(22) + 20 * Math.sqrt(88) - 30 * Math.sqrt(55),
      6,
    );
  });

  it('stays within ±30 % of current spend by default', async () => {
    const r = await run(budgetModel, file('weekly2.csv', lines), { recentPeriods: 10 });
    expect(r.values.channels.map((c) => c.suggested_spend)).toEqual([
      expect.closeTo(38.5, 6),
      expect.closeTo(71.5, 6),
    ]);
  });

  it('allocates a budget below the bounds at the lower bounds', () => {
    const curve = { beta: 1, theta: 0.5, theta_raw: 0.5, r2: 1, periods: 10 };
    const s = allocate(
      [
        { curve, lo: 10, hi: 20 },
        { curve, lo: 10, hi: 20 },
      ],
      30,
    );
    expect(s[0]).toBeCloseTo(15, 6);
    expect(s[1]).toBeCloseTo(15, 6);
  });
});
