import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workspaceConfigSchema } from '../workspace/workspace-config.js';
import { calendarFromConfig, calendarOptionsFromConfig } from './calendar.js';
import { isoDate, parseIsoDate } from './civil-date.js';

const d = (text: string): number => parseIsoDate(text);

describe('calendars from a workspace', () => {
  const civilWorkspace = {
    week_start: 'sunday' as const,
    fiscal_calendar: { kind: 'civil' as const, year_start_month: 4 },
  };

  it('builds the workspace calendar, civil with its week start and fiscal year', () => {
    const cal = calendarFromConfig(civilWorkspace);
    expect(cal.kind).toBe('civil');
    // Wed 15 Jan 2025: Sunday week from the 12th; April fiscal year from 1 Apr 2024.
    expect(isoDate(cal.weekStart(d('2025-01-15')))).toBe('2025-01-12');
    expect(isoDate(cal.yearStart(d('2025-01-15')))).toBe('2024-04-01');
  });

  it('gives a civil workspace asking for a retail view the NRF calendar', () => {
    const cal = calendarFromConfig(civilWorkspace, 'retail-454');
    expect(cal.kind).toBe('retail-454');
    expect(calendarOptionsFromConfig(civilWorkspace).retail).toEqual({});
    // NRF fiscal 2024 starts Sun 4 Feb 2024.
    expect(isoDate(cal.yearStart(d('2024-06-01')))).toBe('2024-02-04');
  });

  it('reads a retail workspace’s year start month as the month after the year end', () => {
    const options = calendarOptionsFromConfig({
      week_start: 'monday',
      fiscal_calendar: { kind: 'retail-454', year_start_month: 1 },
    });
    expect(options.retail).toEqual({ weekStart: 'monday', yearEndMonth: 12 });
    expect(
      calendarOptionsFromConfig({
        week_start: 'sunday',
        fiscal_calendar: { kind: 'retail-454', year_start_month: 2 },
      }).retail,
    ).toEqual({ weekStart: 'sunday', yearEndMonth: 1 });
  });

  it('gives a retail-454 workspace that says no more the NRF calendar, and keeps what it says', () => {
    const config = (yaml: string) =>
      workspaceConfigSchema.parse(parse(`name: shop\nreporting_currency: USD\n${yaml}`));
    const nrf = config('fiscal_calendar: { kind: retail-454 }');
    expect(nrf.week_start).toBe('sunday');
    expect(nrf.fiscal_calendar.year_start_month).toBe(2);
    const cal = calendarFromConfig(nrf);
    // NRF fiscal 2024: Sun 4 Feb 2024 to Sat 1 Feb 2025 (53 weeks); Wed 15 Jan 2025 is in its
    // week from Sun 12 Jan.
    expect(isoDate(cal.yearStart(d('2024-06-01')))).toBe('2024-02-04');
    expect(isoDate(cal.weekStart(d('2025-01-15')))).toBe('2025-01-12');
    // Written values win over the retail defaults; a civil workspace keeps ISO weeks, January.
    const mondays = config('week_start: monday\nfiscal_calendar: { kind: retail-454 }');
    expect(mondays.week_start).toBe('monday');
    expect(calendarOptionsFromConfig(mondays).retail).toEqual({
      weekStart: 'monday',
      yearEndMonth: 1,
    });
    const civil = config('');
    expect(civil.week_start).toBe('monday');
    expect(civil.fiscal_calendar).toEqual({ kind: 'civil', year_start_month: 1 });
  });
});
