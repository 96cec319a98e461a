/**
 * Comparison windows for a requested range: per period of a grain (the series) and for the range
 * as a whole (the total). Truncated periods compare like with like: the 1st–17th of a month with
 * the 1st–17th of its comparison month, never the whole of it (see alignWithin).
 */
import type { Calendar } from './calendar.js';
import { calendarGrainOf, parseChoice } from './grain.js';
import type { CalendarGrain, Grain } from './grain.js';
import {
  alignEnd,
  alignStart,
  alignWithin,
  assertRange,
  intersectRange,
  sameRange,
  shiftRange,
} from './period.js';
import type { DayRange, Period } from './period.js';

export const COMPARISONS = ['previous', 'yoy', 'yoy-weekday', 'target'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export function parseComparison(text: string): Comparison {
  return parseChoice(text, COMPARISONS, 'comparison', 'BAD_COMPARISON');
}

export interface ComparisonRequest {
  readonly from: number;
  readonly to: number;
  /** 'hour' is resolved per day: the caller pairs hour h of each day with hour h of its match. */
  readonly grain: Grain;
  readonly calendar: Calendar;
  readonly compare: Comparison;
}

export interface ComparisonPair {
  /** The whole period of the grain. */
  readonly period: Period;
  /** The part of the period inside the request. */
  readonly current: DayRange;
  /** True when the request cuts the period (period-to-date, or a range starting mid-period). */
  readonly partial: boolean;
  /** The whole comparison period; for 'target', the period itself. */
  readonly counterpart: DayRange;
  /** What `current` compares with: `counterpart` truncated like for like. */
  readonly comparison: DayRange;
}

export interface RangeComparison {
  readonly current: DayRange;
  readonly comparison: DayRange;
}

/** The period `n` periods before `period` at its grain. */
export function periodsBefore(calendar: Calendar, period: Period, n: number): Period {
  if (period.grain === 'day' || period.grain === 'week') {
    const days = (period.grain === 'day' ? 1 : 7) * n;
    return calendar.periodOf(period.start - days, period.grain);
  }
  let p = period;
  for (let i = 0; i < n; i++) p = calendar.periodOf(p.start - 1, p.grain);
  return p;
}

/** The whole period a period compares with (before any truncation). */
export function counterpartOf(
  calendar: Calendar,
  period: Period,
  compare: Comparison,
  shiftDay: number = period.end,
): DayRange {
  switch (compare) {
    case 'previous':
      return periodsBefore(calendar, period, 1);
    case 'yoy':
      return calendar.yoyRange(period);
    case 'yoy-weekday':
      return shiftRange(period, -calendar.yoyWeekdayShift(shiftDay));
    case 'target':
      return period;
  }
}

/** One (current, comparison) pair per period of the grain overlapping [from, to]. */
export function comparisonPairs(request: ComparisonRequest): ComparisonPair[] {
  const { from, to, calendar, compare } = request;
  assertRange(from, to, 'comparison range');
  const grain = calendarGrainOf(request.grain);
  const requested: DayRange = { start: from, end: to };
  return calendar.periodsBetween(from, to, grain).map((period) => {
    // periodsBetween only returns periods overlapping the request, so the intersection exists.
    const current = intersectRange(period, requested) ?? period;
    const partial = !sameRange(current, period);
    // yoy-weekday shifts by the shift of the window's last day, as in a period to date the
    // latest days matter most; one shift for the whole window keeps its length and weekdays.
    const counterpart = counterpartOf(calendar, period, compare, current.end);
    const comparison =
      compare === 'target'
        ? current
        : compare === 'yoy-weekday'
          ? shiftRange(current, counterpart.start - period.start)
          : alignWithin(current, period, counterpart);
    return { period, current, partial, counterpart, comparison };
  });
}

/**
 * The comparison window of the whole range [from, to] (the total of the series).
 * - previous: when the range starts on a period boundary of a week-or-coarser grain, the same
 *   number of periods just before (Q1 → Q4; 1 January–17 March by month → 1 October–17
 *   December); otherwise the range of the same length immediately before.
 * - yoy: each end mapped into the same period a year earlier, like for like.
 * - yoy-weekday: the range moved back by the weekday-aligned shift of its last day.
 * - target: the range itself.
 */
export function comparisonRange(request: ComparisonRequest): RangeComparison {
  const { from, to, calendar, compare } = request;
  assertRange(from, to, 'comparison range');
  const grain: CalendarGrain = calendarGrainOf(request.grain);
  const current: DayRange = { start: from, end: to };
  switch (compare) {
    case 'target':
      return { current, comparison: current };
    case 'yoy-weekday':
      return { current, comparison: shiftRange(current, -calendar.yoyWeekdayShift(to)) };
    case 'yoy': {
      const first = calendar.periodOf(from, grain);
      const last = calendar.periodOf(to, grain);
      return {
        current,
        comparison: {
          start: alignStart(from, first, calendar.yoyRange(first)),
          end: alignEnd(to, last, calendar.yoyRange(last)),
        },
      };
    }
    case 'previous': {
      const first = calendar.periodOf(from, grain);
      if (grain === 'day' || first.start !== from) {
        const length = to - from + 1;
        return { current, comparison: { start: from - length, end: from - 1 } };
      }
      const periods = calendar.periodsBetween(from, to, grain);
      const last = periods[periods.length - 1] ?? first;
      const n = periods.length;
      return {
        current,
        comparison: {
          start: periodsBefore(calendar, first, n).start,
          end: alignEnd(to, last, periodsBefore(calendar, last, n)),
        },
      };
    }
  }
}
