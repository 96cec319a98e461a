import { describe, expect, it } from 'vitest';
import type { Calendar } from './calendar.js';
import { isoDate, parseIsoDate } from './civil-date.js';
import { civilCalendar } from './civil-calendar.js';
import { comparisonPairs, comparisonRange } from './comparison.js';
import type { Comparison } from './comparison.js';
import type { Grain } from './grain.js';
import type { DayRange } from './period.js';
import { retailCalendar } from './retail-calendar.js';
import { blackFriday } from './weekday-alignment.js';

const d = (text: string): number => parseIsoDate(text);
const span = (r: DayRange): string => `${isoDate(r.start)}..${isoDate(r.end)}`;

const civil = civilCalendar();
const nrf = retailCalendar();

function pairs(
  calendar: Calendar,
  from: string,
  to: string,
  grain: Grain,
  compare: Comparison,
): string[] {
  return comparisonPairs({ from: d(from), to: d(to), grain, calendar, compare }).map(
    (p) => `${span(p.current)} -> ${span(p.comparison)}`,
  );
}

function range(
  calendar: Calendar,
  from: string,
  to: string,
  grain: Grain,
  compare: Comparison,
): string {
  return span(comparisonRange({ from: d(from), to: d(to), grain, calendar, compare }).comparison);
}

describe('period-to-date comparisons', () => {
  it('compares month to date (1st–17th) with the 1st–17th of the previous month', () => {
    const result = comparisonPairs({
      from: d('2025-01-01'),
      to: d('2025-03-17'),
      grain: 'month',
      calendar: civil,
      compare: 'previous',
    });
    expect(result.map((p) => `${span(p.current)} -> ${span(p.comparison)}`)).toEqual([
      '2025-01-01..2025-01-31 -> 2024-12-01..2024-12-31',
      // A whole February compares with the whole January, 28 days against 31.
      '2025-02-01..2025-02-28 -> 2025-01-01..2025-01-31',
      '2025-03-01..2025-03-17 -> 2025-02-01..2025-02-17',
    ]);
    expect(result.map((p) => p.partial)).toEqual([false, false, true]);
    // The untruncated comparison period is still reported, for display and target pro-rating.
    expect(span(result[2]!.counterpart)).toBe('2025-02-01..2025-02-28');
  });

  it('compares month to date with the same days of last year’s month', () => {
    expect(pairs(civil, '2025-01-01', '2025-03-17', 'month', 'yoy')).toEqual([
      '2025-01-01..2025-01-31 -> 2024-01-01..2024-01-31',
      '2025-02-01..2025-02-28 -> 2024-02-01..2024-02-29',
      '2025-03-01..2025-03-17 -> 2024-03-01..2024-03-17',
    ]);
  });

  it('clamps to the end of a shorter comparison period', () => {
    // 1–30 March against February 2025 (28 days): the 29th and 30th have no match.
    expect(pairs(civil, '2025-03-01', '2025-03-30', 'month', 'previous')).toEqual([
      '2025-03-01..2025-03-30 -> 2025-02-01..2025-02-28',
    ]);
  });

  it('aligns a range starting mid-period by day of period, to the period end', () => {
    expect(pairs(civil, '2025-01-15', '2025-01-31', 'month', 'previous')).toEqual([
      '2025-01-15..2025-01-31 -> 2024-12-15..2024-12-31',
    ]);
    expect(pairs(civil, '2025-03-15', '2025-03-31', 'month', 'previous')).toEqual([
      '2025-03-15..2025-03-31 -> 2025-02-15..2025-02-28',
    ]);
  });

  it('counts a year to date in days from the year start, across 29 February', () => {
    // 1 Jan – 17 Mar 2024 is 31 + 29 + 17 = 77 days; 1 Jan 2023 + 76 days = 18 Mar 2023
    // (1 Mar 2023 = +59). Same number of days, not the same dates.
    expect(pairs(civil, '2024-01-01', '2024-03-17', 'year', 'yoy')).toEqual([
      '2024-01-01..2024-03-17 -> 2023-01-01..2023-03-18',
    ]);
  });

  it('compares a retail period to date with the same days of last year’s period', () => {
    // Fiscal 2024 P12 starts 5 Jan 2025; to the 17th = 13 days. Fiscal 2023 P12 starts
    // 31 Dec 2023; + 12 days = 12 Jan 2024.
    expect(pairs(nrf, '2025-01-05', '2025-01-17', 'month', 'yoy')).toEqual([
      '2025-01-05..2025-01-17 -> 2023-12-31..2024-01-12',
    ]);
  });
});

