import { isAscii, isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

/** What one streaming pass over a file tells the loader before anything is read into SQL. */
export interface FileFacts {
  readonly path: string;
  readonly bytes: number;
  /** SHA-256 of the content: the load log key (the same bytes are the same load). */
  readonly hash: string;
  /** Physical lines (a last line without a line feed counts). */
  readonly lines: number;
  /** The last line ends without a line feed (often a truncated export). */
  readonly unterminatedLastLine: boolean;
  /** Every byte sequence is valid UTF-8. */
  readonly utf8: boolean;
  /** Bytes of non-ASCII text that are valid UTF-8 multi-byte sequences were seen. */
  readonly utf8MultiByte: boolean;
  /**
   * A carriage return not followed by a line feed (a line break typed in a cell, binary data),
   * or lines ending both in LF and CRLF: the engine's strict CSV reader stops at them unless they
   * sit in quotes, so the CSV path rewrites such records before reading
   * (csv/stray-carriage-returns.ts).
   */
  readonly irregularLineBreaks: boolean;
  /** The first bytes, for sniffing the dialect and reading the header. */
  readonly head: Buffer;
}

const HEAD_BYTES = 64 * 1024;

/** The facts of records that come from no single file (GA4's event store, held records). */
export const NO_FILE: FileFacts = {
  path: '',
  bytes: 0,
  hash: '',
  lines: 0,
  unterminatedLastLine: false,
  utf8: true,
  utf8MultiByte: false,
  irregularLineBreaks: false,
  head: Buffer.alloc(0),
};

/** Bytes at the end of a chunk that start a multi-byte sequence the next chunk completes. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back] as number;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0x80) return 0;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

export async function scanFile(path: string): Promise<FileFacts> {
  const bytes = statSync(path).size;
  const hash = createHash('sha256');
  let lines = 0;
  let last = -1;
  let utf8 = true;
  let utf8MultiByte = false;
  let strayCr = false;
  /** Line feeds right after a CR. */
  let crlf = 0;
  // The chunk before ended with a CR: what it is depends on the next chunk's first byte.
  let crAtEnd = false;
  let carry: Buffer = Buffer.alloc(0);
  const headParts: Buffer[] = [];
  let headLen = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    if (headLen < HEAD_BYTES) {
      headParts.push(buf.subarray(0, HEAD_BYTES - headLen));
      headLen += Math.min(buf.length, HEAD_BYTES - headLen);
    }
    let i = -1;
    while ((i = buf.indexOf(10, i + 1)) !== -1) lines++;
    if (buf.length > 0) {
      if (crAtEnd) {
        if (buf[0] === 10) crlf++;
        else strayCr = true;
      }
      let j = -1;
      while ((j = buf.indexOf(13, j + 1)) !== -1) {
        if (j + 1 >= buf.length) continue;
        if (buf[j + 1] === 10) crlf++;
        else strayCr = true;
      }
      crAtEnd = buf[buf.length - 1] === 13;
    }
    if (buf.length > 0) last = buf[buf.length - 1] as number;
    if (utf8 || !utf8MultiByte) {
      const joined = carry.length > 0 ? Buffer.concat([carry, buf]) : buf;
      const tail = incompleteTail(joined);
      const body = joined.subarray(0, joined.length - tail);
      carry = Buffer.from(joined.subarray(joined.length - tail));
      if (isUtf8(body)) {
        if (!utf8MultiByte && !isAscii(body)) utf8MultiByte = true;
      } else {
        utf8 = false;
        // A file with both valid multi-byte sequences and invalid bytes is UTF-8 with a few
        // bad lines (pasted from elsewhere), not Latin-1: look for valid sequences line by line.
        if (!utf8MultiByte) {
          for (const part of splitLines(body)) {
            if (isUtf8(part) && !isAscii(part)) {
              utf8MultiByte = true;
              break;
            }
          }
        }
      }
    }
  }
  if (carry.length > 0) utf8 = false;
  const unterminatedLastLine = bytes > 0 && last !== 10;
  const irregularLineBreaks = strayCr || (crlf > 0 && crlf < lines);
  if (unterminatedLastLine) lines++;
  return {
    path,
    bytes,
    hash: hash.digest('hex'),
    lines,
    unterminatedLastLine,
    utf8,
    utf8MultiByte,
    irregularLineBreaks,
    head: Buffer.concat(headParts),
  };
}

function* splitLines(buf: Buffer): Generator<Buffer> {
  let start = 0;
  let i: number;
  while ((i = buf.indexOf(10, start)) !== -1) {
    yield buf.subarray(start, i);
    start = i + 1;
  }
  if (start < buf.length) yield buf.subarray(start);
}

/**
 * The encoding to read a file with: UTF-8 when valid, or when it mixes valid UTF-8 text with a
 * few invalid bytes (those lines are then rejected, with their line numbers); Latin-1 when no
 * valid multi-byte sequence appears at all (a legacy export from a till or an old ERP).
 */
export function detectEncoding(facts: FileFacts): 'utf-8' | 'latin-1' {
  if (facts.utf8) return 'utf-8';
  return facts.utf8MultiByte ? 'utf-8' : 'latin-1';
}

/** Decodes the head sample with an encoding (a trailing partial character is dropped). */
export function decodeHead(facts: FileFacts, encoding: 'utf-8' | 'latin-1'): string {
  if (encoding === 'latin-1') return facts.head.toString('latin1');
  const cut = facts.head.length - incompleteTail(facts.head);
  return facts.head.subarray(0, cut).toString('utf8');
}
