import { getTable, isTableName } from '../../model/model.js';
import { VitrineError } from '../../util/errors.js';
import type { Expr } from '../expression/expression-ast.js';
import { collectRefs } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { DerivedRelationDef } from './fact-catalogue.js';
import { DERIVED_RELATIONS, DIMENSIONS, FACTS } from './fact-catalogue.js';
import type { DimensionDef, FactDef, JoinDef } from './fact-types.js';
import { joinName } from './fact-types.js';

const FACT_BY_NAME = new Map(FACTS.map((f) => [f.name, f]));
const DIM_BY_ID = new Map(DIMENSIONS.map((d) => [d.id, d]));
const DERIVED_BY_NAME = new Map(DERIVED_RELATIONS.map((d) => [d.name, d]));

export function getFact(name: string): FactDef {
  const f = FACT_BY_NAME.get(name);
  if (!f) {
    throw new VitrineError(
      'UNKNOWN_FACT',
      `unknown fact "${name}"; facts are: ${FACTS.map((x) => x.name).join(', ')}`,
    );
  }
  return f;
}

export function getDimension(id: string): DimensionDef {
  const d = DIM_BY_ID.get(id);
  if (!d) {
    throw new VitrineError(
      'UNKNOWN_DIMENSION',
      `unknown dimension "${id}"; dimensions are: ${DIMENSIONS.map((x) => x.id).join(', ')}`,
    );
  }
  return d;
}

export function getDerivedRelation(name: string): DerivedRelationDef | undefined {
  return DERIVED_BY_NAME.get(name);
}

/** Columns of a canonical table or of a derived relation. */
function tableColumns(table: string): string[] | null {
  if (isTableName(table)) return getTable(table).columns.map((c) => c.name);
  const d = DERIVED_BY_NAME.get(table);
  if (d) return [...Object.keys(d.groupBy), ...Object.keys(d.aggregates)];
  return null;
}

/** The table (of the model or derived) a fact reads under a name: a join's alias or a table. */
export function underlyingTable(fact: FactDef, name: string): string {
  return fact.joins.find((j) => joinName(j) === name)?.table ?? name;
}

/** Tables a fact reaches: its base and every joined table. */
export function factTables(fact: FactDef): string[] {
  return [fact.base, ...fact.joins.map(joinName)];
}

const parsedCache = new Map<string, Expr>();
function parseCached(text: string): Expr {
  let e = parsedCache.get(text);
  if (!e) {
    e = parseExpression(text);
    parsedCache.set(text, e);
  }
  return e;
}

/** Replaces `fact.<computed>` references with the computed column's own expression. */
function expandComputed(fact: FactDef, e: Expr, depth = 0): Expr {
  if (depth > 8)
    throw new VitrineError(
      'EXPR_CYCLE',
      `computed columns of fact ${fact.name} refer to each other in a cycle`,
    );
  const recur = (x: Expr): Expr => expandComputed(fact, x, depth);
  switch (e.kind) {
    case 'ref': {
      if (e.table !== 'fact') return e;
      const text = fact.computed?.[e.name];
      if (!text) {
        const known = Object.keys(fact.computed ?? {});
        throw new VitrineError(
          'UNKNOWN_COMPUTED',
          `fact ${fact.name} has no computed column "${e.name}"${known.length ? `; it has: ${known.map((k) => `fact.${k}`).join(', ')}` : ''}`,
        );
      }
      return expandComputed(fact, parseCached(text), depth + 1);
    }
    case 'unary':
      return { ...e, arg: recur(e.arg) };
    case 'binary':
      return { ...e, left: recur(e.left), right: recur(e.right) };
    case 'in':
      return { ...e, arg: recur(e.arg), list: e.list.map(recur) };
    case 'isNull':
      return { ...e, arg: recur(e.arg) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: recur(w.when), then: recur(w.then) })),
        otherwise: e.otherwise ? recur(e.otherwise) : null,
      };
    case 'call':
      return { ...e, args: e.args.map(recur) };
    default:
      return e;
  }
}

export interface ResolvedExpr {
  readonly expr: Expr;
  /** Tables the expression reads (base and joined), each once: a list, so plans stay JSON. */
  readonly tables: readonly string[];
}

/**
 * Parses and checks an expression over a fact: every `table.column` must be a column of a
 * table the fact reaches; `fact.x` expands to the fact's computed column x. The message names
 * what is wrong and what would be valid.
 */
