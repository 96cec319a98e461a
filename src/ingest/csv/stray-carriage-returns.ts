import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';

/** A record set aside before the engine reads the file, with what the quarantine keeps of it. */
export interface SetAsideRecord {
  /** The line the engine's reader gives the placeholder left in its place. */
  readonly readerLine: number;
  /** The record's first physical line (the same in the file and in its copy). */
  readonly line: number;
  readonly reason: string;
  /** The record as written (decoded as UTF-8; the engine reads the same bytes). */
  readonly text: string;
}

export const STRAY_CR_REASON =
  'unreadable line: a carriage return (CR) inside an unquoted field (a line break typed in a cell, or binary data); quote the field or remove the character';

const LF = 10;
const CR = 13;

export interface QuoteRules {
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string;
  readonly headerLines: number;
  /** Fields of a record: the placeholder has one more, so the reader refuses it on its own. */
  readonly columns: number;
}

/**
 * Copies a CSV file for the engine's reader so that its strict reader can read every line.
 * DuckDB's reader takes the line break of the first line (LF or CRLF) as the file's; a carriage
 * return outside quotes that does not end a line, or a line ending the other way, does not make
 * it reject a record: its state machine stops and the statement fails, which aborts the load's
 * transaction (nothing loaded, nothing quarantined). In the copy:
 * - a line ending the other way (CRLF lines in an LF file, LF lines in a CRLF file: files
 *   appended to by another tool) is written with the file's line break, so its record loads;
 * - a record holding a CR outside quotes elsewhere is replaced by a placeholder of
 *   `columns + 1` values that the reader rejects as malformed, at the same line; the reject is
 *   matched back to the record here and quarantined with this reason and its own text. The
 *   line breaks inside it (quoted) become blank lines, so every line keeps its number.
 * Quotes follow the reader's strict rules: a quote opens a quoted field only at the start of a
 * field; a quote elsewhere, or text after a closing quote, makes the record malformed (refused
 * by the reader anyway), and such a record is set aside too when it holds a CR anywhere, since
 * where the reader's quote state resumes after the break is its own.
 */
