import { parseIsoDate } from '../../time/civil-date.js';
import type { Period } from '../../time/period.js';
import type { RoleRange } from '../plan/query-plan.js';
import type { Recipe, RecipeContext } from './recipe.js';
import { enumParam, intParam, recipeError } from './recipe-params.js';
import {
  answerRanges,
  mapRanges,
  previousRange,
  refuseHourGrain,
  spanOf,
} from './recipe-periods.js';
import { FactSlice, RecipeSql, rowDims, toNumber, valuesFromRows } from './recipe-sql.js';

/**
 * Recipes over sets of visitors and customers across periods (returning visitors, repeat
 * customers, retention, cohorts): one statement each for every period and role, joined to the
 * compiler's day → (role, period) map.
 *
 * A split or a filter restricts every row the recipe reads, on both sides of a comparison
 * between sets: retention by channel is the retention of web customers on the web, and the row
 * of a segment equals the answer filtered on it. Customer attributes (segment, acquisition
 * channel) are the usual splits; they are the same on both sides by construction.
 */

const ACROSS_PERIODS = 'it compares sets of customers over whole periods; use --grain instead';

/** `alias.d0 AS d0`, … */
export function dimsAs(slice: FactSlice, alias: string): string[] {
  return slice.dims.map(
    (x) => `${slice.rs.col(alias, x.dim.column)} AS ${slice.rs.id(x.dim.column)}`,
  );
}

/** Valid orders of identified customers: columns day, d0…, c (customer) and `extra`. */
function customerOrders(
  slice: FactSlice,
  window: { start: number; end: number } | undefined,
  extra: Readonly<Record<string, string>> = {},
): string {
  const c = slice.text('orders.customer_id');
  const valid = slice.text('valid_order');
  return slice.rows({
    columns: { c, ...extra },
    ...(window ? { window } : {}),
    where: [valid, `${c} IS NOT NULL`],
  });
}

/** Each customer's first valid order day in the slice: columns d0…, c, first_day. */
export function firstOrdersSql(slice: FactSlice): string {
  const rs = slice.rs;
  const c = slice.text('orders.customer_id');
  const valid = slice.text('valid_order');
  const time = slice.storedTime();
  const all = slice.rows({ columns: { c }, day: time.sql, where: [valid, `${c} IS NOT NULL`] });
  return `SELECT ${[
    ...dimsAs(slice, '_a'),
    `${rs.col('_a', 'c')} AS ${rs.id('c')}`,
    `${time.day(`min(${rs.col('_a', 'day')})`)} AS ${rs.id('first_day')}`,
  ].join(
    ', ',
  )} FROM (${all}) AS ${rs.id('_a')} GROUP BY ${[...slice.dimColumns('_a'), rs.col('_a', 'c')].join(', ')}`;
}

/** Distinct (role, pkey, d0…, c) of the customers with a row in each range. */
function activeSet(slice: FactSlice, rowsSql: string, ranges: readonly RoleRange[]): string {
  const rs = slice.rs;
  const pm = rs.periodMap(ranges);
  return rs.distinct(
    `SELECT ${rs.col('_pm', 'role')} AS ${rs.id('role')}, ${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}, ${[
      ...dimsAs(slice, '_s'),
      `${rs.col('_s', 'c')} AS ${rs.id('c')}`,
    ].join(
      ', ',
    )} FROM (${rowsSql}) AS ${rs.id('_s')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_s', 'day')}`,
  );
}

function groupByRolePeriod(slice: FactSlice, alias: string): string {
  const rs = slice.rs;
  return ` GROUP BY ${[rs.col(alias, 'role'), rs.col(alias, 'pkey'), ...slice.dimColumns(alias)].join(', ')}`;
}

function selectRolePeriod(slice: FactSlice, alias: string): string {
  const rs = slice.rs;
  return [
    `${rs.col(alias, 'role')} AS ${rs.id('role')}`,
    `${rs.col(alias, 'pkey')} AS ${rs.id('pkey')}`,
    ...dimsAs(slice, alias),
  ].join(', ');
}

