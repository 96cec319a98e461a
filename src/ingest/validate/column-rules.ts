import type { ColumnDef, LogicalType, TableDef } from '../../model/model-types.js';
import { constant, constantList, saltLiteral } from '../sql-text.js';
import type { ParamList } from '../sql-text.js';
import { CURRENCY_CODES } from './currency-codes.js';

/** How text values of a file are read (flags of `vitrine ingest`, or a mapping file). */
export interface ParseOptions {
  /** Numbers written 12,50 or 1.234,50. */
  readonly decimalComma?: boolean;
  /** strptime format of dates, e.g. %d/%m/%Y (default ISO 8601, YYYY-MM-DD). */
  readonly dateFormat?: string;
  /** strptime format of timestamps, e.g. %d/%m/%Y %H:%M (default ISO 8601). */
  readonly timestampFormat?: string;
  /** IANA zone of timestamps written without an offset (default UTC). */
  readonly timeZone?: string;
}

/** A rule: when `when` holds (over `v_*`, the trimmed text, and `t_*`, the typed value), `text`. */
export interface Check {
  readonly when: string;
  readonly text: string;
}

/** The SQL of one column: its typed value and the checks that explain why a value is refused. */
export interface ColumnSql {
  readonly name: string;
  /** Typed value, from `v` (the trimmed text, NULL when empty). */
  readonly typed: string;
  readonly checks: readonly Check[];
}

const SQL_TYPES: Record<string, string> = {
  money: 'DECIMAL(18,2)',
  price: 'DECIMAL(18,4)',
  rate: 'DECIMAL(18,8)',
  int: 'INTEGER',
  bigint: 'BIGINT',
  number: 'DOUBLE',
};

/** Timestamps that record something that happened: never in the future. */
const PLANNED_TIMESTAMP = /promised/;
/** Dates that record something that happened (the others may be planned ahead). */
const PAST_DATES = new Set([
  'snapshot_on',
  'count_on',
  'counted_on',
  'spend_on',
  'observed_on',
  'received_on',
  'released_on',
  'rate_on',
  'ordered_on',
]);

/**
 * Minimums the ingest adds to the model's: a sale line sells at least one unit (a negative
 * quantity is a return and belongs in `returns`, where quantities are positive).
 */
const INGEST_MIN: Record<string, { min: number; message: string }> = {
  'order_lines.quantity': {
    min: 1,
    message:
      'a sale line needs a positive quantity; a negative quantity is a return (returns table)',
  },
};

/**
 * SQL types the CSV reader can convert to itself, faster than casting text afterwards: the
 * plain ISO and decimal-point forms. Whole numbers stay text (the reader would round 2.5), and so
 * do booleans (yes/oui) and everything a parse option changes. Timestamps too: DuckDB's reader
 * turns an unreadable TIMESTAMPTZ into NULL instead of rejecting the line (1.5), which would
 * report "required value missing" instead of the value at fault.
 */
const READER_TYPES: Partial<Record<LogicalType, string>> = {
  money: 'DECIMAL(18,2)',
  price: 'DECIMAL(18,4)',
  rate: 'DECIMAL(18,8)',
  number: 'DOUBLE',
  date: 'DATE',
};

/** Reader types for the columns of a CSV file, when no parse option asks for text handling. */
export function readerTypes(
  columns: ReadonlyMap<string, ColumnDef>,
  options: ParseOptions,
): Record<string, string> | null {
  if (options.decimalComma || options.dateFormat || options.timestampFormat || options.timeZone) {
    return null;
  }
  const out: Record<string, string> = {};
  for (const [header, c] of columns) {
    const t = READER_TYPES[c.type];
    if (t && !c.personal) out[header] = t;
  }
  return out;
}

/** What a value of a type must be, and the hint given when it is not. */
export function typeProblem(
  type: LogicalType,
  options: ParseOptions,
): { what: string; hint: string } | null {
  switch (type) {
    case 'money':
    case 'price':
    case 'rate':
    case 'number':
      return {
        what: 'a number',
        hint: options.decimalComma ? '' : '; decimal comma? use --decimal-comma',
      };
    case 'date':
      return {
        what: 'a date',
        hint: options.dateFormat ? '' : '; expected YYYY-MM-DD, or set --date-format',
      };
    case 'timestamp':
      return {
        what: 'a timestamp',
        hint: options.timestampFormat
          ? ''
          : '; expected ISO 8601 such as 2025-03-10T14:30:00Z, or set --timestamp-format',
      };
    default:
      return null;
  }
}

