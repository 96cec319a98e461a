import type { Connection } from 'pg';
import type { SqlParam } from '../engine.js';

/**
 * COPY … FROM STDIN with `pg` alone. `pg` runs any object with a `submit(connection)` method as
 * a query (its "Submittable" contract) and hands it the COPY sub-protocol messages; this one
 * sends the rows as CSV chunks in CopyData messages. It saves a dependency (pg-copy-streams)
 * for ~60 lines, and it is ~6x faster than the alternative, multi-row INSERT with bound
 * parameters in batches of 1,000 rows (100,000 rows of 7 columns into PostgreSQL 15 on the
 * loopback: COPY 1.3–2.0 s, INSERT 9.9–11.4 s, medians of 3 in two rounds on the shared machine).
 */

/** One CSV field: NULL is an unquoted empty field, every text is quoted (so '' stays ''). */
export function csvField(v: SqlParam): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return `"${v.replaceAll('"', '""')}"`;
}

export function csvRows(rows: ReadonlyArray<ReadonlyArray<SqlParam>>): string {
  let out = '';
  for (const row of rows) out += `${row.map(csvField).join(',')}\n`;
  return out;
}

interface PgMessage {
  readonly text?: string;
}

/** Chunk size of the CopyData messages. */
const CHUNK = 1 << 16;

export class CopyFromRows {
  readonly text: string;
  private readonly payload: Buffer;
  private rowCount = 0;
  private error: Error | null = null;
  private settle: { resolve: (n: number) => void; reject: (e: Error) => void } | null = null;
  readonly done: Promise<number>;

  constructor(copySql: string, rows: ReadonlyArray<ReadonlyArray<SqlParam>>) {
    this.text = copySql;
    this.payload = Buffer.from(csvRows(rows), 'utf8');
    this.done = new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    const c = connection as unknown as {
      sendCopyFromChunk(b: Buffer): void;
      endCopyFrom(): void;
    };
    for (let i = 0; i < this.payload.length; i += CHUNK) {
      c.sendCopyFromChunk(this.payload.subarray(i, i + CHUNK));
    }
    c.endCopyFrom();
  }

  handleCommandComplete(msg: PgMessage): void {
    const m = /^COPY (\d+)/.exec(msg.text ?? '');
    this.rowCount = m ? Number(m[1]) : 0;
  }

  handleError(err: Error): void {
    this.error = err;
  }

  handleReadyForQuery(): void {
    if (this.error) this.settle?.reject(this.error);
    else this.settle?.resolve(this.rowCount);
  }

  // Messages a COPY FROM never receives; present because the client may look them up.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  handlePortalSuspended(): void {}
}
