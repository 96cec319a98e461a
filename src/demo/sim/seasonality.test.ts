import { describe, expect, it } from 'vitest';
import { epochDay, isoDate, isoWeekday } from '../../time/civil-date.js';
import {
  BLACK_FRIDAY,
  MONTH,
  ONLINE_WEEKDAY,
  SOLDES,
  STORE_WEEKDAY,
  blackFriday,
  buildSeasonCalendar,
  summerSalesStart,
  winterSalesStart,
} from './seasonality.js';

describe('French retail calendar', () => {
  it('dates the soldes and Black Friday as in the official calendars', () => {
    // Soldes d'hiver 2025 opened on Wednesday 8 January, soldes d'été 2025 on Wednesday 25 June.
    expect(isoDate(winterSalesStart(2025))).toBe('2025-01-08');
    expect(isoDate(summerSalesStart(2025))).toBe('2025-06-25');
    expect(isoDate(winterSalesStart(2024))).toBe('2024-01-10');
    expect(isoDate(summerSalesStart(2024))).toBe('2024-06-26');
    expect(isoDate(blackFriday(2024))).toBe('2024-11-29');
    expect(isoDate(blackFriday(2025))).toBe('2025-11-28');
  });

  it('keeps the weekday profiles at mean 1', () => {
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(STORE_WEEKDAY)).toBeCloseTo(1, 10);
    expect(mean(ONLINE_WEEKDAY)).toBeCloseTo(1, 10);
  });

  it('applies weekday, month, events and closures day by day', () => {
    const start = epochDay(2024, 1, 1);
    const cal = buildSeasonCalendar(start, epochDay(2025, 12, 31));
    const at = (y: number, m: number, d: number) => epochDay(y, m, d) - start;
    // Closed on 1 January, 1 May and Christmas; online keeps trading.
    for (const [m, d] of [
      [1, 1],
      [5, 1],
      [12, 25],
    ] as const) {
      expect(cal.store[at(2025, m, d)]).toBe(0);
      expect(cal.storeOpen[at(2025, m, d)]).toBe(0);
      expect(cal.online[at(2025, m, d)]).toBeGreaterThan(0);
    }
    // Black Friday against the Friday before: the multiplier, up to a week of trend.
    const bf = blackFriday(2025);
    const ratio = cal.store[bf - start]! / cal.store[bf - 7 - start]!;
    expect(ratio).toBeCloseTo(BLACK_FRIDAY.store.friday, 2);
    // The first day of the summer soldes against the same weekday a week before.
    const s = summerSalesStart(2025);
    const sameMonth = (MONTH[6] ?? 1) / (MONTH[5] ?? 1);
    expect(cal.store[s - start]! / cal.store[s - 7 - start]!).toBeCloseTo(
      SOLDES.firstWeek * sameMonth,
      2,
    );
    expect(cal.salesPeriods.map((p) => isoDate(p.startsOn))).toEqual([
      '2024-01-10',
      '2024-06-26',
      '2025-01-08',
      '2025-06-25',
    ]);
    expect(isoWeekday(bf)).toBe(5);
  });
});
