import type { Recipe } from './recipe.js';
import { intParam } from './recipe-params.js';
import { answerRanges, refuseHourGrain, spanOf } from './recipe-periods.js';
import { FactSlice, RecipeSql, toNumber, valuesFromRows } from './recipe-sql.js';

/**
 * Replenishment signal: at the last snapshot day D of each period, the SKU × location pairs
 * whose sellable stock is below (supplier lead time + safety_days) × the pair's average daily
 * units sold over the demand_days days before D (D − demand_days … D − 1). A SKU without a
 * supplier lead time counts its safety days only. Pairs without sales in the window have no
 * rate and are never signalled.
 */
export const reorderSignalRecipe: Recipe = {
  name: 'reorder_signal',
  description:
    'SKU × location pairs whose sellable stock at the last snapshot of the period covers less than lead time + safety days of recent sales',
  async compute(ctx) {
    refuseHourGrain(ctx, 'stock is read at the end of a day');
    const safety = intParam(ctx, 'safety_days', 0);
    const demand = intParam(ctx, 'demand_days', 1);
    const rs = new RecipeSql(ctx);
    const ranges = answerRanges(ctx);
    const span = spanOf(ranges);
    const c = (a: string, col: string) => rs.col(a, col);

    const stock = new FactSlice(rs, 'inventory', {
      noTimeParts: 'it counts pairs at the last snapshot of each period',
    });
    const pairs = stock.rows({
      columns: {
        loc: stock.text('inventory_snapshots.location_id'),
        sku: stock.text('inventory_snapshots.sku'),
        sellable: stock.text('fact.sellable'),
        lead: stock.text('coalesce(suppliers.lead_time_days, 0)'),
      },
      window: span,
    });
    // The last day with snapshots (in the slice) of each role and period, as for closing stock.
    const pm = rs.periodMap(ranges);
    const lastDay = `SELECT ${c('_pm', 'role')} AS ${rs.id('role')}, ${c('_pm', 'pkey')} AS ${rs.id('pkey')}, max(${c('_d', 'day')}) AS ${rs.id('day')} FROM (SELECT DISTINCT ${c('_p0', 'day')} AS ${rs.id('day')} FROM (${pairs}) AS ${rs.id('_p0')}) AS ${rs.id('_d')} JOIN ${pm.map} AS ${rs.id('_pm')} ON ${c('_pm', 'day')} = ${c('_d', 'day')} GROUP BY ${c('_pm', 'role')}, ${c('_pm', 'pkey')}`;

    // Units sold per location, SKU and day; the pair's own demand, whatever the split (scopes
    // still apply).
    const sales = new FactSlice(rs, 'sales_lines', { request: false });
    const sold = sales.rows({
      columns: {
        loc: sales.text('orders.location_id'),
        sku: sales.text('order_lines.sku'),
        qty: sales.text('order_lines.quantity'),
      },
      window: { start: span.start - demand, end: span.end },
      where: [sales.text('valid_order')],
    });
    const from = rs.d.addDays(c('_ld2', 'day'), rs.bind(-demand));
    const to = rs.d.addDays(c('_ld2', 'day'), rs.bind(-1));
    const before = rs.innerJoinOn(
      `(${lastDay}) AS ${rs.id('_ld2')}`,
      `${c('_y', 'day')} >= ${from} AND ${c('_y', 'day')} <= ${to}`,
    );
    const rate = `SELECT ${c('_ld2', 'role')} AS ${rs.id('role')}, ${c('_ld2', 'pkey')} AS ${rs.id('pkey')}, ${c('_y', 'loc')} AS ${rs.id('loc')}, ${c('_y', 'sku')} AS ${rs.id('sku')}, sum(${c('_y', 'qty')}) AS ${rs.id('units')} FROM (${sold}) AS ${rs.id('_y')}${before.join}${before.where.length ? ` WHERE ${before.where.join(' AND ')}` : ''} GROUP BY ${c('_ld2', 'role')}, ${c('_ld2', 'pkey')}, ${c('_y', 'loc')}, ${c('_y', 'sku')}`;

    const below = `${rs.d.toDouble(c('_x', 'sellable'))} < (${c('_x', 'lead')} + ${rs.bind(safety)}) * ${rs.d.toDouble(c('_dm', 'units'))} / ${rs.bind(demand)}`;
    // Pairs at their period's last day first, then their demand: one join per SELECT
    // (ClickHouse 18.16).
    const atLast = `SELECT ${[
      `${c('_ld', 'role')} AS ${rs.id('role')}`,
      `${c('_ld', 'pkey')} AS ${rs.id('pkey')}`,
      ...['loc', 'sku', 'sellable', 'lead'].map((k) => `${c('_x0', k)} AS ${rs.id(k)}`),
      ...stock.dims.map((x) => `${c('_x0', x.dim.column)} AS ${rs.id(x.dim.column)}`),
    ].join(
      ', ',
    )} FROM (${pairs}) AS ${rs.id('_x0')} JOIN (${lastDay}) AS ${rs.id('_ld')} ON ${c('_ld', 'day')} = ${c('_x0', 'day')}`;
    const sql = `SELECT ${[
      `${c('_x', 'role')} AS ${rs.id('role')}`,
      `${c('_x', 'pkey')} AS ${rs.id('pkey')}`,
      ...stock.dims.map((x) => `${c('_x', x.dim.column)} AS ${rs.id(x.dim.column)}`),
      `count(*) AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM (${atLast}) AS ${rs.id('_x')} JOIN (${rate}) AS ${rs.id('_dm')} ON ${c('_dm', 'role')} = ${c('_x', 'role')} AND ${c('_dm', 'pkey')} = ${c('_x', 'pkey')} AND ${c('_dm', 'loc')} = ${c('_x', 'loc')} AND ${c('_dm', 'sku')} = ${c('_x', 'sku')} WHERE ${below} GROUP BY ${[c('_x', 'role'), c('_x', 'pkey'), ...stock.dimColumns('_x')].join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};
