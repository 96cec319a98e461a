import { describe, expect, it } from 'vitest';
import { nextRun, parseCron, runsBetween } from '../../src/goals/schedules/cron-schedule.js';
import { parseIsoDate } from '../../src/time/civil-date.js';
import { localDateTime, offsetMinutes, zonedInstant } from '../../src/time/zoned-time.js';

const PARIS = 'Europe/Paris';
const utc = (iso: string) => Date.parse(iso);
const day = (iso: string) => parseIsoDate(iso);

// In 2026 Paris moves to summer time on Sunday 29 March (02:00 → 03:00) and back on Sunday
// 25 October (03:00 → 02:00).
describe('wall-clock time in a zone', () => {
  it('reads the local day and minute on either side of a change', () => {
    expect(localDateTime(utc('2026-03-29T00:30:00Z'), PARIS)).toEqual({
      day: day('2026-03-29'),
      minuteOfDay: 90,
    });
    expect(localDateTime(utc('2026-03-29T01:30:00Z'), PARIS)).toEqual({
      day: day('2026-03-29'),
      minuteOfDay: 210,
    });
    expect(localDateTime(utc('2026-12-31T23:30:00Z'), PARIS).day).toBe(day('2027-01-01'));
    expect(offsetMinutes(utc('2026-07-01T12:00:00Z'), PARIS)).toBe(120);
    expect(offsetMinutes(utc('2026-01-01T12:00:00Z'), PARIS)).toBe(60);
    expect(offsetMinutes(utc('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-240);
  });

  it('finds the instant of a local time, skipped and repeated hours included', () => {
    expect(zonedInstant(day('2026-03-28'), 8 * 60, PARIS)).toBe(utc('2026-03-28T07:00:00Z'));
    expect(zonedInstant(day('2026-03-29'), 8 * 60, PARIS)).toBe(utc('2026-03-29T06:00:00Z'));
    // 02:30 does not exist on 29 March: the clocks jump to 03:30, 01:30 UTC.
    expect(zonedInstant(day('2026-03-29'), 150, PARIS)).toBe(utc('2026-03-29T01:30:00Z'));
    // 02:30 happens twice on 25 October: the first, still in summer time, 00:30 UTC.
    expect(zonedInstant(day('2026-10-25'), 150, PARIS)).toBe(utc('2026-10-25T00:30:00Z'));
  });
});

describe('cron schedules in the workspace time zone', () => {
  it('runs on Mondays at 08:00 local time, before and after each change', () => {
    const s = parseCron('0 8 * * 1');
    expect(nextRun(s, utc('2026-03-27T12:00:00Z'), PARIS)).toBe(utc('2026-03-30T06:00:00Z'));
    expect(nextRun(s, utc('2026-03-20T12:00:00Z'), PARIS)).toBe(utc('2026-03-23T07:00:00Z'));
    expect(nextRun(s, utc('2026-10-20T12:00:00Z'), PARIS)).toBe(utc('2026-10-26T07:00:00Z'));
  });

  it('runs once in a repeated hour and at the jump in a skipped one', () => {
    const s = parseCron('30 2 * * *');
    expect(runsBetween(s, utc('2026-10-24T12:00:00Z'), utc('2026-10-25T12:00:00Z'), PARIS)).toEqual(
      [utc('2026-10-25T00:30:00Z')],
    );
    expect(runsBetween(s, utc('2026-03-28T12:00:00Z'), utc('2026-03-29T12:00:00Z'), PARIS)).toEqual(
      [utc('2026-03-29T01:30:00Z')],
    );
  });

  it('reads lists, ranges, steps and names; both day fields restricted means either', () => {
    const weekdays = parseCron('15 7 * * mon-fri');
    // Friday 2026-12-04 07:15 local (06:15 UTC) then Monday 2026-12-07.
    expect(nextRun(weekdays, utc('2026-12-04T05:00:00Z'), PARIS)).toBe(utc('2026-12-04T06:15:00Z'));
    expect(nextRun(weekdays, utc('2026-12-04T07:00:00Z'), PARIS)).toBe(utc('2026-12-07T06:15:00Z'));
    const firstOrMonday = parseCron('0 9 1 * mon');
    // After Tuesday 2026-12-01 10:00 local: Monday 7 December, then Friday 1 January.
    expect(nextRun(firstOrMonday, utc('2026-12-01T10:00:00Z'), PARIS)).toBe(
      utc('2026-12-07T08:00:00Z'),
    );
    expect(nextRun(firstOrMonday, utc('2026-12-29T10:00:00Z'), PARIS)).toBe(
      utc('2027-01-01T08:00:00Z'),
    );
    expect([...parseCron('*/20 * * * *').minutes]).toEqual([0, 20, 40]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
  });

  it('names the field at fault', () => {
    expect(() => parseCron('61 * * * *')).toThrow(/minute: 61 is outside 0–59/);
    expect(() => parseCron('0 8 * *')).toThrow(/4 fields/);
    expect(() => parseCron('0 8 * * xyz')).toThrow(/day of week: "xyz" is not a number/);
    expect(() => parseCron('0 0 30 2 *')).toThrow(/never runs/);
  });
});