export async function setAsideStrayCarriageReturns(
  src: string,
  dest: string,
  rules: QuoteRules,
): Promise<{ setAside: Map<number, SetAsideRecord>; rewritten: boolean }> {
  const q = rules.quote === '' ? -1 : rules.quote.charCodeAt(0);
  const esc = rules.escape === '' ? -1 : rules.escape.charCodeAt(0);
  // Values, not empty fields: the reader forgives one trailing delimiter.
  const d = rules.delimiter.charCodeAt(0);
  // Values, not empty fields: the reader forgives one trailing delimiter.
  const placeholder = Buffer.from(
    Array(rules.columns + 1)
      .fill('_')
      .join(rules.delimiter),
    'utf8',
  );
  const out = createWriteStream(dest);
  const write = async (b: Buffer): Promise<void> => {
    if (b.length > 0 && !out.write(b)) await once(out, 'drain');
  };
  const setAside = new Map<number, SetAsideRecord>();
  /** A record was set aside or a line break rewritten: the copy differs from the file. */
  let rewritten = false;
  /** The file's line break, from its first line (as the reader takes it); null until known. */
  let crlf: boolean | null = null;
  // Good records pass through in bulk; only the record being read is held (across chunks),
  // since whether it is written as is depends on what comes later in it.
  let held: Buffer[] = [];
  let inQuotes = false;
  let pendingQuote = false;
  let pendingEscape = false;
  let fieldStart = true;
  /** A closing quote was just read: only a delimiter or a line break may follow it. */
  let closed = false;
  /** The byte before was a CR (outside quotes, or inside them). */
  let crOpen = false;
  /** A stray CR outside quotes: the reader stops there. */
  let stray = false;
  /** A stray CR inside quotes: harmless in a well-formed record, not in a broken one. */
  let quotedCr = false;
  /** A quote inside an unquoted field, or text after a closing quote: the reader refuses it. */
  let malformed = false;
  /** Line feeds inside the record's quotes. */
  let innerLines = 0;
  /** Lines as the reader counts them in the copy (line breaks outside quotes). */
  let reader = 1;
  let physical = 1;
  let startPhysical = 1;
  const resetRecord = (): void => {
    held = [];
    inQuotes = false;
    pendingQuote = false;
    pendingEscape = false;
    fieldStart = true;
    closed = false;
    crOpen = false;
    stray = false;
    quotedCr = false;
    malformed = false;
    innerLines = 0;
  };
  const isBad = (): boolean =>
    reader > rules.headerLines && (stray || (quotedCr && (malformed || inQuotes)));
  const newline = (): Buffer => Buffer.from(crlf ? '\r\n' : '\n');
  /** Writes the placeholder of the record (and a blank line per line feed inside it). */
  const writeSetAside = async (bytes: Buffer): Promise<void> => {
    setAside.set(reader, {
      readerLine: reader,
      line: startPhysical,
      reason: STRAY_CR_REASON,
      text: bytes.toString('utf8'),
    });
    await write(placeholder);
    for (let k = 0; k < innerLines; k++) await write(newline());
    reader += innerLines;
  };
  for await (const chunk of createReadStream(src, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    let flushFrom = 0;
    let recStart = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] as number;
      const afterCr = crOpen;
      crOpen = false;
      if (afterCr && b !== LF) {
        if (inQuotes && !pendingQuote) quotedCr = true;
        else stray = true;
      }
      if (inQuotes) {
        if (pendingEscape) {
          pendingEscape = false;
          if (b === q) continue;
        }
        if (pendingQuote) {
          pendingQuote = false;
          if (b === q) continue; // a doubled quote: still inside
          inQuotes = false; // the quote before closed the field: this byte is outside
          closed = true;
        } else if (b === q) {
          if (esc === q) pendingQuote = true;
          else {
            inQuotes = false;
            closed = true;
          }
          continue;
        } else {
          if (b === esc) pendingEscape = true;
          else if (b === LF) {
            physical++;
            innerLines++;
          } else if (b === CR) crOpen = true;
          continue;
        }
      }
      if (b === LF) {
        crlf ??= afterCr;
        const bytes = (): Buffer => Buffer.concat([...held, buf.subarray(recStart, i)]);
        if (isBad() || afterCr !== crlf) {
          // Without the CR of its line break, which the file's own line break replaces.
          const record = afterCr ? bytes().subarray(0, -1) : bytes();
          await write(buf.subarray(flushFrom, recStart));
          // A good line ending the other way keeps its record, with the file's line break.
          if (isBad()) await writeSetAside(record);
          else await write(record);
          await write(newline());
          flushFrom = i + 1;
          rewritten = true;
        } else if (held.length > 0) {
          // The record began in an earlier chunk: nothing of this chunk is before it.
          for (const h of held) await write(h);
        }
        resetRecord();
        recStart = i + 1;
        reader++;
        physical++;
        startPhysical = physical;
        continue;
      }
      if (b === CR) {
        crOpen = true;
      } else if (b === d) {
        fieldStart = true;
        closed = false;
        continue;
      } else if (b === q) {
        if (fieldStart) inQuotes = true;
        else malformed = true;
      } else if (closed) {
        malformed = true;
      }
      fieldStart = false;
      closed = false;
    }
    await write(buf.subarray(flushFrom, recStart));
    held.push(Buffer.from(buf.subarray(recStart)));
  }
  // The last line, without a line feed (a CR open there ends it as a line break would).
  if (isBad()) {
    await writeSetAside(Buffer.concat(held));
    rewritten = true;
  } else {
    for (const h of held) await write(h);
  }
  out.end();
  await once(out, 'finish');
  return { setAside, rewritten };
}