/** The reason of a value the file reader could not convert (the same as the SQL checks give). */
export function readerTypeReason(c: ColumnDef, value: string, options: ParseOptions): string {
  const p = typeProblem(c.type, options);
  return `${c.name}: not ${p?.what ?? `a ${c.type}`} ('${value.slice(0, 40)}')${p?.hint ?? ''}`;
}

/** A short quoted rendering of an offending value for a reason text. */
export function shown(v: string): string {
  return `'''' || left(${v}, 40) || ''''`;
}

function reason(when: string, text: string): Check {
  return { when, text };
}

function numberText(v: string, options: ParseOptions): string {
  if (!options.decimalComma) return v;
  // 1.234,56 → 1234.56 and 12,5 → 12.5; a value with a point but no comma is left as written
  // (and refused if it does not parse) rather than guessed.
  return `CASE WHEN regexp_matches(${v}, '^[+-]?\\d{1,3}(\\.\\d{3})+(,\\d+)?$') THEN replace(replace(${v}, '.', ''), ',', '.') ELSE replace(replace(${v}, ' ', ''), ',', '.') END`;
}

function timestampTyped(v: string, options: ParseOptions, params: ParamList): string {
  if (options.timestampFormat) {
    const parsed = `try_strptime(${v}, ${params.add(options.timestampFormat)})`;
    return options.timeZone
      ? `timezone(${params.add(options.timeZone)}, ${parsed})`
      : `CAST(${parsed} AS TIMESTAMPTZ)`;
  }
  if (options.timeZone) {
    // Written without an offset: a wall-clock time of the given zone.
    return `CASE WHEN regexp_matches(${v}, '(Z|z|[+-]\\d\\d(:?\\d\\d)?)$') THEN TRY_CAST(${v} AS TIMESTAMPTZ) ELSE timezone(${params.add(options.timeZone)}, TRY_CAST(${v} AS TIMESTAMP)) END`;
  }
  return `TRY_CAST(${v} AS TIMESTAMPTZ)`;
}

/**
 * The SQL reading one column of the model from text: types and formats, required values,
 * accepted values, known currencies, ranges, plausible dates; personal data hashed.
 */
