/**
 * The expression language of the KPI dictionary: measure expressions and filters over the
 * columns of the canonical model, and derived KPI formulas over other KPIs. It is parsed, never
 * pasted into SQL: every identifier is checked against the model or the dictionary, every
 * literal is re-encoded by the dialect, and only the functions listed here exist.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** `table.column` in measures and filters; a bare name is a KPI id in derived formulas. */
  | { readonly kind: 'ref'; readonly table: string | null; readonly name: string }
  | { readonly kind: 'unary'; readonly op: '-' | 'not'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | {
      readonly kind: 'in';
      readonly arg: Expr;
      readonly list: readonly Expr[];
      readonly negated: boolean;
    }
  | { readonly kind: 'isNull'; readonly arg: Expr; readonly negated: boolean }
  | {
      readonly kind: 'case';
      readonly whens: ReadonlyArray<{ readonly when: Expr; readonly then: Expr }>;
      readonly otherwise: Expr | null;
    }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly Expr[] };

/** Functions the language offers, with their arity; each dialect renders every one of them. */
export const FUNCTIONS = {
  coalesce: [1, 8],
  nullif: [2, 2],
  greatest: [2, 8],
  least: [2, 8],
  abs: [1, 1],
  round: [1, 2],
  /** Seconds from the first instant to the second. */
  seconds_between: [2, 2],
  /** Whole days from the first date/instant to the second. */
  days_between: [2, 2],
  /** Local calendar date of an instant (workspace time zone). */
  local_date: [1, 1],
  /** Hour of day (0–23) of an instant in local time. */
  local_hour: [1, 1],
  /** Text concatenation. */
  concat: [2, 8],
  /** The workspace's reporting currency (ISO 4217 code). */
  reporting_currency: [0, 0],
} as const satisfies Record<string, readonly [number, number]>;

export type FunctionName = keyof typeof FUNCTIONS;

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

/** Every reference in an expression, in order of appearance. */
export function collectRefs(e: Expr, out: Array<{ table: string | null; name: string }> = []) {
  switch (e.kind) {
    case 'ref':
      out.push({ table: e.table, name: e.name });
      break;
    case 'unary':
      collectRefs(e.arg, out);
      break;
    case 'binary':
      collectRefs(e.left, out);
      collectRefs(e.right, out);
      break;
    case 'in':
      collectRefs(e.arg, out);
      for (const x of e.list) collectRefs(x, out);
      break;
    case 'isNull':
      collectRefs(e.arg, out);
      break;
    case 'case':
      for (const w of e.whens) {
        collectRefs(w.when, out);
        collectRefs(w.then, out);
      }
      if (e.otherwise) collectRefs(e.otherwise, out);
      break;
    case 'call':
      for (const a of e.args) collectRefs(a, out);
      break;
    default:
      break;
  }
  return out;
}
