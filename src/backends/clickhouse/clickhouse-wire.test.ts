import { describe, expect, it } from 'vitest';
import {
  clickhouseDateTime,
  inlineParams,
  parseTsvResult,
  readOnlyStatement,
  tsvEncoder,
} from './clickhouse-wire.js';

describe('ClickHouse wire helpers', () => {
  it('inlines $n outside strings, quoted identifiers and comments only', () => {
    expect(
      inlineParams(`SELECT $1, '$1', "$1", \`$2\`, $2 -- $1\n/* $2 */ FROM t WHERE a = $10`, [
        "o'k",
        -2,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        true,
      ]),
    ).toBe(`SELECT 'o\\'k', '$1', "$1", \`$2\`, (-2) -- $1\n/* $2 */ FROM t WHERE a = 1`);
    expect(inlineParams('SELECT $a, $b', { a: null, b: 'x\\y' })).toBe("SELECT NULL, 'x\\\\y'");
    expect(inlineParams("SELECT 'it''s $1', $1", ['v'])).toBe("SELECT 'it''s $1', 'v'");
  });

  it('names a missing parameter and an unterminated string', () => {
    expect(() => inlineParams('SELECT $3', ['a'])).toThrow(
      /no value for parameter \$3 \(1 given\)/,
    );
    expect(() => inlineParams("SELECT 'abc", [])).toThrow(/unterminated '…'/);
  });

  it('reads TabSeparatedWithNamesAndTypes: exact decimals, NULLs, escapes, 64-bit counts', () => {
    const text =
      'd\ts\tn\tc\tbig\tf\n' +
      'Decimal(18, 2)\tNullable(String)\tNullable(Int32)\tUInt64\tUInt64\tFloat64\n' +
      '1.50\ta\\tb\\\\c\\0\\N\t\\N\t7\t18446744073709551615\tnan\n';
    const r = parseTsvResult(text);
    expect(r.columns.map((c) => c.type)).toEqual([
      'Decimal(18, 2)',
      'Nullable(String)',
      'Nullable(Int32)',
      'UInt64',
      'UInt64',
      'Float64',
    ]);
    expect(r.rows).toEqual([
      { d: '1.50', s: 'a\tb\\c\u0000N', n: null, c: 7, big: '18446744073709551615', f: null },
    ]);
  });

  it('writes TabSeparated rows and instants in UTC', () => {
    const enc = tsvEncoder([
      'String',
      'Nullable(Decimal(18, 2))',
      "DateTime('UTC')",
      "DateTime64(3, 'UTC')",
      'UInt8',
    ]);
    expect(
      enc(['a\tb\nc\\', null, '2024-03-10 23:30:05+01', '2024-03-10T23:30:05.123Z', true]),
    ).toBe('a\\tb\\nc\\\\\t\\N\t2024-03-10 22:30:05\t2024-03-10 23:30:05.123\t1');
    expect(clickhouseDateTime('2024-01-01 00:00:00-05:30', false)).toBe('2024-01-01 05:30:00');
    expect(() => clickhouseDateTime('yesterday', false)).toThrow(
      /cannot read "yesterday" as an instant/,
    );
  });

  it('accepts one read statement and refuses writes and second statements', () => {
    expect(readOnlyStatement(' SELECT 1; ')).toBe('SELECT 1');
    expect(() => readOnlyStatement('INSERT INTO t VALUES (1)')).toThrow(/starts with INSERT/);
    expect(() => readOnlyStatement('SELECT 1; DROP TABLE t')).toThrow(/exactly one SQL statement/);
    expect(readOnlyStatement("SELECT ';'")).toBe("SELECT ';'");
  });
});
