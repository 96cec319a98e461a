import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventJournal } from '../../src/util/append-journal.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'vitrine-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('event journal', () => {
  it('numbers records across appends and returns what follows the applied seq', () => {
    const dir = fresh();
    const { journal } = EventJournal.open<{ n: number }>(dir, 0);
    expect(journal.append([{ n: 1 }, { n: 2 }]).map((e) => e.seq)).toEqual([1, 2]);
    expect(journal.append([{ n: 3 }]).map((e) => e.seq)).toEqual([3]);
    journal.close();
    const again = EventJournal.open<{ n: number }>(dir, 1);
    expect(again.pending).toEqual([
      { seq: 2, rec: { n: 2 } },
      { seq: 3, rec: { n: 3 } },
    ]);
    expect(again.journal.next).toBe(4);
    again.journal.close();
  });

  it('cuts a torn last line and a record whose checksum fails, and appends after them', () => {
    const dir = fresh();
    const { journal } = EventJournal.open<{ n: number }>(dir, 0);
    journal.append([{ n: 1 }, { n: 2 }]);
    journal.close();
    const seg = join(dir, 'seg-000001.ndjson');
    const sound = readFileSync(seg, 'utf8');
    // A line whose record was altered after its checksum, then half a line (the crash).
    const altered = sound.split('\n')[1]?.replace('"n":2', '"n":9') ?? '';
    writeFileSync(seg, `${sound.split('\n')[0]}\n${altered}\n`);
    appendFileSync(seg, '{"seq":3,"sum":"00');
    const reopened = EventJournal.open<{ n: number }>(dir, 0);
    expect(reopened.pending).toEqual([{ seq: 1, rec: { n: 1 } }]);
    expect(readFileSync(seg, 'utf8')).toBe(`${sound.split('\n')[0]}\n`);
    expect(reopened.journal.append([{ n: 4 }])).toEqual([{ seq: 2, rec: { n: 4 } }]);
    reopened.journal.close();
  });

  it('refuses a journal behind the database (removed or replaced)', () => {
    const dir = fresh();
    expect(() => EventJournal.open(dir, 5)).toThrow(
      /applied events up to seq 5 but the journal ends at 0/,
    );
  });
});
