import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonText, readJsonArray } from './json-records.js';

describe('JSON array records', () => {
  it('parses each element with its line, and a truncated last one as unreadable', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vitrine-json-')), 'x.json');
    writeFileSync(
      path,
      '[\n  {"id": 1, "s": "a,}b"},\n  {"id": 2,\n   "n": {"x": [1, 2]}},\n  {"id": 3, "s": "cut',
    );
    const r = readJsonArray(path);
    expect(r.map((x) => [x.line, x.error === null])).toEqual([
      [2, true],
      [3, true],
      [5, false],
    ]);
    expect(jsonText(r[1]?.value, 'n.x')).toBe('[1,2]');
    expect(jsonText(r[0]?.value, 's')).toBe('a,}b');
    expect(r[2]?.error).toBe('the record is cut off (truncated file?)');
  });
});
