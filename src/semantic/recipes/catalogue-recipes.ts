import type { Recipe } from './recipe.js';
import { answerRanges, refuseHourGrain } from './recipe-periods.js';
import { FactSlice, RecipeSql, toNumber, valuesFromRows } from './recipe-sql.js';

/**
 * Keys of the target range covered at the end of each period by at least one sellable product
 * (launched_on empty or on or before the end, discontinued_on empty or after it). A measure
 * cannot say it: products are one-to-many from range_targets, and the state is read at a date.
 */
export const coveredRangeKeysRecipe: Recipe = {
  name: 'covered_range_keys',
  description:
    'distinct range keys with a fitting product sellable at the end of the period (launched, not discontinued)',
  async compute(ctx) {
    refuseHourGrain(ctx, 'it reads the catalogue at the end of each period');
    const rs = new RecipeSql(ctx);
    const ranges = answerRanges(ctx);
    const slice = new FactSlice(rs, 'range_coverage', {
      noTimeParts: 'it reads the catalogue at the end of each period',
    });
    const key = slice.text('range_targets.range_key');
    const sku = slice.text('products.sku');
    const launched = slice.text('products.launched_on');
    const discontinued = slice.text('products.discontinued_on');
    const end = rs.col('_r', 're');
    const x = (c: string) => rs.col('_x', c);
    // The slice's rows first, then each range: one join per SELECT (ClickHouse 18.16).
    // A fitment to a SKU missing from the catalogue covers nothing.
    const rows = `SELECT ${[
      `${key} AS ${rs.id('k')}`,
      `${launched} AS ${rs.id('launched')}`,
      `${discontinued} AS ${rs.id('discontinued')}`,
      ...slice.dimSelect(),
    ].join(', ')} FROM ${slice.from()}${slice.where(`${sku} IS NOT NULL`)}`;
    const sellable = [
      `(${x('launched')} IS NULL OR ${x('launched')} <= ${end})`,
      `(${x('discontinued')} IS NULL OR ${x('discontinued')} > ${end})`,
    ];
    const pr = rs.periodMap(ranges);
    const dims = slice.dimColumns('_x');
    const sql = `SELECT ${[
      `${rs.col('_r', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_r', 'pkey')} AS ${rs.id('pkey')}`,
      ...slice.dims.map((d, i) => `${dims[i] as string} AS ${rs.id(d.dim.column)}`),
      `count(DISTINCT ${x('k')}) AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM (${rows}) AS ${rs.id('_x')} CROSS JOIN ${pr.ranges} WHERE ${sellable.join(' AND ')} GROUP BY ${[rs.col('_r', 'role'), rs.col('_r', 'pkey'), ...dims].join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};
