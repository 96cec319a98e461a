import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordLines } from './record-lines.js';

describe('record lines', () => {
  it('gives the physical line of records after blank lines and quoted line breaks', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vitrine-lines-')), 'x.csv');
    // Lines: 1 header, 2-3 a record with a quoted break, 4 blank, 5 rejected, 6 a record.
    writeFileSync(path, 'a,b\n1,"x\ny"\n\n2,z,extra\n3,w\n');
    // The reader counts line 4 for the rejected record: breaks inside quotes do not count.
    const map = await recordLines(path, '"', '"', 1, new Set([4]), new Set([0, 1]));
    expect([...map.good]).toEqual([
      [0, 2],
      [1, 6],
    ]);
    expect([...map.rejects]).toEqual([[4, 5]]);
  });
});