export function resolveFactExpression(fact: FactDef, text: string, what: string): ResolvedExpr {
  let parsed: Expr;
  try {
    parsed = parseCached(text);
  } catch (e) {
    throw new VitrineError('EXPR_SYNTAX', `${what}: ${(e as Error).message}`);
  }
  const expr = expandComputed(fact, parsed);
  const reachable = new Set(factTables(fact));
  const tables = new Set<string>();
  for (const ref of collectRefs(expr)) {
    if (ref.table === null) {
      throw new VitrineError(
        'EXPR_BARE_NAME',
        `${what}: "${ref.name}" must be written table.column (fact ${fact.name} reaches ${[...reachable].join(', ')})`,
      );
    }
    if (!reachable.has(ref.table)) {
      throw new VitrineError(
        'EXPR_UNREACHABLE',
        `${what}: table ${ref.table} is not reachable from fact ${fact.name} (it reaches ${[...reachable].join(', ')})`,
      );
    }
    const cols = tableColumns(
      fact.joins.find((j) => joinName(j) === ref.table)?.table ?? ref.table,
    );
    if (!cols?.includes(ref.name)) {
      throw new VitrineError(
        'EXPR_UNKNOWN_COLUMN',
        `${what}: ${ref.table} has no column "${ref.name}"; columns are: ${(cols ?? []).join(', ')}`,
      );
    }
    tables.add(ref.table);
  }
  return { expr, tables: [...tables] };
}

/** Named filter of the fact, or a boolean expression over it. */
export function resolveFilter(fact: FactDef, text: string, what: string): ResolvedExpr {
  const named = fact.filters?.[text];
  return resolveFactExpression(fact, named ?? text, what);
}

/**
 * The joins needed to read the given tables from the fact, in declaration order, with the
 * joins their conditions depend on.
 */
export function requiredJoins(fact: FactDef, tables: Iterable<string>): JoinDef[] {
  const need = new Set<string>();
  const byTable = new Map(fact.joins.map((j) => [joinName(j), j]));
  const visit = (t: string) => {
    if (t === fact.base || need.has(t)) return;
    const j = byTable.get(t);
    if (!j) throw new VitrineError('JOIN_MISSING', `fact ${fact.name} has no join to ${t}`);
    need.add(t);
    for (const r of collectRefs(parseCached(j.on))) if (r.table && r.table !== t) visit(r.table);
  };
  for (const t of tables) visit(t);
  return fact.joins.filter((j) => need.has(joinName(j)));
}

/** Parsed join condition. */
export function joinCondition(join: JoinDef): Expr {
  return parseCached(join.on);
}

/**
 * The fan-out rule, the one the dictionary validation and the compiler both apply: tables a
 * fact reaches through a one-to-many join, or through a join whose condition reads one. They
 * may split and filter the fact (the compiler goes through its distinct keys), but a measure or
 * a time reading them would count a fact row once per match.
 */
export function fanOutTables(fact: FactDef): Set<string> {
  const out = new Set<string>();
  for (const j of fact.joins) {
    const deps = collectRefs(joinCondition(j))
      .map((r) => r.table)
      .filter((t): t is string => t !== null && t !== joinName(j));
    if (j.kind === 'one_to_many' || deps.some((t) => out.has(t))) out.add(joinName(j));
  }
  return out;
}

/**
 * How a dimension reads in a fact: its expression, or null when the dimension does not apply
 * (the caller names the KPI in the error).
 */
export function dimensionExpression(fact: FactDef, dim: DimensionDef): ResolvedExpr | null {
  if (dim.timePart) return { expr: { kind: 'null' }, tables: [] };
  const text = fact.dims?.[dim.id] ?? dim.expr;
  if (!text) return null;
  try {
    const resolved = resolveFactExpression(fact, text, `dimension ${dim.id}`);
    return shortcutKeyDimension(fact, resolved) ?? resolved;
  } catch (e) {
    if (e instanceof VitrineError && e.code === 'EXPR_UNREACHABLE') return null;
    throw e;
  }
}

/**
 * A dimension that is the key of a joined table (channels.channel_id) reads the fact's own
 * foreign key instead (orders.channel_id): the same value without the join, and rows whose
 * reference does not resolve still show their id.
 */
function shortcutKeyDimension(fact: FactDef, resolved: ResolvedExpr): ResolvedExpr | null {
  const e = resolved.expr;
  if (e.kind !== 'ref' || e.table === null) return null;
  const join = fact.joins.find((j) => joinName(j) === e.table);
  if (!join || join.kind !== 'many_to_one') return null;
  const on = parseCached(join.on);
  if (on.kind !== 'binary' || on.op !== '=') return null;
  const [mine, other] =
    on.left.kind === 'ref' && on.left.table === e.table ? [on.left, on.right] : [on.right, on.left];
  if (mine.kind !== 'ref' || mine.table !== e.table || mine.name !== e.name) return null;
  const tables = new Set(
    collectRefs(other)
      .map((r) => r.table)
      .filter((t): t is string => t !== null),
  );
  if (tables.has(e.table)) return null;
  return { expr: other, tables: [...tables] };
}

/** Dimensions that apply to a fact. */
export function dimensionsOf(fact: FactDef): string[] {
  return DIMENSIONS.filter((d) => dimensionExpression(fact, d) !== null).map((d) => d.id);
}

export { DIMENSIONS, FACTS };
