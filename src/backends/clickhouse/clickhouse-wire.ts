import { clickhouseDialect } from './clickhouse-dialect.js';
import { VitrineError } from '../../util/errors.js';
import type { CellValue, QueryResult, Row, SqlParam, SqlParams } from '../engine.js';

/**
 * What both ClickHouse transports (HTTP server, embedded chDB) share: placing values in SQL,
 * reading TabSeparatedWithNamesAndTypes results, writing TabSeparated rows. TSV rather than
 * JSON because 18.16 writes decimals as bare JSON numbers (a double once parsed) and has no
 * setting to quote them; in TSV every value is its exact text.
 */

/**
 * Replaces `$1`, `$2`… (or `$name` for named values) by the dialect's literal of the value.
 * A small tokenizer skips string literals, quoted identifiers and comments, so a `$1` inside
 * user text is never touched; literals themselves never contain a bare `$` outside quotes, so
 * the result has exactly the placeholders' values and nothing else.
 */
export function inlineParams(sql: string, params?: SqlParams): string {
  if (params === undefined) return sql;
  const positional = Array.isArray(params) ? (params as readonly SqlParam[]) : null;
  const named = positional ? null : (params as Readonly<Record<string, SqlParam>>);
  let out = '';
  let i = 0;
  const n = sql.length;
  const skipQuoted = (quote: string): void => {
    let j = i + 1;
    while (j < n) {
      const c = sql[j];
      if (c === '\\') j += 2;
      else if (c === quote) {
        if (sql[j + 1] === quote) j += 2;
        else break;
      } else j++;
    }
    if (j >= n) throw new VitrineError('SQL_SYNTAX', `unterminated ${quote}…${quote} in SQL`);
    out += sql.slice(i, j + 1);
    i = j + 1;
  };
  while (i < n) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      skipQuoted(c);
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new VitrineError('SQL_SYNTAX', 'unterminated /* comment in SQL');
      out += sql.slice(i, end + 2);
      i = end + 2;
    } else if (c === '$') {
      const m = /^\$([0-9]+|[A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i, i + 64));
      if (!m) {
        out += c;
        i++;
        continue;
      }
      const key = m[1] as string;
      let value: SqlParam | undefined;
      if (positional && /^[0-9]+$/.test(key)) value = positional[Number(key) - 1];
      else if (named && Object.hasOwn(named, key)) value = named[key];
      if (value === undefined) {
        throw new VitrineError(
          'SQL_PARAM',
          `clickhouse: no value for parameter $${key} (${positional ? `${positional.length} given` : 'named values given'})`,
        );
      }
      out += clickhouseDialect.literal(value);
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const TSV_UNESCAPE: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  r: '\r',
  n: '\n',
  t: '\t',
  '0': '\u0000',
  a: '\u0007',
  v: '\u000b',
  e: '\u001b',
};

function unescapeTsv(field: string): string {
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = field[i + 1] ?? '';
    i++;
    if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(field.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(field.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += TSV_UNESCAPE[next] ?? next;
  }
  return out;
}

/** The type without Nullable(…) / LowCardinality(…) wrappers. */
function baseType(type: string): string {
  let t = type;
  for (;;) {
    const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[1] as string;
  }
}

function cellOf(text: string, type: string): CellValue {
  if (text === '\\N') return null;
  const t = baseType(type);
  if (t === 'Nothing') return null;
  if (/^U?Int(8|16|32)$/.test(t)) return Number(text);
  if (/^U?Int(64|128|256)$/.test(t)) {
    const v = Number(text);
    return Number.isSafeInteger(v) ? v : text;
  }
  if (/^Float(32|64)$/.test(t)) {
    if (text === 'nan' || text === '-nan') return null;
    if (text === 'inf' || text === '+inf') return Infinity;
    if (text === '-inf') return -Infinity;
    return Number(text);
  }
  if (t === 'Bool') return text === 'true';
  // Decimals, dates, date-times, strings, UUIDs, arrays: exact text.
  return unescapeTsv(text);
}

/** Parses a TabSeparatedWithNamesAndTypes answer. */
export function parseTsvResult(text: string): QueryResult {
  if (text === '') return { columns: [], rows: [] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const names = (lines[0] ?? '').split('\t').map(unescapeTsv);
  const types = (lines[1] ?? '').split('\t').map(unescapeTsv);
  const rows: Row[] = [];
  for (let l = 2; l < lines.length; l++) {
    const fields = (lines[l] as string).split('\t');
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = cellOf(fields[i] ?? '\\N', types[i] ?? 'String');
    });
    rows.push(row);
  }
  return { columns: names.map((name, i) => ({ name, type: types[i] ?? 'String' })), rows };
}

