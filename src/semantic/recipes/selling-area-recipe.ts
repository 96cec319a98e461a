import { lflConditionSql, parseModelExpression } from '../compiler/sql-compiler.js';
import { collectRefs } from '../expression/expression-ast.js';
import { getDimension } from '../facts/fact-resolver.js';
import { dimValue } from '../query/kpi-values.js';
import type { Recipe } from './recipe.js';
import { stringParam } from './recipe-params.js';
import { spanOf } from './recipe-periods.js';
import { RecipeSql, toNumber } from './recipe-sql.js';
import { baseRequest, periodOfRow, roleValue, valuesOf } from './sub-query-values.js';

/** The kind of location whose selling area counts. */
const STORE = 'store';

/** The expression of a dimension that is an attribute of a location (region, store type…). */
function locationAttribute(id: string): string | null {
  const dim = getDimension(id);
  if (!dim.expr || dim.timePart) return null;
  const tables = collectRefs(parseModelExpression(dim.expr)).map((r) => r.table);
  return tables.length > 0 && tables.every((t) => t === 'locations') ? dim.expr : null;
}

/**
 * A KPI per square metre of selling area: the KPI on store rows over the area of the stores of
 * the slice open at least one day of the period. Splits and filters by a location attribute
 * (location, region, store type, country) restrict both terms; other splits (category,
 * weekday…) split the sales over the same area, so their rows add up to the whole.
 */
export const perSellingAreaRecipe: Recipe = {
  name: 'per_selling_area',
  description:
    'the KPI named by `kpi` on store rows, divided by the selling area of the stores of the slice open during the period',
  dependencies: (p) => (typeof p['kpi'] === 'string' ? [p['kpi']] : []),
  async compute(ctx) {
    const kpi = stringParam(ctx, 'kpi');
    const rs = new RecipeSql(ctx);
    const q = (t: string, c: string) => rs.col(t, c);
    const kind = rs.model('locations.kind');
    const area = rs.model('locations.selling_area_sqm');
    const storeCond = [`${kind} = ${rs.bind(STORE)}`, `${area} IS NOT NULL`];

    // Stores with an area; the KPI is restricted to them through the semantic layer, so it
    // keeps its own definition (returns at the store that received them…).
    const storeRs = new RecipeSql(ctx);
    const stores = (
      await storeRs.run(
        `SELECT ${storeRs.model('locations.location_id')} AS ${storeRs.id('id')} FROM ${storeRs.id('locations')} AS ${storeRs.id('locations')} WHERE ${storeRs.model('locations.kind')} = ${storeRs.bind(STORE)} AND ${storeRs.model('locations.selling_area_sqm')} IS NOT NULL`,
      )
    ).map((r) => String(r['id']));
    const askedLocations = ctx.request.where?.['location'];
    const where = {
      ...(ctx.request.where ?? {}),
      location: askedLocations ? stores.filter((s) => askedLocations.includes(s)) : stores,
    };
    const res = await ctx.subQuery({ ...baseRequest(ctx, [kpi]), where });

    // Areas by (role, period, location attributes of the split), in one statement.
    const locDims = ctx.plan.dims
      .map((x) => ({ x, expr: locationAttribute(x.id) }))
      .filter((d): d is { x: (typeof ctx.plan.dims)[number]; expr: string } => d.expr !== null);
    const conds = [...storeCond];
    const restrict = (filters: Readonly<Record<string, readonly string[]>>) => {
      for (const [dimId, values] of Object.entries(filters)) {
        const expr = locationAttribute(dimId);
        if (!expr) continue;
        conds.push(
          values.length === 0
            ? rs.d.literal(false)
            : `${rs.model(expr)} IN (${values.map((v) => rs.bind(v)).join(', ')})`,
        );
      }
    };
    restrict(ctx.request.where ?? {});
    restrict(ctx.scopes);
    if (ctx.request.lfl) {
      const span = spanOf(ctx.plan.ranges);
      conds.push(
        lflConditionSql(
          rs.model('locations.location_id'),
          { openedBy: span.start, openUntil: span.end },
          rs.params,
          rs.d,
        ),
      );
    }
    const pm = rs.periodMap(ctx.plan.ranges);
    const opened = rs.model('locations.opened_on');
    const closed = rs.model('locations.closed_on');
    // A store without an opening date is taken as open before the data begin.
    const open = `(${opened} IS NULL OR ${opened} <= ${q('_r', 're')}) AND (${closed} IS NULL OR ${closed} >= ${q('_r', 'rs')})`;
    const dimSql = locDims.map((d) => rs.model(d.expr));
    const during = rs.innerJoinOn(pm.ranges, open);
    const sql = `SELECT ${q('_r', 'role')} AS ${rs.id('role')}, ${q('_r', 'pkey')} AS ${rs.id('pkey')}, ${locDims
      .map((d, i) => `${dimSql[i] as string} AS ${rs.id(d.x.column)}`)
      .concat(`sum(${area}) AS ${rs.id('area')}`)
      .join(
        ', ',
      )} FROM ${rs.id('locations')} AS ${rs.id('locations')}${during.join} WHERE ${[...conds, ...during.where].join(' AND ')} GROUP BY ${[q('_r', 'role'), q('_r', 'pkey'), ...dimSql].join(', ')}`;
    const areas = new Map<string, number | null>();
    const areaKey = (role: string, pkey: string, values: readonly unknown[]) =>
      JSON.stringify([role, pkey, ...values]);
    for (const row of await rs.run(sql)) {
      const key = areaKey(
        String(row['role']),
        String(row['pkey']),
        locDims.map((d) => dimValue(row[d.x.column])),
      );
      areas.set(key, toNumber(row['area']));
    }
    return valuesOf(ctx, res, (row, role) => {
      const v = roleValue(row, kpi, role);
      const a = areas.get(
        areaKey(
          role,
          periodOfRow(ctx, row).periodKey,
          locDims.map((d) => row.dims[d.x.id] ?? null),
        ),
      );
      return v === null || a === undefined || a === null || a === 0 ? null : v / a;
    });
  },
};
