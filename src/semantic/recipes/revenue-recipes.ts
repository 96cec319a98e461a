import type { JoinItem } from '../../backends/dialect.js';
import type { Recipe } from './recipe.js';
import { answerRanges, refuseHourGrain, spanOf } from './recipe-periods.js';
import { FactSlice, RecipeSql, toNumber, valuesFromRows } from './recipe-sql.js';

/**
 * Additive revenue recipes whose rows count on a day no fact declares: sales recognised when
 * the goods reach the customer, and market studies spread over the days they cover.
 */

/** Shipped orders are recognised on delivery; this is the fulfilment that ships. */
const SHIP = 'ship';

/**
 * Σ (quantity × list price − discount) × the order day's rate over the lines of valid orders,
 * on the local date of the last delivery of a shipped order (once every shipment of it is
 * delivered), on the order's local date otherwise.
 */
export const recognisedSalesRecipe: Recipe = {
  name: 'recognised_sales',
  description:
    'sales after discounts of valid orders, counted on the last delivery of shipped orders and on the order date of the others',
  async compute(ctx) {
    const rs = new RecipeSql(ctx);
    const ranges = answerRanges(ctx);
    const window = spanOf(ranges);
    const slice = new FactSlice(rs, 'sales_lines', { timeParts: true, hourPart: true });
    const valid = slice.text('valid_order');
    const value = slice.text(
      '(order_lines.quantity * order_lines.unit_list_price - order_lines.discount_amount) * fact.fx',
    );
    const fulfilment = slice.text('orders.fulfilment');
    const orderedAt = slice.text('orders.ordered_at');
    const orderId = slice.text('orders.order_id');
    const dl = (c: string) => rs.col('_dl', c);
    const shipOrder = rs.model('shipments.order_id');
    const deliveredAt = rs.model('shipments.delivered_at');
    const deliveries: JoinItem = {
      relation: `(SELECT ${shipOrder} AS ${rs.id('order_id')}, count(*) AS ${rs.id('n')}, count(${deliveredAt}) AS ${rs.id('delivered')}, max(${deliveredAt}) AS ${rs.id('last_at')} FROM ${rs.id('shipments')} AS ${rs.id('shipments')} GROUP BY ${shipOrder})`,
      alias: '_dl',
      columns: ['order_id', 'n', 'delivered', 'last_at'],
      join: { kind: 'LEFT JOIN', on: `${orderId} = ${dl('order_id')}` },
    };
    // No shipment, or one not delivered yet: not recognised (NULL instant, no day).
    const instant = `(CASE WHEN ${fulfilment} = ${rs.bind(SHIP)} THEN (CASE WHEN ${dl('n')} = ${dl('delivered')} THEN ${dl('last_at')} END) ELSE ${orderedAt} END)`;
    const day = rs.localDate(instant);
    const hourly = ctx.plan.grain === 'hour' || ctx.plan.dims.some((x) => x.timePart === 'hour');
    const hour = hourly ? rs.localHour(instant) : undefined;
    const rowsSql = slice.rows({
      columns: { v: value },
      day,
      ...(hour ? { hour } : {}),
      window,
      where: [valid],
      join: deliveries,
    });
    const pm = rs.periodMap(ranges);
    const hr = ctx.plan.grain === 'hour' ? rs.col('_s', 'hr') : null;
    const group = [
      rs.col('_pm', 'role'),
      rs.col('_pm', 'pkey'),
      ...(hr ? [hr] : []),
      ...slice.dimColumns('_s'),
    ];
    const sql = `SELECT ${[
      `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
      `${hr ?? 'NULL'} AS ${rs.id('hr')}`,
      ...slice.dims.map((x) => `${rs.col('_s', x.dim.column)} AS ${rs.id(x.dim.column)}`),
      `${rs.d.toDouble(`sum(${rs.col('_s', 'v')})`)} AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM (${rowsSql}) AS ${rs.id('_s')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${rs.col('_pm', 'day')} = ${rs.col('_s', 'day')} GROUP BY ${group.join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};

/**
 * Market size prorated: each market study spreads its market sales evenly over the days from
 * its period_start to its period_end; a period sums the days it holds, by region and category.
 */
export const marketSizeProratedRecipe: Recipe = {
  name: 'market_size_prorated',
  description:
    'market sales of the market studies overlapping the period, prorated by the days of each study inside it',
  async compute(ctx) {
    refuseHourGrain(ctx, 'market studies cover whole days');
    const rs = new RecipeSql(ctx);
    const ranges = answerRanges(ctx);
    const slice = new FactSlice(rs, 'market_size', { timeParts: true });
    const start = slice.text('market_size.period_start');
    const end = slice.text('market_size.period_end');
    const sales = slice.text('market_size.market_sales');
    const day = rs.col('_pm', 'day');
    const perDay = `${rs.d.toDouble(sales)} / (${rs.d.daysBetween(start, end)} + 1)`;
    const pm = rs.periodMap(ranges);
    const inPeriod = rs.innerJoinOn(
      `${pm.map} AS ${rs.id('_pm')}`,
      `${day} BETWEEN ${start} AND ${end}`,
    );
    const inner = `SELECT ${[
      `${rs.col('_pm', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_pm', 'pkey')} AS ${rs.id('pkey')}`,
      ...slice.dimSelect(day),
      `${perDay} AS ${rs.id('v')}`,
    ].join(', ')} FROM ${slice.from()}${inPeriod.join}${slice.where(...inPeriod.where)}`;
    const sql = `SELECT ${[
      `${rs.col('_s', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_s', 'pkey')} AS ${rs.id('pkey')}`,
      ...slice.dims.map((x) => `${rs.col('_s', x.dim.column)} AS ${rs.id(x.dim.column)}`),
      `sum(${rs.col('_s', 'v')}) AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM (${inner}) AS ${rs.id('_s')} GROUP BY ${[rs.col('_s', 'role'), rs.col('_s', 'pkey'), ...slice.dimColumns('_s')].join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};
