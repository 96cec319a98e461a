import { quoteIdentifier } from '../sql/sql-identifier.js';
import { hexLiteral, standardString } from '../sql/sql-literal.js';

/**
 * SQL text helpers of the ingest room, on the ground floor's quoting (src/sql): identifiers come
 * from the model or from Vitrine's own names; values from a user or a file are bound parameters
 * collected by a ParamList; literals are written only for Vitrine's own constants (accepted
 * values of the model, currency codes). Ingest runs on DuckDB, whose quoting is the standard's.
 */

export { ParamList } from '../sql/sql-params.js';

export function ident(name: string): string {
  return quoteIdentifier(name);
}

/** A literal for a constant Vitrine itself defines (never a value read from a file or a flag). */
export function constant(value: string): string {
  return standardString(value);
}

export function constantList(values: readonly string[]): string {
  return values.map(constant).join(', ');
}

/** The workspace salt is Vitrine's own hex string; checked before it is written into SQL. */
export function saltLiteral(salt: string): string {
  return hexLiteral(salt, 'the workspace salt');
}
