import { isoDate, MS_PER_DAY } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { getTable } from '../../model/model.js';
import type { Dialect, JoinItem, SqlValue } from '../../backends/dialect.js';
import type { Expr } from '../expression/expression-ast.js';
import { collectRefs } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { JoinDef } from '../facts/fact-types.js';
import { joinName } from '../facts/fact-types.js';
import {
  fanOutTables,
  getDerivedRelation,
  joinCondition,
  requiredJoins,
} from '../facts/fact-resolver.js';
import type {
  BaseMeasure,
  PlannedDimension,
  QueryPlan,
  RoleRange,
  Scan,
} from '../plan/query-plan.js';
import type { ExpressionContext } from './expression-sql.js';
import { expressionSql } from './expression-sql.js';

/**
 * Compiles a query plan into one SQL statement: one branch per scan (all measures of a fact at
 * one time role in a single pass), UNION ALL, regrouped by (role, period, dimensions). Comparison
 * periods are roles of the same statement, joined through a day → (role, period) map.
 *
 * Fan-out safety: a scan whose dimensions or filters need a one-to-many join (orders split by a
 * product attribute) first selects the DISTINCT fact keys with those dimension values, then
 * joins the fact back: each fact row counts once per segment, never once per matching line.
 */

export interface CompileOptions {
  readonly dialect: Dialect;
  readonly timeZone: string;
  readonly reportingCurrency: string;
  /**
   * Bound parameters shared with an enclosing statement (a recipe wrapping the compiled SQL in
   * its own), so that placeholders are numbered once; a fresh list by default.
   */
  readonly params?: BoundParams;
}

export interface CompiledQuery {
  readonly sql: string;
  readonly params: readonly SqlValue[];
  /** Output column of each base measure, by KPI id. */
  readonly measureColumns: ReadonlyMap<string, string>;
}

/** The bound parameters of one statement: each distinct value once, numbered in order. */
export class BoundParams {
  readonly values: SqlValue[] = [];
  private readonly index = new Map<string, string>();
  constructor(private readonly dialect: Dialect) {}

  add(value: SqlValue): string {
    const key = `${typeof value}:${String(value)}`;
    let ph = this.index.get(key);
    if (!ph) {
      this.values.push(value);
      ph = this.dialect.param(this.values.length);
      this.index.set(key, ph);
    }
    return ph;
  }
}

const DECOMPOSABLE = new Set(['sum', 'count', 'min', 'max', 'avg', 'last', 'avg_daily']);

export interface PeriodMapSql {
  /** The ranges as a relation `_r(role, pkey, rs, re)`: one row per range, dates bound. */
  readonly ranges: string;
  /** One row per (role, period, day) of the ranges: columns role, pkey, rs, re, day. */
  readonly map: string;
  /** The distinct (role, pkey) pairs. */
  readonly rolePeriods: string;
}

/**
 * The day → (role, period) map of a statement, from a few ranges expanded in SQL. Every scan of
 * the compiler joins it, and so do recipes that write their own SQL, so that comparison periods
 * are roles of one statement everywhere.
 */
export function periodMapSql(
  ranges: readonly RoleRange[],
  params: BoundParams,
  d: Dialect,
): PeriodMapSql {
  const q = (s: string) => d.quoteIdentifier(s);
  const r = q('_r');
  const rows = ranges.map((x) => [
    params.add(x.role),
    params.add(x.periodKey),
    d.dateParam(params.add(isoDate(x.start))),
    d.dateParam(params.add(isoDate(x.end))),
  ]);
  const rangesSql = d.valuesRelation(rows, [q('role'), q('pkey'), q('rs'), q('re')], r);
  return {
    ranges: rangesSql,
    map: `(SELECT ${r}.${q('role')}, ${r}.${q('pkey')}, ${r}.${q('rs')}, ${r}.${q('re')}, ${d.daySeries(`${r}.${q('rs')}`, `${r}.${q('re')}`)} AS ${q('day')} FROM ${rangesSql})`,
    rolePeriods: `(SELECT DISTINCT ${r}.${q('role')}, ${r}.${q('pkey')} FROM ${rangesSql})`,
  };
}