describe('leap day', () => {
  it('compares 29 February with 28 February', () => {
    expect(pairs(civil, '2024-02-29', '2024-02-29', 'day', 'yoy')).toEqual([
      '2024-02-29..2024-02-29 -> 2023-02-28..2023-02-28',
    ]);
  });

  it('compares a whole February with the whole February before, whatever its length', () => {
    expect(range(civil, '2025-02-01', '2025-02-28', 'month', 'yoy')).toBe('2024-02-01..2024-02-29');
    expect(range(civil, '2024-02-01', '2024-02-29', 'month', 'yoy')).toBe('2023-02-01..2023-02-28');
  });

  it('compares day by day by dates: 1–28 February 2025 with 1–28 February 2024', () => {
    expect(range(civil, '2025-02-01', '2025-02-28', 'day', 'yoy')).toBe('2024-02-01..2024-02-28');
    expect(range(civil, '2024-02-01', '2024-02-29', 'day', 'yoy')).toBe('2023-02-01..2023-02-28');
  });
});

describe('previous and year-over-year on the retail calendar', () => {
  it('compares week 53 with week 52, and week 1 after it with week 1 a year earlier', () => {
    // Fiscal 2023 W53 = 28 Jan – 3 Feb 2024; fiscal 2022 W52 = 22–28 Jan 2023. Fiscal 2024 W01
    // = 4–10 Feb 2024; fiscal 2023 W01 = 29 Jan – 4 Feb 2023 (371 days back).
    expect(pairs(nrf, '2024-01-28', '2024-02-10', 'week', 'yoy')).toEqual([
      '2024-01-28..2024-02-03 -> 2023-01-22..2023-01-28',
      '2024-02-04..2024-02-10 -> 2023-01-29..2023-02-04',
    ]);
  });

  it('compares a whole 4-week P12 with the whole 5-week P12 of a 53-week year', () => {
    expect(pairs(nrf, '2025-01-05', '2025-02-01', 'month', 'yoy')).toEqual([
      '2025-01-05..2025-02-01 -> 2023-12-31..2024-02-03',
    ]);
  });

  it('compares a period with the period before: P03 with the 5-week P02', () => {
    expect(pairs(nrf, '2024-04-07', '2024-05-04', 'month', 'previous')).toEqual([
      '2024-04-07..2024-05-04 -> 2024-03-03..2024-04-06',
    ]);
  });
});

