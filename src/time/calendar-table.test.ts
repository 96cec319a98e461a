import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './civil-date.js';
import {
  CALENDAR_TABLE_COLUMNS,
  calendarRows,
  calendarTableOptionsFromConfig,
} from './calendar-table.js';

const d = (text: string): number => parseIsoDate(text);

describe('calendar table', () => {
  it('has one row per day, in order', () => {
    // 2024 is leap: 28 Feb, 29 Feb, 1 Mar, 2 Mar.
    const rows = calendarRows(d('2024-02-28'), d('2024-03-02'));
    expect(rows.map((r) => r.day)).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-03-02',
    ]);
  });

  it('describes 29 February 2024 with the default calendars (Monday weeks, January, NRF)', () => {
    // Thursday (1 Jan 2024 was a Monday, 29 Feb is +59 days = 8 weeks + 3). Fiscal 2024 starts
    // Sun 4 Feb 2024: day 26, week 4 (days 22–28) from Sun 25 Feb, in P01 and Q1. N-1: civil
    // 28 Feb 2023; retail day 26 of fiscal 2023 = 29 Jan 2023 + 25 = 23 Feb 2023; weekday-aligned
    // 371 days back (fiscal 2024 shift) = 28 Feb 2023 − 5 = 23 Feb 2023.
    const [row] = calendarRows(d('2024-02-29'), d('2024-02-29'));
    expect(row).toEqual({
      day: '2024-02-29',
      iso_weekday: 4,
      week_start: '2024-02-26',
      month_start: '2024-02-01',
      quarter_start: '2024-01-01',
      year_start: '2024-01-01',
      retail_year: 2024,
      retail_quarter: 1,
      retail_period: 1,
      retail_week: 4,
      retail_week_start: '2024-02-25',
      retail_period_start: '2024-02-04',
      retail_quarter_start: '2024-02-04',
      retail_year_start: '2024-02-04',
      retail_day_of_year: 26,
      yoy_day: '2023-02-28',
      retail_yoy_day: '2023-02-23',
      yoy_weekday_day: '2023-02-23',
    });
  });

  it('describes the last day of the 53-week fiscal 2023', () => {
    // Sat 3 Feb 2024: Monday week from 29 Jan. Retail: day 371, W53 from Sun 28 Jan, P12 from
    // 31 Dec 2023, Q4 from 29 Oct 2023. Retail N-1: week 52 of fiscal 2022, Saturday 28 Jan
    // 2023. Weekday-aligned: fiscal 2023 goes back 364 (24 Nov 2023 − 25 Nov 2022); 3 Feb 2023
    // is 365 days back, so 4 Feb 2023.
    const [row] = calendarRows(d('2024-02-03'), d('2024-02-03'));
    expect(row).toMatchObject({
      iso_weekday: 6,
      week_start: '2024-01-29',
      month_start: '2024-02-01',
      retail_year: 2023,
      retail_quarter: 4,
      retail_period: 12,
      retail_week: 53,
      retail_week_start: '2024-01-28',
      retail_period_start: '2023-12-31',
      retail_quarter_start: '2023-10-29',
      retail_year_start: '2023-01-29',
      retail_day_of_year: 371,
      yoy_day: '2023-02-03',
      retail_yoy_day: '2023-01-28',
      yoy_weekday_day: '2023-02-04',
    });
  });

  it('follows Sunday weeks and an April fiscal year in the civil columns', () => {
    // Mon 10 Feb 2025: Sunday week from 9 Feb; April fiscal year FY2024, Q4 from 1 Jan 2025.
    const [row] = calendarRows(d('2025-02-10'), d('2025-02-10'), {
      weekStart: 'sunday',
      fiscalYearStartMonth: 4,
    });
    expect(row).toMatchObject({
      iso_weekday: 1,
      week_start: '2025-02-09',
      quarter_start: '2025-01-01',
      year_start: '2024-04-01',
    });
  });

  it('takes its calendars from a workspace', () => {
    // A retail-454 workspace with Monday weeks and a year from February: the year ends on the
    // Sunday nearest 31 January, so fiscal 2024 starts Mon 29 Jan 2024 and Sun 4 Feb is day 7.
    const retail = calendarTableOptionsFromConfig({
      week_start: 'monday',
      fiscal_calendar: { kind: 'retail-454', year_start_month: 2 },
    });
    expect(calendarRows(d('2024-02-04'), d('2024-02-04'), retail)[0]).toMatchObject({
      retail_year: 2024,
      retail_day_of_year: 7,
      retail_week_start: '2024-01-29',
      year_start: '2024-02-01',
    });
    // A civil workspace keeps NRF for its retail columns: Sun 4 Feb 2024 starts fiscal 2024.
    const civil = calendarTableOptionsFromConfig({
      week_start: 'monday',
      fiscal_calendar: { kind: 'civil', year_start_month: 1 },
    });
    expect(calendarRows(d('2024-02-04'), d('2024-02-04'), civil)[0]).toMatchObject({
      retail_year: 2024,
      retail_day_of_year: 1,
      retail_week_start: '2024-02-04',
    });
  });

  it('names its columns in snake_case, in the declared order', () => {
    const [row] = calendarRows(d('2024-02-29'), d('2024-02-29'));
    expect(Object.keys(row!)).toEqual(CALENDAR_TABLE_COLUMNS.map((c) => c.name));
    for (const c of CALENDAR_TABLE_COLUMNS) expect(c.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('refuses a reversed range', () => {
    expect(() => calendarRows(d('2024-03-02'), d('2024-02-28'))).toThrow(
      'calendar table starts on 2024-03-02, after its end 2024-02-28',
    );
  });
});
