import { VitrineError } from '../util/errors.js';

/**
 * The one audited literal encoder. Values from a user reach SQL as bound parameters; a literal
 * is written only where a statement cannot take a parameter (COPY options, DDL, a time-zone
 * name the compiler inlines, every value on ClickHouse 18.16, which has no server-side
 * parameters). Each backend's dialect picks its style; nothing else writes a quote.
 */

export type SqlValue = string | number | boolean | null;

/** How a backend reads literals. */
export interface LiteralStyle {
  /** Named in errors (`postgres: cannot write NaN in SQL`). */
  readonly name: string;
  /** `standard`: `'…'` with `'` doubled; `clickhouse`: backslash escapes (see clickhouseString). */
  readonly strings: 'standard' | 'clickhouse';
  /** `keywords`: TRUE/FALSE; `digits`: 1/0 (ClickHouse 18.16 has no boolean type). */
  readonly booleans: 'keywords' | 'digits';
  /** `(-1)`, so that `x - -1` can never read as `x --1`, a comment. */
  readonly parenthesiseNegatives: boolean;
}

/**
 * The standard text literal (DuckDB; PostgreSQL with standard_conforming_strings on, which its
 * engine sets): a backslash is an ordinary character, so doubling the quote is the whole escape.
 * Neither engine's text can hold NUL.
 */
export function standardString(s: string, who?: string): string {
  const nul = s.indexOf('\u0000');
  if (nul >= 0) {
    throw new VitrineError(
      'SQL_LITERAL',
      `${who ? `${who}: ` : ''}text values cannot contain a NUL character (found at position ${nul})`,
    );
  }
  return `'${s.replaceAll("'", "''")}'`;
}

/** Escapes ClickHouse reads inside '…' (and "…"): everything else is taken byte for byte. */
const CLICKHOUSE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '`': '\\`',
  '\u0000': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * ClickHouse's text literal. Backslash is an escape character in ClickHouse strings (unlike
 * standard SQL), so it is escaped first-class with the quote; control characters are written as
 * escapes so that no raw byte below 0x20 reaches the SQL text; other characters (all of Unicode)
 * go through as UTF-8. A lone UTF-16 surrogate has no UTF-8 form: it would arrive as U+FFFD, a
 * different value, so it is refused instead.
 */
export function clickhouseString(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = ch.charCodeAt(0);
    const named = CLICKHOUSE_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += ch + (s[i + 1] as string);
        i++;
      } else {
        throw new VitrineError(
          'SQL_LITERAL',
          `clickhouse: text value has a lone UTF-16 surrogate at position ${i}, which has no UTF-8 form`,
        );
      }
    } else out += ch;
  }
  return `${out}'`;
}

/** A value as a literal of `style`. Numbers must be finite. */
export function sqlLiteral(value: SqlValue, style: LiteralStyle): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') {
    if (style.booleans === 'digits') return value ? '1' : '0';
    return value ? 'TRUE' : 'FALSE';
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new VitrineError('SQL_LITERAL', `${style.name}: cannot write ${value} in SQL`);
    }
    const negative = value < 0 || Object.is(value, -0);
    return style.parenthesiseNegatives && negative ? `(${String(value)})` : String(value);
  }
  return style.strings === 'clickhouse'
    ? clickhouseString(value)
    : standardString(value, style.name);
}

const HEX_64 = /^[0-9a-f]{64}$/;

/** A 64-digit lowercase hex constant of Vitrine's own (a salt), checked before it is written. */
export function hexLiteral(hex: string, what: string): string {
  if (!HEX_64.test(hex)) throw new VitrineError('SALT_INVALID', `${what} is corrupt`);
  return standardString(hex);
}
