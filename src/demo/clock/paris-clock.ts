import { civil, epochDay, lastWeekdayOfMonth, MS_PER_DAY } from '../../time/civil-date.js';

const HOUR = 3_600_000;

/**
 * Local time of the demo retailer (Europe/Paris) for UTC instants, exact at the DST switches
 * (01:00 UTC on the last Sundays of March and October), which `centralEuropeOffsetMinutes`
 * approximates per whole day. KPIs bucket by local day, so the generator's own plans (targets)
 * must bucket the same way.
 */
export class ParisClock {
  // The UTC year last looked up and its summer-time bounds: callers go through time in order,
  // so nearly every call is answered by two comparisons.
  private yearStart = Number.NaN;
  private yearEnd = Number.NaN;
  private summerStart = 0;
  private summerEnd = 0;

  /** Offset from UTC in minutes at the instant. */
  offsetMinutes(ms: number): number {
    if (!(ms >= this.yearStart && ms < this.yearEnd)) {
      const year = civil(Math.floor(ms / MS_PER_DAY)).year;
      this.yearStart = epochDay(year, 1, 1) * MS_PER_DAY;
      this.yearEnd = epochDay(year + 1, 1, 1) * MS_PER_DAY;
      this.summerStart = lastWeekdayOfMonth(year, 3, 7) * MS_PER_DAY + HOUR;
      this.summerEnd = lastWeekdayOfMonth(year, 10, 7) * MS_PER_DAY + HOUR;
    }
    return ms >= this.summerStart && ms < this.summerEnd ? 120 : 60;
  }

  /** Local calendar day (epoch day) of the instant. */
  day(ms: number): number {
    return Math.floor((ms + this.offsetMinutes(ms) * 60_000) / MS_PER_DAY);
  }

  /** UTC instant of a local wall-clock time (minute of day, may exceed 1440) on a local day. */
  utcMs(day: number, minuteOfDay: number): number {
    const guess = day * MS_PER_DAY + minuteOfDay * 60_000;
    const first = guess - this.offsetMinutes(guess - 60 * 60_000) * 60_000;
    return guess - this.offsetMinutes(first) * 60_000;
  }
}

/** First instant of the period and the first instant after it (UTC ms). */
export function periodBounds(
  clock: ParisClock,
  startDay: number,
  endDay: number,
): { startMs: number; endMs: number } {
  return { startMs: clock.utcMs(startDay, 0), endMs: clock.utcMs(endDay + 1, 0) };
}
