import { describe, expect, it } from 'vitest';
import { quoteClickHouseIdentifier, quoteIdentifier } from './sql-identifier.js';
import type { LiteralStyle } from './sql-literal.js';
import { clickhouseString, hexLiteral, sqlLiteral, standardString } from './sql-literal.js';
import { ParamList } from './sql-params.js';

const STANDARD: LiteralStyle = {
  name: 'test',
  strings: 'standard',
  booleans: 'keywords',
  parenthesiseNegatives: true,
};

describe('identifiers', () => {
  it('doubles the quote in the standard style and refuses NUL', () => {
    expect(quoteIdentifier('order')).toBe('"order"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(() => quoteIdentifier('a\u0000b')).toThrow(/contains NUL/);
  });
  it('escapes with backslashes in the ClickHouse style and refuses control characters', () => {
    expect(quoteClickHouseIdentifier('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(() => quoteClickHouseIdentifier('')).toThrow(/invalid identifier/);
    expect(() => quoteClickHouseIdentifier('a\nb')).toThrow(/invalid identifier/);
  });
});

describe('literals', () => {
  it('writes standard text with the quote doubled, backslashes as they are', () => {
    expect(standardString("O'Brien \\n")).toBe("'O''Brien \\n'");
    expect(() => standardString('x\u0000', 'postgres')).toThrow(
      'postgres: text values cannot contain a NUL character (found at position 1)',
    );
  });
  it('writes ClickHouse text with every control character escaped', () => {
    expect(clickhouseString("a'b\\c\n\u0001")).toBe("'a\\'b\\\\c\\n\\x01'");
    expect(() => clickhouseString('\ud800')).toThrow(/lone UTF-16 surrogate at position 0/);
    expect(clickhouseString('\ud83d\ude00')).toBe("'\ud83d\ude00'");
  });
  it('writes numbers, booleans and NULL by style', () => {
    expect(sqlLiteral(null, STANDARD)).toBe('NULL');
    expect(sqlLiteral(-1.5, STANDARD)).toBe('(-1.5)');
    expect(sqlLiteral(-1.5, { ...STANDARD, parenthesiseNegatives: false })).toBe('-1.5');
    expect(sqlLiteral(true, STANDARD)).toBe('TRUE');
    expect(sqlLiteral(false, { ...STANDARD, booleans: 'digits' })).toBe('0');
    expect(() => sqlLiteral(Number.NaN, STANDARD)).toThrow('test: cannot write NaN in SQL');
  });
  it('checks a hex constant before writing it', () => {
    expect(hexLiteral('ab'.repeat(32), 'the salt')).toBe(`'${'ab'.repeat(32)}'`);
    expect(() => hexLiteral("x' OR 1=1 --", 'the salt')).toThrow('the salt is corrupt');
  });
});

describe('parameters', () => {
  it('numbers placeholders from the first free one and reuses equal values', () => {
    const p = new ParamList(2);
    expect([p.add('a'), p.add(3), p.add('a'), p.add(null)]).toEqual(['$2', '$3', '$2', '$4']);
    expect(p.values).toEqual(['a', 3, null]);
  });
});
