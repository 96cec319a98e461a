import { describe, expect, it } from 'vitest';
import { epochDay } from '../../time/civil-date.js';
import { ParisClock } from './paris-clock.js';

describe('ParisClock', () => {
  const clock = new ParisClock();
  it('switches offset at 01:00 UTC on the last Sundays of March and October', () => {
    // 2025-03-30 and 2025-10-26 are the switch days.
    expect(clock.offsetMinutes(Date.UTC(2025, 2, 30, 0, 59))).toBe(60);
    expect(clock.offsetMinutes(Date.UTC(2025, 2, 30, 1, 0))).toBe(120);
    expect(clock.offsetMinutes(Date.UTC(2025, 9, 26, 0, 59))).toBe(120);
    expect(clock.offsetMinutes(Date.UTC(2025, 9, 26, 1, 0))).toBe(60);
  });

  it('gives the local day and the UTC instant of local times', () => {
    // 22:30 UTC on 2025-07-01 is 00:30 on 2025-07-02 in Paris.
    expect(clock.day(Date.UTC(2025, 6, 1, 22, 30))).toBe(epochDay(2025, 7, 2));
    expect(clock.day(Date.UTC(2025, 0, 1, 22, 30))).toBe(epochDay(2025, 1, 1));
    expect(clock.utcMs(epochDay(2025, 7, 2), 30)).toBe(Date.UTC(2025, 6, 1, 22, 30));
    expect(clock.utcMs(epochDay(2025, 1, 15), 9 * 60)).toBe(Date.UTC(2025, 0, 15, 8, 0));
    // Midnight local of the spring switch day is still winter time.
    expect(clock.utcMs(epochDay(2025, 3, 30), 0)).toBe(Date.UTC(2025, 2, 29, 23, 0));
    expect(clock.utcMs(epochDay(2025, 3, 31), 0)).toBe(Date.UTC(2025, 2, 30, 22, 0));
  });
});