describe('comparison of a whole range', () => {
  it('takes the range of the same length just before when not on a period boundary', () => {
    // 10–19 Jan 2025 is 10 days: 31 Dec 2024 – 9 Jan 2025.
    expect(range(civil, '2025-01-10', '2025-01-19', 'day', 'previous')).toBe(
      '2024-12-31..2025-01-09',
    );
    // Wed 15 – Tue 21 Jan 2025 at week grain does not start a (Monday) week: 7 days before.
    expect(range(civil, '2025-01-15', '2025-01-21', 'week', 'previous')).toBe(
      '2025-01-08..2025-01-14',
    );
  });

  it('takes as many whole periods just before when the range starts a period', () => {
    expect(range(civil, '2025-01-01', '2025-03-31', 'month', 'previous')).toBe(
      '2024-10-01..2024-12-31',
    );
    expect(range(civil, '2025-01-01', '2025-03-31', 'quarter', 'previous')).toBe(
      '2024-10-01..2024-12-31',
    );
    // Three months, the last to the 17th: three months back, the last to the 17th.
    expect(range(civil, '2025-01-01', '2025-03-17', 'month', 'previous')).toBe(
      '2024-10-01..2024-12-17',
    );
    // Mon 13 – Wed 15 Jan 2025 at week grain: Mon–Wed of the week before.
    expect(range(civil, '2025-01-13', '2025-01-15', 'week', 'previous')).toBe(
      '2025-01-06..2025-01-08',
    );
  });

  it('maps a year-over-year range by its ends', () => {
    expect(range(civil, '2025-01-01', '2025-03-17', 'month', 'yoy')).toBe('2024-01-01..2024-03-17');
    // Fiscal 2024 (52 weeks) against the whole of fiscal 2023 (53 weeks).
    expect(range(nrf, '2024-02-04', '2025-02-01', 'year', 'yoy')).toBe('2023-01-29..2024-02-03');
  });

  it('compares with the target over the range itself', () => {
    expect(range(civil, '2025-03-01', '2025-03-17', 'month', 'target')).toBe(
      '2025-03-01..2025-03-17',
    );
    const [pair] = comparisonPairs({
      from: d('2025-03-01'),
      to: d('2025-03-17'),
      grain: 'month',
      calendar: civil,
      compare: 'target',
    });
    expect(span(pair!.counterpart)).toBe('2025-03-01..2025-03-31');
    expect(span(pair!.comparison)).toBe('2025-03-01..2025-03-17');
  });

  it('pairs hours day by day: previous compares with the same hours the day before', () => {
    expect(pairs(civil, '2025-01-01', '2025-01-02', 'hour', 'previous')).toEqual([
      '2025-01-01..2025-01-01 -> 2024-12-31..2024-12-31',
      '2025-01-02..2025-01-02 -> 2025-01-01..2025-01-01',
    ]);
  });

  it('refuses a reversed range', () => {
    expect(() => range(civil, '2025-03-01', '2025-01-01', 'day', 'yoy')).toThrow(
      'comparison range starts on 2025-03-01, after its end 2025-01-01',
    );
  });
});

/**
 * Black Friday, the day after the fourth Thursday of November. Published: 25 Nov 2016 and
 * 24 Nov 2023 (calendardate.com), 29 Nov 2024 – 29 Nov 2030 (dreamcalendars.com, "When is Black
 * Friday"). The rest by hand: the date moves back one day a year (two after a 29 February) and
 * jumps forward a week when it would fall before the 23rd.
 */
const BLACK_FRIDAY: Record<number, string> = {
  2014: '2014-11-28',
  2015: '2015-11-27',
  2016: '2016-11-25',
  2017: '2017-11-24',
  2018: '2018-11-23',
  2019: '2019-11-29',
  2020: '2020-11-27',
  2021: '2021-11-26',
  2022: '2022-11-25',
  2023: '2023-11-24',
  2024: '2024-11-29',
  2025: '2025-11-28',
  2026: '2026-11-27',
  2027: '2027-11-26',
  2028: '2028-11-24',
  2029: '2029-11-23',
  2030: '2030-11-29',
};
const bf = (year: number): number => d(BLACK_FRIDAY[year] ?? 'missing');

