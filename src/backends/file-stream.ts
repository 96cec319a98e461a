import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';

/**
 * A file read as a stream for a bulk load (COPY, an INSERT's HTTP body), telling `onBytes` of
 * each piece as the consumer takes it, for progress within a large file. Nothing is read before
 * the consumer asks (a file opened early waits, paused, for the server to be ready).
 */
export function openFileCounting(path: string, onBytes?: (bytes: number) => void): Readable {
  const file = createReadStream(path, { highWaterMark: 1 << 18 });
  if (!onBytes) return file;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  file.once('error', (e) => counter.destroy(e));
  counter.once('close', () => file.destroy());
  return file.pipe(counter);
}
