/**
 * The period a report covers, as of the local day it runs: complete days only, so a report
 * sent at 07:00 never shows a day still being traded (month to date on the 1st is therefore
 * the whole previous month).
 */
import type { CalendarSettings } from '../../time/calendar.js';
import { calendarFromConfig } from '../../time/calendar.js';
import type { CalendarGrain } from '../../time/grain.js';
import type { DayRange } from '../../time/period.js';

export const REPORT_PERIODS = [
  'yesterday',
  'last-week',
  'last-month',
  'week-to-date',
  'month-to-date',
  'year-to-date',
] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

export function reportRange(
  period: ReportPeriod,
  today: number,
  config: CalendarSettings,
): DayRange {
  const cal = calendarFromConfig(config);
  const yesterday = today - 1;
  const whole = (grain: CalendarGrain): DayRange => {
    const p = cal.periodOf(cal.periodOf(today, grain).start - 1, grain);
    return { start: p.start, end: p.end };
  };
  const toDate = (grain: CalendarGrain): DayRange => ({
    start: cal.periodOf(yesterday, grain).start,
    end: yesterday,
  });
  switch (period) {
    case 'yesterday':
      return { start: yesterday, end: yesterday };
    case 'last-week':
      return whole('week');
    case 'last-month':
      return whole('month');
    case 'week-to-date':
      return toDate('week');
    case 'month-to-date':
      return toDate('month');
    case 'year-to-date':
      return toDate('year');
  }
}

/** The year to date that ends with a range (its headline's second line). */
export function yearToDate(range: DayRange, config: CalendarSettings): DayRange {
  const cal = calendarFromConfig(config);
  return { start: cal.periodOf(range.end, 'year').start, end: range.end };
}
