import { describe, expect, it } from 'vitest';
import { dialectFor } from '../backend-registry.js';
import { postgresDialect as d } from './postgres-dialect.js';

describe('postgres dialect: the literal encoder', () => {
  it('doubles quotes and nothing else (standard strings: a backslash is a character)', () => {
    expect(d.literal("it's")).toBe("'it''s'");
    expect(d.literal("''")).toBe("''''''");
    expect(d.literal('a\\b\\')).toBe("'a\\b\\'");
    expect(d.literal("\\'; DROP TABLE orders; --")).toBe("'\\''; DROP TABLE orders; --'");
  });

  it('keeps unicode and control characters as they are', () => {
    expect(d.literal('é 🛒 中文')).toBe("'é 🛒 中文'");
    expect(d.literal('line\nbreak\ttab')).toBe("'line\nbreak\ttab'");
  });

  it('refuses NUL with an error naming the dialect and the position', () => {
    expect(() => d.literal('ab\u0000c')).toThrow(/postgres: .*NUL.*position 2/);
    expect(() => d.quoteIdentifier('a\u0000')).toThrow(/NUL/);
  });

  it('writes numbers, booleans and NULL; refuses non-finite numbers', () => {
    expect(d.literal(42)).toBe('42');
    expect(d.literal(0.125)).toBe('0.125');
    expect(d.literal(-3)).toBe('(-3)');
    expect(d.literal(true)).toBe('TRUE');
    expect(d.literal(null)).toBe('NULL');
    expect(() => d.literal(Number.NaN)).toThrow(/NaN/);
    expect(() => d.literal(Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
  });

  it('quotes identifiers by doubling double quotes', () => {
    expect(d.quoteIdentifier('order"s')).toBe('"order""s"');
  });
});

describe('dialect registry', () => {
  it('gives each engine kind its dialect and refuses an unregistered one by name', () => {
    expect(dialectFor('postgres').name).toBe('postgres');
    expect(dialectFor('duckdb').name).toBe('duckdb');
  });
});
