/**
 * Row-level reads for the models, compiled from the semantic model's facts: the fact names its
 * base table and joins, named filters (valid_order…) keep the business rules in one place, and
 * expressions are written in the dictionary language (`orders.ordered_at`, `fact.fx`), so a
 * model never hand-writes a join or a status list. The KPI compiler aggregates; models need
 * rows (one per basket line, per customer transaction…), hence this small sibling.
 */
import type { Row, SqlParam } from '../../backends/engine.js';
import { isoDate, MS_PER_DAY, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import type { ExpressionContext } from '../../semantic/compiler/expression-sql.js';
import { expressionSql } from '../../semantic/compiler/expression-sql.js';
import { dialectFor } from '../../backends/backend-registry.js';
import type { Dialect } from '../../backends/dialect.js';
import { duckdbDialect } from '../../backends/duckdb/duckdb-dialect.js';
import type { Expr } from '../../semantic/expression/expression-ast.js';
import { parseExpression } from '../../semantic/expression/expression-parser.js';
import {
  getDerivedRelation,
  getFact,
  joinCondition,
  requiredJoins,
  resolveFactExpression,
  resolveFilter,
} from '../../semantic/facts/fact-resolver.js';
import type { WorkspaceSource } from '../analytic-model.js';

export type FactAggregate = 'sum' | 'count' | 'min' | 'max' | 'count_distinct';

export interface FactQuery {
  readonly fact: string;
  /** Output column → expression over the fact's tables (grouping keys when aggregating). */
  readonly columns: Readonly<Record<string, string>>;
  /** Output column → aggregate; when present the query groups by `columns`. */
  readonly aggregates?: Readonly<Record<string, { agg: FactAggregate; expr: string }>>;
  /** Named filters of the fact (valid_order) or boolean expressions over it. */
  readonly filters?: readonly string[];
  /** Inclusive local dates on the fact's time column. */
  readonly from?: string;
  readonly to?: string;
  /** Output columns to sort by. */
  readonly orderBy?: readonly string[];
}

export interface CompiledFactQuery {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** Compiles a fact query to one SELECT with bound parameters (dates only come from callers). */
export function compileFactQuery(
  query: FactQuery,
  settings: {
    readonly timeZone: string;
    readonly reportingCurrency: string;
    /** Placeholders start after this many (to compose several queries in one statement). */
    readonly paramOffset?: number;
    /**
     * The workspace's dialect (`dialectFor(engine.kind)`). Without it, DuckDB's: the models that
     * compose their own statement around a compiled query write DuckDB SQL around it.
     */
    readonly dialect?: Dialect;
  },
): CompiledFactQuery {
  const fact = getFact(query.fact);
  const d = settings.dialect ?? duckdbDialect;
  const q = (s: string) => d.quoteIdentifier(s);
  const ctx: ExpressionContext = {
    dialect: d,
    timeZone: settings.timeZone,
    reportingCurrency: settings.reportingCurrency,
    alias: (t) => t,
  };
  const sqlOf = (e: Expr) => expressionSql(e, ctx);
  const tables = new Set<string>();
  const resolve = (text: string, what: string) => {
    const r = resolveFactExpression(fact, text, `${query.fact} ${what}`);
    for (const t of r.tables) tables.add(t);
    return sqlOf(r.expr);
  };
  const select: string[] = [];
  const group: string[] = [];
  for (const [name, text] of Object.entries(query.columns)) {
    const sql = resolve(text, `column ${name}`);
    select.push(`${sql} AS ${q(name)}`);
    group.push(sql);
  }
  for (const [name, a] of Object.entries(query.aggregates ?? {})) {
    const sql = resolve(a.expr, `aggregate ${name}`);
    select.push(`${d.aggregate(a.agg, sql)} AS ${q(name)}`);
  }
  const where: string[] = [];
  for (const f of query.filters ?? []) {
    const r = resolveFilter(fact, f, `${query.fact} filter ${f}`);
    for (const t of r.tables) tables.add(t);
    where.push(sqlOf(r.expr));
  }
  const params: SqlParam[] = [];
  const offset = settings.paramOffset ?? 0;
  const param = (v: SqlParam) => {
    params.push(v);
    return d.param(offset + params.length);
  };
  if (query.from !== undefined || query.to !== undefined) {
    if (!fact.time) {
      throw new VitrineError('FACT_TIMELESS', `fact ${fact.name} has no time column to filter on`);
    }
    const timeExpr = parseExpression(fact.time.column);
    const col = sqlOf(timeExpr);
    for (const r of resolveFactExpression(fact, fact.time.column, 'time').tables) tables.add(r);
    const day = fact.time.kind === 'timestamp' ? d.localDate(col, settings.timeZone) : col;
    if (query.from !== undefined) {
      const from = parseIsoDate(query.from, 'from');
      if (fact.time.kind === 'timestamp') {
        // A raw bound on the stored instant (a day of margin) lets the engine skip blocks.
        where.push(
          `${col} >= ${d.timestampParam(param(new Date((from - 1) * MS_PER_DAY).toISOString()))}`,
        );
      }
      where.push(`${day} >= ${d.dateParam(param(isoDate(from)))}`);
    }
    if (query.to !== undefined) {
      const to = parseIsoDate(query.to, 'to');
      if (fact.time.kind === 'timestamp') {
        where.push(
          `${col} < ${d.timestampParam(param(new Date((to + 2) * MS_PER_DAY).toISOString()))}`,
        );
      }
      where.push(`${day} <= ${d.dateParam(param(isoDate(to)))}`);
    }
  }
  const joins = requiredJoins(fact, tables);
  for (const j of joins) {
    if (j.kind === 'one_to_many') {
      throw new VitrineError(
        'FACT_FANOUT',
        `fact ${fact.name}: reading ${j.table} would repeat the fact's rows (one-to-many join); read it from its own fact`,
      );
    }
    if (getDerivedRelation(j.table)) {
      throw new VitrineError(
        'FACT_DERIVED',
        `fact ${fact.name}: model reads cannot use the derived relation ${j.table}`,
      );
    }
  }
  const from = `${q(fact.base)} AS ${q(fact.base)}${joins.map((j) => ` LEFT JOIN ${q(j.table)} AS ${q(j.table)} ON ${sqlOf(joinCondition(j))}`).join('')}`;
  const aggregating = Object.keys(query.aggregates ?? {}).length > 0;
  let sql = `SELECT ${select.join(', ')} FROM ${from}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  if (aggregating && group.length > 0) sql += ` GROUP BY ${group.join(', ')}`;
  if (query.orderBy && query.orderBy.length > 0) {
    for (const c of query.orderBy) {
      if (!(c in query.columns) && !(c in (query.aggregates ?? {}))) {
        throw new VitrineError('FACT_ORDER', `cannot order by ${c}: not an output column`);
      }
    }
    sql += ` ORDER BY ${query.orderBy.map(q).join(', ')}`;
  }
  return { sql, params };
}

/** Runs a fact query on a workspace, in its engine's dialect. */
export async function readFactRows(source: WorkspaceSource, query: FactQuery): Promise<Row[]> {
  const compiled = compileFactQuery(query, {
    timeZone: source.config.timezone,
    reportingCurrency: source.config.reporting_currency,
    dialect: dialectFor(source.engine.kind),
  });
  const cap = source.maxRows;
  if (cap === undefined) return [...(await source.engine.run(compiled.sql, compiled.params)).rows];
  if (!Number.isSafeInteger(cap) || cap < 1) {
    throw new VitrineError('BAD_SETTING', `row limit ${cap}: expected a positive integer`);
  }
  // One row past the limit tells "exactly at the limit" from "more"; the engine stops there.
  const res = await source.engine.run(`${compiled.sql} LIMIT ${cap + 1}`, compiled.params);
  if (res.rows.length > cap) {
    throw new VitrineError(
      'MODEL_TOO_MANY_ROWS',
      `fact ${query.fact}: more than ${cap.toLocaleString('en-US')} rows to read, the row limit of a model run through the API (VITRINE_MODEL_MAX_ROWS); narrow the dates (from, to) or read a coarser level`,
    );
  }
  return [...res.rows];
}

/** A cell as a number (decimals arrive as text); null stays null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
