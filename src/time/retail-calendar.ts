/**
 * The 4-5-4 retail calendar, NRF convention by default: weeks Sunday–Saturday; the fiscal year
 * ends on the Saturday nearest 31 January (so starts on the Sunday nearest 1 February); four
 * quarters of 13 weeks as periods of 4, 5 and 4 weeks; in a 53-week year the extra week joins
 * the last period (4-5-5). Generalised: the year ends on the last weekday of the week nearest the
 * last day of `yearEndMonth`. A fiscal year is named after the calendar year holding the first
 * day of the month after `yearEndMonth` (NRF: fiscal 2024 runs from February 2024 to January
 * 2025).
 */
import { VitrineError } from '../util/errors.js';
import { civil, epochDay, isoDate, isoWeekday } from './civil-date.js';
import type { Calendar, WeekStart } from './calendar-types.js';
import { assertCalendarGrain } from './grain.js';
import type { CalendarGrain } from './grain.js';
import { walkPeriods } from './period.js';
import type { DayRange, Period } from './period.js';
import { weekdayAlignedShift } from './weekday-alignment.js';

export interface RetailCalendarOptions {
  /** First day of the retail week; NRF: 'sunday'. */
  readonly weekStart?: WeekStart;
  /** The month the fiscal year ends near the end of (1 = January, NRF; 12 for a year near civil). */
  readonly yearEndMonth?: number;
}

/** Where a day sits in the retail year; every number counts from 1. */
export interface RetailDate {
  /** The fiscal year's name (see the naming rule above). */
  readonly year: number;
  readonly quarter: number;
  readonly period: number;
  readonly week: number;
  readonly dayOfYear: number;
}

export interface RetailCalendar extends Calendar {
  readonly kind: 'retail-454';
  readonly weekStartDay: WeekStart;
  readonly yearEndMonth: number;
  retailDate(day: number): RetailDate;
  /** First and last day of the fiscal year named `year`. */
  yearBounds(year: number): DayRange;
  weeksInYear(year: number): 52 | 53;
}

/** Weeks in each period of a quarter, 4-5-4, repeated over the four quarters. */
const PERIOD_WEEKS = [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 4] as const;

/** First week (1-based) of each period: 1, 5, 10, 14, 18, 23, … */
const PERIOD_FIRST_WEEK = PERIOD_WEEKS.map(
  (_, i) => 1 + PERIOD_WEEKS.slice(0, i).reduce((a, b) => a + b, 0),
);

