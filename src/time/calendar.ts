/**
 * The calendar seam: the civil calendar and the 4-5-4 retail calendar answer the same questions
 * about epoch days, so comparisons, cumulative windows and the calendar table never branch on
 * the kind. Conventions are in docs/calendars.md.
 */
import { civilCalendar } from './civil-calendar.js';
import type { CivilCalendarOptions } from './civil-calendar.js';
import { parseChoice } from './grain.js';
import type { CalendarGrain } from './grain.js';
import type { DayRange, Period } from './period.js';
import { retailCalendar } from './retail-calendar.js';
import type { RetailCalendarOptions } from './retail-calendar.js';

export const CALENDAR_KINDS = ['civil', 'retail-454'] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export type WeekStart = 'monday' | 'sunday';

export function parseCalendarKind(text: string): CalendarKind {
  return parseChoice(text, CALENDAR_KINDS, 'calendar', 'BAD_CALENDAR');
}

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

export interface CalendarOptions {
  readonly civil: CivilCalendarOptions;
  readonly retail: RetailCalendarOptions;
}

/**
 * The calendar settings of a workspace, as its configuration states them. Declared here (the
 * workspace's config satisfies it) so that time never reaches up into the workspace room.
 */
export interface CalendarSettings {
  readonly week_start: WeekStart;
  readonly fiscal_calendar: { readonly kind: CalendarKind; readonly year_start_month: number };
}

/**
 * Calendar options from a workspace. The civil calendar takes week_start and year_start_month.
 * The retail calendar follows them only when the workspace declares itself retail-454 (then
 * year_start_month is the month the retail year nominally starts, so it ends near the end of
 * the month before); a civil workspace asking for a retail view gets the NRF calendar.
 */
export function calendarOptionsFromConfig(
  config: CalendarSettings,
): CalendarOptions {
  const startMonth = config.fiscal_calendar.year_start_month;
  const retail: RetailCalendarOptions =
    config.fiscal_calendar.kind === 'retail-454'
      ? { weekStart: config.week_start, yearEndMonth: startMonth === 1 ? 12 : startMonth - 1 }
      : {};
  return {
    civil: { weekStart: config.week_start, fiscalYearStartMonth: startMonth, alignment: retail },
    retail,
  };
}

export function createCalendar(kind: CalendarKind, options: CalendarOptions): Calendar {
  return kind === 'civil' ? civilCalendar(options.civil) : retailCalendar(options.retail);
}

/** The workspace's calendar, or the other kind when a request names it (--calendar). */
export function calendarFromConfig(
  config: CalendarSettings,
  kind: CalendarKind = config.fiscal_calendar.kind,
): Calendar {
  return createCalendar(kind, calendarOptionsFromConfig(config));
}
