import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { duckdbDialect } from '../../../src/backends/duckdb/duckdb-dialect.js';
import { buildPlan } from '../../../src/semantic/plan/plan-builder.js';
import { cohortRetentionMatrix } from '../../../src/semantic/recipes/customer-set-recipes.js';
import type { QueryRequest } from '../../../src/semantic/query/query-types.js';
import { calendarFromConfig } from '../../../src/time/calendar.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { compared, config, dictionary, OrderBook, query, valueAt } from './recipe-test-support.js';

/*
 * Seven customers (c1–c3 gold, c4–c7 silver) and four web visitors, January–May 2025.
 *
 *   orders (valid unless said)     Jan        Feb                      Mar                      May
 *   c1 (gold)                      10 web     3 web, 20 store          2 web                    5 web
 *   c2 (gold)                                 5 web                    15 store
 *   c3 (gold)                                 7 store
 *   c4 (silver)                    12 web     9 web
 *   c5 (silver)                               11 web CANCELLED         20 web
 *   c6 (silver)                                                        21 web FRAUD, 22 store
 *   anonymous                                 12 web
 *
 * Active customers: January {c1, c4}; February {c1, c2, c3, c4}; March {c1, c2, c5, c6}.
 * Other interactions in February: c5 logged in a session (14th), c6 was touched by an e-mail
 * (2nd), c7 contacted support (25th), c3 answered a survey (8th).
 *
 *   sessions   v1: Jan 5 desktop, Feb 10 mobile, Mar 3 mobile    v2: Feb 14 (c5), Feb 20 desktop
 *              v3: Mar 8 mobile                                   v4: Jan 20 desktop, Mar 9 mobile
 *              v5: Mar 1 mobile, Mar 5 mobile (first seen on the first day of March)
 */
let engine: Engine;
const book = new OrderBook();
const order = (day: string, customer: string | null, channel = 'web', status = 'paid') =>
  book.add({
    day,
    ...(customer ? { customer } : {}),
    channel,
    ...(channel === 'store' ? { location: 's1' } : {}),
    status,
  });
order('2025-01-10', 'c1');
order('2025-02-03', 'c1');
order('2025-02-20', 'c1', 'store');
order('2025-03-02', 'c1');
order('2025-05-05', 'c1');
order('2025-02-05', 'c2');
order('2025-03-15', 'c2', 'store');
order('2025-02-07', 'c3', 'store');
order('2025-01-12', 'c4');
order('2025-02-09', 'c4');
order('2025-02-11', 'c5', 'web', 'cancelled');
order('2025-03-20', 'c5');
order('2025-03-21', 'c6', 'web', 'fraud');
order('2025-03-22', 'c6', 'store');
order('2025-02-12', null);

const session = (id: string, visitor: string, day: string, device: string, customer?: string) => ({
  session_id: id,
  visitor_id: visitor,
  channel_id: 'web',
  started_at: `${day}T10:00:00Z`,
  device,
  ...(customer ? { customer_id: customer } : {}),
});

beforeAll(async () => {
  engine = await fixtureDatabase({
    channels: [
      { channel_id: 'web', name: 'Web', kind: 'web' },
      { channel_id: 'store', name: 'Stores', kind: 'store' },
    ],
    locations: [{ location_id: 's1', name: 'S1', kind: 'store', timezone: 'Europe/Paris' }],
    customers: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map((id, i) => ({
      customer_id: id,
      created_at: '2024-12-01T00:00:00Z',
      segment: i < 3 ? 'gold' : 'silver',
    })),
    products: [{ sku: 'A', name: 'A' }],
    orders: book.orders,
    order_lines: book.lines,
    sessions: [
      session('s1', 'v1', '2025-01-05', 'desktop'),
      session('s2', 'v1', '2025-02-10', 'mobile'),
      session('s3', 'v1', '2025-03-03', 'mobile'),
      session('s4', 'v2', '2025-02-14', 'desktop', 'c5'),
      session('s5', 'v2', '2025-02-20', 'desktop'),
      session('s6', 'v3', '2025-03-08', 'mobile'),
      session('s7', 'v4', '2025-01-20', 'desktop'),
      session('s8', 'v4', '2025-03-09', 'mobile'),
      session('s9', 'v5', '2025-03-01', 'mobile'),
      session('s10', 'v5', '2025-03-05', 'mobile'),
    ],
    touchpoints: [
      {
        touchpoint_id: 't1',
        customer_id: 'c6',
        touched_at: '2025-02-02T10:00:00Z',
        channel: 'email',
      },
      {
        touchpoint_id: 't2',
        visitor_id: 'v9',
        touched_at: '2025-02-03T10:00:00Z',
        channel: 'email',
      },
    ],
    support_contacts: [
      { contact_id: 'k1', customer_id: 'c7', channel: 'email', opened_at: '2025-02-25T10:00:00Z' },
    ],
    surveys: [
      {
        response_id: 'r1',
        customer_id: 'c3',
        responded_at: '2025-02-08T10:00:00Z',
        kind: 'csat',
        score: 5,
      },
    ],
  });
}, 120_000);
afterAll(async () => engine.close());

