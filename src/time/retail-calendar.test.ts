import { describe, expect, it } from 'vitest';
import { VitrineError } from '../util/errors.js';
import { isoDate, parseIsoDate } from './civil-date.js';
import type { DayRange } from './period.js';
import { retailCalendar } from './retail-calendar.js';
import { blackFriday } from './weekday-alignment.js';

const d = (text: string): number => parseIsoDate(text);
const span = (r: DayRange): string => `${isoDate(r.start)}..${isoDate(r.end)}`;

describe('retail 4-5-4 calendar, NRF default', () => {
  const nrf = retailCalendar();

  it('has 53 weeks in fiscal 2000, 2006, 2012, 2017, 2023 and 2028, and only then (1999–2030)', () => {
    // NRF, "4-5-4 Calendar — An explanation of the 53-week year"
    // (https://www.nrf.com/resources/4-5-4-calendar and its earlier edition
    // https://www.nrf.com/modules.php?name=Pages&sp_id=391): "FY'00, FY'06, FY'12 … FY'17 …
    // FY'23". Fiscal 2028 by hand: it starts after the Saturday nearest 31 Jan 2028 (a Monday →
    // Sat 29 Jan 2028) and ends on the Saturday nearest 31 Jan 2029 (a Wednesday → Sat 3 Feb
    // 2029): 30 Jan 2028 .. 3 Feb 2029 = 366 (leap) + 5 = 371 days.
    const long: number[] = [];
    for (let year = 1999; year <= 2030; year++) if (nrf.weeksInYear(year) === 53) long.push(year);
    expect(long).toEqual([2000, 2006, 2012, 2017, 2023, 2028]);
  });

  it('ends fiscal 2010, 2011 and 2012 as published', () => {
    // SEC filing, fiscal year "ending on the Saturday closest to January 31st": 2010 ended
    // 29 Jan 2011 (52 weeks), 2011 ended 28 Jan 2012 (52), 2012 ended 2 Feb 2013 (53).
    // https://sec.gov/Archives/edgar/data/874841/000119312513143855/R23.htm
    expect(isoDate(nrf.yearBounds(2010).end)).toBe('2011-01-29');
    expect(isoDate(nrf.yearBounds(2011).end)).toBe('2012-01-28');
    expect(span(nrf.yearBounds(2012))).toBe('2012-01-29..2013-02-02');
    expect(nrf.weeksInYear(2012)).toBe(53);
  });

  it('ends the quarters of fiscal 2017 (53 weeks) and 2018 as Gap Inc. published them', () => {
    // Gap Inc. 10-K, quarterly information: fiscal 2018 quarters of 13 weeks ended 5 May,
    // 4 Aug, 3 Nov 2018 and 2 Feb 2019; fiscal 2017 ended 29 Apr, 29 Jul, 28 Oct 2017 and, with
    // 14 weeks, 3 Feb 2018. https://sec.gov/Archives/edgar/data/39911/000003991119000023/R26.htm
    const quarterEnds = (year: number): string[] =>
      nrf
        .periodsBetween(nrf.yearBounds(year).start, nrf.yearBounds(year).end, 'quarter')
        .map((q) => isoDate(q.end));
    expect(quarterEnds(2017)).toEqual(['2017-04-29', '2017-07-29', '2017-10-28', '2018-02-03']);
    expect(quarterEnds(2018)).toEqual(['2018-05-05', '2018-08-04', '2018-11-03', '2019-02-02']);
    const q4 = nrf.periodOf(d('2018-02-03'), 'quarter');
    expect((q4.end - q4.start + 1) / 7).toBe(14);
  });

  it('ends fiscal 2023 on 3 February 2024 after 53 weeks; fiscal 2024 runs 4 Feb 2024 – 1 Feb 2025', () => {
    // Coresight Research, "The 4-5-4 US Retail Calendar, 2023–24": "fiscal year ending
    // February 3, 2024. Fiscal 2023 comprises 53 weeks". Fiscal 2024 by hand: 31 Jan 2025 is a
    // Friday, the nearest Saturday is 1 Feb 2025.
    expect(span(nrf.yearBounds(2023))).toBe('2023-01-29..2024-02-03');
    expect(nrf.weeksInYear(2023)).toBe(53);
    expect(span(nrf.yearBounds(2024))).toBe('2024-02-04..2025-02-01');
    expect(nrf.weeksInYear(2024)).toBe(52);
  });

  it('names a fiscal year after the calendar year it starts in', () => {
    // Mid-January 2025 still belongs to fiscal 2024; 3 Feb 2024 is the last day of fiscal 2023.
    expect(nrf.periodOf(d('2025-01-15'), 'year').label).toBe('FY2024');
    expect(nrf.periodOf(d('2024-02-03'), 'year').label).toBe('FY2023');
    expect(nrf.retailDate(d('2024-02-04'))).toEqual({
      year: 2024,
      quarter: 1,
      period: 1,
      week: 1,
      dayOfYear: 1,
    });
  });

  it('cuts fiscal 2024 into 4-5-4 periods', () => {
    // From Sun 4 Feb 2024 (2024 is leap): +28 days = 3 Mar, +35 = 7 Apr, +28 = 5 May.
    const p = nrf.periodsBetween(d('2024-02-04'), d('2024-05-04'), 'month');
    expect(p.map(span)).toEqual([
      '2024-02-04..2024-03-02',
      '2024-03-03..2024-04-06',
      '2024-04-07..2024-05-04',
    ]);
    expect(p.map((x) => x.label)).toEqual(['FY2024 P01', 'FY2024 P02', 'FY2024 P03']);
    expect(p[2]!.key).toBe('FY2024-P03');
    const q1 = nrf.periodOf(d('2024-03-15'), 'quarter');
    expect(span(q1)).toBe('2024-02-04..2024-05-04');
    expect(q1.label).toBe('FY2024 Q1');
  });

  it('labels fiscal weeks: FY2024 W47 is 22–28 December 2024, in period 11', () => {
    // Week 47 starts 46 × 7 = 322 days after 4 Feb 2024: 4 Feb + 26 = 1 Mar, 1 Mar + 306 =
    // 1 Jan 2025 (+332), so +322 = 22 Dec 2024. Period 11 holds weeks 44–48 (4+5+4 ×3 = 39,
    // then 4 → 43, then 5 → 48). 25 Dec is day 322 + 3 + 1 = 326.
    const w = nrf.periodOf(d('2024-12-25'), 'week');
    expect(span(w)).toBe('2024-12-22..2024-12-28');
    expect(w.label).toBe('FY2024 W47');
    expect(w.key).toBe('FY2024-W47');
    expect(nrf.retailDate(d('2024-12-25'))).toEqual({
      year: 2024,
      quarter: 4,
      period: 11,
      week: 47,
      dayOfYear: 326,
    });
  });

  it('gives the starts of week, period, quarter and year of a day', () => {
    // Period 11 starts at week 44: 4 Feb + 43 × 7 = +301 = 1 Dec 2024 (1 Nov = +271). Quarter 4
    // starts at week 40: +273 = 3 Nov 2024.
    const day = d('2024-12-25');
    expect(isoDate(nrf.weekStart(day))).toBe('2024-12-22');
    expect(isoDate(nrf.monthStart(day))).toBe('2024-12-01');
    expect(isoDate(nrf.quarterStart(day))).toBe('2024-11-03');
    expect(isoDate(nrf.yearStart(day))).toBe('2024-02-04');
    expect(span(nrf.periodOf(day, 'month'))).toBe('2024-12-01..2025-01-04');
  });

  it('puts the 53rd week of fiscal 2023 at the end of period 12 (4-5-5)', () => {
    // Fiscal 2023 starts 29 Jan 2023; week 49 starts +336 days: 29 Jan + 3 = 1 Feb, + 334 =
    // 1 Jan 2024 (+337), so +336 = 31 Dec 2023. Period 12 = weeks 49–53 = 35 days → 3 Feb 2024.
    // Quarter 4 starts at week 40: +273 = 29 Oct 2023 (1 Oct = +245).
    const p12 = nrf.periodOf(d('2024-01-15'), 'month');
    expect(span(p12)).toBe('2023-12-31..2024-02-03');
    expect(p12.label).toBe('FY2023 P12');
    const w53 = nrf.periodOf(d('2024-02-03'), 'week');
    expect(span(w53)).toBe('2024-01-28..2024-02-03');
    expect(w53.label).toBe('FY2023 W53');
    expect(span(nrf.periodOf(d('2024-02-03'), 'quarter'))).toBe('2023-10-29..2024-02-03');
    expect(nrf.retailDate(d('2024-02-03'))).toEqual({
      year: 2023,
      quarter: 4,
      period: 12,
      week: 53,
      dayOfYear: 371,
    });
  });

  it('lists periods across a year boundary', () => {
    const p = nrf.periodsBetween(d('2024-01-15'), d('2024-02-10'), 'month');
    expect(p.map((x) => x.label)).toEqual(['FY2023 P12', 'FY2024 P01']);
  });

  it('maps a day to the same fiscal week and weekday a year earlier; week 53 to week 52', () => {
    // Fiscal 2023 started Sun 29 Jan 2023; fiscal 2022 ended Sat 28 Jan 2023 and started Sun
    // 30 Jan 2022 (31 Jan 2022 was a Monday → fiscal 2021 ended Sat 29 Jan 2022).
    expect(isoDate(nrf.yoyDay(d('2024-02-04')))).toBe('2023-01-29');
    expect(isoDate(nrf.yoyDay(d('2023-01-29')))).toBe('2022-01-30');
    expect(isoDate(nrf.yoyDay(d('2024-02-03')))).toBe('2023-01-28');
    expect(isoDate(nrf.yoyDay(d('2024-01-28')))).toBe('2023-01-22');
  });

  it('maps a 4-week period 12 onto the 5-week one of a 53-week year', () => {
    // Fiscal 2024 period 12 starts at week 49: 1 Dec 2024 (P11) + 35 = 5 Jan 2025.
    const p12 = nrf.periodOf(d('2025-01-20'), 'month');
    expect(span(p12)).toBe('2025-01-05..2025-02-01');
    expect(span(nrf.yoyRange(p12))).toBe('2023-12-31..2024-02-03');
  });

  it('refuses the hour grain and bad options', () => {
    expect(() => nrf.periodOf(d('2025-01-01'), 'hour' as never)).toThrow(VitrineError);
    expect(() => retailCalendar({ yearEndMonth: 0 })).toThrow(/yearEndMonth.*0/);
  });
});

