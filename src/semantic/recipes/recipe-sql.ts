import type { Row } from '../../backends/engine.js';
import { isoDate, MS_PER_DAY } from '../../time/civil-date.js';
import type { DayRange } from '../../time/period.js';
import { VitrineError } from '../../util/errors.js';
import type { ExpressionContext } from '../compiler/expression-sql.js';
import { expressionSql } from '../compiler/expression-sql.js';
import {
  BoundParams,
  fromSql,
  lflConditionSql,
  parseModelExpression,
  periodMapSql,
} from '../compiler/sql-compiler.js';
import type { PeriodMapSql } from '../compiler/sql-compiler.js';
import type { Dialect, JoinItem, SqlValue } from '../../backends/dialect.js';
import type { Expr } from '../expression/expression-ast.js';
import type { ResolvedExpr } from '../facts/fact-resolver.js';
import {
  dimensionExpression,
  getDimension,
  getFact,
  requiredJoins,
  resolveFactExpression,
  resolveFilter,
} from '../facts/fact-resolver.js';
import type { FactDef } from '../facts/fact-types.js';
import type { PlannedDimension, RoleRange } from '../plan/query-plan.js';
import { dimValue, toNumber } from '../query/kpi-values.js';
import type { RecipeContext, RecipeValue } from './recipe.js';
import { answerRoles, spanOf } from './recipe-periods.js';

/**
 * What recipes that write their own SQL share: one list of bound parameters per statement, the
 * compiler's day → (role, period) map, and slices of facts that apply the request's split,
 * filters, like-for-like perimeter and the caller's scopes exactly as the compiler does.
 * Identifiers come from the semantic model; every value of a request or of the dictionary is
 * bound.
 */
export class RecipeSql {
  readonly d: Dialect;
  readonly params: BoundParams;
  readonly exprCtx: ExpressionContext;

  constructor(readonly ctx: RecipeContext) {
    this.d = ctx.dialect;
    this.params = new BoundParams(ctx.dialect);
    this.exprCtx = {
      dialect: ctx.dialect,
      timeZone: ctx.timeZone,
      reportingCurrency: ctx.reportingCurrency,
      alias: (t) => t,
    };
  }

  id(name: string): string {
    return this.d.quoteIdentifier(name);
  }

  /** alias.column, both quoted. */
  col(alias: string, name: string): string {
    return `${this.id(alias)}.${this.id(name)}`;
  }

  bind(value: SqlValue): string {
    return this.params.add(value);
  }

  date(day: number): string {
    return this.d.dateParam(this.bind(isoDate(day)));
  }

  expr(e: Expr): string {
    return expressionSql(e, this.exprCtx);
  }

  /** A column or expression of the semantic model (trusted text). */
  model(text: string): string {
    return this.expr(parseModelExpression(text));
  }

  localDate(instant: string): string {
    return this.d.localDate(instant, this.ctx.timeZone);
  }

  localHour(instant: string): string {
    return this.d.localHour(instant, this.ctx.timeZone);
  }

  /**
   * The distinct rows of a SELECT that joins: DISTINCT applied above the join, not in its SELECT
   * (ClickHouse 18.16 returns a DISTINCT row once per shard when the SELECT joins a relation read
   * from Distributed tables).
   */
  distinct(select: string): string {
    return `SELECT DISTINCT * FROM (${select}) AS ${this.id('_distinct')}`;
  }

  /**
   * An inner join on a condition other than equalities (a range): ` JOIN right ON on` where the
   * dialect takes it, else ` CROSS JOIN right` with the condition for the WHERE clause (the same
   * rows). The caller adds `where` to its WHERE conditions.
   */
  innerJoinOn(right: string, on: string): { join: string; where: string[] } {
    return this.d.capabilities.inequalityJoin
      ? { join: ` JOIN ${right} ON ${on}`, where: [] }
      : { join: ` CROSS JOIN ${right}`, where: [`(${on})`] };
  }

  periodMap(ranges: readonly RoleRange[]): PeriodMapSql {
    return periodMapSql(ranges, this.params, this.d);
  }

