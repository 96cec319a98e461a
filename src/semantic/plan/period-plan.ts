import type { Calendar } from '../../time/calendar.js';
import { isoDate } from '../../time/civil-date.js';
import { comparisonPairs, comparisonRange } from '../../time/comparison.js';
import { cumulativeWindowAt, cumulativeWindows } from '../../time/cumulative.js';
import type { DayRange } from '../../time/period.js';
import { VitrineError } from '../../util/errors.js';
import type { Comparison, Cumulative, Grain } from '../query/query-types.js';
import type { PlannedPeriod, RoleRange } from './query-plan.js';

export const CURRENT_ROLE = 'current';

export interface PeriodPlanRequest {
  readonly from: number;
  readonly to: number;
  readonly grain: Grain | null;
  readonly calendar: Calendar;
  /** Comparisons computed in SQL (target is read from the targets table). */
  readonly comparisons: readonly Exclude<Comparison, 'target'>[];
  readonly cumulative: Cumulative | null;
}

export interface PeriodPlan {
  readonly periods: readonly PlannedPeriod[];
  readonly ranges: readonly RoleRange[];
}

/**
 * The answer's periods (each clipped to the request) and, per role, the days that count for
 * each period: the period itself for `current`, its like-for-like comparison window for each
 * comparison, the window from the year/quarter/month start for cumulative requests.
 */
export function planPeriods(req: PeriodPlanRequest): PeriodPlan {
  const { from, to, calendar } = req;
  const ranges: RoleRange[] = [];
  const periods: PlannedPeriod[] = [];
  const add = (role: string, key: string, r: DayRange) =>
    ranges.push({ role, periodKey: key, start: r.start, end: r.end });

  if (req.cumulative) {
    if (req.comparisons.includes('previous')) {
      throw new VitrineError(
        'BAD_COMPARISON',
        `--cumulative ${req.cumulative} compares with yoy, yoy-weekday or target, not previous`,
      );
    }
    const windows = req.grain
      ? cumulativeWindows({ from, to, grain: req.grain, calendar, cumulative: req.cumulative })
      : [{ ...cumulativeWindowAt(calendar, to, req.cumulative), period: null }];
    for (const w of windows) {
      const key = w.period ? w.period.key : 'all';
      periods.push({
        key,
        label: w.period
          ? w.period.label
          : `${req.cumulative.toUpperCase()} ${isoDate(w.window.end)}`,
        start: w.window.start,
        end: w.window.end,
      });
      add(CURRENT_ROLE, key, w.window);
      for (const c of req.comparisons) {
        if (c === 'yoy') add(c, key, w.priorYear);
        else
          add(c, key, {
            start: w.window.start - calendar.yoyWeekdayShift(w.window.end),
            end: w.window.end - calendar.yoyWeekdayShift(w.window.end),
          });
      }
    }
    return { periods, ranges };
  }

  if (!req.grain) {
    periods.push({ key: 'all', label: `${isoDate(from)}..${isoDate(to)}`, start: from, end: to });
    add(CURRENT_ROLE, 'all', { start: from, end: to });
    for (const c of req.comparisons) {
      add(c, 'all', comparisonRange({ from, to, grain: 'day', calendar, compare: c }).comparison);
    }
    return { periods, ranges };
  }

  const base = comparisonPairs({ from, to, grain: req.grain, calendar, compare: 'target' });
  for (const p of base) {
    periods.push({
      key: p.period.key,
      label: p.period.label,
      start: p.current.start,
      end: p.current.end,
    });
    add(CURRENT_ROLE, p.period.key, p.current);
  }
  for (const c of req.comparisons) {
    for (const p of comparisonPairs({ from, to, grain: req.grain, calendar, compare: c })) {
      add(c, p.period.key, p.comparison);
    }
  }
  return { periods, ranges };
}