describe('weekday-aligned N-1: Black Friday to Black Friday', () => {
  it('computes Black Friday as published', () => {
    for (let year = 2014; year <= 2030; year++)
      expect(isoDate(blackFriday(year))).toBe(BLACK_FRIDAY[year]);
  });

  it('finds that the same-fiscal-week rule misses Black Friday in 2018, 2019, 2029 and 2030', () => {
    // Black Friday is day 299 (Friday of week 43) of the NRF year, except when 1 February is a
    // Thursday in a common year (2018, 2029): the year starts Sun 4 Feb, Thanksgiving is 22 Nov
    // and Black Friday is day 292 (week 42). Same week and weekday then maps 2018 and 2029 a
    // week early, and 2019 and 2030 (week 43 against a week-42 year) a week late.
    const missed: number[] = [];
    for (let year = 2015; year <= 2030; year++) {
      if (nrf.yoyDay(bf(year)) !== bf(year - 1)) missed.push(year);
    }
    expect(missed).toEqual([2018, 2019, 2029, 2030]);
  });

  const calendars: [string, Calendar][] = [
    ['NRF retail', nrf],
    ['civil', civil],
    ['retail, Monday weeks, January end', retailCalendar({ weekStart: 'monday', yearEndMonth: 1 })],
    [
      'retail, Monday weeks, December end',
      retailCalendar({ weekStart: 'monday', yearEndMonth: 12 }),
    ],
  ];
  for (const [name, calendar] of calendars) {
    it(`maps every Black Friday 2015–2030 to the one before (${name})`, () => {
      for (let year = 2015; year <= 2030; year++) {
        const [pair] = comparisonPairs({
          from: bf(year),
          to: bf(year),
          grain: 'day',
          calendar,
          compare: 'yoy-weekday',
        });
        expect(`${year}: ${isoDate(pair!.comparison.start)}`).toBe(
          `${year}: ${BLACK_FRIDAY[year - 1]}`,
        );
      }
    });
  }

  it('goes back 364 or 371 days by Black Friday, not by 53-week years', () => {
    // 2024: 24 Nov 2023 → 24 Nov 2024 is 366 days (29 Feb 2024 between), + 5 = 371.
    expect(nrf.yoyWeekdayShift(d('2024-06-01'))).toBe(371);
    // 2025: 29 Nov 2024 → 28 Nov 2025 = 365 − 1 = 364.
    expect(nrf.yoyWeekdayShift(d('2025-06-01'))).toBe(364);
    // 2018 follows the 53-week fiscal 2017 yet goes back 364 (23 Nov 2018 − 24 Nov 2017);
    // 2019 follows a 52-week year yet goes back 371 (29 Nov 2019 − 23 Nov 2018 = 364 + 7).
    expect(nrf.yoyWeekdayShift(d('2018-06-01'))).toBe(364);
    expect(nrf.yoyWeekdayShift(d('2019-06-01'))).toBe(371);
  });

  it('keeps one shift over the retail year, January included', () => {
    // 15 Jan 2025 is in fiscal 2024, which goes back 371: 15 Jan 2024 − 5 days = 10 Jan 2024.
    expect(pairs(nrf, '2025-01-15', '2025-01-15', 'day', 'yoy-weekday')).toEqual([
      '2025-01-15..2025-01-15 -> 2024-01-10..2024-01-10',
    ]);
  });

  it('moves a window across a retail-year boundary by the shift of its last day', () => {
    // NRF fiscal 2018 (shift 364) ends Sat 2 Feb 2019; fiscal 2019 (shift 371) starts Sun 3 Feb.
    // February 2019 ends in fiscal 2019: 1 Feb 2019 − 371 = 1 Feb 2018 − 6 = 26 Jan 2018, and
    // 28 Feb 2019 − 371 = 22 Feb 2018. Day by day, 1 Feb 2019 alone goes back 364 to 2 Feb 2018.
    expect(pairs(civil, '2019-02-01', '2019-02-28', 'month', 'yoy-weekday')).toEqual([
      '2019-02-01..2019-02-28 -> 2018-01-26..2018-02-22',
    ]);
    expect(pairs(civil, '2019-02-01', '2019-02-01', 'day', 'yoy-weekday')).toEqual([
      '2019-02-01..2019-02-01 -> 2018-02-02..2018-02-02',
    ]);
    // February to the 2nd stays in fiscal 2018: 364 days back, 2–3 Feb 2018.
    expect(pairs(civil, '2019-02-01', '2019-02-02', 'month', 'yoy-weekday')).toEqual([
      '2019-02-01..2019-02-02 -> 2018-02-02..2018-02-03',
    ]);
  });

  it('moves a whole week and the Black Friday weekend as blocks', () => {
    // Mon 25 Nov – Sun 1 Dec 2024, 371 days back: 25 Nov 2023 − 5 = Mon 20 Nov 2023.
    expect(pairs(civil, '2024-11-25', '2024-12-01', 'week', 'yoy-weekday')).toEqual([
      '2024-11-25..2024-12-01 -> 2023-11-20..2023-11-26',
    ]);
    // Black Friday to Cyber Monday 2019 → 2018.
    expect(range(civil, '2019-11-29', '2019-12-02', 'day', 'yoy-weekday')).toBe(
      '2018-11-23..2018-11-26',
    );
  });
});
