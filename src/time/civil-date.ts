/**
 * Civil dates as whole days since 1970-01-01 ("epoch days"): plain integers, no time zone, no
 * Date object, so date arithmetic is exact and fast. ISO text is 'YYYY-MM-DD'.
 */
import { VitrineError } from '../util/errors.js';

export const MS_PER_DAY = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days from civil (Howard Hinnant's algorithm). */
export function epochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function civil(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Parses 'YYYY-MM-DD' strictly; `what` names the field in the error. */
export function parseIsoDate(text: string, what = 'date'): number {
  const m = ISO_DATE.exec(text);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  if (!m || !isValidDate(y, mo, d)) {
    throw new VitrineError(
      'BAD_DATE',
      `${what} "${text}" is not a valid date (expected YYYY-MM-DD)`,
    );
  }
  return epochDay(y, mo, d);
}

export function isoDate(days: number): string {
  const { year, month, day } = civil(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(days: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

export function epochDayOfMs(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

export function todayEpochDay(now: Date = new Date()): number {
  return epochDayOfMs(now.getTime());
}

/** Last given weekday (1–7) of a month. */
export function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const last = epochDay(year, month, daysInMonth(year, month));
  return last - ((isoWeekday(last) - weekday + 7) % 7);
}

/** n-th given weekday (1–7) of a month, n from 1. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  const first = epochDay(year, month, 1);
  return first + ((weekday - isoWeekday(first) + 7) % 7) + 7 * (n - 1);
}

/**
 * Offset of Europe/Paris (and every EU zone of that band) from UTC, in minutes, at local midday
 * of the given day: +60 in winter, +120 from the last Sunday of March to the last Sunday of
 * October (EU rule since 1996).
 */
export function centralEuropeOffsetMinutes(days: number): number {
  const { year } = civil(days);
  const start = lastWeekdayOfMonth(year, 3, 7);
  const end = lastWeekdayOfMonth(year, 10, 7);
  return days >= start && days < end ? 120 : 60;
}

/** UTC milliseconds of a local wall-clock time in Central European time. */
export function centralEuropeLocalToUtcMs(days: number, minuteOfDay: number): number {
  return days * MS_PER_DAY + (minuteOfDay - centralEuropeOffsetMinutes(days)) * 60_000;
}
