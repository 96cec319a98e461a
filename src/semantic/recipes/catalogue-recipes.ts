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
    const dims = slice.dimValues();
    const sellable = [
      // A fitment to a SKU missing from the catalogue covers nothing.
      `${sku} IS NOT NULL`,
      `(${launched} IS NULL OR ${launched} <= ${end})`,
      `(${discontinued} IS NULL OR ${discontinued} > ${end})`,
    ];
    const pr = rs.periodMap(ranges);
    const sql = `SELECT ${[
      `${rs.col('_r', 'role')} AS ${rs.id('role')}`,
      `${rs.col('_r', 'pkey')} AS ${rs.id('pkey')}`,
      ...slice.dimSelect(),
      `count(DISTINCT ${key}) AS ${rs.id('value')}`,
    ].join(
      ', ',
    )} FROM ${slice.from()} CROSS JOIN ${pr.ranges}${slice.where(...sellable)} GROUP BY ${[rs.col('_r', 'role'), rs.col('_r', 'pkey'), ...dims].join(', ')}`;
    return valuesFromRows(ctx, await rs.run(sql), (r) => toNumber(r['value']), 0);
  },
};
