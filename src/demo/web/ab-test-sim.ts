import { isoDate, isoWeekday } from '../../time/civil-date.js';
import type { TimestampText } from '../clock/timestamp-text.js';
import type { Random } from '../random.js';
import type { TableWriter } from '../table-writer.js';

/**
 * The A/B test of the demo: a one-page checkout tested on visitors, judged on conversion. Its
 * effect is planted in the assignment rather than in behaviour: a visitor who converted in the
 * window goes to the variant with probability (1 + L) / (2 + L), and visitors who did not are
 * balanced so that both arms get half the traffic in expectation. The variant's conversion rate
 * is then (1 + L) times the control's.
 */
export const EXPERIMENT = {
  id: 'EXP-0001',
  name: 'Checkout en une page',
  unit: 'visitor',
  primaryKpi: 'conversion_rate',
  variants: ['control', 'variant'] as const,
  split: 0.5,
  relativeLift: 0.2,
  /** The window is sized to hold about this many converting visitors… */
  targetConvertingVisitors: 3000,
  /** …within these bounds (days), ending this many days before the end of the data. */
  minDays: 28,
  maxDays: 182,
  endsDaysBeforeEnd: 14,
};

/** Monday-to-Sunday window ending ≥ endsDaysBeforeEnd before the last day. */
export function experimentWindow(
  convertingPerDay: readonly number[],
  startDay: number,
  endDay: number,
): { startsOn: number; endsOn: number } {
  let endsOn = endDay - EXPERIMENT.endsDaysBeforeEnd;
  endsOn -= isoWeekday(endsOn) % 7; // back to a Sunday
  let startsOn = endsOn + 1;
  let total = 0;
  while (startsOn - 1 >= startDay) {
    const days = endsOn - startsOn + 1;
    if (days >= EXPERIMENT.maxDays) break;
    if (days >= EXPERIMENT.minDays && total >= EXPERIMENT.targetConvertingVisitors) break;
    startsOn--;
    total += convertingPerDay[startsOn - startDay] ?? 0;
  }
  // Whole weeks: start on a Monday.
  while (isoWeekday(startsOn) !== 1 && startsOn < endsOn) startsOn++;
  return { startsOn, endsOn };
}

interface Seen {
  firstMs: number;
  converted: boolean;
}

/** Collects the visitors with a session in the window, then assigns them and writes the rows. */
export class ExperimentSim {
  readonly startsOn: number;
  readonly endsOn: number;
  private readonly visitors = new Map<number, Seen>();

  constructor(window: { startsOn: number; endsOn: number }) {
    this.startsOn = window.startsOn;
    this.endsOn = window.endsOn;
  }

  inWindow(day: number): boolean {
    return day >= this.startsOn && day <= this.endsOn;
  }

  /** A session of the visitor (by key) started in the window. */
  see(visitor: number, startMs: number, converted: boolean): void {
    const v = this.visitors.get(visitor);
    if (!v) this.visitors.set(visitor, { firstMs: startMs, converted });
    else {
      if (startMs < v.firstMs) v.firstMs = startMs;
      if (converted) v.converted = true;
    }
  }

  write(
    rng: Random,
    out: TableWriter,
    text: TimestampText,
    visitorId: (key: number) => string,
  ): Record<string, unknown> {
    const lift = EXPERIMENT.relativeLift;
    let converting = 0;
    for (const v of this.visitors.values()) if (v.converted) converting++;
    const total = this.visitors.size;
    const nonConverting = total - converting;
    const pConverting = (1 + lift) / (2 + lift);
    const pNonConverting =
      nonConverting > 0
        ? Math.min(
            1,
            Math.max(0, (total * EXPERIMENT.split - converting * pConverting) / nonConverting),
          )
        : 0.5;
    out.row('experiments', [
      EXPERIMENT.id,
      EXPERIMENT.name,
      isoDate(this.startsOn),
      isoDate(this.endsOn),
      EXPERIMENT.unit,
      EXPERIMENT.primaryKpi,
    ]);
    const [control, variant] = EXPERIMENT.variants;
    for (const [key, v] of this.visitors) {
      const inVariant = rng.chance(v.converted ? pConverting : pNonConverting);
      out.row('experiment_assignments', [
        EXPERIMENT.id,
        visitorId(key),
        inVariant ? variant : control,
        text.format(v.firstMs),
      ]);
    }
    const populationRate = total > 0 ? converting / total : 0;
    return {
      experimentId: EXPERIMENT.id,
      name: EXPERIMENT.name,
      startsOn: isoDate(this.startsOn),
      endsOn: isoDate(this.endsOn),
      unit: EXPERIMENT.unit,
      primaryKpi: EXPERIMENT.primaryKpi,
      variants: EXPERIMENT.variants,
      split: { [control]: 1 - EXPERIMENT.split, [variant]: EXPERIMENT.split },
      relativeLift: lift,
      conversionDefinition:
        'a visitor converts when one of their sessions started between starts_on and ends_on (local days) has an order_id; assigned_at = the visitor’s first session in the window',
      visitors: total,
      convertingVisitors: converting,
      assignmentProbability: { converting: pConverting, nonConverting: pNonConverting },
      expectedControlRate: (2 * populationRate) / (2 + lift),
      expectedVariantRate: (2 * populationRate * (1 + lift)) / (2 + lift),
      windowRule: `Monday–Sunday weeks ending ≥ ${EXPERIMENT.endsDaysBeforeEnd} days before the last day, sized for ${EXPERIMENT.targetConvertingVisitors} converting visitors within ${EXPERIMENT.minDays}–${EXPERIMENT.maxDays} days`,
    };
  }
}
