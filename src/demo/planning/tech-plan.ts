import { MS_PER_DAY, isoDate, isoWeekday } from '../../time/civil-date.js';
import { ParisClock, periodBounds } from '../clock/paris-clock.js';
import { TimestampText } from '../clock/timestamp-text.js';
import type { DemoContext } from '../demo-context.js';

/**
 * The e-commerce tech team: a weekly release train (Tuesdays) and the bugs of the platform. A late
 * release brings extra bugs in the days after it ships.
 */
export const TECH = {
  releaseWeekday: 2,
  onTimeRate: 0.8,
  /** Delay of a late release in days: 1 + Poisson(extraDelayMean). */
  extraDelayMean: 3,
  /** Bugs opened per day ~ Poisson(bugsPerDay). */
  bugsPerDay: 1.2,
  /** Extra bugs in the 3 days after a late release ships ~ Poisson(lateReleaseExtraBugs). */
  lateReleaseExtraBugs: 3,
  severity: { critical: 0.05, major: 0.25, minor: 0.7 } as Record<string, number>,
  /** Days to close ~ LogNormal(ln median, sigma). */
  closeMedianDays: { critical: 1, major: 6, minor: 25 } as Record<string, number>,
  closeSigma: 0.8,
};

export function writeTech(ctx: DemoContext): Record<string, unknown> {
  const rng = ctx.rng('planning/tech');
  const clock = new ParisClock();
  const text = new TimestampText();
  const { endMs } = periodBounds(clock, ctx.startDay, ctx.endDay);
  const extraBugsOn = new Map<number, number>();
  let releases = 0;
  let onTime = 0;
  let first = ctx.startDay + ((TECH.releaseWeekday - isoWeekday(ctx.startDay) + 7) % 7);
  for (; first <= ctx.endDay; first += 7) {
    const late = !rng.chance(TECH.onTimeRate);
    const released = late ? first + 1 + rng.poisson(TECH.extraDelayMean) : first;
    releases++;
    if (!late) onTime++;
    const iso = isoDate(first);
    ctx.out.row('releases', [
      `REL-${iso}`,
      iso,
      released <= ctx.endDay ? isoDate(released) : null,
      `Release train ${iso}`,
    ]);
    if (late) {
      for (let d = 0; d < 3; d++)
        extraBugsOn.set(
          released + d,
          (extraBugsOn.get(released + d) ?? 0) + TECH.lateReleaseExtraBugs / 3,
        );
    }
  }
  const severities = Object.keys(TECH.severity);
  const weights = severities.map((s) => TECH.severity[s] ?? 0);
  let bugs = 0;
  for (let day = ctx.startDay; day <= ctx.endDay; day++) {
    const n = rng.poisson(TECH.bugsPerDay + (extraBugsOn.get(day) ?? 0));
    for (let i = 0; i < n; i++) {
      const severity = severities[rng.weightedIndex(weights)] ?? 'minor';
      const opened = clock.utcMs(day, 8 * 60 + rng.next() * 11 * 60);
      const days =
        (TECH.closeMedianDays[severity] ?? 10) * Math.exp(TECH.closeSigma * rng.normal());
      const closed = Math.round(opened + days * MS_PER_DAY);
      ctx.out.row('bugs', [
        `BUG-${String(++bugs).padStart(6, '0')}`,
        text.format(Math.round(opened)),
        closed < endMs ? text.format(closed) : null,
        severity,
      ]);
    }
  }
  return {
    ...TECH,
    rule: 'one release planned every Tuesday; on time with onTimeRate, otherwise released 1 + Poisson(extraDelayMean) days later (empty when after the last day); bugs opened per day ~ Poisson(bugsPerDay + extra), extra = lateReleaseExtraBugs / 3 on each of the 3 days from a late release’s release day; severity by shares; closed_at = opened_at + LogNormal(closeMedianDays, closeSigma) days, empty when after the last day',
    releases,
    onTimeReleases: onTime,
    bugs,
  };
}
