import { describe, expect, it } from 'vitest';
import { epochDay, lastWeekdayOfMonth } from '../../time/civil-date.js';
import { Random } from '../random.js';
import { isoInstant, localDayOfMs, localMs } from './local-time.js';

const PARIS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Local date of an instant by the platform's time-zone database. */
function parisDay(ms: number): number {
  const [y, m, d] = PARIS.format(new Date(ms)).split('-').map(Number);
  return epochDay(y!, m!, d!);
}

describe('local time helpers', () => {
  it('formats instants exactly like Date.toISOString', () => {
    const rng = new Random(5, 'iso');
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor(rng.uniform(1.6e12, 1.9e12));
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('gives the tz-database local date, changeover days included', () => {
    const days: number[] = [];
    for (const y of [2023, 2024, 2025, 2026]) {
      for (const m of [3, 10]) {
        const sunday = lastWeekdayOfMonth(y, m, 7);
        days.push(sunday - 1, sunday, sunday + 1);
      }
    }
    days.push(epochDay(2025, 7, 14), epochDay(2025, 1, 15));
    for (const d of days) {
      for (let minute = 0; minute < 1440; minute += 7) {
        const ms = localMs(d, minute);
        expect(parisDay(ms), `${d} ${minute}`).toBe(d);
        expect(localDayOfMs(ms)).toBe(d);
      }
      for (let h = -2; h < 26; h++) {
        const ms = d * 86_400_000 + h * 3_600_000 + 1234;
        expect(localDayOfMs(ms)).toBe(parisDay(ms));
      }
    }
  });
});