  /** A time part of the split from a row's local day (and hour). */
  timePart(part: NonNullable<PlannedDimension['timePart']>, day: string, hour?: string): string {
    switch (part) {
      case 'date':
        return `CAST(${day} AS VARCHAR)`;
      case 'weekday':
        return this.d.isoWeekday(day);
      case 'month_of_year':
        return this.d.monthOfYear(day);
      case 'hour':
        if (hour === undefined) throw new VitrineError('DIMENSION_NOT_APPLICABLE', 'no hour');
        return hour;
    }
  }

  /** Hands the statement and its parameters to the runner, which executes and lists it. */
  run(sql: string): Promise<readonly Row[]> {
    return this.ctx.run(sql, this.params.values);
  }
}

export interface SliceOptions {
  /** Split by time parts (date, weekday, month of year) computed from each row's local day. */
  readonly timeParts?: boolean;
  /** Split by hour of day too (the caller gives the row's local hour). */
  readonly hourPart?: boolean;
  /** Why time parts do not apply to the KPI, for the error when they are refused. */
  readonly noTimeParts?: string;
  /** Days the slice reads, for the like-for-like perimeter (default: the plan's ranges). */
  readonly span?: DayRange;
  /** Apply the request's split, filters and like-for-like (default); false: scopes only. */
  readonly request?: boolean;
}

export interface SliceDim {
  readonly dim: PlannedDimension;
  /** The dimension's expression on this fact; null for a time part. */
  readonly expr: ResolvedExpr | null;
}

/**
 * A fact read with the request's split and filters, the caller's scopes and the like-for-like
 * perimeter. Joins come from the fact's declarations; a one-to-many join may repeat a row,
 * which recipes neutralise by counting distinct customers, orders or keys.
 */
export class FactSlice {
  readonly fact: FactDef;
  readonly dims: readonly SliceDim[];
  private readonly conditions: string[] = [];
  private readonly tables = new Set<string>();

  constructor(
    readonly rs: RecipeSql,
    factName: string,
    private readonly options: SliceOptions = {},
  ) {
    const ctx = rs.ctx;
    const kpi = ctx.kpi.def.id;
    const fact = getFact(factName);
    this.fact = fact;
    const useRequest = options.request ?? true;
    this.dims = (useRequest ? ctx.plan.dims : []).map((x) => {
      const dim = getDimension(x.id);
      if (dim.timePart) {
        const ok = options.timeParts && (dim.timePart !== 'hour' || options.hourPart);
        if (!ok) {
          throw new VitrineError(
            'DIMENSION_NOT_APPLICABLE',
            `dimension ${x.id} does not apply to KPI ${kpi}: ${options.noTimeParts ?? 'it has no time of day'}`,
          );
        }
        return { dim: x, expr: null };
      }
      const resolved = dimensionExpression(fact, dim);
      if (!resolved) {
        throw new VitrineError(
          'DIMENSION_NOT_APPLICABLE',
          `dimension ${x.id} does not apply to KPI ${kpi} (fact ${fact.name})`,
        );
      }
      this.use(resolved);
      return { dim: x, expr: resolved };
    });
    const filter = (dimId: string, values: readonly string[], scope: boolean) => {
      const dim = getDimension(dimId);
      if (dim.timePart) {
        throw new VitrineError(
          'BAD_WHERE',
          `cannot filter on ${dimId}; restrict dates with --from and --to`,
        );
      }
      const resolved = dimensionExpression(fact, dim);
      if (!resolved) {
        throw new VitrineError(
          scope ? 'SCOPE_NOT_APPLICABLE' : 'DIMENSION_NOT_APPLICABLE',
          scope
            ? `KPI ${kpi} cannot be restricted to your scope (${dimId}): it is not available to this token`
            : `cannot filter KPI ${kpi} by ${dimId}: the dimension does not apply to fact ${fact.name}`,
        );
      }
      this.conditions.push(
        values.length === 0
          ? rs.d.literal(false)
          : `${this.sql(resolved)} IN (${values.map((v) => rs.bind(v)).join(', ')})`,
      );
    };
    if (useRequest) {
      for (const [dimId, values] of Object.entries(ctx.request.where ?? {})) {
        filter(dimId, values, false);
      }
    }
    // Scopes apply to every row read, whatever the recipe reads it for.
    for (const [dimId, values] of Object.entries(ctx.scopes)) filter(dimId, values, true);
    if (useRequest && ctx.request.lfl) {
      if (fact.location) {
        const span = options.span ?? spanOf(ctx.plan.ranges);
        const loc = this.resolve(fact.location);
        this.conditions.push(
          lflConditionSql(
            this.sql(loc),
            { openedBy: span.start, openUntil: span.end },
            rs.params,
            rs.d,
          ),
        );
      } else {
        ctx.warn(`like-for-like does not restrict KPI ${kpi}: fact ${fact.name} has no location`);
      }
    }
  }