/**
 * The like-for-like restriction of a fact's location: locations opened on or before `openedBy`
 * and not closed before `openUntil`.
 */
export function lflConditionSql(
  locationSql: string,
  lfl: { readonly openedBy: number; readonly openUntil: number },
  params: BoundParams,
  d: Dialect,
): string {
  const q = (s: string) => d.quoteIdentifier(s);
  return `${locationSql} IN (SELECT ${q('location_id')} FROM ${q('locations')} WHERE ${q('opened_on')} <= ${d.dateParam(params.add(isoDate(lfl.openedBy)))} AND (${q('closed_on')} IS NULL OR ${q('closed_on')} >= ${d.dateParam(params.add(isoDate(lfl.openUntil)))}))`;
}

/** The columns of a model table or derived relation, for dialects that carry them by name. */
function relationColumns(name: string): string[] {
  const rel = getDerivedRelation(name);
  if (rel) return [...Object.keys(rel.groupBy), ...Object.keys(rel.aggregates)];
  return getTable(name).columns.map((c) => c.name);
}

/**
 * A join condition with each equality written `earlier = joined`: the same meaning everywhere,
 * and the order ClickHouse 18.16 needs once the join is nested (it fails to resolve the other).
 */
function joinedOnTheRight(e: Expr, joined: string): Expr {
  if (e.kind !== 'binary') return e;
  if (e.op === 'and') {
    return {
      ...e,
      left: joinedOnTheRight(e.left, joined),
      right: joinedOnTheRight(e.right, joined),
    };
  }
  if (e.op !== '=') return e;
  const only = (x: Expr) => collectRefs(x).every((r) => r.table === joined);
  return only(e.left) && !only(e.right) ? { ...e, left: e.right, right: e.left } : e;
}

/** A fact's joins as join-chain items, derived relations written as subqueries. */
export function joinItems(joins: readonly JoinDef[], ctx: ExpressionContext): JoinItem[] {
  return joins.map((j) => ({
    relation: getDerivedRelation(j.table)
      ? derivedRelationSql(j.table, ctx)
      : ctx.dialect.joinedTable(j.table),
    alias: joinName(j),
    columns: relationColumns(j.table),
    join: {
      kind: 'LEFT JOIN' as const,
      on: expressionSql(joinedOnTheRight(joinCondition(j), joinName(j)), ctx),
    },
  }));
}

/**
 * `base AS base LEFT JOIN table AS table ON …`: the base table and its joins, then `extra` joins
 * (a recipe's own), all in one chain so that dialects that nest joins see them all.
 */
export function fromSql(
  base: string,
  joins: readonly JoinDef[],
  ctx: ExpressionContext,
  extra: readonly JoinItem[] = [],
): string {
  const d = ctx.dialect;
  if (joins.length === 0 && extra.length === 0) {
    return `${d.quoteIdentifier(base)} AS ${d.quoteIdentifier(base)}`;
  }
  return d.joinChain([
    { relation: d.joinedTable(base), alias: base, columns: relationColumns(base) },
    ...joinItems(joins, ctx),
    ...extra,
  ]);
}