/** The characters TabSeparated input escapes (built from codes: a NUL in a regex literal is lint noise). */
const TSV_SPECIAL = new RegExp(`[\\\\\t\n\r${String.fromCharCode(0)}]`, 'g');

function escapeTsv(s: string): string {
  return s.replace(TSV_SPECIAL, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0',
  );
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * An instant as ClickHouse reads it in TSV ('YYYY-MM-DD hh:mm:ss[.fff]', in UTC): engines
 * hand instants over as ISO text with a zone or offset ('…Z', '…+00', '…+02:00').
 */
export function clickhouseDateTime(value: string, fraction: boolean): string {
  const m =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      value.trim(),
    );
  if (!m) {
    throw new VitrineError(
      'ENGINE_APPEND',
      `clickhouse: cannot read ${JSON.stringify(value)} as an instant`,
    );
  }
  let zone = m[3] ?? 'Z';
  if (zone !== 'Z') {
    const z = /^([+-]\d{2}):?(\d{2})?$/.exec(zone);
    zone = `${z?.[1] ?? '+00'}:${z?.[2] ?? '00'}`;
  }
  const d = new Date(`${m[1] as string}T${m[2] as string}${zone}`);
  if (Number.isNaN(d.getTime())) {
    throw new VitrineError(
      'ENGINE_APPEND',
      `clickhouse: cannot read ${JSON.stringify(value)} as an instant`,
    );
  }
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return fraction ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
}

/**
 * Digits of the fraction of a second a column of this type keeps: 0 for DateTime, p for
 * DateTime64(p, …); null for a type that is no instant. Bulk loads write instants with exactly
 * these digits, truncated, as `clickhouseDateTime` does.
 */
export function clickhouseInstantDigits(type: string): number | null {
  const t = baseType(type);
  if (/^DateTime(\(|$)/.test(t)) return 0;
  const m = /^DateTime64\((\d+)/.exec(t);
  return m ? Number(m[1]) : null;
}

type CellWriter = (v: string | number) => string;

function writerFor(type: string): CellWriter {
  const t = baseType(type);
  if (t.startsWith('DateTime')) {
    const fraction = t.startsWith('DateTime64');
    return (v) =>
      clickhouseDateTime(typeof v === 'number' ? new Date(v).toISOString() : v, fraction);
  }
  return (v) => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new VitrineError('ENGINE_APPEND', `clickhouse: cannot store ${v}`);
      return String(v);
    }
    return escapeTsv(v);
  };
}

/** Writes rows as TabSeparated lines for the given column types (one writer per column). */
export function tsvEncoder(types: readonly string[]): (row: ReadonlyArray<SqlParam>) => string {
  const writers = types.map(writerFor);
  return (row) => {
    let line = '';
    for (let i = 0; i < row.length; i++) {
      const v = row[i] as SqlParam;
      if (i > 0) line += '\t';
      if (v === null) line += '\\N';
      else if (typeof v === 'boolean') line += v ? '1' : '0';
      else line += (writers[i] as CellWriter)(v);
    }
    return line;
  };
}

const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'EXPLAIN', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS']);

/**
 * A user's statement, checked before it runs: one statement that starts as a read. The server
 * then runs it with `readonly` set, which is the real guard (a SELECT cannot write either way).
 */
export function readOnlyStatement(sql: string): string {
  const body = sql.trim().replace(/;\s*$/, '');
  // Comments are not stripped here: a statement must begin with its keyword.
  const first = /^[A-Za-z]+/.exec(body)?.[0]?.toUpperCase() ?? '';
  if (!READ_KEYWORDS.has(first)) {
    throw new VitrineError(
      'SQL_NOT_READ',
      `only read queries (SELECT, WITH … SELECT, EXPLAIN, SHOW, DESCRIBE) are allowed; this statement starts with ${first || 'nothing readable'}`,
    );
  }
  // A `;` outside strings and comments would be a second statement.
  const probe = inlineParams(body.replaceAll('$', ' '), []);
  let inQuote = '';
  for (let i = 0; i < probe.length; i++) {
    const c = probe[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === inQuote) inQuote = '';
    } else if (c === "'" || c === '"' || c === '`') inQuote = c;
    else if (c === ';') {
      throw new VitrineError('SQL_NOT_SINGLE', 'expected exactly one SQL statement');
    }
  }
  return body;
}