  /** An expression over the fact (model text, or a named filter of the fact). */
  resolve(text: string): ResolvedExpr {
    const what = `KPI ${this.rs.ctx.kpi.def.id} (fact ${this.fact.name})`;
    return this.fact.filters?.[text]
      ? resolveFilter(this.fact, text, what)
      : resolveFactExpression(this.fact, text, what);
  }

  /** SQL of an expression over the fact; its tables are joined by `from()`. */
  sql(r: ResolvedExpr): string {
    this.use(r);
    return this.rs.expr(r.expr);
  }

  /** Shorthand: SQL of model text or a named filter. */
  text(textOrFilter: string): string {
    return this.sql(this.resolve(textOrFilter));
  }

  private use(r: ResolvedExpr): void {
    for (const t of r.tables) this.tables.add(t);
  }

  /**
   * The base table and the joins every expression used so far needs (call it last), then the
   * caller's `extra` joins (their conditions name the earlier side first).
   */
  from(extra: readonly JoinItem[] = []): string {
    return fromSql(this.fact.base, requiredJoins(this.fact, this.tables), this.rs.exprCtx, extra);
  }

  /** ` WHERE …` with the filters, scopes and like-for-like perimeter, and `extra` conditions. */
  where(...extra: string[]): string {
    const all = [...this.conditions, ...extra];
    return all.length > 0 ? ` WHERE ${all.join(' AND ')}` : '';
  }

  /** The split at row level, time parts from the row's day (and hour). */
  dimValues(day?: string, hour?: string): string[] {
    return this.dims.map((x) =>
      x.expr
        ? this.rs.expr(x.expr.expr)
        : this.rs.timePart(x.dim.timePart ?? 'date', day ?? 'NULL', hour),
    );
  }

  /** `expr AS "d0"`, … : the split at row level. */
  dimSelect(day?: string, hour?: string): string[] {
    const values = this.dimValues(day, hour);
    return this.dims.map((x, i) => `${values[i] as string} AS ${this.rs.id(x.dim.column)}`);
  }

  /**
   * One row per row of the fact (per joined row when a one-to-many join is read): its local
   * `day` (the fact's time unless given), `hr` when given, the split d0…, and `columns`, with
   * the slice's filters and scopes, `where`, and the days of `window` when given.
   */
  rows(spec: {
    readonly columns: Readonly<Record<string, string>>;
    readonly day?: string;
    readonly hour?: string;
    readonly window?: DayRange;
    readonly where?: readonly string[];
    /** A join after the fact's own, in the same chain. */
    readonly join?: JoinItem;
  }): string {
    const rs = this.rs;
    const conds = [...(spec.where ?? [])];
    let day = spec.day;
    if (day === undefined) {
      day = this.day();
      const time = this.fact.time;
      if (spec.window && time?.kind === 'timestamp') {
        // A raw range on the stored instant first (a day of margin each side for any zone), as
        // the compiler does, so the engine can skip storage blocks.
        const col = this.text(time.column);
        conds.push(
          `${col} >= ${rs.d.timestampParam(rs.bind(new Date((spec.window.start - 1) * MS_PER_DAY).toISOString()))}`,
          `${col} < ${rs.d.timestampParam(rs.bind(new Date((spec.window.end + 2) * MS_PER_DAY).toISOString()))}`,
        );
      }
    }
    if (spec.window) {
      conds.push(`${day} BETWEEN ${rs.date(spec.window.start)} AND ${rs.date(spec.window.end)}`);
    }
    const cols = [
      `${day} AS ${rs.id('day')}`,
      ...(spec.hour ? [`${spec.hour} AS ${rs.id('hr')}`] : []),
      ...this.dimSelect(day, spec.hour),
      ...Object.entries(spec.columns).map(([k, v]) => `${v} AS ${rs.id(k)}`),
    ];
    return `SELECT ${cols.join(', ')} FROM ${this.from(spec.join ? [spec.join] : [])}${this.where(...conds)}`;
  }