const monthly = (kpis: string[], extra: Partial<QueryRequest> = {}) =>
  query(engine, { kpis, from: '2025-01-01', to: '2025-03-31', grain: 'month', ...extra });

describe('returning_visitors', () => {
  it('counts visitors of the period seen before its first day, with comparisons and shares', async () => {
    const res = await monthly(['r_returning', 'r_visitors', 'r_returning_share'], {
      compare: ['previous'],
    });
    // January: v1 and v4, nobody seen before. February: v1 (seen 5 Jan), not v2 (first 14 Feb).
    // March: v1 and v4 (seen in January); not v3 (first 8 March) nor v5, first seen on 1 March
    // itself: 2 of 4 visitors.
    expect(valueAt(res, 'r_returning', '2025-01-01')).toBe(0);
    expect(valueAt(res, 'r_returning', '2025-02-01')).toBe(1);
    expect(valueAt(res, 'r_returning', '2025-03-01')).toBe(2);
    expect(valueAt(res, 'r_returning_share', '2025-03-01')).toBe(0.5);
    expect(compared(res, 'r_returning', 'previous', '2025-03-01')).toBe(1);
  });

  it('splits by device, the earlier session in the same slice', async () => {
    const res = await query(engine, {
      kpis: ['r_returning'],
      by: ['device'],
      from: '2025-03-01',
      to: '2025-03-31',
    });
    // March on mobile: v1 (mobile on 10 Feb) returns; v4 had only a desktop session before;
    // v3 and v5 are new. No desktop session in March.
    expect(valueAt(res, 'r_returning', '2025-03-01', { device: 'mobile' })).toBe(1);
    expect(valueAt(res, 'r_returning', '2025-03-01', { device: 'desktop' })).toBeUndefined();
  });

  it('refuses a split by weekday and the hour grain, naming the KPI', async () => {
    await expect(
      query(engine, {
        kpis: ['r_returning'],
        by: ['weekday'],
        from: '2025-03-01',
        to: '2025-03-31',
      }),
    ).rejects.toThrow(/weekday does not apply to KPI r_returning/);
    await expect(
      query(engine, { kpis: ['r_returning'], grain: 'hour', from: '2025-03-01', to: '2025-03-01' }),
    ).rejects.toThrow(/KPI r_returning: no hour grain/);
  });

  it('refuses a scope the sessions cannot be restricted to', async () => {
    await expect(
      query(
        engine,
        { kpis: ['r_returning'], from: '2025-03-01', to: '2025-03-31' },
        { location: ['s1'] },
      ),
    ).rejects.toThrow(/KPI r_returning cannot be restricted to your scope \(location\)/);
  });
});

describe('interacting_customers', () => {
  it('counts customers with any identified interaction, not cancelled orders alone', async () => {
    const res = await monthly(['r_interacting', 'r_customers', 'r_omni_conversion'], {
      compare: ['previous'],
    });
    // January: c1, c4 (orders). February: orders c1–c4, c5's session (her cancelled order does
    // not count), c6's touchpoint, c7's support contact, c3's survey → 7; 4 bought → 4/7.
    expect(valueAt(res, 'r_interacting', '2025-01-01')).toBe(2);
    expect(valueAt(res, 'r_interacting', '2025-02-01')).toBe(7);
    expect(valueAt(res, 'r_omni_conversion', '2025-02-01')).toBeCloseTo(4 / 7, 12);
    // March: orders of c1, c2, c5, c6 (c6's fraud order aside, she bought on the 22nd).
    expect(valueAt(res, 'r_interacting', '2025-03-01')).toBe(4);
    expect(compared(res, 'r_interacting', 'previous', '2025-03-01')).toBe(7);
  });

  it('splits by a customer attribute and refuses a split that misses a source', async () => {
    const res = await query(engine, {
      kpis: ['r_interacting'],
      by: ['customer_segment'],
      from: '2025-02-01',
      to: '2025-02-28',
    });
    expect(valueAt(res, 'r_interacting', '2025-02-01', { customer_segment: 'gold' })).toBe(3);
    expect(valueAt(res, 'r_interacting', '2025-02-01', { customer_segment: 'silver' })).toBe(4);
    // Touchpoints have no sales channel.
    await expect(
      query(engine, {
        kpis: ['r_interacting'],
        by: ['channel'],
        from: '2025-02-01',
        to: '2025-02-28',
      }),
    ).rejects.toThrow(/dimension channel does not apply to KPI r_interacting \(fact touchpoints\)/);
  });
});

