import { VitrineError } from '../../util/errors.js';
import type { Dialect } from '../../backends/dialect.js';
import type { Expr } from '../expression/expression-ast.js';

export interface ExpressionContext {
  readonly dialect: Dialect;
  /** The workspace time zone for local_date/local_hour. */
  readonly timeZone: string;
  readonly reportingCurrency: string;
  /** How a table is named in the FROM clause (its alias). */
  alias(table: string): string;
}

const BINARY_SQL: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '=': '=',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  and: 'AND',
  or: 'OR',
};

/**
 * Writes an expression of the dictionary language as SQL. Column references become quoted
 * alias.column; literals go through the dialect's audited encoder (they come from the
 * dictionary, never from a request); division is NULL-safe.
 */
export function expressionSql(e: Expr, ctx: ExpressionContext): string {
  const d = ctx.dialect;
  const rec = (x: Expr) => expressionSql(x, ctx);
  switch (e.kind) {
    case 'number':
      return d.literal(e.value);
    case 'string':
      return d.literal(e.value);
    case 'bool':
      return d.literal(e.value);
    case 'null':
      return 'NULL';
    case 'ref':
      if (e.table === null) {
        throw new VitrineError('EXPR_BARE_NAME', `"${e.name}" must be written table.column`);
      }
      return `${d.quoteIdentifier(ctx.alias(e.table))}.${d.quoteIdentifier(e.name)}`;
    case 'unary':
      return e.op === '-' ? `(-${rec(e.arg)})` : `(NOT ${rec(e.arg)})`;
    case 'binary':
      if (e.op === '/') return d.divide(rec(e.left), rec(e.right));
      return `(${rec(e.left)} ${BINARY_SQL[e.op]} ${rec(e.right)})`;
    case 'in':
      return `(${rec(e.arg)} ${e.negated ? 'NOT IN' : 'IN'} (${e.list.map(rec).join(', ')}))`;
    case 'isNull':
      return `(${rec(e.arg)} IS ${e.negated ? 'NOT NULL' : 'NULL'})`;
    case 'case': {
      const whens = e.whens.map((w) => `WHEN ${rec(w.when)} THEN ${rec(w.then)}`).join(' ');
      return `(CASE ${whens}${e.otherwise ? ` ELSE ${rec(e.otherwise)}` : ''} END)`;
    }
    case 'call': {
      const args = e.args.map(rec);
      switch (e.fn) {
        case 'coalesce':
        case 'nullif':
        case 'greatest':
        case 'least':
        case 'abs':
        case 'round':
          return `${e.fn}(${args.join(', ')})`;
        case 'seconds_between':
          return d.secondsBetween(args[0] as string, args[1] as string);
        case 'days_between':
          return d.daysBetween(args[0] as string, args[1] as string);
        case 'local_date':
          return d.localDate(args[0] as string, ctx.timeZone);
        case 'local_hour':
          return d.localHour(args[0] as string, ctx.timeZone);
        case 'concat':
          return d.concat(args);
        case 'reporting_currency':
          return d.literal(ctx.reportingCurrency);
        default:
          throw new VitrineError('EXPR_FUNCTION', `no SQL for function ${String(e.fn)}`);
      }
    }
    default:
      throw new VitrineError('EXPR_KIND', 'unknown expression node');
  }
}
