/**
 * Wall-clock time in a named time zone (IANA), from the runtime's own zone data (Intl), so that
 * schedules and "today" follow the workspace's zone across daylight-saving changes whatever the
 * machine's zone is.
 */
import { epochDay } from './civil-date.js';

export interface LocalDateTime {
  /** Local calendar day, as an epoch day. */
  readonly day: number;
  /** Minutes since local midnight (0–1439). */
  readonly minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows the zone (an unknown one would throw deep inside a schedule). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function parts(ms: number, timeZone: string): { day: number; second: number } {
  const p: Record<string, number> = {};
  for (const x of formatter(timeZone).formatToParts(new Date(ms))) {
    if (x.type !== 'literal') p[x.type] = Number(x.value);
  }
  const day = epochDay(p['year'] ?? 1970, p['month'] ?? 1, p['day'] ?? 1);
  return { day, second: (p['hour'] ?? 0) * 3600 + (p['minute'] ?? 0) * 60 + (p['second'] ?? 0) };
}

/** The local date and time of an instant in a zone. */
export function localDateTime(ms: number, timeZone: string): LocalDateTime {
  const { day, second } = parts(ms, timeZone);
  return { day, minuteOfDay: Math.floor(second / 60) };
}

/** The local calendar day of an instant in a zone (the workspace's "today"). */
export function localDay(ms: number, timeZone: string): number {
  return parts(ms, timeZone).day;
}

/** The zone's offset from UTC at an instant, in minutes (Paris in summer: 120). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const { day, second } = parts(ms, timeZone);
  const wall = day * 86_400_000 + second * 1000;
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The instant at which a zone's clocks show a local day and minute. In the hour skipped in
 * spring the wall time does not exist: the instant returned is the one the clocks jump to (02:30
 * in Paris on the last Sunday of March is 03:30 local). In the hour repeated in autumn the
 * first of the two instants is returned, so a schedule fires once.
 */
export function zonedInstant(day: number, minuteOfDay: number, timeZone: string): number {
  const wall = day * 86_400_000 + minuteOfDay * 60_000;
  // Offsets either side of the wall time; the earlier instant wins when both fit (autumn).
  const before = offsetMinutes(wall - 86_400_000 / 2, timeZone);
  const after = offsetMinutes(wall + 86_400_000 / 2, timeZone);
  const candidates = [...new Set([before, after])]
    .map((off) => wall - off * 60_000)
    .filter((ms) => {
      const l = localDateTime(ms, timeZone);
      return l.day === day && l.minuteOfDay === minuteOfDay;
    })
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return first;
  // A skipped wall time: shift by the gap, i.e. read it with the offset in force before it.
  return wall - before * 60_000;
}
