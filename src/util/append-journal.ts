import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { VitrineError } from './errors.js';

/**
 * An append-only, checksummed journal in segments (DIR/…/seg-NNNNNN.ndjson): live events
 * (DIR/live/journal), the alert log and report runs. Every record is one line `{"seq":N,"sum":"…","rec":{…}}`: `seq` numbers records across segments (the applier
 * stores the last one it applied in the same transaction as the rows), `sum` is a checksum of the
 * record's own JSON text, so that a line torn by a crash is recognised instead of applied.
 * An append returns only once the bytes are on disk (fsync): that is when an event may be
 * acknowledged. One process appends: the workspace's writer.
 */

export interface JournalEntry<R> {
  readonly seq: number;
  readonly rec: R;
}

/** Segments are closed past this size; a new one starts with the next append. */
const SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_NAME = /^seg-(\d{6,})\.ndjson$/;

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function segmentName(n: number): string {
  return `seg-${String(n).padStart(6, '0')}.ndjson`;
}

interface ParsedSegment<R> {
  readonly entries: JournalEntry<R>[];
  /** Bytes of the file up to the end of its last sound record. */
  readonly goodBytes: number;
  readonly totalBytes: number;
}

function parseSegment<R>(path: string): ParsedSegment<R> {
  const buf = readFileSync(path);
  const entries: JournalEntry<R>[] = [];
  let pos = 0;
  let good = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    // A last line without its newline was being written when the process died.
    if (nl < 0) break;
    const line = buf.subarray(pos, nl).toString('utf8');
    let parsed: { seq?: unknown; sum?: unknown; rec?: unknown } | null;
    try {
      parsed = JSON.parse(line) as { seq?: unknown; sum?: unknown; rec?: unknown } | null;
    } catch {
      parsed = null;
    }
    if (
      !parsed ||
      typeof parsed.seq !== 'number' ||
      typeof parsed.sum !== 'string' ||
      parsed.sum !== checksum(JSON.stringify(parsed.rec))
    ) {
      break;
    }
    entries.push({ seq: parsed.seq, rec: parsed.rec as R });
    pos = nl + 1;
    good = pos;
  }
  return { entries, goodBytes: good, totalBytes: buf.length };
}

export class EventJournal<R> {
  private fd: number | null = null;
  private segment = 0;
  private size = 0;
  private nextSeq = 1;

  private constructor(readonly dir: string) {}

  /**
   * Opens the journal: checks every segment, cuts a torn tail off the last one (records after
   * it were never acknowledged: the answer waits for the fsync of the whole append), and
   * returns the sound records after `afterSeq` — what the model has not applied yet.
   */
  static open<R>(
    dir: string,
    afterSeq: number,
  ): { journal: EventJournal<R>; pending: JournalEntry<R>[] } {
    mkdirSync(dir, { recursive: true });
    const journal = new EventJournal<R>(dir);
    const segments = readdirSync(dir)
      .map((f) => SEGMENT_NAME.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const pending: JournalEntry<R>[] = [];
    let lastSeq = 0;
    for (const [i, n] of segments.entries()) {
      const path = join(dir, segmentName(n));
      const parsed = parseSegment<R>(path);
      const isLast = i === segments.length - 1;
      if (parsed.goodBytes < parsed.totalBytes) {
        if (!isLast) {
          throw new VitrineError(
            'JOURNAL_CORRUPT',
            `${path}: byte ${parsed.goodBytes}: a damaged record inside a closed journal segment; the events after it cannot be trusted (restore the segment from a backup)`,
          );
        }
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, parsed.goodBytes);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      for (const e of parsed.entries) {
        if (e.seq <= lastSeq) {
          throw new VitrineError(
            'JOURNAL_CORRUPT',
            `${path}: record seq ${e.seq} after seq ${lastSeq}: the journal is out of order`,
          );
        }
        lastSeq = e.seq;
        if (e.seq > afterSeq) pending.push(e);
      }
      journal.segment = n;
    }
    if (afterSeq > lastSeq) {
      throw new VitrineError(
        'JOURNAL_BEHIND',
        `${dir}: the database applied events up to seq ${afterSeq} but the journal ends at ${lastSeq}; the journal was removed or replaced`,
      );
    }
    journal.nextSeq = lastSeq + 1;
    return { journal, pending };
  }

  /** The seq the next appended record will get. */
  get next(): number {
    return this.nextSeq;
  }

  private openSegment(): number {
    if (this.fd !== null && this.size < SEGMENT_BYTES) return this.fd;
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
      this.segment += 1;
    }
    if (this.segment === 0) this.segment = 1;
    const path = join(this.dir, segmentName(this.segment));
    const created = !existsSync(path);
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
    if (created) {
      // The new file's name must be durable too, or a crash could lose a whole segment.
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    return this.fd;
  }

  /** Appends records and returns them with their seq once they are on disk. */
  append(records: readonly R[]): JournalEntry<R>[] {
    if (records.length === 0) return [];
    const fd = this.openSegment();
    const out: JournalEntry<R>[] = [];
    let text = '';
    for (const rec of records) {
      const seq = this.nextSeq++;
      const body = JSON.stringify(rec);
      text += `{"seq":${seq},"sum":"${checksum(body)}","rec":${body}}\n`;
      out.push({ seq, rec });
    }
    const bytes = Buffer.from(text, 'utf8');
    const before = this.size;
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } catch (e) {
      // Nothing of a failed append may stay (disk full): the next one starts on a clean line.
      this.nextSeq -= records.length;
      try {
        ftruncateSync(fd, before);
      } catch {
        // The torn tail is cut at the next open anyway.
      }
      throw new VitrineError(
        'JOURNAL_WRITE',
        `${this.dir}: cannot append to the journal: ${(e as Error).message}`,
      );
    }
    this.size += bytes.length;
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
