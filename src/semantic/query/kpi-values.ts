import type { Row } from '../../backends/engine.js';
import { measureColumn } from '../compiler/sql-compiler.js';
import type { Expr } from '../expression/expression-ast.js';
import type { PlannedKpi, QueryPlan } from '../plan/query-plan.js';

/**
 * Value evaluation: from the values a statement returns (base measures, recipe values) to the
 * values of KPIs, derived formulas included. The runner, the recipes that compile KPIs into their
 * own statement and the explanation of a change all evaluate the same way.
 */

/** Evaluates a derived formula over KPI values; a division by zero or a missing input is null. */
export function evaluateDerived(e: Expr, value: (id: string) => number | null): number | null {
  const rec = (x: Expr) => evaluateDerived(x, value);
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'ref':
      return value(e.name);
    case 'unary': {
      const v = rec(e.arg);
      return e.op === '-' && v !== null ? -v : null;
    }
    case 'binary': {
      const l = rec(e.left);
      const r = rec(e.right);
      if (l === null || r === null) return null;
      switch (e.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return r === 0 ? null : l / r;
        default:
          return null;
      }
    }
    case 'call': {
      const args = e.args.map(rec);
      switch (e.fn) {
        case 'coalesce':
          return args.find((a) => a !== null) ?? null;
        case 'abs':
          return args[0] == null ? null : Math.abs(args[0]);
        case 'greatest':
          return args.some((a) => a === null) ? null : Math.max(...(args as number[]));
        case 'least':
          return args.some((a) => a === null) ? null : Math.min(...(args as number[]));
        case 'nullif':
          return args[0] === args[1] ? null : (args[0] ?? null);
        default:
          return null;
      }
    }
    default:
      return null;
  }
}

/** A dimension value as rows carry it (numbers stay numbers, everything else is text). */
export function dimValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : String(v);
}

/** A number from a row (drivers return numeric text for some types); null when not finite. */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Values of every planned KPI for one role of a cell, from the row of base measures the
 * compiled statement returned for it (recipes that compile KPIs into their own statement
 * evaluate them with it too) and the values recipes gave.
 */
export function kpiValues(
  plan: QueryPlan,
  row: Row | undefined,
  recipeValue: (kpi: string) => number | null,
): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const byId = new Map(plan.kpis.map((k) => [k.id, k]));
  const get = (k: PlannedKpi): number | null => {
    if (out.has(k.id)) return out.get(k.id) ?? null;
    let v: number | null;
    if (k.kind === 'measure') {
      v = toNumber(row?.[measureColumn(k.id)]);
      // No row at all means nothing happened: sums and counts are 0, other aggregates unknown.
      if (
        v === null &&
        (k.measure.agg === 'sum' || k.measure.agg === 'count' || k.measure.agg === 'count_distinct')
      )
        v = 0;
    } else if (k.kind === 'recipe') {
      v = recipeValue(k.id);
    } else {
      v = evaluateDerived(k.expr, (id) => {
        const dep = byId.get(id);
        return dep ? get(dep) : null;
      });
    }
    out.set(k.id, v);
    return v;
  };
  for (const k of plan.kpis) get(k);
  return out;
}
