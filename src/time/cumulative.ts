/**
 * Cumulative windows (YTD, QTD, MTD): from the start of the calendar's own year, quarter or month
 * (retail period) to each period end, with the N-1 window of the same number of days from the
 * same start a year earlier; a window that reaches its year, quarter or month end compares with
 * the whole N-1 one, even when the two differ in length (53-week year, 29 February).
 */
import type { Calendar } from './calendar.js';
import { calendarGrainOf, parseChoice } from './grain.js';
import type { CalendarGrain, Grain } from './grain.js';
import { alignWithin, assertRange } from './period.js';
import type { DayRange, Period } from './period.js';

export const CUMULATIVES = ['ytd', 'qtd', 'mtd'] as const;
export type Cumulative = (typeof CUMULATIVES)[number];

export function parseCumulative(text: string): Cumulative {
  return parseChoice(text, CUMULATIVES, 'cumulative', 'BAD_CUMULATIVE');
}

const ANCHOR_GRAIN: Record<Cumulative, CalendarGrain> = {
  ytd: 'year',
  qtd: 'quarter',
  mtd: 'month',
};

export interface CumulativeWindow {
  /** The period of the grain whose end (capped at the request's end) closes the window. */
  readonly period: Period;
  /** The year, quarter or month the window accumulates over. */
  readonly anchor: Period;
  /** From the anchor's start to min(period end, request end). */
  readonly window: DayRange;
  /** The N-1 window: as many days from the start of the same anchor a year earlier. */
  readonly priorYear: DayRange;
}

/** The window accumulating up to `day` and its N-1 match. */
export function cumulativeWindowAt(
  calendar: Calendar,
  day: number,
  cumulative: Cumulative,
): { anchor: Period; window: DayRange; priorYear: DayRange } {
  const anchor = calendar.periodOf(day, ANCHOR_GRAIN[cumulative]);
  const window: DayRange = { start: anchor.start, end: day };
  return { anchor, window, priorYear: alignWithin(window, anchor, calendar.yoyRange(anchor)) };
}

export interface CumulativeRequest {
  readonly from: number;
  readonly to: number;
  readonly grain: Grain;
  readonly calendar: Calendar;
  readonly cumulative: Cumulative;
}

/** One window per period of the grain overlapping [from, to]. */
export function cumulativeWindows(request: CumulativeRequest): CumulativeWindow[] {
  const { from, to, calendar, cumulative } = request;
  assertRange(from, to, 'cumulative range');
  return calendar.periodsBetween(from, to, calendarGrainOf(request.grain)).map((period) => ({
    period,
    ...cumulativeWindowAt(calendar, Math.min(period.end, to), cumulative),
  }));
}
