/**
 * The civil calendar: weeks from Monday or Sunday, civil months, and quarters and years that
 * follow a fiscal year starting on the 1st of any month. A fiscal year is named after the
 * calendar year in which it starts (FY2025 = April 2025 – March 2026), as on the retail calendar;
 * with a January start, years and quarters are plain ("2025", "2025 Q1").
 */
import { VitrineError } from '../util/errors.js';
import { civil, daysInMonth, epochDay, isoDate, isoWeekday } from './civil-date.js';
import type { Calendar, WeekStart } from './calendar-types.js';
import { assertCalendarGrain } from './grain.js';
import type { CalendarGrain } from './grain.js';
import { walkPeriods } from './period.js';
import type { Period } from './period.js';
import { retailCalendar } from './retail-calendar.js';
import type { RetailCalendarOptions } from './retail-calendar.js';

export interface CivilCalendarOptions {
  /** Default 'monday' (ISO 8601). */
  readonly weekStart?: WeekStart;
  /** First month of the fiscal year, 1–12; default 1 (January). */
  readonly fiscalYearStartMonth?: number;
  /**
   * The retail years over which the weekday-aligned N-1 shift stays constant (see
   * weekday-alignment.ts); default NRF, whose years turn in early February, far from the
   * holiday season.
   */
  readonly alignment?: RetailCalendarOptions;
}

export interface CivilCalendar extends Calendar {
  readonly kind: 'civil';
  readonly weekStartDay: WeekStart;
  readonly fiscalYearStartMonth: number;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The month `n` months after (year, month), n ≥ 0. */
function addMonths(year: number, month: number, n: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function civilCalendar(options: CivilCalendarOptions = {}): CivilCalendar {
  const weekStartDay = options.weekStart ?? 'monday';
  const startMonth = options.fiscalYearStartMonth ?? 1;
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw new VitrineError(
      'BAD_CALENDAR',
      `civil calendar fiscalYearStartMonth must be a month number 1–12, got ${startMonth}`,
    );
  }
  if (weekStartDay !== 'monday' && weekStartDay !== 'sunday') {
    throw new VitrineError(
      'BAD_CALENDAR',
      `civil calendar weekStart must be monday or sunday, got ${String(weekStartDay)}`,
    );
  }
  const firstWeekday = weekStartDay === 'monday' ? 1 : 7;
  const fiscalPrefix = startMonth === 1 ? '' : 'FY';
  const alignment = retailCalendar(options.alignment);

  function fiscalYearOf(year: number, month: number): number {
    return month >= startMonth ? year : year - 1;
  }

  function periodOf(day: number, requested: CalendarGrain): Period {
    const grain = assertCalendarGrain(requested);
    const { year, month } = civil(day);
    switch (grain) {
      case 'day': {
        const key = isoDate(day);
        return { grain, start: day, end: day, label: key, key };
      }
      case 'week': {
        const start = day - ((isoWeekday(day) - firstWeekday + 7) % 7);
        const key = isoDate(start);
        return { grain, start, end: start + 6, label: `week of ${key}`, key };
      }
      case 'month': {
        const start = epochDay(year, month, 1);
        const key = `${year}-${pad2(month)}`;
        return { grain, start, end: start + daysInMonth(year, month) - 1, label: key, key };
      }
      case 'quarter': {
        const fy = fiscalYearOf(year, month);
        const q = Math.floor(((month - startMonth + 12) % 12) / 3);
        const first = addMonths(fy, startMonth, 3 * q);
        const next = addMonths(fy, startMonth, 3 * q + 3);
        const name = `${fiscalPrefix}${fy}`;
        return {
          grain,
          start: epochDay(first.year, first.month, 1),
          end: epochDay(next.year, next.month, 1) - 1,
          label: `${name} Q${q + 1}`,
          key: `${name}-Q${q + 1}`,
        };
      }
      case 'year': {
        const fy = fiscalYearOf(year, month);
        const name = `${fiscalPrefix}${fy}`;
        return {
          grain,
          start: epochDay(fy, startMonth, 1),
          end: epochDay(fy + 1, startMonth, 1) - 1,
          label: name,
          key: name,
        };
      }
    }
  }

  function yoyDay(day: number): number {
    const { year, month, day: dom } = civil(day);
    return epochDay(year - 1, month, Math.min(dom, daysInMonth(year - 1, month)));
  }

  return {
    kind: 'civil',
    weekStartDay,
    fiscalYearStartMonth: startMonth,
    periodOf,
    periodsBetween: (from, to, grain) => walkPeriods(periodOf, from, to, grain),
    weekStart: (day) => periodOf(day, 'week').start,
    monthStart: (day) => periodOf(day, 'month').start,
    quarterStart: (day) => periodOf(day, 'quarter').start,
    yearStart: (day) => periodOf(day, 'year').start,
    yoyDay,
    yoyRange(period) {
      switch (period.grain) {
        case 'day':
          return { start: yoyDay(period.start), end: yoyDay(period.start) };
        case 'week': {
          // A civil week has no counterpart week a year back with the same dates; keep its length.
          const start = yoyDay(period.start);
          return { start, end: start + 6 };
        }
        default:
          return periodOf(yoyDay(period.start), period.grain);
      }
    },
    yoyWeekdayShift: (day) => alignment.yoyWeekdayShift(day),
  };
}
