import { describe, expect, it } from 'vitest';
import { Random } from '../random.js';
import { TimestampText } from './timestamp-text.js';

describe('TimestampText', () => {
  it('writes the same text as Date#toISOString', () => {
    const rng = new Random(1, 'ts');
    const text = new TimestampText();
    const base = Date.UTC(2020, 0, 1);
    for (let i = 0; i < 20_000; i++) {
      const ms = base + Math.floor(rng.next() * 8 * 365 * 86_400_000);
      expect(text.format(ms)).toBe(new Date(ms).toISOString());
    }
    expect(text.format(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29T23:59:59.999Z');
  });
});
