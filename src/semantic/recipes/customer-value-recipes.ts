import type { Row } from '../../backends/engine.js';
import type { RoleRange } from '../plan/query-plan.js';
import type { Recipe, RecipeValue } from './recipe.js';
import { compileKpiSubPlan, firstDataDay } from './kpi-sub-plan.js';
import { intParam, stringParam } from './recipe-params.js';
import {
  answerRanges,
  mapRanges,
  refuseHourGrain,
  spanOf,
  yearEarlierRange,
} from './recipe-periods.js';
import { firstOrdersSql } from './customer-set-recipes.js';
import { FactSlice, RecipeSql, rowDims, toNumber, withEmptyPeriods } from './recipe-sql.js';

/**
 * Recipes over a value KPI attributed to customers (historical CLV, net revenue retention).
 * The KPI is compiled by the ordinary compiler with one more split column, the customer of each
 * row (sales through the order's customer, returns through the customer of the returned
 * order), and wrapped in one statement with the set of customers it is measured on. Splits and
 * filters restrict both the KPI and the customer set, as for the other customer recipes.
 */

const ACROSS_PERIODS = 'it follows customers across periods; use --grain instead';

const kpiDependency = (p: Readonly<Record<string, unknown>>): string[] =>
  typeof p['kpi'] === 'string' ? [p['kpi']] : [];

/**
 * Net revenue retention: C = the customers with a valid order in the same period one year
 * earlier; kpi(P) of C / kpi(P one year earlier) of C.
 */