describe('retail 4-5-4 calendar, configured', () => {
  it('holds exactly one Black Friday in every year, for every week start and year end', () => {
    // Black Friday falls on 23–29 November. A year ends within three days of its month end, so
    // only a November year end comes near it; it then ends on the week's last day nearest
    // 30 November, which is on or after the Black Friday of that week. Hence one per year. The
    // Gregorian calendar repeats every 400 years (146 097 days = 20 871 weeks), so 2000–2399
    // covers every case.
    const misses: string[] = [];
    for (const weekStart of ['monday', 'sunday'] as const) {
      for (let yearEndMonth = 1; yearEndMonth <= 12; yearEndMonth++) {
        const cal = retailCalendar({ weekStart, yearEndMonth });
        for (let year = 2000; year < 2400; year++) {
          const { start, end } = cal.yearBounds(year);
          let count = 0;
          for (let y = year - 1; y <= year + 2; y++) {
            if (blackFriday(y) >= start && blackFriday(y) <= end) count++;
          }
          if (count !== 1) misses.push(`${weekStart}/${yearEndMonth}/${year}: ${count}`);
        }
      }
    }
    expect(misses).toEqual([]);
  });

  it('with Monday weeks and a December year end, is the ISO 8601 week-numbering year', () => {
    // A year ending on the Sunday nearest 31 December starts on the Monday nearest 1 January,
    // which is the ISO week-year (week 1 holds 4 January). ISO years with 53 weeks start on a
    // Thursday, or on a Wednesday when leap: 2015 (1 Jan a Thursday), 2020 (leap, Wednesday),
    // 2026 (Thursday) in 2014–2030.
    const iso = retailCalendar({ weekStart: 'monday', yearEndMonth: 12 });
    const long: number[] = [];
    for (let year = 2014; year <= 2030; year++) if (iso.weeksInYear(year) === 53) long.push(year);
    expect(long).toEqual([2015, 2020, 2026]);
    // 31 Dec 2024 is a Tuesday: nearest Sunday 29 Dec. 31 Dec 2023 is a Sunday.
    expect(span(iso.yearBounds(2024))).toBe('2024-01-01..2024-12-29');
    const w1 = iso.periodOf(d('2024-12-30'), 'week');
    expect(w1.label).toBe('FY2025 W01');
    expect(span(w1)).toBe('2024-12-30..2025-01-05');
  });

  it('with Monday weeks and a January year end, has its 53-week year in 2024, not 2023', () => {
    // Year ends on the Sunday nearest 31 January. 31 Jan 2024 is a Wednesday → Sun 28 Jan 2024
    // (3 days before; 4 Feb is 4 after). 31 Jan 2025 is a Friday → Sun 2 Feb 2025. So fiscal
    // 2024 = Mon 29 Jan 2024 .. Sun 2 Feb 2025 = 366 + 4 + 1 = 371 days.
    const fr = retailCalendar({ weekStart: 'monday', yearEndMonth: 1 });
    expect(span(fr.yearBounds(2024))).toBe('2024-01-29..2025-02-02');
    expect(fr.weeksInYear(2024)).toBe(53);
    expect(fr.weeksInYear(2023)).toBe(52);
    expect(isoDate(fr.weekStart(d('2024-02-04')))).toBe('2024-01-29');
  });
});
