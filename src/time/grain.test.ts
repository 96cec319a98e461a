import { describe, expect, it } from 'vitest';
import { VitrineError } from '../util/errors.js';
import { parseCalendarKind } from './calendar.js';
import { parseComparison } from './comparison.js';
import { parseCumulative } from './cumulative.js';
import { assertCalendarGrain, calendarGrainOf, parseGrain } from './grain.js';

function errorOf(f: () => unknown): VitrineError {
  try {
    f();
  } catch (e) {
    if (e instanceof VitrineError) return e;
    throw e;
  }
  throw new Error('expected a VitrineError');
}

describe('parsers of time choices', () => {
  it('accepts every valid grain', () => {
    for (const g of ['hour', 'day', 'week', 'month', 'quarter', 'year']) {
      expect(parseGrain(g)).toBe(g);
    }
  });

  it('names the bad grain and lists the valid ones on one line', () => {
    const e = errorOf(() => parseGrain('fortnight'));
    expect(e.code).toBe('BAD_GRAIN');
    expect(e.message).toBe(
      'unknown grain "fortnight" (expected one of: hour, day, week, month, quarter, year)',
    );
  });

  it('is case-sensitive, as the CLI documents lowercase words', () => {
    expect(errorOf(() => parseGrain('Week')).message).toContain('"Week"');
  });

  it('parses calendar kinds', () => {
    expect(parseCalendarKind('civil')).toBe('civil');
    expect(parseCalendarKind('retail-454')).toBe('retail-454');
    const e = errorOf(() => parseCalendarKind('retail-445'));
    expect(e.code).toBe('BAD_CALENDAR');
    expect(e.message).toBe('unknown calendar "retail-445" (expected one of: civil, retail-454)');
  });

  it('parses comparisons', () => {
    for (const c of ['previous', 'yoy', 'yoy-weekday', 'target']) {
      expect(parseComparison(c)).toBe(c);
    }
    const e = errorOf(() => parseComparison('mom'));
    expect(e.code).toBe('BAD_COMPARISON');
    expect(e.message).toBe(
      'unknown comparison "mom" (expected one of: previous, yoy, yoy-weekday, target)',
    );
  });

  it('parses cumulative windows', () => {
    for (const c of ['ytd', 'qtd', 'mtd']) expect(parseCumulative(c)).toBe(c);
    const e = errorOf(() => parseCumulative('wtd'));
    expect(e.code).toBe('BAD_CUMULATIVE');
    expect(e.message).toBe('unknown cumulative "wtd" (expected one of: ytd, qtd, mtd)');
  });

  it('resolves hours per day, and a calendar refuses the hour grain', () => {
    expect(calendarGrainOf('hour')).toBe('day');
    expect(calendarGrainOf('week')).toBe('week');
    expect(assertCalendarGrain('month')).toBe('month');
    const e = errorOf(() => assertCalendarGrain('hour'));
    expect(e.code).toBe('BAD_GRAIN');
    expect(e.message).not.toContain('\n');
  });
});
