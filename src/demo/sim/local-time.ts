import {
  MS_PER_DAY,
  centralEuropeLocalToUtcMs,
  centralEuropeOffsetMinutes,
  civil,
  isoDate,
  lastWeekdayOfMonth,
} from '../../time/civil-date.js';

/**
 * Local (Europe/Paris) clock helpers for the demo. The civil-date helper converts with the
 * offset at local midday, which is wrong only in the small hours of the two changeover Sundays;
 * the demo never places an event there, so every `*_on` date it derives is the tz-database one.
 */

const offsetCache = new Map<number, number>();

/** Offset at local midday, memoised: the demo converts millions of local times. */
function offsetMinutes(day: number): number {
  let o = offsetCache.get(day);
  if (o === undefined) {
    o = centralEuropeOffsetMinutes(day);
    offsetCache.set(day, o);
  }
  return o;
}

/** UTC ms of a local wall-clock minute; minutes before 03:00 on a changeover day move to 03:00. */
export function localMs(day: number, minuteOfDay: number): number {
  const offset = offsetMinutes(day);
  const m = minuteOfDay < 180 && offset !== offsetMinutes(day - 1) ? 180 : minuteOfDay;
  return day * MS_PER_DAY + (m - offset) * 60_000;
}

/** Local date (epoch day) of an instant, with the exact changeover instants (01:00 UTC). */
export function localDayOfMs(ms: number): number {
  const utcDay = Math.floor(ms / MS_PER_DAY);
  const { year } = civil(utcDay);
  const summerFrom = lastWeekdayOfMonth(year, 3, 7) * MS_PER_DAY + 3_600_000;
  const summerTo = lastWeekdayOfMonth(year, 10, 7) * MS_PER_DAY + 3_600_000;
  const offset = ms >= summerFrom && ms < summerTo ? 7_200_000 : 3_600_000;
  return Math.floor((ms + offset) / MS_PER_DAY);
}

/** End of a local day (the first instant of the next one), UTC ms. */
export function endOfLocalDayMs(day: number): number {
  // The offset at midday of `day` is the one in force at its end (changeovers happen at 01:00 UTC).
  return centralEuropeLocalToUtcMs(day, 1440);
}

const dayPrefix = new Map<number, string>();

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * ISO-8601 UTC text of an instant, the same as `new Date(ms).toISOString()` for whole
 * milliseconds but several times faster: the demo writes millions of timestamps.
 */
export function isoInstant(ms: number): string {
  const t = Math.floor(ms);
  const day = Math.floor(t / MS_PER_DAY);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = `${isoDate(day)}T`;
    dayPrefix.set(day, prefix);
  }
  let r = t - day * MS_PER_DAY;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1000);
  const milli = r - s * 1000;
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
