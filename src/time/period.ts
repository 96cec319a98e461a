/**
 * Periods and day ranges: inclusive spans of epoch days (see civil-date.ts), and the one rule that
 * lines a truncated period up with its comparison period.
 */
import { VitrineError } from '../util/errors.js';
import { isoDate } from './civil-date.js';
import type { CalendarGrain } from './grain.js';

/** An inclusive span of epoch days. */
export interface DayRange {
  readonly start: number;
  readonly end: number;
}

/** One whole period of a calendar at a grain. */
export interface Period extends DayRange {
  readonly grain: CalendarGrain;
  /** For people: "2025-03", "FY2024 P03", "week of 2025-01-13". */
  readonly label: string;
  /** For machines: unique within a calendar and grain, sorts chronologically. */
  readonly key: string;
}

export function sameRange(a: DayRange, b: DayRange): boolean {
  return a.start === b.start && a.end === b.end;
}

export function shiftRange(range: DayRange, days: number): DayRange {
  return { start: range.start + days, end: range.end + days };
}

export function intersectRange(a: DayRange, b: DayRange): DayRange | null {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start <= end ? { start, end } : null;
}

/** Every public entry point checks its range once, so errors name the dates the user typed. */
export function assertRange(from: number, to: number, what = 'range'): void {
  if (!Number.isInteger(from) || !Number.isInteger(to)) {
    throw new VitrineError(
      'BAD_RANGE',
      `${what} bounds must be whole epoch days, got ${from}..${to}`,
    );
  }
  if (from > to) {
    throw new VitrineError(
      'BAD_RANGE',
      `${what} starts on ${isoDate(from)}, after its end ${isoDate(to)}`,
    );
  }
}

/**
 * Where a day at some offset into `source` lands in `target`: the same offset from the start,
 * clamped to the target's last day (as 29 February falls back to 28 February).
 */
export function alignStart(day: number, source: DayRange, target: DayRange): number {
  return Math.min(target.start + (day - source.start), target.end);
}

/**
 * As alignStart, except that the source's last day maps to the target's last day, so a period
 * that runs to its end compares with the whole target even when the two differ in length.
 */
export function alignEnd(day: number, source: DayRange, target: DayRange): number {
  return day === source.end ? target.end : alignStart(day, source, target);
}

/**
 * The like-for-like comparison window of `window` (a part of `source`) inside `target`: a whole
 * source maps to the whole target; a truncated one to the same days counted from the start
 * (the 1st–17th to the 1st–17th), never to the whole target.
 */
export function alignWithin(window: DayRange, source: DayRange, target: DayRange): DayRange {
  return {
    start: alignStart(window.start, source, target),
    end: alignEnd(window.end, source, target),
  };
}

/** Walks whole periods from the one holding `from` to the one holding `to`. */
export function walkPeriods(
  periodOf: (day: number, grain: CalendarGrain) => Period,
  from: number,
  to: number,
  grain: CalendarGrain,
): Period[] {
  assertRange(from, to);
  const periods: Period[] = [];
  for (let day = from; day <= to;) {
    const period = periodOf(day, grain);
    // A period that does not hold its day would loop forever; fail loudly instead.
    if (period.start > day || period.end < day) {
      throw new VitrineError(
        'CALENDAR_BUG',
        `${grain} period ${period.key} does not contain ${isoDate(day)}`,
      );
    }
    periods.push(period);
    day = period.end + 1;
  }
  return periods;
}
