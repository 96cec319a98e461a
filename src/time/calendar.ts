/**
 * The calendar seam: the civil calendar and the 4-5-4 retail calendar answer the same questions
 * about epoch days, so comparisons, cumulative windows and the calendar table never branch on
 * the kind. Conventions are in docs/calendars.md.
 */
import { CALENDAR_KINDS } from './calendar-types.js';
import type { Calendar, CalendarKind, WeekStart } from './calendar-types.js';
import { civilCalendar } from './civil-calendar.js';
import type { CivilCalendarOptions } from './civil-calendar.js';
import { parseChoice } from './grain.js';
import { retailCalendar } from './retail-calendar.js';
import type { RetailCalendarOptions } from './retail-calendar.js';

export { CALENDAR_KINDS } from './calendar-types.js';
export type { Calendar, CalendarKind, WeekStart } from './calendar-types.js';

export function parseCalendarKind(text: string): CalendarKind {
  return parseChoice(text, CALENDAR_KINDS, 'calendar', 'BAD_CALENDAR');
}

export interface CalendarOptions {
  readonly civil: CivilCalendarOptions;
  readonly retail: RetailCalendarOptions;
}

/**
 * The calendar settings of a workspace, as its configuration states them. Declared here (the
 * workspace's config satisfies it) so that time never reaches up into the workspace room.
 */
export interface CalendarSettings {
  readonly week_start: WeekStart;
  readonly fiscal_calendar: { readonly kind: CalendarKind; readonly year_start_month: number };
}

/**
 * Calendar options from a workspace. The civil calendar takes week_start and year_start_month.
 * The retail calendar follows them only when the workspace declares itself retail-454 (then
 * year_start_month is the month the retail year nominally starts, so it ends near the end of
 * the month before); a civil workspace asking for a retail view gets the NRF calendar.
 */
export function calendarOptionsFromConfig(config: CalendarSettings): CalendarOptions {
  const startMonth = config.fiscal_calendar.year_start_month;
  const retail: RetailCalendarOptions =
    config.fiscal_calendar.kind === 'retail-454'
      ? { weekStart: config.week_start, yearEndMonth: startMonth === 1 ? 12 : startMonth - 1 }
      : {};
  return {
    civil: { weekStart: config.week_start, fiscalYearStartMonth: startMonth, alignment: retail },
    retail,
  };
}

export function createCalendar(kind: CalendarKind, options: CalendarOptions): Calendar {
  return kind === 'civil' ? civilCalendar(options.civil) : retailCalendar(options.retail);
}

/** The workspace's calendar, or the other kind when a request names it (--calendar). */
export function calendarFromConfig(
  config: CalendarSettings,
  kind: CalendarKind = config.fiscal_calendar.kind,
): Calendar {
  return createCalendar(kind, calendarOptionsFromConfig(config));
}
