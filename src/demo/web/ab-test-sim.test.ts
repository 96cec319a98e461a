import { describe, expect, it } from 'vitest';
import { epochDay, isoWeekday } from '../../time/civil-date.js';
import { EXPERIMENT, experimentWindow } from './ab-test-sim.js';

describe('A/B test window', () => {
  const startDay = epochDay(2023, 1, 1);
  const endDay = epochDay(2026, 11, 22);
  const days = endDay - startDay + 1;

  it('runs whole weeks, ends two weeks before the data end, sized for the target conversions', () => {
    const w = experimentWindow(new Array<number>(days).fill(100), startDay, endDay);
    expect(isoWeekday(w.startsOn)).toBe(1);
    expect(isoWeekday(w.endsOn)).toBe(7);
    expect(w.endsOn).toBeLessThanOrEqual(endDay - EXPERIMENT.endsDaysBeforeEnd);
    // 100 converting visitors a day: 30 days reach 3,000, rounded to whole weeks.
    const length = w.endsOn - w.startsOn + 1;
    expect(length).toBeGreaterThanOrEqual(EXPERIMENT.minDays);
    expect(length).toBeLessThanOrEqual(35);
  });

  it('stays within its bounds when traffic is tiny', () => {
    const w = experimentWindow(new Array<number>(days).fill(1), startDay, endDay);
    expect(w.endsOn - w.startsOn + 1).toBeLessThanOrEqual(EXPERIMENT.maxDays);
    expect(w.endsOn - w.startsOn + 1).toBeGreaterThan(EXPERIMENT.maxDays - 7);
  });
});
