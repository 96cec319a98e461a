/**
 * Weekday-aligned N-1 (yoy-weekday). Mapping each day to the same fiscal week and weekday of the
 * previous retail year (364 days back, 371 after a 53-week year) misaligns Black Friday when
 * Thanksgiving moves across a week boundary the calendar does not follow: on the NRF calendar,
 * for 2018, 2019, 2029 and 2030 among 2015–2030 (see comparison.test.ts). The shift is therefore
 * anchored on Black Friday itself, once per retail year, so the whole holiday season lines up.
 */
import { VitrineError } from '../util/errors.js';
import { civil, isoDate, nthWeekdayOfMonth } from './civil-date.js';
import type { DayRange } from './period.js';

/** US Black Friday: the day after Thanksgiving, the fourth Thursday (ISO weekday 4) of November. */
export function blackFriday(year: number): number {
  return nthWeekdayOfMonth(year, 11, 4, 4) + 1;
}

/**
 * Days back for every day of one retail year: the distance from the Black Friday it holds to the
 * previous one, always 364 or 371 since Thanksgiving stays within 22–28 November. Every retail year
 * holds exactly one Black Friday, whatever its week start and year-end month (the year boundary
 * falls at most three days from a month end, and even near 30 November it falls after Black
 * Friday); the 400-year Gregorian cycle is checked in retail-calendar.test.ts.
 */
export function weekdayAlignedShift(retailYear: DayRange): 364 | 371 {
  // A retail year may start in late December and end in early January of the year after next.
  for (let year = civil(retailYear.start).year; year <= civil(retailYear.end).year; year++) {
    const friday = blackFriday(year);
    if (friday >= retailYear.start && friday <= retailYear.end) {
      return friday - blackFriday(year - 1) === 371 ? 371 : 364;
    }
  }
  throw new VitrineError(
    'CALENDAR_BUG',
    `retail year ${isoDate(retailYear.start)}..${isoDate(retailYear.end)} holds no Black Friday`,
  );
}
