import { describe, expect, it } from 'vitest';
import { VitrineError } from '../util/errors.js';
import { isoDate, parseIsoDate } from './civil-date.js';
import { civilCalendar } from './civil-calendar.js';
import type { DayRange } from './period.js';

const d = (text: string): number => parseIsoDate(text);
const span = (r: DayRange): string => `${isoDate(r.start)}..${isoDate(r.end)}`;

describe('civil calendar: weeks from Monday or Sunday', () => {
  const monday = civilCalendar({ weekStart: 'monday' });
  const sunday = civilCalendar({ weekStart: 'sunday' });

  // 1 January 2025 was a Wednesday, so the 15th (+14 days) is a Wednesday too, the 13th a
  // Monday, the 12th and the 19th Sundays.
  it('puts a Wednesday in the week from the Monday before, or from the Sunday before', () => {
    const w = monday.periodOf(d('2025-01-15'), 'week');
    expect(span(w)).toBe('2025-01-13..2025-01-19');
    expect(w.key).toBe('2025-01-13');
    expect(w.label).toBe('week of 2025-01-13');
    expect(span(sunday.periodOf(d('2025-01-15'), 'week'))).toBe('2025-01-12..2025-01-18');
  });

  it('ends a Monday week on Sunday, but starts a Sunday week on it', () => {
    expect(span(monday.periodOf(d('2025-01-19'), 'week'))).toBe('2025-01-13..2025-01-19');
    expect(span(sunday.periodOf(d('2025-01-19'), 'week'))).toBe('2025-01-19..2025-01-25');
  });

  it('starts a Monday week on Monday, but puts Monday in the Sunday week before', () => {
    expect(isoDate(monday.weekStart(d('2025-01-13')))).toBe('2025-01-13');
    expect(isoDate(sunday.weekStart(d('2025-01-13')))).toBe('2025-01-12');
  });

  it('defaults to Monday (ISO 8601)', () => {
    expect(isoDate(civilCalendar().weekStart(d('2025-01-19')))).toBe('2025-01-13');
  });

  it('lists the weeks overlapping a range, whole', () => {
    // Wed 1 Jan 2025 .. Tue 14 Jan 2025 touches the weeks of Mon 30 Dec, 6 Jan and 13 Jan.
    const weeks = monday.periodsBetween(d('2025-01-01'), d('2025-01-14'), 'week');
    expect(weeks.map(span)).toEqual([
      '2024-12-30..2025-01-05',
      '2025-01-06..2025-01-12',
      '2025-01-13..2025-01-19',
    ]);
  });
});

describe('civil calendar: months, quarters and years from January', () => {
  const cal = civilCalendar();

  it('gives February 29 days in a leap year, 28 otherwise, 28 in 2100', () => {
    // 2024 is divisible by 4; 2100 by 100 but not by 400, so not leap.
    const feb = cal.periodOf(d('2024-02-10'), 'month');
    expect(span(feb)).toBe('2024-02-01..2024-02-29');
    expect(feb.key).toBe('2024-02');
    expect(feb.label).toBe('2024-02');
    expect(span(cal.periodOf(d('2023-02-10'), 'month'))).toBe('2023-02-01..2023-02-28');
    expect(span(cal.periodOf(d('2100-02-10'), 'month'))).toBe('2100-02-01..2100-02-28');
  });

  it('names plain quarters and years when the year starts in January', () => {
    const q = cal.periodOf(d('2025-05-10'), 'quarter');
    expect(span(q)).toBe('2025-04-01..2025-06-30');
    expect(q.label).toBe('2025 Q2');
    expect(q.key).toBe('2025-Q2');
    const y = cal.periodOf(d('2025-05-10'), 'year');
    expect(span(y)).toBe('2025-01-01..2025-12-31');
    expect(y.label).toBe('2025');
  });

  it('returns a day as itself', () => {
    const p = cal.periodOf(d('2025-05-10'), 'day');
    expect(span(p)).toBe('2025-05-10..2025-05-10');
    expect(p.key).toBe('2025-05-10');
  });

  it('lists whole months overlapping a range', () => {
    const months = cal.periodsBetween(d('2025-01-15'), d('2025-03-02'), 'month');
    expect(months.map((m) => m.key)).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(span({ start: months[0]!.start, end: months[2]!.end })).toBe('2025-01-01..2025-03-31');
  });
});

