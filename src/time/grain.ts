/**
 * Time grains and the small parsers for every time-related choice a request can make. Each parser
 * throws a VitrineError whose one-line message names the bad value and lists the valid ones.
 */
import { VitrineError } from '../util/errors.js';

export const GRAINS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

/**
 * The grains a calendar resolves. An hour is a day plus an hour of day: the caller truncates
 * timestamps to the hour itself and asks the calendar about the day.
 */
export const CALENDAR_GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type CalendarGrain = (typeof CALENDAR_GRAINS)[number];

/** Parses one of a closed list of words; `what` names the choice in the error. */
export function parseChoice<T extends string>(
  text: string,
  choices: readonly T[],
  what: string,
  code: string,
): T {
  const found = choices.find((c) => c === text);
  if (found === undefined) {
    throw new VitrineError(
      code,
      `unknown ${what} "${text}" (expected one of: ${choices.join(', ')})`,
      { value: text, expected: [...choices] },
    );
  }
  return found;
}

export function parseGrain(text: string): Grain {
  return parseChoice(text, GRAINS, 'grain', 'BAD_GRAIN');
}

export function isCalendarGrain(grain: Grain): grain is CalendarGrain {
  return grain !== 'hour';
}

/** The grain a calendar works at for a requested grain: hours are resolved per day. */
export function calendarGrainOf(grain: Grain): CalendarGrain {
  return isCalendarGrain(grain) ? grain : 'day';
}

/** A calendar only resolves day and coarser; asking it for an hour is a programming error. */
export function assertCalendarGrain(grain: Grain): CalendarGrain {
  if (!isCalendarGrain(grain)) {
    throw new VitrineError(
      'BAD_GRAIN',
      `a calendar resolves grains ${CALENDAR_GRAINS.join(', ')}; "hour" is a day plus an hour of day, split by the caller`,
    );
  }
  return grain;
}
