import type { CsvDialect } from '../../backends/engine.js';
import { VitrineError } from '../../util/errors.js';
import type { FileFacts } from '../file-scan.js';
import { decodeHead, detectEncoding } from '../file-scan.js';

/** CSV options a user may force; anything left out is detected from the file. */
export interface CsvFlags {
  readonly delimiter?: string;
  readonly quote?: string;
  readonly escape?: string;
  readonly encoding?: 'utf-8' | 'latin-1';
  /** Numbers are written 12,50 (and 1.234,50). */
  readonly decimalComma?: boolean;
}

export interface SniffedCsv {
  readonly dialect: CsvDialect;
  /** Header names as written (trimmed, byte-order mark removed). */
  readonly header: readonly string[];
  /** The first data records of the sample, for detecting number formats. */
  readonly sample: readonly (readonly string[])[];
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Splits text into records with the RFC 4180 rules (quotes doubled or escaped, newlines inside
 * quotes). Only used on the head sample: the bulk of a file is read by the engine.
 */
export function parseCsvRecords(
  text: string,
  delimiter: string,
  quote: string,
  escape: string,
  maxRecords = 50,
): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let i = 0;
  const pushRecord = () => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < text.length && records.length < maxRecords) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === escape && escape !== quote && text[i + 1] === quote) {
        field += quote;
        i += 2;
        continue;
      }
      if (ch === quote) {
        if (text[i + 1] === quote && escape === quote) {
          field += quote;
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (quote !== '' && ch === quote && field === '') {
      inQuotes = true;
      i++;
      continue;
    }
    if (ch === delimiter) {
      record.push(field);
      field = '';
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      pushRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    i++;
  }
  // The sample may end mid-record: keep only records that ended with a line break, unless the
  // whole text was read.
  if (i >= text.length && (field !== '' || record.length > 0)) pushRecord();
  return records;
}

function modeCount(records: readonly (readonly string[])[]): { count: number; share: number } {
  const freq = new Map<number, number>();
  for (const r of records) freq.set(r.length, (freq.get(r.length) ?? 0) + 1);
  let best = 0;
  let bestN = 0;
  for (const [count, n] of freq) {
    if (n > bestN || (n === bestN && count > best)) {
      best = count;
      bestN = n;
    }
  }
  return { count: best, share: records.length === 0 ? 0 : bestN / records.length };
}

/**
 * Finds the delimiter (the candidate that splits the header and the sample rows into the same
 * number of fields, more than one), the quote (double quote unless told), the encoding, and
 * reads the header.
 */
export function sniffCsv(facts: FileFacts, flags: CsvFlags = {}): SniffedCsv {
  const encoding = flags.encoding ?? detectEncoding(facts);
  let text = decodeHead(facts, encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const complete = facts.bytes <= facts.head.length;
  if (!complete) {
    // Drop the partial last line of the sample.
    const cut = text.lastIndexOf('\n');
    if (cut > 0) text = text.slice(0, cut + 1);
  }
  if (text.trim() === '') {
    throw new VitrineError('CSV_EMPTY', `${facts.path}: line 1: the file is empty`);
  }
  const quote = flags.quote ?? '"';
  const escape = flags.escape ?? quote;
  let delimiter = flags.delimiter;
  if (delimiter === undefined) {
    let best: { d: string; score: number } | null = null;
    for (const d of DELIMITERS) {
      const recs = parseCsvRecords(text, d, quote, escape, 30);
      const head = recs[0];
      if (!head || head.length < 2) continue;
      const { count, share } = modeCount(recs);
      // The header must agree with most rows; more columns wins ties ("a;b,c" is ';').
      const agree = count === head.length ? 1 : 0.5;
      const score = share * agree * 1000 + head.length;
      if (!best || score > best.score) best = { d, score };
    }
    delimiter = best?.d ?? ',';
  }
  if (delimiter.length !== 1) {
    throw new VitrineError(
      'CSV_DELIMITER',
      `${facts.path}: the delimiter must be one character, got "${delimiter}"`,
    );
  }
  const records = parseCsvRecords(text, delimiter, quote, escape, 200);
  const header = (records[0] ?? []).map((h) => h.trim());
  return {
    dialect: { delimiter, quote, escape, encoding, header: true, columns: header },
    header,
    sample: records.slice(1),
  };
}

const DECIMAL_COMMA = /^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$/;
const DECIMAL_POINT = /^[+-]?\d+\.\d+$/;

/**
 * Decimal comma when the numeric columns of the sample hold values like 12,50 and none like
 * 12.50. With a comma delimiter a decimal comma would have to be quoted: still detected.
 */
export function detectDecimalComma(
  sniffed: SniffedCsv,
  numericColumns: ReadonlySet<string>,
): boolean {
  let comma = 0;
  let point = 0;
  const idx = sniffed.header.map((h, i) => (numericColumns.has(h) ? i : -1)).filter((i) => i >= 0);
  for (const rec of sniffed.sample) {
    for (const i of idx) {
      const v = (rec[i] ?? '').trim();
      if (DECIMAL_COMMA.test(v)) comma++;
      else if (DECIMAL_POINT.test(v)) point++;
    }
  }
  return comma > 0 && point === 0;
}