export function columnSql(
  table: TableDef,
  c: ColumnDef,
  options: ParseOptions,
  params: ParamList,
  salt: string,
  /** The value arrives typed by the file reader (see readerTypes). */
  typedInput = false,
): ColumnSql {
  const v = `v_${c.name}`;
  const t = `t_${c.name}`;
  const name = c.name;
  const checks: Check[] = [];
  let typed: string;
  const bad = (what: string, hint = '') =>
    reason(
      `${v} IS NOT NULL AND ${t} IS NULL`,
      `${constant(`${name}: not ${what} (`)} || ${shown(v)} || ${constant(`)${hint}`)}`,
    );
  const problem = typeProblem(c.type, options);
  if (typedInput && READER_TYPES[c.type]) {
    // The file reader converted the value already; what it could not convert came back as a
    // rejected line with this same reason (readerTypeReason).
    typed = v;
  } else {
    typed = '';
  }
  switch (typedInput && READER_TYPES[c.type] ? 'typed' : c.type) {
    case 'typed':
      break;
    case 'money':
    case 'price':
    case 'rate':
    case 'number':
      typed = `TRY_CAST(${numberText(v, options)} AS ${SQL_TYPES[c.type]})`;
      checks.push(bad(problem?.what ?? 'a number', problem?.hint ?? ''));
      break;
    case 'int':
    case 'bigint':
      typed = `TRY_CAST(${v} AS ${SQL_TYPES[c.type]})`;
      // TRY_CAST rounds 2.5 to 3: a fractional count is refused, 3.0 accepted.
      checks.push(
        reason(
          `${v} IS NOT NULL AND (${t} IS NULL OR (contains(${v}, '.') AND TRY_CAST(${v} AS DOUBLE) <> ${t}))`,
          `${constant(`${name}: not a whole number (`)} || ${shown(v)} || ')'`,
        ),
      );
      break;
    case 'date':
      typed = options.dateFormat
        ? `CAST(try_strptime(${v}, ${params.add(options.dateFormat)}) AS DATE)`
        : `TRY_CAST(${v} AS DATE)`;
      checks.push(bad(problem?.what ?? 'a date', problem?.hint ?? ''));
      break;
    case 'timestamp':
      typed = timestampTyped(v, options, params);
      checks.push(bad(problem?.what ?? 'a timestamp', problem?.hint ?? ''));
      break;
    case 'bool':
      typed = `CASE lower(${v}) WHEN 'yes' THEN true WHEN 'y' THEN true WHEN 'oui' THEN true WHEN 'no' THEN false WHEN 'n' THEN false WHEN 'non' THEN false ELSE TRY_CAST(${v} AS BOOLEAN) END`;
      checks.push(bad('true or false'));
      break;
    case 'currency':
      typed = `upper(${v})`;
      checks.push(
        reason(
          `${v} IS NOT NULL AND ${t} NOT IN (${constantList(CURRENCY_CODES)})`,
          `${constant(`${name}: unknown currency code (`)} || ${shown(v)} || ${constant('); expected ISO 4217 such as EUR')}`,
        ),
      );
      break;
    case 'code':
      if (c.values && c.values.length > 0) {
        typed = `lower(${v})`;
        checks.push(
          reason(
            `${v} IS NOT NULL AND ${t} NOT IN (${constantList(c.values)})`,
            `${constant(`${name}: `)} || ${shown(v)} || ${constant(` is not one of ${c.values.join(', ')}`)}`,
          ),
        );
      } else if (name === 'country') {
        typed = `upper(${v})`;
        checks.push(
          reason(
            `${v} IS NOT NULL AND NOT regexp_full_match(${t}, '[A-Z]{2}')`,
            `${constant(`${name}: not an ISO 3166 two-letter country code (`)} || ${shown(v)} || ')'`,
          ),
        );
      } else {
        typed = v;
      }
      break;
    default:
      if (c.personal) {
        typed = personalHashSql(v, name, salt);
      } else {
        typed = v;
      }
  }
  if (c.required) {
    checks.unshift(reason(`${v} IS NULL`, constant(`${name}: required value missing`)));
  }
  // Bounds are written in the column's own type: comparing a decimal with an integer literal
  // would widen every value of the column first.
  const sqlT = SQL_TYPES[c.type];
  const bound = (x: number) => (sqlT ? `CAST(${x} AS ${sqlT})` : String(x));
  const min = INGEST_MIN[`${table.name}.${name}`];
  if (min) {
    checks.push(
      reason(
        `${t} < ${bound(min.min)}`,
        `${constant(`${name}: `)} || CAST(${t} AS VARCHAR) || ${constant(` — ${min.message}`)}`,
      ),
    );
  } else if (c.min !== undefined) {
    checks.push(
      reason(
        `${t} < ${bound(c.min)}`,
        `${constant(`${name}: `)} || CAST(${t} AS VARCHAR) || ${constant(` is below the minimum ${c.min}`)}`,
      ),
    );
  }
  if (c.type === 'price') {
    checks.push(
      reason(
        `${t} > ${bound(10000000)}`,
        `${constant(`${name}: `)} || CAST(${t} AS VARCHAR) || ${constant(' is not a plausible unit amount')}`,
      ),
    );
  }
  if (c.type === 'date' || c.type === 'timestamp') {
    const lit = (day: string) =>
      c.type === 'date' ? `DATE '${day}'` : `TIMESTAMPTZ '${day} 00:00:00+00'`;
    const asDate = c.type === 'date' ? t : `CAST(${t} AS DATE)`;
    checks.push(
      reason(
        `${t} < ${lit('1970-01-01')} OR ${t} >= ${lit('2101-01-01')}`,
        `${constant(`${name}: `)} || CAST(${asDate} AS VARCHAR) || ${constant(' is not a plausible date')}`,
      ),
    );
    const past = c.type === 'timestamp' ? !PLANNED_TIMESTAMP.test(name) : PAST_DATES.has(name);
    if (past) {
      // Two days of margin: time zones, and exports produced just after midnight.
      const tomorrow =
        c.type === 'date' ? 'current_date + 2' : `CAST(current_date + 2 AS TIMESTAMPTZ)`;
      checks.push(
        reason(
          `${t} >= ${tomorrow} AND ${t} < ${lit('2101-01-01')}`,
          `${constant(`${name}: `)} || CAST(${asDate} AS VARCHAR) || ${constant(' is in the future')}`,
        ),
      );
    }
  }
  return { name, typed, checks };
}

/**
 * Personal data are hashed on the way in: SHA-256 of the workspace salt and the normalised value
 * (e-mail lower-cased; phone reduced to digits and a leading +, 00 read as +). A value that is
 * already a SHA-256 digest (64 hex characters) is kept as it is, so that a CRM hashing with the
 * same salt can send hashes.
 */
export function personalHashSql(v: string, column: string, salt: string): string {
  const normalised = /phone/.test(column)
    ? `regexp_replace(regexp_replace(${v}, '[^0-9+]', '', 'g'), '^00', '+')`
    : `lower(trim(${v}))`;
  return `CASE WHEN ${v} IS NULL THEN NULL WHEN regexp_full_match(${v}, '[0-9a-f]{64}') THEN ${v} ELSE sha256(${saltLiteral(salt)} || ${normalised}) END`;
}