describe('customers_with_orders', () => {
  it('counts customers with at least two valid orders, per period and per slice', async () => {
    const res = await monthly(['r_repeat'], { compare: ['previous'] });
    // February: only c1 (3rd and 20th). March: nobody twice, against February's one.
    expect(valueAt(res, 'r_repeat', '2025-02-01')).toBe(1);
    expect(valueAt(res, 'r_repeat', '2025-03-01')).toBe(0);
    expect(compared(res, 'r_repeat', 'previous', '2025-03-01')).toBe(1);
    const quarter = await query(engine, {
      kpis: ['r_repeat', 'r_orders'],
      from: '2025-01-01',
      to: '2025-03-31',
      by: ['channel'],
    });
    const whole = await query(engine, { kpis: ['r_repeat'], from: '2025-01-01', to: '2025-03-31' });
    // January–March: c1 (4 orders), c2 (2), c4 (2); c5 and c6 would have two if the
    // cancelled and fraud orders counted. On the web alone: c1 (3) and c4 (2); c2 once.
    expect(valueAt(whole, 'r_repeat', '2025-01-01')).toBe(3);
    expect(valueAt(quarter, 'r_repeat', '2025-01-01', { channel: 'web' })).toBe(2);
    expect(valueAt(quarter, 'r_repeat', '2025-01-01', { channel: 'store' })).toBeNull();
  });
});

describe('retention_rate', () => {
  it('is the share of P−1 customers active again in P, compared with the previous period', async () => {
    const res = await query(engine, {
      kpis: ['r_retention'],
      from: '2025-02-01',
      to: '2025-03-31',
      grain: 'month',
      compare: ['previous', 'yoy'],
    });
    // February: January's c1 and c4 both came back → 1. March: of February's c1–c4, c1 and
    // c2 came back → 2/4. Its previous period is February (1); nobody in 2024 → null.
    expect(valueAt(res, 'r_retention', '2025-02-01')).toBe(1);
    expect(valueAt(res, 'r_retention', '2025-03-01')).toBe(0.5);
    expect(compared(res, 'r_retention', 'previous', '2025-03-01')).toBe(1);
    expect(compared(res, 'r_retention', 'yoy', '2025-03-01')).toBeNull();
  });

  it('takes the range of the same length just before without a grain', async () => {
    // 8 Feb – 31 Mar is 52 days; P−1 is 18 Dec – 7 Feb: c1, c4, c2, c3. Back in P: c4 (9
    // Feb), c1, c2; not c3 → 3/4.
    const res = await query(engine, {
      kpis: ['r_retention'],
      from: '2025-02-08',
      to: '2025-03-31',
    });
    expect(res.rows[0]?.values['r_retention']).toBe(0.75);
  });

  it('splits by segment as the answer filtered on it, and applies scopes to its own SQL', async () => {
    const split = await query(engine, {
      kpis: ['r_retention'],
      by: ['customer_segment'],
      from: '2025-03-01',
      to: '2025-03-31',
      grain: 'month',
    });
    const gold = await query(engine, {
      kpis: ['r_retention'],
      where: { customer_segment: ['gold'] },
      from: '2025-03-01',
      to: '2025-03-31',
      grain: 'month',
    });
    // Gold: February c1, c2, c3 → March c1, c2 = 2/3. Silver: February c4 → 0/1.
    expect(valueAt(split, 'r_retention', '2025-03-01', { customer_segment: 'gold' })).toBeCloseTo(
      2 / 3,
      12,
    );
    expect(valueAt(split, 'r_retention', '2025-03-01', { customer_segment: 'silver' })).toBe(0);
    expect(valueAt(gold, 'r_retention', '2025-03-01')).toBeCloseTo(2 / 3, 12);
    // On the web only: February c1, c2, c4; March web c1 and c5 → 1/3, filtered or scoped.
    const web = { from: '2025-03-01', to: '2025-03-31', grain: 'month' } as const;
    const filtered = await query(engine, {
      kpis: ['r_retention'],
      where: { channel: ['web'] },
      ...web,
    });
    const scoped = await query(engine, { kpis: ['r_retention'], ...web }, { channel: ['web'] });
    expect(valueAt(filtered, 'r_retention', '2025-03-01')).toBeCloseTo(1 / 3, 12);
    expect(valueAt(scoped, 'r_retention', '2025-03-01')).toBeCloseTo(1 / 3, 12);
  });
});

