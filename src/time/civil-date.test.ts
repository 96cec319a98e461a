import { describe, expect, it } from 'vitest';
import {
  centralEuropeLocalToUtcMs,
  centralEuropeOffsetMinutes,
  civil,
  epochDay,
  isoDate,
  isoWeekday,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
  parseIsoDate,
} from './civil-date.js';

describe('civil dates as epoch days', () => {
  it('counts days from 1970-01-01', () => {
    expect(epochDay(1970, 1, 1)).toBe(0);
    // 2000-03-01: 30 years × 365 + 7 leap days (72,76,…,96) + Jan 31 + Feb 29 = 10950 + 7 + 60 = 11017
    expect(epochDay(2000, 3, 1)).toBe(11017);
    expect(civil(11017)).toEqual({ year: 2000, month: 3, day: 1 });
    expect(isoDate(epochDay(2024, 2, 29))).toBe('2024-02-29');
  });

  it('round-trips every day of four centuries around the epoch', () => {
    for (let d = -80000; d < 80000; d += 7) expect(parseIsoDate(isoDate(d))).toBe(d);
  });

  it('knows weekdays (1970-01-01 was a Thursday, 2024-11-29 a Friday)', () => {
    expect(isoWeekday(0)).toBe(4);
    expect(isoWeekday(epochDay(2024, 11, 29))).toBe(5);
    expect(isoWeekday(-1)).toBe(3);
  });

  it('rejects malformed and impossible dates with the field named', () => {
    expect(() => parseIsoDate('2023-02-29', '--from')).toThrow(/--from "2023-02-29"/);
    expect(() => parseIsoDate('2024-1-05')).toThrow(/expected YYYY-MM-DD/);
  });

  it('finds Black Friday and the soldes dates', () => {
    // Black Friday = day after the 4th Thursday of November: 2023-11-24, 2024-11-29, 2025-11-28.
    expect(isoDate(nthWeekdayOfMonth(2023, 11, 4, 4) + 1)).toBe('2023-11-24');
    expect(isoDate(nthWeekdayOfMonth(2024, 11, 4, 4) + 1)).toBe('2024-11-29');
    expect(isoDate(nthWeekdayOfMonth(2025, 11, 4, 4) + 1)).toBe('2025-11-28');
    // Last Sunday of March 2024 was the 31st, of October 2024 the 27th.
    expect(isoDate(lastWeekdayOfMonth(2024, 3, 7))).toBe('2024-03-31');
    expect(isoDate(lastWeekdayOfMonth(2024, 10, 7))).toBe('2024-10-27');
  });

  it('converts Paris wall-clock time to UTC across daylight saving', () => {
    expect(centralEuropeOffsetMinutes(epochDay(2024, 1, 15))).toBe(60);
    expect(centralEuropeOffsetMinutes(epochDay(2024, 7, 15))).toBe(120);
    expect(centralEuropeOffsetMinutes(epochDay(2024, 3, 31))).toBe(120);
    expect(centralEuropeOffsetMinutes(epochDay(2024, 10, 27))).toBe(60);
    // 10:00 in Paris on 2024-07-15 is 08:00 UTC; on 2024-01-15 it is 09:00 UTC.
    expect(new Date(centralEuropeLocalToUtcMs(epochDay(2024, 7, 15), 600)).toISOString()).toBe(
      '2024-07-15T08:00:00.000Z',
    );
    expect(new Date(centralEuropeLocalToUtcMs(epochDay(2024, 1, 15), 600)).toISOString()).toBe(
      '2024-01-15T09:00:00.000Z',
    );
  });
});
