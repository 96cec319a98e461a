/**
 * The calendar as a table: one row per day, civil and retail columns side by side, plus each
 * day's N-1 matches. The semantic compiler loads it and joins on `day`, so grouping by a retail
 * period or mapping a day to N-1 needs no calendar logic in SQL.
 */
import { calendarOptionsFromConfig } from './calendar.js';
import type { CalendarSettings, WeekStart } from './calendar.js';
import { isoDate, isoWeekday } from './civil-date.js';
import { civilCalendar } from './civil-calendar.js';
import { assertRange } from './period.js';
import { retailCalendar } from './retail-calendar.js';
import type { RetailCalendarOptions } from './retail-calendar.js';

export interface CalendarTableOptions {
  /** Civil week start; default 'monday'. */
  readonly weekStart?: WeekStart;
  /** Civil fiscal year start month; default 1. */
  readonly fiscalYearStartMonth?: number;
  /** Retail calendar; default NRF. Also sets the years of the weekday-aligned N-1 shift. */
  readonly retail?: RetailCalendarOptions;
}

/** Dates are ISO 'YYYY-MM-DD' text, numbers count from 1. */
export interface CalendarRow {
  readonly day: string;
  /** 1 = Monday … 7 = Sunday. */
  readonly iso_weekday: number;
  readonly week_start: string;
  readonly month_start: string;
  readonly quarter_start: string;
  readonly year_start: string;
  /** The fiscal year's name: the calendar year in which it starts (NRF fiscal 2024 = Feb 2024 – Jan 2025). */
  readonly retail_year: number;
  readonly retail_quarter: number;
  readonly retail_period: number;
  readonly retail_week: number;
  readonly retail_week_start: string;
  readonly retail_period_start: string;
  readonly retail_quarter_start: string;
  readonly retail_year_start: string;
  readonly retail_day_of_year: number;
  /** Civil N-1: the same date a year earlier, 29 February → 28 February. */
  readonly yoy_day: string;
  /** Retail N-1: the same fiscal week and weekday a year earlier, week 53 → week 52. */
  readonly retail_yoy_day: string;
  /** Weekday-aligned N-1: 364 or 371 days back, Black Friday to Black Friday. */
  readonly yoy_weekday_day: string;
}

export type CalendarColumnType = 'date' | 'integer';

/** Column names and types in row order, for the engine to create the table. */
export const CALENDAR_TABLE_COLUMNS: readonly {
  readonly name: keyof CalendarRow;
  readonly type: CalendarColumnType;
}[] = [
  { name: 'day', type: 'date' },
  { name: 'iso_weekday', type: 'integer' },
  { name: 'week_start', type: 'date' },
  { name: 'month_start', type: 'date' },
  { name: 'quarter_start', type: 'date' },
  { name: 'year_start', type: 'date' },
  { name: 'retail_year', type: 'integer' },
  { name: 'retail_quarter', type: 'integer' },
  { name: 'retail_period', type: 'integer' },
  { name: 'retail_week', type: 'integer' },
  { name: 'retail_week_start', type: 'date' },
  { name: 'retail_period_start', type: 'date' },
  { name: 'retail_quarter_start', type: 'date' },
  { name: 'retail_year_start', type: 'date' },
  { name: 'retail_day_of_year', type: 'integer' },
  { name: 'yoy_day', type: 'date' },
  { name: 'retail_yoy_day', type: 'date' },
  { name: 'yoy_weekday_day', type: 'date' },
];

export function calendarTableOptionsFromConfig(config: CalendarSettings): CalendarTableOptions {
  const { civil, retail } = calendarOptionsFromConfig(config);
  return {
    weekStart: civil.weekStart ?? 'monday',
    fiscalYearStartMonth: civil.fiscalYearStartMonth ?? 1,
    retail,
  };
}

export function calendarRows(
  fromDay: number,
  toDay: number,
  options: CalendarTableOptions = {},
): CalendarRow[] {
  assertRange(fromDay, toDay, 'calendar table');
  const civilCal = civilCalendar({
    weekStart: options.weekStart,
    fiscalYearStartMonth: options.fiscalYearStartMonth,
    alignment: options.retail,
  });
  const retail = retailCalendar(options.retail);
  const rows: CalendarRow[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    const r = retail.retailDate(day);
    rows.push({
      day: isoDate(day),
      iso_weekday: isoWeekday(day),
      week_start: isoDate(civilCal.weekStart(day)),
      month_start: isoDate(civilCal.monthStart(day)),
      quarter_start: isoDate(civilCal.quarterStart(day)),
      year_start: isoDate(civilCal.yearStart(day)),
      retail_year: r.year,
      retail_quarter: r.quarter,
      retail_period: r.period,
      retail_week: r.week,
      retail_week_start: isoDate(retail.weekStart(day)),
      retail_period_start: isoDate(retail.monthStart(day)),
      retail_quarter_start: isoDate(retail.quarterStart(day)),
      retail_year_start: isoDate(retail.yearStart(day)),
      retail_day_of_year: r.dayOfYear,
      yoy_day: isoDate(civilCal.yoyDay(day)),
      retail_yoy_day: isoDate(retail.yoyDay(day)),
      yoy_weekday_day: isoDate(day - retail.yoyWeekdayShift(day)),
    });
  }
  return rows;
}
