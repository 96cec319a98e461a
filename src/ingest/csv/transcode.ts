import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Copies a Latin-1 file to UTF-8. Decoded as Windows-1252, the superset every "Latin-1" export
 * of a French till or spreadsheet really is (€ is byte 0x80 there; strict ISO-8859-1 readers
 * refuse it). Line breaks stay where they were, so line numbers are those of the original.
 */
export async function transcodeToUtf8(src: string, dest: string): Promise<void> {
  const decoder = new TextDecoder('windows-1252');
  const out = createWriteStream(dest);
  for await (const chunk of createReadStream(src, { highWaterMark: 1 << 20 })) {
    if (!out.write(decoder.decode(chunk as Buffer, { stream: true }))) await once(out, 'drain');
  }
  out.end(decoder.decode());
  await once(out, 'finish');
}