function periodOfWeek(week: number): number {
  let period = 1;
  for (let p = 1; p <= 12; p++) if (week >= (PERIOD_FIRST_WEEK[p - 1] ?? Infinity)) period = p;
  return period;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function retailCalendar(options: RetailCalendarOptions = {}): RetailCalendar {
  const weekStartDay = options.weekStart ?? 'sunday';
  const yearEndMonth = options.yearEndMonth ?? 1;
  if (!Number.isInteger(yearEndMonth) || yearEndMonth < 1 || yearEndMonth > 12) {
    throw new VitrineError(
      'BAD_CALENDAR',
      `retail calendar yearEndMonth must be a month number 1–12, got ${yearEndMonth}`,
    );
  }
  if (weekStartDay !== 'monday' && weekStartDay !== 'sunday') {
    throw new VitrineError(
      'BAD_CALENDAR',
      `retail calendar weekStart must be monday or sunday, got ${String(weekStartDay)}`,
    );
  }
  // ISO weekday of the last day of the week: Saturday for Sunday weeks, Sunday for Monday weeks.
  const weekLastDay = weekStartDay === 'sunday' ? 6 : 7;
  const nominalStartMonth = (yearEndMonth % 12) + 1;

  const yearEndCache = new Map<number, number>();
  /** Last day of fiscal year `year`: the week's last weekday nearest the nominal year end. */
  function yearEnd(year: number): number {
    const cached = yearEndCache.get(year);
    if (cached !== undefined) return cached;
    const nominal = epochDay(year + 1, nominalStartMonth, 1) - 1;
    const ahead = (weekLastDay - isoWeekday(nominal) + 7) % 7;
    // Seven is odd, so the nearest weekday is unique: at most three days either side.
    const end = ahead <= 3 ? nominal + ahead : nominal + ahead - 7;
    yearEndCache.set(year, end);
    return end;
  }

  function yearBounds(year: number): DayRange {
    return { start: yearEnd(year - 1) + 1, end: yearEnd(year) };
  }

  function yearOf(day: number): number {
    const guess = civil(day).year;
    if (day < yearEnd(guess - 1) + 1) return guess - 1;
    if (day > yearEnd(guess)) return guess + 1;
    return guess;
  }

  function weeksInYear(year: number): 52 | 53 {
    const { start, end } = yearBounds(year);
    return end - start + 1 === 371 ? 53 : 52;
  }

  function retailDate(day: number): RetailDate {
    const year = yearOf(day);
    const dayIndex = day - yearBounds(year).start;
    const week = Math.floor(dayIndex / 7) + 1;
    const period = periodOfWeek(week);
    return { year, quarter: Math.ceil(period / 3), period, week, dayOfYear: dayIndex + 1 };
  }

  /** Days of period `period` (1–12) of `year`; the 53rd week extends period 12. */
  function periodBounds(year: number, period: number): DayRange {
    const yearStart = yearBounds(year).start;
    const start = yearStart + 7 * ((PERIOD_FIRST_WEEK[period - 1] ?? 1) - 1);
    const extra = period === 12 && weeksInYear(year) === 53 ? 7 : 0;
    return { start, end: start + 7 * (PERIOD_WEEKS[period - 1] ?? 4) - 1 + extra };
  }

  function periodOf(day: number, requested: CalendarGrain): Period {
    const grain = assertCalendarGrain(requested);
    if (grain === 'day') {
      const key = isoDate(day);
      return { grain, start: day, end: day, label: key, key };
    }
    const r = retailDate(day);
    const fy = `FY${r.year}`;
    switch (grain) {
      case 'week': {
        const start = yearBounds(r.year).start + 7 * (r.week - 1);
        const label = `${fy} W${pad2(r.week)}`;
        return { grain, start, end: start + 6, label, key: `${fy}-W${pad2(r.week)}` };
      }
      case 'month': {
        const { start, end } = periodBounds(r.year, r.period);
        const label = `${fy} P${pad2(r.period)}`;
        return { grain, start, end, label, key: `${fy}-P${pad2(r.period)}` };
      }
      case 'quarter': {
        const start = periodBounds(r.year, 3 * r.quarter - 2).start;
        const end = periodBounds(r.year, 3 * r.quarter).end;
        return { grain, start, end, label: `${fy} Q${r.quarter}`, key: `${fy}-Q${r.quarter}` };
      }
      case 'year':
        return { grain, ...yearBounds(r.year), label: fy, key: fy };
    }
  }

  function yoyDay(day: number): number {
    const { year, dayOfYear } = retailDate(day);
    const previous = yearBounds(year - 1);
    const mapped = previous.start + dayOfYear - 1;
    // Week 53 has no counterpart; like 29 February it falls back to the last one: week 52.
    return mapped <= previous.end ? mapped : mapped - 7;
  }

  const calendar: RetailCalendar = {
    kind: 'retail-454',
    weekStartDay,
    yearEndMonth,
    retailDate,
    yearBounds,
    weeksInYear,
    periodOf,
    periodsBetween: (from, to, grain) => walkPeriods(periodOf, from, to, grain),
    weekStart: (day) => periodOf(day, 'week').start,
    monthStart: (day) => periodOf(day, 'month').start,
    quarterStart: (day) => periodOf(day, 'quarter').start,
    yearStart: (day) => yearBounds(yearOf(day)).start,
    yoyDay,
    yoyRange: (period) =>
      period.grain === 'day'
        ? { start: yoyDay(period.start), end: yoyDay(period.start) }
        : periodOf(yoyDay(period.start), period.grain),
    yoyWeekdayShift: (day) => weekdayAlignedShift(yearBounds(yearOf(day))),
  };
  return calendar;
}
