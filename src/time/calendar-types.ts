/**
 * What every calendar answers (the seam), apart from the factory in calendar.ts, so that the
 * civil and retail calendars implement it without importing the module that builds them.
 */
import type { CalendarGrain } from './grain.js';
import type { DayRange, Period } from './period.js';

export const CALENDAR_KINDS = ['civil', 'retail-454'] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export type WeekStart = 'monday' | 'sunday';

export interface Calendar {
  readonly kind: CalendarKind;
  /** The whole period at `grain` holding `day`. */
  periodOf(day: number, grain: CalendarGrain): Period;
  /** Whole periods overlapping [from, to], in order; the first and last may extend beyond it. */
  periodsBetween(from: number, to: number, grain: CalendarGrain): Period[];
  weekStart(day: number): number;
  /** Civil month, or retail period. */
  monthStart(day: number): number;
  quarterStart(day: number): number;
  /** Civil (fiscal) year, or retail year. */
  yearStart(day: number): number;
  /**
   * The day a year earlier in this calendar's structure: the same date on the civil calendar
   * (29 February → 28 February), the same fiscal week and weekday on the retail one (week 53 →
   * week 52).
   */
  yoyDay(day: number): number;
  /** The same period a year earlier (for a civil week: the seven days from yoyDay(start)). */
  yoyRange(period: Period): DayRange;
  /**
   * Days back to the weekday-aligned day a year earlier: 364 or 371, constant over a retail
   * year, chosen so that Black Friday maps to Black Friday.
   */
  yoyWeekdayShift(day: number): 364 | 371;
}