describe('cohort_retention', () => {
  it('gives each month the retention of its cohort at the age, null while too young', async () => {
    const res = await monthly(['r_cohort', 'r_cohort2'], { compare: ['previous'] });
    // Cohorts (first valid order): January {c1, c4}, February {c2, c3}, March {c5, c6} (c5's
    // cancelled February order starts nothing). The data end on 5 May.
    // Age 1: Jan → Feb c1, c4 = 1; Feb → Mar c2 = 1/2; Mar → Apr nobody = 0.
    expect(valueAt(res, 'r_cohort', '2025-01-01')).toBe(1);
    expect(valueAt(res, 'r_cohort', '2025-02-01')).toBe(0.5);
    expect(valueAt(res, 'r_cohort', '2025-03-01')).toBe(0);
    expect(compared(res, 'r_cohort', 'previous', '2025-03-01')).toBe(0.5);
    // Age 2: Jan → Mar c1 = 1/2; Feb → Apr = 0; Mar → May is not over on 5 May → null.
    expect(valueAt(res, 'r_cohort2', '2025-01-01')).toBe(0.5);
    expect(valueAt(res, 'r_cohort2', '2025-02-01')).toBe(0);
    expect(valueAt(res, 'r_cohort2', '2025-03-01')).toBeNull();
  });

  it('pools the cohorts of a range and splits by segment', async () => {
    // 1 Jan – 28 Feb: c1, c4 (back in Feb), c2 (back in Mar), c3 (not) → 3/4.
    const pooled = await query(engine, {
      kpis: ['r_cohort'],
      from: '2025-01-01',
      to: '2025-02-28',
    });
    expect(pooled.rows[0]?.values['r_cohort']).toBe(0.75);
    const split = await monthly(['r_cohort'], { by: ['customer_segment'] });
    expect(valueAt(split, 'r_cohort', '2025-01-01', { customer_segment: 'gold' })).toBe(1);
    expect(valueAt(split, 'r_cohort', '2025-01-01', { customer_segment: 'silver' })).toBe(1);
    expect(valueAt(split, 'r_cohort', '2025-02-01', { customer_segment: 'gold' })).toBe(0.5);
    expect(valueAt(split, 'r_cohort', '2025-03-01', { customer_segment: 'silver' })).toBe(0);
  });

  it('gives the whole matrix, cohorts × ages', async () => {
    const request: QueryRequest = { kpis: ['r_cohort'], from: '2025-01-01', to: '2025-03-31' };
    const calendar = calendarFromConfig(config);
    const entry = dictionary.get('r_cohort');
    const plan = buildPlan(request, { dictionary, calendar });
    const matrix = await cohortRetentionMatrix({
      engine,
      dialect: duckdbDialect,
      plan,
      request,
      kpi: entry,
      params: { cohort_grain: 'month', age: 1, max_age: 3 },
      timeZone: config.timezone,
      reportingCurrency: config.reporting_currency,
      calendar,
      dictionary,
      scopes: {},
      subQuery: () => Promise.reject(new Error('not used')),
      warn: () => undefined,
    });
    const rate = (cohort: string, k: number) =>
      matrix.find((c) => c.cohort === cohort && c.k === k)?.rate;
    const keys = [...new Set(matrix.map((c) => c.cohort))];
    expect(keys).toHaveLength(3);
    const [jan, feb, mar] = keys as [string, string, string];
    // January {c1, c4}: k0 both, k1 (Feb) both, k2 (Mar) c1, k3 (Apr) nobody.
    expect([0, 1, 2, 3].map((k) => rate(jan, k))).toEqual([1, 1, 0.5, 0]);
    // February {c2, c3}: k1 (Mar) c2, k2 (Apr) nobody, k3 (May) not over.
    expect([0, 1, 2, 3].map((k) => rate(feb, k))).toEqual([1, 0.5, 0, null]);
    expect([0, 1, 2, 3].map((k) => rate(mar, k))).toEqual([1, 0, null, null]);
    expect(matrix.find((c) => c.cohort === jan && c.k === 2)).toMatchObject({
      customers: 2,
      retained: 1,
    });
  });
});