/** Visitors of the period with a session before its first day (any earlier date in the data). */
export const returningVisitorsRecipe: Recipe = {
  name: 'returning_visitors',
  description:
    'distinct visitors with a session in the period and one before its first day, in the same slice',
  async compute(ctx) {
    refuseHourGrain(ctx, 'it counts visitors over whole days');
    const rs = new RecipeSql(ctx);
    const slice = new FactSlice(rs, 'sessions', { noTimeParts: ACROSS_PERIODS });
    const ranges = answerRanges(ctx);
    const v = slice.text('sessions.visitor_id');
    const inPeriods = slice.rows({ columns: { v }, window: spanOf(ranges) });
    // Every session of the slice, its stored instant as `day`: converted once per visitor.
    const time = slice.storedTime();
    const allSessions = slice.rows({ columns: { v }, day: time.sql });
    const pm = rs.periodMap(ranges);
    const first = `SELECT ${[...dimsAs(slice, '_a'), `${rs.col('_a', 'v')} AS ${rs.id('v')}`, `${time.day(`min(${rs.col('_a', 'day')})`)} AS ${rs.id('first_day')}`].join(', ')} FROM (${allSessions}) AS ${rs.id('_a')} GROUP BY ${[...slice.dimColumns('_a'), rs.col('_a', 'v')].join(', ')}`;
    // Sessions with their (role, period) first, then their visitor's first day: one join per
    // SELECT (ClickHouse 18.16), the range condition in WHERE (an inner join: the same rows).
    const visits = `SELECT ${[
      `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
      `${rs.col('_pm', 'rs')} AS ${rs.id('rs')}`,
      ...dimsAs(slice, '_s0'),
      `${rs.col('_s0', 'v')} AS ${rs.id('v')}`,
    ].join(
      ', ',
    )} FROM (${inPeriods}) AS ${rs.id('_s0')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_s0', 'day')}`;
    const on = [`${rs.col('_s', 'v')} = ${rs.col('_f', 'v')}`, ...slice.dimsMatch('_s', '_f')];
    const sql = `SELECT ${[
      `${rs.col('_s', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_s', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs(slice, '_s'),
      `count(DISTINCT ${rs.col('_s', 'v')}) AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM (${visits}) AS ${rs.id('_s')} JOIN (${first}) AS ${rs.id('_f')} ON ${on.join(' AND ')} WHERE ${rs.col('_f', 'first_day')} < ${rs.col('_s', 'rs')} GROUP BY ${[rs.col('_s', 'role'), rs.col('_s', 'pkey'), ...slice.dimColumns('_s')].join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};

/**
 * Identified customers who interacted in the period: a valid order, a logged-in session, a
 * touchpoint, a support contact or a survey answer carrying their customer id. A split must
 * apply to every source (a customer attribute does; a sales channel does not reach touchpoints).
 */
export const interactingCustomersRecipe: Recipe = {
  name: 'interacting_customers',
  description:
    'distinct identified customers with an order, a session, a touchpoint, a support contact or a survey answer in the period',
  async compute(ctx) {
    refuseHourGrain(ctx, 'it counts customers over whole days');
    const rs = new RecipeSql(ctx);
    const ranges = answerRanges(ctx);
    const window = spanOf(ranges);
    const sources: readonly (readonly [string, string, string | null])[] = [
      ['orders', 'orders.customer_id', 'valid_order'],
      ['sessions', 'sessions.customer_id', null],
      ['touchpoints', 'touchpoints.customer_id', null],
      ['support_contacts', 'support_contacts.customer_id', null],
      ['surveys', 'surveys.customer_id', null],
    ];
    const parts = sources.map(([fact, customer, filter]) => {
      const slice = new FactSlice(rs, fact, { timeParts: true });
      const c = slice.text(customer);
      const where = [`${c} IS NOT NULL`, ...(filter ? [slice.text(filter)] : [])];
      return { slice, sql: slice.rows({ columns: { c }, window, where }) };
    });
    const branches = parts.map((p) => p.sql);
    // Every branch has the same split columns (d0…): read them through the first.
    const slice = (parts[0] as (typeof parts)[number]).slice;
    const pm = rs.periodMap(ranges);
    const sql = `SELECT ${[
      `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs(slice, '_u'),
      `count(DISTINCT ${rs.col('_u', 'c')}) AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM (${branches.join(' UNION ALL ')}) AS ${rs.id('_u')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_u', 'day')} GROUP BY ${[rs.col('_pm', 'role'), rs.col('_pm', 'pkey'), ...slice.dimColumns('_u')].join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};

/** Identified customers with at least `min_orders` valid orders in the period. */
export const customersWithOrdersRecipe: Recipe = {
  name: 'customers_with_orders',
  description:
    'distinct identified customers with at least `min_orders` valid orders in the period (in the same slice)',
  async compute(ctx) {
    refuseHourGrain(ctx, 'it counts customers over whole days');
    const min = intParam(ctx, 'min_orders', 1);
    const rs = new RecipeSql(ctx);
    const slice = new FactSlice(rs, 'orders', { timeParts: true });
    const ranges = answerRanges(ctx);
    const o = slice.text('orders.order_id');
    const rowsSql = customerOrders(slice, spanOf(ranges), { o });
    const pm = rs.periodMap(ranges);
    // Orders are counted distinct: a split by a product attribute repeats an order per line.
    const perCustomer = `SELECT ${[
      `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs(slice, '_s'),
      `${rs.col('_s', 'c')} AS ${rs.id('c')}`,
    ].join(
      ', ',
    )} FROM (${rowsSql}) AS ${rs.id('_s')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_s', 'day')} GROUP BY ${[rs.col('_pm', 'role'), rs.col('_pm', 'pkey'), ...slice.dimColumns('_s'), rs.col('_s', 'c')].join(', ')} HAVING count(DISTINCT ${rs.col('_s', 'o')}) >= ${rs.bind(min)}`;
    const sql = `SELECT ${selectRolePeriod(slice, '_g')}, count(*) AS ${rs.id('value')} FROM (${perCustomer}) AS ${rs.id('_g')}${groupByRolePeriod(slice, '_g')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};

/**
 * Of the customers with a valid order in P−1 (the previous period of the grain, or the range
 * of the same length before), the share with one in P.
 */
export const retentionRateRecipe: Recipe = {
  name: 'retention_rate',
  description:
    'share of the customers active in the previous period (same grain) who are active again in the period',
  async compute(ctx) {
    refuseHourGrain(ctx, 'it compares customers over whole periods');
    const rs = new RecipeSql(ctx);
    const ranges = answerRanges(ctx);
    const prevRanges = mapRanges(ranges, (r) => previousRange(ctx, r));
    const span = spanOf([...ranges, ...prevRanges]);
    const slice = new FactSlice(rs, 'orders', { noTimeParts: ACROSS_PERIODS, span });
    const rowsSql = customerOrders(slice, span);
    const before = activeSet(slice, rowsSql, prevRanges);
    const now = activeSet(slice, rowsSql, ranges);
    const on = [
      `${rs.col('_c', 'role')} = ${rs.col('_p', 'role')}`,
      `${rs.col('_c', 'pkey')} = ${rs.col('_p', 'pkey')}`,
      `${rs.col('_c', 'c')} = ${rs.col('_p', 'c')}`,
      ...slice.dimsMatch('_c', '_p'),
    ];
    const sql = `SELECT ${selectRolePeriod(slice, '_p')}, count(*) AS ${rs.id('base')}, count(${rs.col('_c', 'c')}) AS ${rs.id('retained')} FROM (${before}) AS ${rs.id('_p')} LEFT JOIN (${now}) AS ${rs.id('_c')} ON ${on.join(' AND ')}${groupByRolePeriod(slice, '_p')}`;
    return valuesFromRows(
      ctx,
      await rs.run(sql),
      (r) => {
        const base = toNumber(r['base']);
        const retained = toNumber(r['retained']);
        return base === null || base === 0 || retained === null ? null : retained / base;
      },
      null,
    );
  },
};

type CohortGrain = 'week' | 'month' | 'quarter';

/** The period `k` periods after `p` at its grain. */
function periodsAfter(ctx: RecipeContext, p: Period, k: number): Period {
  let out = p;
  for (let i = 0; i < k; i++) out = ctx.calendar.periodOf(out.end + 1, p.grain);
  return out;
}

interface CohortSetup {
  readonly rs: RecipeSql;
  readonly slice: FactSlice;
  readonly cohorts: readonly Period[];
  /** Customers, their cohort (first valid order) and the split: columns d0…, c, first_day. */
  readonly firstOrders: string;
  readonly cohortMap: string;
  /** Valid orders of identified customers over `window`. */
  orders(window: { start: number; end: number }): string;
  /** The last day with orders the caller may see (younger cohorts have no value yet). */
  readonly lastDay: string;
}

function cohortSetup(
  ctx: RecipeContext,
  ranges: readonly RoleRange[],
  maxAge: number,
): CohortSetup {
  refuseHourGrain(ctx, 'it groups customers by whole periods');
  const grain = enumParam<CohortGrain>(ctx, 'cohort_grain', ['week', 'month', 'quarter']);
  const rs = new RecipeSql(ctx);
  const span = spanOf(ranges);
  const cohorts = ctx.calendar.periodsBetween(span.start, span.end, grain);
  const last = cohorts[cohorts.length - 1];
  const readSpan = {
    start: span.start,
    end: last ? periodsAfter(ctx, last, maxAge).end : span.end,
  };
  const slice = new FactSlice(rs, 'orders', { noTimeParts: ACROSS_PERIODS, span: readSpan });
  const firstOrders = firstOrdersSql(slice);
  const cohortMap = rs.periodMap(
    cohorts.map((c) => ({ role: 'cohort', periodKey: c.key, start: c.start, end: c.end })),
  ).map;
  // Freshness of the data the caller may see: scopes only, not the request's split.
  const seen = new FactSlice(rs, 'orders', { request: false });
  const seenDay = seen.day();
  const lastDay = `(SELECT CAST(max(${seenDay}) AS VARCHAR) FROM ${seen.from()}${seen.where()})`;
  return {
    rs,
    slice,
    cohorts,
    firstOrders,
    cohortMap,
    orders: (window) => customerOrders(slice, window),
    lastDay,
  };
}

/**
 * Cohort retention: customers grouped by the period (`cohort_grain`) of their first valid
 * order; the KPI value of a period is the share of the customers whose first order falls in it
 * with a valid order in the `age`-th cohort period after their own — null until that period is
 * over in the data.
 */
export const cohortRetentionRecipe: Recipe = {
  name: 'cohort_retention',
  description:
    'share of the customers whose first order falls in the period who order again `age` cohort periods later',
  async compute(ctx) {
    const age = intParam(ctx, 'age', 0);
    const maxAge = intParam(ctx, 'max_age', 0);
    if (age > maxAge) {
      throw recipeError(ctx, 'RECIPE_PARAM', `age ${age} is beyond max_age ${maxAge}`);
    }
    const ranges = answerRanges(ctx);
    const setup = cohortSetup(ctx, ranges, age);
    const { rs, slice, cohorts } = setup;
    const targets = cohorts.map((c) => ({ cohort: c, target: periodsAfter(ctx, c, age) }));
    const targetRanges = targets.map((t) => ({
      role: 'target',
      periodKey: t.cohort.key,
      start: t.target.start,
      end: t.target.end,
    }));
    // First orders with their (role, period), then their cohort: one join per SELECT
    // (ClickHouse 18.16).
    const inPeriod = `SELECT ${[
      `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs(slice, '_f0'),
      `${rs.col('_f0', 'c')} AS ${rs.id('c')}`,
      `${rs.col('_f0', 'first_day')} AS ${rs.id('first_day')}`,
    ].join(
      ', ',
    )} FROM (${setup.firstOrders}) AS ${rs.id('_f0')} JOIN ${rs.periodMap(ranges).map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_f0', 'first_day')}`;
    const members = `SELECT ${[
      `${rs.col('_f', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_f', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs(slice, '_f'),
      `${rs.col('_f', 'c')} AS ${rs.id('c')}`,
      `${rs.col('_cm', 'pkey')} AS ${rs.id('cohort')}`,
    ].join(
      ', ',
    )} FROM (${inPeriod}) AS ${rs.id('_f')} JOIN ${setup.cohortMap} AS ${rs.id('_cm')} ON ${rs.col('_cm', 'day')} = ${rs.col('_f', 'first_day')}`;
    const retained =
      targetRanges.length === 0
        ? null
        : rs.distinct(
            `SELECT ${[
              `${rs.col('_tm', 'pkey')} AS ${rs.id('cohort')}`,
              ...dimsAs(slice, '_s'),
              `${rs.col('_s', 'c')} AS ${rs.id('c')}`,
            ].join(
              ', ',
            )} FROM (${setup.orders(spanOf(targetRanges))}) AS ${rs.id('_s')} JOIN ${rs.periodMap(targetRanges).map} AS ${rs.id('_tm')} ON ${rs.col('_tm', 'day')} = ${rs.col('_s', 'day')}`,
          );
    if (!retained) return valuesFromRows(ctx, [], () => null, null);
    const on = [
      `${rs.col('_k', 'cohort')} = ${rs.col('_m', 'cohort')}`,
      `${rs.col('_k', 'c')} = ${rs.col('_m', 'c')}`,
      ...slice.dimsMatch('_k', '_m'),
    ];
    const sql = `SELECT ${selectRolePeriod(slice, '_m')}, count(*) AS ${rs.id('customers')}, count(${rs.col('_k', 'c')}) AS ${rs.id('retained')}, ${setup.lastDay} AS ${rs.id('last_day')} FROM (${members}) AS ${rs.id('_m')} LEFT JOIN (${retained}) AS ${rs.id('_k')} ON ${on.join(' AND ')}${groupByRolePeriod(slice, '_m')}`;
    const rangeOf = new Map(ranges.map((r) => [JSON.stringify([r.role, r.periodKey]), r]));
    return valuesFromRows(
      ctx,
      await rs.run(sql),
      (row) => {
        const r = rangeOf.get(JSON.stringify([String(row['role']), String(row['pkey'])]));
        const lastDay = typeof row['last_day'] === 'string' ? parseIsoDate(row['last_day']) : null;
        // Every cohort of the range must have lived its age-th period to the end.
        const mature =
          r !== undefined &&
          lastDay !== null &&
          targets
            .filter((t) => t.cohort.start <= r.end && t.cohort.end >= r.start)
            .every((t) => t.target.end <= lastDay);
        const customers = toNumber(row['customers']);
        const kept = toNumber(row['retained']);
        if (!mature || customers === null || customers === 0 || kept === null) return null;
        return kept / customers;
      },
      null,
    );
  },
};

export interface CohortCell {
  readonly cohort: string;
  readonly cohortLabel: string;
  readonly cohortStart: number;
  /** Periods after the cohort's own (0 = the cohort period). */
  readonly k: number;
  readonly dims: Readonly<Record<string, string | number | null>>;
  readonly customers: number;
  readonly retained: number;
  /** retained / customers; null while the k-th period is not over in the data. */
  readonly rate: number | null;
}

/**
 * A recipe's context for the matrix, which is asked outside a query (the cohort view): its one
 * statement runs on the engine directly.
 */
export type CohortMatrixContext = Omit<RecipeContext, 'run' | 'needs'>;

/**
 * The whole retention matrix of a cohort_retention KPI over the request's range: per cohort
 * (first order in the range), split and age k = 0…max_age, its customers and those ordering in
 * the k-th period after. One statement.
 */
export async function cohortRetentionMatrix(given: CohortMatrixContext): Promise<CohortCell[]> {
  const planned = given.plan.kpis.find((k) => k.id === given.kpi.def.id);
  const ctx: RecipeContext = {
    ...given,
    needs:
      planned?.kind === 'recipe'
        ? planned.needs
        : { dependencies: [], dimensions: [], grain: null, compiled: {} },
    run: async (sql, params) => (await given.engine.run(sql, params)).rows,
  };
  const maxAge = intParam(ctx, 'max_age', 0);
  const current = ctx.plan.ranges.filter((r) => r.role === 'current');
  const setup = cohortSetup(ctx, current, maxAge);
  const { rs, slice, cohorts } = setup;
  if (cohorts.length === 0) return [];
  const targets: RoleRange[] = [];
  const targetEnd = new Map<string, number>();
  for (const c of cohorts) {
    for (let k = 0; k <= maxAge; k++) {
      const t = periodsAfter(ctx, c, k);
      targets.push({ role: String(k), periodKey: c.key, start: t.start, end: t.end });
      targetEnd.set(JSON.stringify([c.key, k]), t.end);
    }
  }
  const span = spanOf(current);
  const members = `SELECT ${[...dimsAs(slice, '_f'), `${rs.col('_f', 'c')} AS ${rs.id('c')}`, `${rs.col('_cm', 'pkey')} AS ${rs.id('cohort')}`].join(', ')} FROM (${setup.firstOrders}) AS ${rs.id('_f')} JOIN ${setup.cohortMap} AS ${rs.id('_cm')} ON ${rs.col('_cm', 'day')} = ${rs.col('_f', 'first_day')} WHERE ${rs.col('_f', 'first_day')} BETWEEN ${rs.date(span.start)} AND ${rs.date(span.end)}`;
  const retained = rs.distinct(
    `SELECT ${[
      `${rs.col('_tm', 'role')} AS ${rs.id('k')}`,
      `${rs.col('_tm', 'pkey')} AS ${rs.id('cohort')}`,
      ...dimsAs(slice, '_s'),
      `${rs.col('_s', 'c')} AS ${rs.id('c')}`,
    ].join(
      ', ',
    )} FROM (${setup.orders(spanOf(targets))}) AS ${rs.id('_s')} JOIN ${rs.periodMap(targets).map} AS ${rs.id('_tm')} ON ${rs.col('_tm', 'day')} = ${rs.col('_s', 'day')}`,
  );
  const dimsM = dimsAs(slice, '_m');
  const groupM = [rs.col('_m', 'cohort'), ...slice.dimColumns('_m')];
  const on = [
    `${rs.col('_k', 'cohort')} = ${rs.col('_m', 'cohort')}`,
    `${rs.col('_k', 'c')} = ${rs.col('_m', 'c')}`,
    ...slice.dimsMatch('_k', '_m'),
  ];
  const sizes = `SELECT ${[`${rs.col('_m', 'cohort')} AS ${rs.id('cohort')}`, `CAST(NULL AS VARCHAR) AS ${rs.id('k')}`, ...dimsM, `count(*) AS ${rs.id('n')}`].join(', ')} FROM (${members}) AS ${rs.id('_m')} GROUP BY ${groupM.join(', ')}`;
  const kept = `SELECT ${[`${rs.col('_m', 'cohort')} AS ${rs.id('cohort')}`, `${rs.col('_k', 'k')} AS ${rs.id('k')}`, ...dimsM, `count(*) AS ${rs.id('n')}`].join(', ')} FROM (${members}) AS ${rs.id('_m')} JOIN (${retained}) AS ${rs.id('_k')} ON ${on.join(' AND ')} GROUP BY ${[...groupM, rs.col('_k', 'k')].join(', ')}`;
  const sql = `SELECT *, ${setup.lastDay} AS ${rs.id('last_day')} FROM (${sizes} UNION ALL ${kept}) AS ${rs.id('_x')}`;
  const rows = await rs.run(sql);
  const byCohort = new Map(cohorts.map((c) => [c.key, c]));
  const sizeOf = new Map<string, number>();
  const keptOf = new Map<string, number>();
  let lastDay: number | null = null;
  const groups = new Map<string, Readonly<Record<string, string | number | null>>>();
  for (const row of rows) {
    const dims = rowDims(ctx.plan.dims, row);
    const g = JSON.stringify([String(row['cohort']), dims]);
    groups.set(g, dims);
    if (typeof row['last_day'] === 'string') lastDay = parseIsoDate(row['last_day']);
    const n = toNumber(row['n']) ?? 0;
    if (row['k'] === null || row['k'] === undefined) sizeOf.set(g, n);
    else keptOf.set(JSON.stringify([g, Number(row['k'])]), n);
  }
  const out: CohortCell[] = [];
  for (const [g, dims] of groups) {
    const cohortKey = JSON.parse(g)[0] as string;
    const c = byCohort.get(cohortKey);
    const customers = sizeOf.get(g) ?? 0;
    if (!c || customers === 0) continue;
    for (let k = 0; k <= maxAge; k++) {
      const retainedN = keptOf.get(JSON.stringify([g, k])) ?? 0;
      const end = targetEnd.get(JSON.stringify([c.key, k])) ?? Infinity;
      out.push({
        cohort: c.key,
        cohortLabel: c.label,
        cohortStart: c.start,
        k,
        dims,
        customers,
        retained: retainedN,
        rate: lastDay !== null && end <= lastDay ? retainedN / customers : null,
      });
    }
  }
  return out.sort((a, b) => a.cohortStart - b.cohortStart || a.k - b.k);
}
