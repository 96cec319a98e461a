import { createReadStream } from 'node:fs';

export interface RecordLineMap {
  /** Good record index (0-based, in file order, rejects excluded) → physical line. */
  readonly good: Map<number, number>;
  /** Reader line of a rejected record → physical line. */
  readonly rejects: Map<number, number>;
}

const LF = 10;
const CR = 13;

/**
 * Physical lines of records, for the files where the row order alone does not give them: blank
 * lines, or line breaks inside quoted fields. Mirrors the engine's reader: its line count moves at
 * every line break outside quotes (blank lines included); a record starts on a non-blank line.
 * Works on bytes: quotes and line breaks are the same bytes in UTF-8 and Latin-1.
 */
export async function recordLines(
  path: string,
  quote: string,
  escape: string,
  headerLines: number,
  rejectReaderLines: ReadonlySet<number>,
  wanted: ReadonlySet<number>,
): Promise<RecordLineMap> {
  const q = quote === '' ? -1 : quote.charCodeAt(0);
  const esc = escape === '' ? -1 : escape.charCodeAt(0);
  const good = new Map<number, number>();
  const rejects = new Map<number, number>();
  let physical = 1;
  let reader = 1;
  let inQuotes = false;
  let pendingQuote = false;
  let pendingEscape = false;
  let content = false;
  let startPhysical = 1;
  let startReader = 1;
  let records = 0;
  let goodIndex = -1;
  const endRecord = () => {
    records++;
    if (records <= headerLines) return;
    if (rejectReaderLines.has(startReader)) {
      rejects.set(startReader, startPhysical);
      return;
    }
    goodIndex++;
    if (wanted.has(goodIndex)) good.set(goodIndex, startPhysical);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] as number;
      if (inQuotes) {
        if (pendingEscape) {
          pendingEscape = false;
          if (b === q) continue;
        }
        if (pendingQuote) {
          pendingQuote = false;
          if (b === q) continue; // a doubled quote: still inside
          inQuotes = false;
        } else if (b === q) {
          if (esc === q) pendingQuote = true;
          else inQuotes = false;
          continue;
        } else if (b === esc) {
          pendingEscape = true;
          continue;
        } else {
          if (b === LF) physical++;
          continue;
        }
      }
      if (b === LF) {
        if (content) endRecord();
        content = false;
        physical++;
        reader++;
        continue;
      }
      if (b === CR) continue;
      if (!content) {
        content = true;
        startPhysical = physical;
        startReader = reader;
      }
      if (b === q) inQuotes = true;
    }
  }
  if (content) endRecord();
  return { good, rejects };
}