function derivedRelationSql(name: string, ctx: ExpressionContext): string {
  const d = ctx.dialect;
  const q = (s: string) => d.quoteIdentifier(s);
  const rel = getDerivedRelation(name);
  if (!rel) throw new VitrineError('UNKNOWN_RELATION', `unknown relation ${name}`);
  const relCtx: ExpressionContext = { ...ctx, alias: (t) => t };
  const gb = Object.entries(rel.groupBy).map(
    ([k, v]) => `${expressionSql(parseModelExpression(v), relCtx)} AS ${q(k)}`,
  );
  const ag = Object.entries(rel.aggregates).map(([k, a]) => {
    const e = expressionSql(parseModelExpression(a.expr), relCtx);
    if (a.agg === 'first_by')
      return `${d.firstBy(e, expressionSql(parseModelExpression(a.by ?? a.expr), relCtx))} AS ${q(k)}`;
    return `${a.agg}(${e}) AS ${q(k)}`;
  });
  const w = rel.where ? ` WHERE ${expressionSql(parseModelExpression(rel.where), relCtx)}` : '';
  return `(SELECT ${[...gb, ...ag].join(', ')} FROM ${q(rel.base)} AS ${q(rel.base)}${w} GROUP BY ${Object.values(
    rel.groupBy,
  )
    .map((v) => expressionSql(parseModelExpression(v), relCtx))
    .join(', ')})`;
}

export function measureColumn(id: string): string {
  return `m_${id}`;
}

function isFactKeyDistinct(scan: Scan, m: BaseMeasure, fanOut: boolean): boolean {
  // count(DISTINCT key) over an unfanned single-key fact is count(*): cheaper and decomposable.
  if (m.agg !== 'count_distinct' || fanOut || scan.fact.key.length !== 1 || !m.expr) return false;
  const e = m.expr.expr;
  return e.kind === 'ref' && `${e.table}.${e.name}` === scan.fact.key[0];
}

