import { describe, expect, it } from 'vitest';
import { isoDate, parseIsoDate } from './civil-date.js';
import { civilCalendar } from './civil-calendar.js';
import { cumulativeWindowAt, cumulativeWindows } from './cumulative.js';
import type { DayRange } from './period.js';
import { retailCalendar } from './retail-calendar.js';

const d = (text: string): number => parseIsoDate(text);
const span = (r: DayRange): string => `${isoDate(r.start)}..${isoDate(r.end)}`;

const civil = civilCalendar();
const nrf = retailCalendar();

describe('cumulative windows', () => {
  it('accumulates the year to each month end, against as many days of last year', () => {
    const windows = cumulativeWindows({
      from: d('2025-01-01'),
      to: d('2025-03-17'),
      grain: 'month',
      calendar: civil,
      cumulative: 'ytd',
    });
    expect(windows.map((w) => `${span(w.window)} vs ${span(w.priorYear)}`)).toEqual([
      '2025-01-01..2025-01-31 vs 2024-01-01..2024-01-31',
      // 59 days: 1 Jan 2024 + 58 = 28 Feb 2024.
      '2025-01-01..2025-02-28 vs 2024-01-01..2024-02-28',
      // 76 days: 1 Jan 2024 + 75; 1 Mar 2024 is +60 (31 + 29), so 16 Mar 2024.
      '2025-01-01..2025-03-17 vs 2024-01-01..2024-03-16',
    ]);
    expect(windows.map((w) => w.anchor.key)).toEqual(['2025', '2025', '2025']);
  });

  it('counts 29 February as a day: year to 1 March 2024 against year to 2 March 2023', () => {
    // 1 Jan – 1 Mar 2024 = 31 + 29 + 1 = 61 days; 1 Jan 2023 + 60 = 2 Mar 2023 (1 Mar = +59).
    const { window, priorYear } = cumulativeWindowAt(civil, d('2024-03-01'), 'ytd');
    expect(span(window)).toBe('2024-01-01..2024-03-01');
    expect(span(priorYear)).toBe('2023-01-01..2023-03-02');
  });

  it('compares a complete year with the complete year before, whatever its length', () => {
    expect(span(cumulativeWindowAt(civil, d('2025-12-31'), 'ytd').priorYear)).toBe(
      '2024-01-01..2024-12-31',
    );
    // One day short of complete: 364 days; 1 Jan 2024 + 363 = 29 Dec 2024 (31 Dec = +365).
    expect(span(cumulativeWindowAt(civil, d('2025-12-30'), 'ytd').priorYear)).toBe(
      '2024-01-01..2024-12-29',
    );
  });

  it('accumulates the month to each day', () => {
    const windows = cumulativeWindows({
      from: d('2025-03-15'),
      to: d('2025-03-17'),
      grain: 'day',
      calendar: civil,
      cumulative: 'mtd',
    });
    expect(windows.map((w) => `${span(w.window)} vs ${span(w.priorYear)}`)).toEqual([
      '2025-03-01..2025-03-15 vs 2024-03-01..2024-03-15',
      '2025-03-01..2025-03-16 vs 2024-03-01..2024-03-16',
      '2025-03-01..2025-03-17 vs 2024-03-01..2024-03-17',
    ]);
  });

  it('caps the last window at the request end', () => {
    const windows = cumulativeWindows({
      from: d('2025-03-01'),
      to: d('2025-03-17'),
      grain: 'month',
      calendar: civil,
      cumulative: 'mtd',
    });
    expect(windows.map((w) => span(w.window))).toEqual(['2025-03-01..2025-03-17']);
  });

  it('accumulates a quarter of a fiscal year starting in April', () => {
    // FY2025 Q1 starts 1 Apr 2025; to 20 May = 30 + 20 = 50 days; 1 Apr 2024 + 49 = 20 May 2024.
    const april = civilCalendar({ fiscalYearStartMonth: 4 });
    const w = cumulativeWindowAt(april, d('2025-05-20'), 'qtd');
    expect(w.anchor.label).toBe('FY2025 Q1');
    expect(span(w.window)).toBe('2025-04-01..2025-05-20');
    expect(span(w.priorYear)).toBe('2024-04-01..2024-05-20');
  });

  it('compares retail years to date across the 53-week year', () => {
    // Complete fiscal 2023 (53 weeks) against complete fiscal 2022 (30 Jan 2022 – 28 Jan 2023).
    expect(span(cumulativeWindowAt(nrf, d('2024-02-03'), 'ytd').priorYear)).toBe(
      '2022-01-30..2023-01-28',
    );
    // Fiscal 2023 to the end of week 52 (364 days) against all of fiscal 2022 (364 days).
    expect(span(cumulativeWindowAt(nrf, d('2024-01-27'), 'ytd').priorYear)).toBe(
      '2022-01-30..2023-01-28',
    );
    // Complete fiscal 2024 (52 weeks) against complete fiscal 2023 (53 weeks).
    expect(span(cumulativeWindowAt(nrf, d('2025-02-01'), 'ytd').priorYear)).toBe(
      '2023-01-29..2024-02-03',
    );
  });

  it('accumulates a retail period (the retail month) to date', () => {
    // Fiscal 2024 P12 from 5 Jan 2025, 13 days to the 17th; fiscal 2023 P12 from 31 Dec 2023.
    const w = cumulativeWindowAt(nrf, d('2025-01-17'), 'mtd');
    expect(w.anchor.label).toBe('FY2024 P12');
    expect(span(w.window)).toBe('2025-01-05..2025-01-17');
    expect(span(w.priorYear)).toBe('2023-12-31..2024-01-12');
  });
});