describe('civil calendar: fiscal year not starting in January', () => {
  it('runs an April fiscal year named after the year it starts in', () => {
    const cal = civilCalendar({ fiscalYearStartMonth: 4 });
    // 10 Feb 2025 is in the year that started on 1 April 2024: FY2024, quarter Jan–Mar = Q4.
    const y = cal.periodOf(d('2025-02-10'), 'year');
    expect(span(y)).toBe('2024-04-01..2025-03-31');
    expect(y.label).toBe('FY2024');
    const q = cal.periodOf(d('2025-02-10'), 'quarter');
    expect(span(q)).toBe('2025-01-01..2025-03-31');
    expect(q.label).toBe('FY2024 Q4');
    expect(q.key).toBe('FY2024-Q4');
    const q1 = cal.periodOf(d('2025-04-01'), 'quarter');
    expect(q1.label).toBe('FY2025 Q1');
    expect(span(q1)).toBe('2025-04-01..2025-06-30');
    expect(isoDate(cal.yearStart(d('2025-02-10')))).toBe('2024-04-01');
    expect(isoDate(cal.quarterStart(d('2025-02-10')))).toBe('2025-01-01');
    expect(isoDate(cal.monthStart(d('2025-02-10')))).toBe('2025-02-01');
  });

  it('runs an October fiscal year (named by its start, unlike the US federal one)', () => {
    const cal = civilCalendar({ fiscalYearStartMonth: 10 });
    expect(cal.periodOf(d('2024-11-05'), 'quarter').label).toBe('FY2024 Q1');
    expect(span(cal.periodOf(d('2024-11-05'), 'quarter'))).toBe('2024-10-01..2024-12-31');
    expect(cal.periodOf(d('2025-09-30'), 'quarter').label).toBe('FY2024 Q4');
    expect(span(cal.periodOf(d('2025-09-30'), 'year'))).toBe('2024-10-01..2025-09-30');
  });

  it('runs a July fiscal year whose third quarter is January–March', () => {
    const cal = civilCalendar({ fiscalYearStartMonth: 7 });
    // Jul–Sep Q1, Oct–Dec Q2, Jan–Mar Q3.
    const q = cal.periodOf(d('2025-01-20'), 'quarter');
    expect(q.label).toBe('FY2024 Q3');
    expect(span(q)).toBe('2025-01-01..2025-03-31');
  });

  it('rejects a month outside 1–12', () => {
    expect(() => civilCalendar({ fiscalYearStartMonth: 13 })).toThrow(VitrineError);
    expect(() => civilCalendar({ fiscalYearStartMonth: 13 })).toThrow(/fiscalYearStartMonth.*13/);
  });
});

describe('civil calendar: year over year and leap day', () => {
  const cal = civilCalendar();

  it('maps 29 February to 28 February, every other day to the same date', () => {
    expect(isoDate(cal.yoyDay(d('2024-02-29')))).toBe('2023-02-28');
    expect(isoDate(cal.yoyDay(d('2024-03-01')))).toBe('2023-03-01');
    expect(isoDate(cal.yoyDay(d('2025-02-28')))).toBe('2024-02-28');
    expect(isoDate(cal.yoyDay(d('2025-07-14')))).toBe('2024-07-14');
  });

  it('maps a whole February onto the whole February before, 29 days or not', () => {
    expect(span(cal.yoyRange(cal.periodOf(d('2025-02-10'), 'month')))).toBe(
      '2024-02-01..2024-02-29',
    );
    expect(span(cal.yoyRange(cal.periodOf(d('2024-02-10'), 'month')))).toBe(
      '2023-02-01..2023-02-28',
    );
  });

  it('maps a week onto the seven days from the same date a year earlier', () => {
    // 1 Jan 2024 was a Monday, so 26 Feb 2024 (+56 days) is one too; 26 Feb 2023 + 6 = 4 Mar.
    expect(span(cal.yoyRange(cal.periodOf(d('2024-02-29'), 'week')))).toBe(
      '2023-02-26..2023-03-04',
    );
  });

  it('maps a fiscal year onto the fiscal year before', () => {
    const april = civilCalendar({ fiscalYearStartMonth: 4 });
    expect(span(april.yoyRange(april.periodOf(d('2025-02-10'), 'year')))).toBe(
      '2023-04-01..2024-03-31',
    );
  });

  it('refuses the hour grain and reversed ranges with one-line errors', () => {
    expect(() => cal.periodOf(d('2025-01-01'), 'hour' as never)).toThrow(/hour/);
    expect(() => cal.periodsBetween(d('2025-03-01'), d('2025-01-01'), 'month')).toThrow(
      'range starts on 2025-03-01, after its end 2025-01-01',
    );
  });
});