export function compilePlan(plan: QueryPlan, options: CompileOptions): CompiledQuery {
  const d = options.dialect;
  const params = options.params ?? new BoundParams(d);
  const q = (s: string) => d.quoteIdentifier(s);
  const exprCtx: ExpressionContext = {
    dialect: d,
    timeZone: options.timeZone,
    reportingCurrency: options.reportingCurrency,
    alias: (t) => t,
  };
  const sqlOf = (e: Expr) => expressionSql(e, exprCtx);
  const hourly = plan.grain === 'hour';
  const allMeasures = plan.scans.flatMap((s) => s.measures);
  const measureColumns = new Map(allMeasures.map((m) => [m.id, measureColumn(m.id)]));

  // Day → (role, period) map, from a few ranges expanded in SQL.
  const { map: periodMap, rolePeriods } = periodMapSql(plan.ranges, params, d);
  const minDay = Math.min(...plan.ranges.map((r) => r.start));
  const maxDay = Math.max(...plan.ranges.map((r) => r.end));

  const dimCols = plan.dims.map((x) => x.column);

  const branches = plan.scans.map((scan) => {
    const fact = scan.fact;
    const base = fact.base;
    // Tables each part reads.
    const measureTables = new Set<string>();
    for (const m of scan.measures) {
      for (const t of m.expr?.tables ?? []) measureTables.add(t);
      for (const t of m.filter?.tables ?? []) measureTables.add(t);
    }
    const timeRef = scan.time ? collectRefs(parseModelExpression(scan.time.column)) : [];
    const timeTables = new Set(timeRef.map((r) => r.table).filter((t): t is string => !!t));
    const dimTables = new Set<string>();
    for (const dim of scan.dims) for (const t of dim.expr?.tables ?? []) dimTables.add(t);
    const filterTables = new Set<string>();
    for (const f of scan.filters) for (const t of f.expr.tables) filterTables.add(t);
    const locationTables = new Set<string>();
    let locationExpr: Expr | null = null;
    if (scan.lfl && fact.location) {
      locationExpr = parseModelExpression(fact.location);
      for (const r of collectRefs(locationExpr)) if (r.table) locationTables.add(r.table);
    }

    const allJoins = requiredJoins(fact, [
      ...measureTables,
      ...timeTables,
      ...dimTables,
      ...filterTables,
      ...locationTables,
    ]);
    const fanTables = fanOutTables(fact);
    for (const t of [...measureTables, ...timeTables, ...locationTables]) {
      if (fanTables.has(t)) {
        throw new VitrineError(
          'FANOUT_MEASURE',
          `fact ${fact.name}: measures and time may not read ${t}, which multiplies the fact's rows (one-to-many)`,
        );
      }
    }
    const keyDims = scan.dims.filter((x) =>
      [...(x.expr?.tables ?? [])].some((t) => fanTables.has(t)),
    );
    const keyFilters = scan.filters.filter((f) => [...f.expr.tables].some((t) => fanTables.has(t)));
    const fanOut = keyDims.length > 0 || keyFilters.length > 0;

    let from: string;
    const keyDimCol = new Map<string, string>();
    if (fanOut) {
      const keyJoins = requiredJoins(fact, [
        ...keyDims.flatMap((x) => [...(x.expr?.tables ?? [])]),
        ...keyFilters.flatMap((f) => [...f.expr.tables]),
      ]);
      const keyCols = fact.key.map((k, i) => `${sqlOf(parseModelExpression(k))} AS ${q(`k${i}`)}`);
      keyDims.forEach((x) => keyDimCol.set(x.id, `kd_${x.column}`));
      const keyDimSql = keyDims.map(
        (x) => `${sqlOf((x.expr as { expr: Expr }).expr)} AS ${q(`kd_${x.column}`)}`,
      );
      const keyWhere = keyFilters.map((f) => filterSql(f.expr.expr, f.values));
      // Grouped rather than DISTINCT: ClickHouse 18.16 repeats a DISTINCT row per shard past a
      // join of Distributed tables.
      const keyGroup = [
        ...fact.key.map((k) => sqlOf(parseModelExpression(k))),
        ...keyDims.map((x) => sqlOf((x.expr as { expr: Expr }).expr)),
      ];
      const keysSql = `(SELECT ${[...keyCols, ...keyDimSql].join(', ')} FROM ${fromSql(base, keyJoins, exprCtx)}${keyWhere.length ? ` WHERE ${keyWhere.join(' AND ')}` : ''} GROUP BY ${keyGroup.join(', ')})`;
      const keyOn = fact.key
        .map((k, i) => `${q('_keys')}.${q(`k${i}`)} = ${sqlOf(parseModelExpression(k))}`)
        .join(' AND ');
      const rest = allJoins.filter((j) => !fanTables.has(joinName(j)));
      from = d.joinChain([
        {
          relation: keysSql,
          alias: '_keys',
          columns: [...fact.key.map((_, i) => `k${i}`), ...keyDims.map((x) => `kd_${x.column}`)],
        },
        {
          relation: d.joinedTable(base),
          alias: base,
          columns: relationColumns(base),
          join: { kind: 'JOIN', on: keyOn },
        },
        ...joinItems(rest, exprCtx),
      ]);
    } else {
      from = fromSql(base, allJoins, exprCtx);
    }

    // WHERE: time window, user filters and scopes, like-for-like.
    const where: string[] = [];
    let dayExpr: string | null = null;
    let hourExpr: string | null = null;
    if (scan.time) {
      const col = sqlOf(parseModelExpression(scan.time.column));
      if (scan.time.kind === 'timestamp') {
        dayExpr = d.localDate(col, options.timeZone);
        hourExpr = d.localHour(col, options.timeZone);
        // A raw range on the stored instant first (a day of margin each side for any zone), so
        // the engine can skip storage blocks before converting to local dates.
        where.push(
          `${col} >= ${d.timestampParam(params.add(new Date((minDay - 1) * MS_PER_DAY).toISOString()))}`,
        );
        where.push(
          `${col} < ${d.timestampParam(params.add(new Date((maxDay + 2) * MS_PER_DAY).toISOString()))}`,
        );
      } else {
        dayExpr = col;
      }
      where.push(
        `${dayExpr} BETWEEN ${d.dateParam(params.add(isoDate(minDay)))} AND ${d.dateParam(params.add(isoDate(maxDay)))}`,
      );
    }
    for (const f of scan.filters) {
      if (keyFilters.includes(f)) continue;
      where.push(filterSql(f.expr.expr, f.values));
    }
    if (scan.lfl && locationExpr) {
      where.push(lflConditionSql(sqlOf(locationExpr), scan.lfl, params, d));
    }
    // A filter shared by every measure of the scan goes to WHERE (fewer rows to aggregate).
    const filterTexts = scan.measures.map((m) => (m.filter ? sqlOf(m.filter.expr) : ''));
    const sharedFilter = filterTexts.every((f) => f !== '' && f === filterTexts[0])
      ? (filterTexts[0] as string)
      : null;
    if (sharedFilter) where.push(sharedFilter);
    const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';

    // Dimension expressions at row level.
    const dimRowSql = (x: PlannedDimension): string | null => {
      if (x.timePart) return null;
      const kd = keyDimCol.get(x.id);
      if (kd) return `${q('_keys')}.${q(kd)}`;
      return sqlOf((x.expr as { expr: Expr }).expr);
    };
    const rowDims = scan.dims.filter((x) => !x.timePart);
    const rowDimSelect = rowDims.map((x) => `${dimRowSql(x)} AS ${q(x.column)}`);

    const measureExpr = (m: BaseMeasure): string => (m.expr ? sqlOf(m.expr.expr) : '1');
    const measureFilter = (m: BaseMeasure): string | null =>
      m.filter && !sharedFilter ? sqlOf(m.filter.expr) : null;
    const guarded = (m: BaseMeasure, value: string) => {
      const f = measureFilter(m);
      return f ? `CASE WHEN ${f} THEN ${value} END` : value;
    };

    const timeless = scan.time === null;
    const decomposable = scan.measures.every(
      (m) => DECOMPOSABLE.has(m.agg) || isFactKeyDistinct(scan, m, fanOut),
    );
    const semiAdditive = scan.measures.some((m) => m.agg === 'last' || m.agg === 'avg_daily');
    const s = q('_s');
    const outDim = (x: PlannedDimension): string => {
      if (x.timePart === 'date') return `CAST(${s}.${q('day')} AS VARCHAR)`;
      if (x.timePart === 'weekday') return d.isoWeekday(`${s}.${q('day')}`);
      if (x.timePart === 'month_of_year') return d.monthOfYear(`${s}.${q('day')}`);
      if (x.timePart === 'hour') return `${s}.${q('hr')}`;
      return `${s}.${q(x.column)}`;
    };
    const outDims = plan.dims.map((x) => `${outDim(x)} AS ${q(x.column)}`);
    const outDimGroup = plan.dims.map((x) => outDim(x));
    const hrSelect = hourly ? `${s}.${q('hr')}` : 'NULL';
    const hrGroup = hourly ? [`${s}.${q('hr')}`] : [];
    const measureOut = (ownCols: Map<string, string>) =>
      allMeasures.map((m) => `${ownCols.get(m.id) ?? d.nullDouble()} AS ${q(measureColumn(m.id))}`);

    if (timeless) {
      const own = new Map<string, string>();
      const inner = scan.measures.map((m, i) => {
        own.set(m.id, d.toDouble(`${s}.${q(`p${i}`)}`));
        const agg = m.agg === 'last' || m.agg === 'avg_daily' ? 'sum' : m.agg;
        return `${d.aggregate(agg, guarded(m, measureExpr(m)))} AS ${q(`p${i}`)}`;
      });
      const innerSql = `SELECT ${[...rowDimSelect, ...inner].join(', ')} FROM ${from}${whereSql}${rowDims.length ? ` GROUP BY ${rowDims.map((x) => dimRowSql(x)).join(', ')}` : ''}`;
      const rp = q('_rp');
      return `SELECT ${rp}.${q('role')} AS ${q('role')}, ${rp}.${q('pkey')} AS ${q('pkey')}, ${hrSelect} AS ${q('hr')}, ${[...outDims, ...measureOut(own)].join(', ')} FROM (${innerSql}) AS ${s} CROSS JOIN ${rolePeriods} AS ${rp}`;
    }

    const dayCol = `${dayExpr} AS ${q('day')}`;
    const hourCol = hourly && hourExpr ? [`${hourExpr} AS ${q('hr')}`] : [];
    const pm = q('_pm');
    const joinPm = ` JOIN ${periodMap} AS ${pm} ON ${pm}.${q('day')} = ${s}.${q('day')}`;
    const groupOuter = [`${pm}.${q('role')}`, `${pm}.${q('pkey')}`, ...hrGroup, ...outDimGroup];

    if (decomposable) {
      // Stage 1: partial aggregates per local day (and hour) and dimensions.
      const partials: string[] = [];
      const own = new Map<string, string>();
      scan.measures.forEach((m, i) => {
        const p = (n: string) => `${s}.${q(`p${i}${n}`)}`;
        const value = guarded(m, measureExpr(m));
        switch (m.agg) {
          case 'sum':
          case 'last':
          case 'avg_daily':
            partials.push(`sum(${value}) AS ${q(`p${i}`)}`);
            break;
          case 'count':
            partials.push(`count(${m.expr ? value : guarded(m, '1')}) AS ${q(`p${i}`)}`);
            break;
          case 'count_distinct':
            partials.push(`count(${value}) AS ${q(`p${i}`)}`);
            break;
          case 'min':
          case 'max':
            partials.push(`${m.agg}(${value}) AS ${q(`p${i}`)}`);
            break;
          case 'avg':
            partials.push(`sum(${value}) AS ${q(`p${i}s`)}`, `count(${value}) AS ${q(`p${i}c`)}`);
            break;
          default:
            break;
        }
        // The period map carries each (role, period)'s last day and day count (below).
        const L = pm;
        switch (m.agg) {
          case 'sum':
          case 'count':
          case 'count_distinct':
            own.set(m.id, d.toDouble(`sum(${p('')})`));
            break;
          case 'min':
          case 'max':
            own.set(m.id, d.toDouble(`${m.agg}(${p('')})`));
            break;
          case 'avg':
            own.set(m.id, d.toDouble(d.divide(`sum(${p('s')})`, `sum(${p('c')})`)));
            break;
          case 'last':
            own.set(
              m.id,
              d.toDouble(
                `sum(CASE WHEN ${s}.${q('day')} = ${L}.${q('last_day')} THEN ${p('')} END)`,
              ),
            );
            break;
          case 'avg_daily':
            own.set(m.id, d.toDouble(d.divide(`sum(${p('')})`, `max(${L}.${q('days')})`)));
            break;
          default:
            break;
        }
      });
      const stage1 = `SELECT ${[dayCol, ...hourCol, ...rowDimSelect, ...partials].join(', ')} FROM ${from}${whereSql} GROUP BY ${[dayExpr as string, ...(hourly && hourExpr ? [hourExpr] : []), ...rowDims.map((x) => dimRowSql(x) as string)].join(', ')}`;
      let pmJoin = joinPm;
      if (semiAdditive) {
        // The last day with data (and the number of such days) of each (role, period), over the
        // whole scan: stock on the period's closing day, summed over locations and products.
        // Joined to the period map first, so that each SELECT has one join (ClickHouse 18.16), and
        // days grouped rather than DISTINCT (18.16 repeats a DISTINCT row per shard past a join).
        const days = `SELECT ${dayExpr} AS ${q('day')} FROM ${from}${whereSql} GROUP BY ${dayExpr}`;
        const s2 = q('_s2');
        const pm2 = q('_pm2');
        const pm0 = q('_pm0');
        const last = q('_last');
        const lastSql = `SELECT ${pm2}.${q('role')} AS ${q('role')}, ${pm2}.${q('pkey')} AS ${q('pkey')}, max(${s2}.${q('day')}) AS ${q('last_day')}, count(*) AS ${q('days')} FROM (${days}) AS ${s2} JOIN ${periodMap} AS ${pm2} ON ${pm2}.${q('day')} = ${s2}.${q('day')} GROUP BY ${pm2}.${q('role')}, ${pm2}.${q('pkey')}`;
        const withLast = `SELECT ${pm0}.${q('role')} AS ${q('role')}, ${pm0}.${q('pkey')} AS ${q('pkey')}, ${pm0}.${q('day')} AS ${q('day')}, ${last}.${q('last_day')} AS ${q('last_day')}, ${last}.${q('days')} AS ${q('days')} FROM ${periodMap} AS ${pm0} JOIN (${lastSql}) AS ${last} ON ${pm0}.${q('role')} = ${last}.${q('role')} AND ${pm0}.${q('pkey')} = ${last}.${q('pkey')}`;
        pmJoin = ` JOIN (${withLast}) AS ${pm} ON ${pm}.${q('day')} = ${s}.${q('day')}`;
      }
      return `SELECT ${pm}.${q('role')} AS ${q('role')}, ${pm}.${q('pkey')} AS ${q('pkey')}, ${hrSelect} AS ${q('hr')}, ${[...outDims, ...measureOut(own)].join(', ')} FROM (${stage1}) AS ${s}${pmJoin} GROUP BY ${groupOuter.join(', ')}`;
    }

    // Single stage: row-level values joined to the period map, aggregated per period, so that
    // distinct counts and percentiles are recomputed at the requested grain.
    const rowValues: string[] = [];
    const own = new Map<string, string>();
    scan.measures.forEach((m, i) => {
      const v = m.expr ? measureExpr(m) : '1';
      rowValues.push(`${guarded(m, v)} AS ${q(`v${i}`)}`);
      const col = `${s}.${q(`v${i}`)}`;
      const agg = m.agg === 'last' || m.agg === 'avg_daily' ? 'sum' : m.agg;
      own.set(m.id, d.toDouble(d.aggregate(agg, col)));
    });
    const rows = `SELECT ${[dayCol, ...hourCol, ...rowDimSelect, ...rowValues].join(', ')} FROM ${from}${whereSql}`;
    return `SELECT ${pm}.${q('role')} AS ${q('role')}, ${pm}.${q('pkey')} AS ${q('pkey')}, ${hrSelect} AS ${q('hr')}, ${[...outDims, ...measureOut(own)].join(', ')} FROM (${rows}) AS ${s}${joinPm} GROUP BY ${groupOuter.join(', ')}`;

    function filterSql(e: Expr, values: readonly string[]): string {
      if (values.length === 0) return 'FALSE';
      return `${sqlOf(e)} IN (${values.map((v) => params.add(v)).join(', ')})`;
    }
  });

  const u = q('_u');
  const keyCols = [
    `${u}.${q('role')}`,
    `${u}.${q('pkey')}`,
    `${u}.${q('hr')}`,
    ...dimCols.map((c) => `${u}.${q(c)}`),
  ];
  const measureAgg = allMeasures.map(
    (m) => `max(${u}.${q(measureColumn(m.id))}) AS ${q(measureColumn(m.id))}`,
  );
  const sql = `SELECT ${[...keyCols.map((c, i) => `${c} AS ${q(['role', 'pkey', 'hr', ...dimCols][i] as string)}`), ...measureAgg].join(', ')} FROM (${branches.join(' UNION ALL ')}) AS ${u} GROUP BY ${keyCols.join(', ')}`;
  return { sql, params: params.values, measureColumns };
}

const columnCache = new Map<string, Expr>();
/** Parses a column or expression written in the semantic model (trusted, cached). */
export function parseModelExpression(text: string): Expr {
  let e = columnCache.get(text);
  if (!e) {
    e = parseExpression(text);
    columnCache.set(text, e);
  }
  return e;
}
