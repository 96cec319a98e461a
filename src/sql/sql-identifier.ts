import { VitrineError } from '../util/errors.js';

/**
 * Identifier quoting, written once. Identifiers come from the model, the dictionary or Vitrine's
 * own names (never from a request); quoting keeps reserved words and odd characters usable.
 */

/**
 * The SQL standard's quoted identifier (DuckDB, PostgreSQL): `"…"`, an inner `"` doubled. A NUL
 * cannot be part of a name on either engine (PostgreSQL truncates the text there).
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) {
    throw new VitrineError('SQL_IDENTIFIER', `identifier ${JSON.stringify(name)} contains NUL`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * ClickHouse's quoted identifier: `"…"` with backslash escapes (ClickHouse reads `\` as an
 * escape character inside quotes, unlike the standard). An empty name or one with a control
 * character is refused: it cannot come from the model.
 */
export function quoteClickHouseIdentifier(name: string): string {
  if (name.length === 0 || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new VitrineError(
      'SQL_IDENTIFIER',
      `clickhouse: invalid identifier ${JSON.stringify(name)}`,
    );
  }
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A qualified name (`schema.table`, `alias.column`), each part quoted with `quote`. */
export function qualified(parts: readonly string[], quote: (name: string) => string): string {
  return parts.map(quote).join('.');
}
