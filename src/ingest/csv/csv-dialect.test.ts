import { describe, expect, it } from 'vitest';
import type { FileFacts } from '../file-scan.js';
import { detectDecimalComma, parseCsvRecords, sniffCsv } from './csv-dialect.js';

function facts(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): FileFacts {
  const head = Buffer.from(text, encoding);
  return {
    path: 'sample.csv',
    bytes: head.length,
    hash: '',
    lines: text.split('\n').length,
    unterminatedLastLine: !text.endsWith('\n'),
    utf8: encoding === 'utf8',
    // Any byte outside ASCII (the range starts at NUL on purpose).
    // eslint-disable-next-line no-control-regex
    utf8MultiByte: encoding === 'utf8' && /[^\x00-\x7f]/.test(text),
    irregularLineBreaks: /\r(?!\n)/.test(text),
    head,
  };
}

describe('CSV sniffing', () => {
  it('splits records with quotes, doubled quotes and line breaks inside quotes', () => {
    expect(parseCsvRecords('a,b\n"x, ""y""","1\n2"\n', ',', '"', '"')).toEqual([
      ['a', 'b'],
      ['x, "y"', '1\n2'],
    ]);
  });

  it('finds the delimiter that splits the header and the rows alike', () => {
    expect(
      sniffCsv(facts('sku;name;price\nA;Bougie, figue;12,50\nB;Savon;3,20\n')).dialect.delimiter,
    ).toBe(';');
    expect(sniffCsv(facts('sku\tname\nA\tx\n')).dialect.delimiter).toBe('\t');
    expect(sniffCsv(facts('sku,name\nA,"x;y"\n')).dialect.delimiter).toBe(',');
  });

  it('reads Latin-1 when no valid UTF-8 sequence appears, and drops a byte-order mark', () => {
    const latin = sniffCsv(facts('sku;libellé\nA;crème\n', 'latin1'));
    expect(latin.dialect.encoding).toBe('latin-1');
    expect(latin.header).toEqual(['sku', 'libellé']);
    expect(sniffCsv(facts('\uFEFFsku,name\nA,x\n')).header).toEqual(['sku', 'name']);
  });

  it('detects a decimal comma only when no value uses a point', () => {
    const comma = sniffCsv(facts('sku;price\nA;12,50\nB;1.234,50\n'));
    expect(detectDecimalComma(comma, new Set(['price']))).toBe(true);
    const mixed = sniffCsv(facts('sku;price\nA;12,50\nB;3.20\n'));
    expect(detectDecimalComma(mixed, new Set(['price']))).toBe(false);
  });
});