export const nrrRecipe: Recipe = {
  name: 'nrr',
  description:
    'the KPI named by `kpi` in the period from the customers active a year earlier, over their value a year earlier',
  dependencies: kpiDependency,
  compiles: kpiDependency,
  async compute(ctx) {
    refuseHourGrain(ctx, 'it follows customers over whole periods');
    const kpi = stringParam(ctx, 'kpi');
    const ranges = answerRanges(ctx);
    const earlier = (r: RoleRange) => yearEarlierRange(ctx, r);
    // Numerator (n|) and denominator (d|) of each (role, period) are periods of one statement.
    const num = (r: RoleRange) => `n|${r.periodKey}`;
    const den = (r: RoleRange) => `d|${r.periodKey}`;
    const valueRanges = [...mapRanges(ranges, (r) => r, num), ...mapRanges(ranges, earlier, den)];
    // C, for both parts: the customers active a year earlier.
    const setRanges = [...mapRanges(ranges, earlier, num), ...mapRanges(ranges, earlier, den)];
    const rs = new RecipeSql(ctx);
    const sub = compileKpiSubPlan(rs, kpi, valueRanges, {
      attribution: 'customer',
      additiveOnly: true,
    });
    const slice = new FactSlice(rs, 'orders', {
      noTimeParts: ACROSS_PERIODS,
      span: spanOf(valueRanges),
    });
    const c = slice.text('orders.customer_id');
    const valid = slice.text('valid_order');
    const active = slice.rows({
      columns: { c },
      window: spanOf(setRanges),
      where: [valid, `${c} IS NOT NULL`],
    });
    const pm = rs.periodMap(setRanges);
    const dimsAs = (alias: string) =>
      slice.dims.map((x) => `${rs.col(alias, x.dim.column)} AS ${rs.id(x.dim.column)}`);
    const customers = rs.distinct(
      `SELECT ${[
        `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
        `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
        ...dimsAs('_s'),
        `${rs.col('_s', 'c')} AS ${rs.id('c')}`,
      ].join(
        ', ',
      )} FROM (${active}) AS ${rs.id('_s')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_s', 'day')}`,
    );
    const on = [
      `${rs.col('_a', 'role')} = ${rs.col('_k', 'role')}`,
      `${rs.col('_a', 'pkey')} = ${rs.col('_k', 'pkey')}`,
      `${rs.col('_a', 'c')} = ${rs.col('_k', sub.attributionColumn as string)}`,
      ...slice.dimsMatch('_a', '_k'),
    ];
    const sql = `SELECT ${[
      `${rs.col('_k', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_k', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs('_k'),
      ...sub.measureColumns.map((m) => `sum(${rs.col('_k', m)}) AS ${rs.id(m)}`),
    ].join(
      ', ',
    )} FROM (${sub.sql}) AS ${rs.id('_k')} JOIN (${customers}) AS ${rs.id('_a')} ON ${on.join(' AND ')} GROUP BY ${[rs.col('_k', 'role'), rs.col('_k', 'pkey'), ...slice.dimColumns('_k')].join(', ')}`;
    const parts = new Map<string, { num?: Row; den?: Row; row: Row }>();
    for (const row of await rs.run(sql)) {
      const pkey = String(row['pkey']);
      const key = JSON.stringify([String(row['role']), pkey.slice(2), rowDims(ctx.plan.dims, row)]);
      const entry = parts.get(key) ?? { row };
      if (pkey.startsWith('n|')) entry.num = row;
      else entry.den = row;
      parts.set(key, entry);
    }
    // The same few days a year apart rarely hold a customer's purchases twice: below min_days a
    // period's NRR reads as churn that is not there (7 % on 6 days), so it is not answered.
    const minDays = ctx.params['min_days'] === undefined ? 0 : intParam(ctx, 'min_days', 1);
    const short = new Set<string>();
    for (const r of ranges) {
      if (r.end - r.start + 1 < minDays) short.add(`${r.role}|${r.periodKey}`);
    }
    const values: RecipeValue[] = [];
    for (const [key, p] of parts) {
      if (!p.den) continue;
      const [role, periodKey] = JSON.parse(key) as [string, string];
      const before = sub.value(p.den);
      const now = sub.value(p.num);
      values.push({
        role,
        periodKey,
        hour: null,
        dims: rowDims(ctx.plan.dims, p.row),
        value:
          before === null || before === 0 || now === null || short.has(`${role}|${periodKey}`)
            ? null
            : now / before,
      });
    }
    if (short.size > 0) {
      ctx.warn(
        `KPI ${ctx.kpi.def.id}: not enough data for ${short.size} period(s) shorter than ${minDays} days; their value is null (ask for a longer period or a coarser grain)`,
      );
    }
    return withEmptyPeriods(ctx, values, null);
  },
};

/**
 * Historical CLV: the KPI attributed to identified customers from the first day with data to
 * the period end, over the customers whose first valid order is on or before the period end.
 */
export const clvHistoricalRecipe: Recipe = {
  name: 'clv_historical',
  description:
    'the KPI named by `kpi` accumulated by identified customers since the data begin, per customer with a first order by the period end',
  dependencies: kpiDependency,
  compiles: kpiDependency,
  async compute(ctx) {
    refuseHourGrain(ctx, 'it accumulates whole days');
    const kpi = stringParam(ctx, 'kpi');
    const first = await firstDataDay(ctx, kpi);
    const ranges = mapRanges(answerRanges(ctx), (r) => ({
      start: Math.min(first ?? r.end, r.end),
      end: r.end,
    }));
    const rs = new RecipeSql(ctx);
    const sub = compileKpiSubPlan(rs, kpi, ranges, {
      attribution: 'identified',
      additiveOnly: true,
    });
    const slice = new FactSlice(rs, 'orders', {
      noTimeParts: ACROSS_PERIODS,
      span: spanOf(ranges),
    });
    const dimsAs = (alias: string) =>
      slice.dims.map((x) => `${rs.col(alias, x.dim.column)} AS ${rs.id(x.dim.column)}`);
    const firstOrders = firstOrdersSql(slice);
    const pr = rs.periodMap(ranges);
    const upTo = rs.innerJoinOn(pr.ranges, `${rs.col('_f', 'first_day')} <= ${rs.col('_r', 're')}`);
    const customers = `SELECT ${[
      `${rs.col('_r', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_r', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs('_f'),
      `count(*) AS ${rs.id('n')}`,
    ].join(
      ', ',
    )} FROM (${firstOrders}) AS ${rs.id('_f')}${upTo.join}${upTo.where.length ? ` WHERE ${upTo.where.join(' AND ')}` : ''} GROUP BY ${[rs.col('_r', 'role'), rs.col('_r', 'pkey'), ...slice.dimColumns('_f')].join(', ')}`;
    const nul = rs.d.nullDouble();
    const valueBranch = `SELECT ${[
      `${rs.col('_k', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_k', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs('_k'),
      ...sub.measureColumns.map((m) => `${rs.col('_k', m)} AS ${rs.id(m)}`),
      `${nul} AS ${rs.id('customers')}`,
    ].join(
      ', ',
    )} FROM (${sub.sql}) AS ${rs.id('_k')} WHERE ${rs.col('_k', sub.attributionColumn as string)} = ${rs.d.literal(true)}`;
    const customerBranch = `SELECT ${[
      `${rs.col('_c', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_c', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs('_c'),
      ...sub.measureColumns.map((m) => `${nul} AS ${rs.id(m)}`),
      `${rs.d.toDouble(rs.col('_c', 'n'))} AS ${rs.id('customers')}`,
    ].join(', ')} FROM (${customers}) AS ${rs.id('_c')}`;
    const sql = `SELECT ${[
      `${rs.col('_u', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_u', 'pkey')} AS ${rs.id('pkey')}`,
      ...dimsAs('_u'),
      ...[...sub.measureColumns, 'customers'].map((m) => `max(${rs.col('_u', m)}) AS ${rs.id(m)}`),
    ].join(
      ', ',
    )} FROM (${valueBranch} UNION ALL ${customerBranch}) AS ${rs.id('_u')} GROUP BY ${[rs.col('_u', 'role'), rs.col('_u', 'pkey'), ...slice.dimColumns('_u')].join(', ')}`;
    const values = (await rs.run(sql)).map((row) => {
      const n = toNumber(row['customers']);
      const total = sub.value(row);
      return {
        role: String(row['role']),
        periodKey: String(row['pkey']),
        hour: null,
        dims: rowDims(ctx.plan.dims, row),
        value: n === null || n === 0 || total === null ? null : total / n,
      };
    });
    return withEmptyPeriods(ctx, values, null);
  },
};