  /** The split columns of a subquery: alias.d0, … */
  dimColumns(alias: string): string[] {
    return this.dims.map((x) => this.rs.col(alias, x.dim.column));
  }

  /** Split columns of two subqueries equal, NULL matching NULL. */
  dimsMatch(a: string, b: string): string[] {
    return this.dims.map((x) =>
      this.rs.d.nullSafeEquals(this.rs.col(a, x.dim.column), this.rs.col(b, x.dim.column)),
    );
  }

  /**
   * The fact's time as stored, and the local date of an aggregate of it (min, max). A local
   * date follows its instant in order, so the first day of a customer or visitor converts one
   * instant per group instead of every row (zones that turn clocks back across midnight aside).
   */
  storedTime(): { readonly sql: string; day(aggregate: string): string } {
    const time = this.fact.time;
    if (!time) throw new VitrineError('NO_TIME', `fact ${this.fact.name} has no time`);
    const sql = this.text(time.column);
    return {
      sql,
      day: (aggregate) => (time.kind === 'timestamp' ? this.rs.localDate(aggregate) : aggregate),
    };
  }

  /** The local date of the fact's time. */
  day(): string {
    const time = this.fact.time;
    if (!time) throw new VitrineError('NO_TIME', `fact ${this.fact.name} has no time`);
    const col = this.text(time.column);
    return time.kind === 'timestamp' ? this.rs.localDate(col) : col;
  }
}

export { toNumber };

/** The plan's split of a result row, as the runner reads it. */
export function rowDims(
  dims: readonly PlannedDimension[],
  row: Row,
): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const x of dims) out[x.id] = dimValue(row[x.column]);
  return out;
}

/**
 * Values for what the recipe found nothing for, as the runner does for measures: every role of
 * a cell that has a value in one role, and without a split every (role, period) of the plan;
 * `empty` is 0 for counts and sums, null for ratios.
 */
export function withEmptyPeriods(
  ctx: RecipeContext,
  values: readonly RecipeValue[],
  empty: number | null,
): RecipeValue[] {
  const out = [...values];
  const roles = answerRoles(ctx.plan);
  const keyOf = (role: string, v: Pick<RecipeValue, 'periodKey' | 'hour' | 'dims'>) =>
    JSON.stringify([role, v.periodKey, v.hour, ctx.plan.dims.map((x) => v.dims[x.id] ?? null)]);
  const seen = new Set(values.map((v) => keyOf(v.role, v)));
  const add = (role: string, cell: Pick<RecipeValue, 'periodKey' | 'hour' | 'dims'>) => {
    const key = keyOf(role, cell);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ role, periodKey: cell.periodKey, hour: cell.hour, dims: cell.dims, value: empty });
  };
  for (const v of values) for (const role of roles) add(role, v);
  if (ctx.plan.dims.length === 0 && ctx.plan.grain !== 'hour') {
    for (const p of ctx.plan.periods) {
      for (const role of roles) add(role, { periodKey: p.key, hour: null, dims: {} });
    }
  }
  return out;
}

/** Recipe values from rows with columns role, pkey, (hr), d0…, and periods without rows. */
export function valuesFromRows(
  ctx: RecipeContext,
  rows: readonly Row[],
  value: (row: Row) => number | null,
  empty: number | null,
): RecipeValue[] {
  const values = rows.map((row) => ({
    role: String(row['role']),
    periodKey: String(row['pkey']),
    hour: ctx.plan.grain === 'hour' ? toNumber(row['hr']) : null,
    dims: rowDims(ctx.plan.dims, row),
    value: value(row),
  }));
  return withEmptyPeriods(ctx, values, empty);
}
