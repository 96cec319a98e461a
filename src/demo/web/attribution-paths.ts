import type { AbsorbingChain } from '../../analytics/attribution/absorbing-chain.js';
import {
  chainFromTables,
  expectedVisits,
  firstTouchShares,
  lastTouchShares,
  outcomeProbability,
  removalEffects,
  removalShares,
} from '../../analytics/attribution/absorbing-chain.js';
import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import { MS_PER_DAY } from '../../time/civil-date.js';
import type { ParisClock } from '../clock/paris-clock.js';
import type { TimestampText } from '../clock/timestamp-text.js';
import type { CampaignChannel } from '../parts/campaigns-part.js';
import type { Random } from '../random.js';
import type { TableWriter } from '../table-writer.js';
import type { CampaignCalendar } from './campaign-calendar.js';

/**
 * Marketing journeys drawn from a known first-order Markov chain over the campaign channels:
 * start → channel → … → conversion | null, never staying on the same channel twice in a row (so
 * collapsing repeated channels, which attribution models often do, changes nothing). Because the
 * chain is known, its removal effects and first/last-touch credit are known exactly.
 */

export const CONVERSION = 'conversion';
export const NULL = 'null';

export const JOURNEY_START: Record<CampaignChannel, number> = {
  sea: 0.22,
  social: 0.16,
  display: 0.12,
  email: 0.1,
  affiliate: 0.05,
  sms: 0.03,
  seo: 0.22,
  tv: 0.1,
};

/** Transition probabilities; what a row leaves to 1 goes to null. */
const TRANSITIONS_TO: Record<
  CampaignChannel,
  Partial<Record<CampaignChannel | 'conversion', number>>
> = {
  sea: {
    display: 0.1,
    email: 0.06,
    social: 0.05,
    seo: 0.06,
    affiliate: 0.04,
    sms: 0.01,
    tv: 0.01,
    conversion: 0.17,
  },
  social: {
    sea: 0.12,
    display: 0.08,
    email: 0.05,
    seo: 0.08,
    affiliate: 0.03,
    sms: 0.01,
    tv: 0.01,
    conversion: 0.05,
  },
  display: {
    sea: 0.15,
    social: 0.06,
    email: 0.06,
    seo: 0.08,
    affiliate: 0.05,
    sms: 0.01,
    tv: 0.01,
    conversion: 0.04,
  },
  email: {
    sea: 0.1,
    social: 0.04,
    display: 0.05,
    seo: 0.05,
    affiliate: 0.02,
    sms: 0.04,
    conversion: 0.2,
  },
  affiliate: {
    sea: 0.08,
    social: 0.03,
    display: 0.05,
    email: 0.04,
    seo: 0.03,
    sms: 0.01,
    conversion: 0.22,
  },
  sms: {
    sea: 0.06,
    social: 0.02,
    display: 0.03,
    email: 0.08,
    seo: 0.03,
    affiliate: 0.02,
    conversion: 0.24,
  },
  seo: {
    sea: 0.12,
    social: 0.05,
    display: 0.09,
    email: 0.07,
    affiliate: 0.04,
    sms: 0.01,
    tv: 0.01,
    conversion: 0.14,
  },
  tv: {
    sea: 0.22,
    social: 0.1,
    display: 0.05,
    email: 0.02,
    seo: 0.22,
    affiliate: 0.02,
    conversion: 0.02,
  },
};

export function journeyTransitions(): Record<CampaignChannel, Record<string, number>> {
  const out = {} as Record<CampaignChannel, Record<string, number>>;
  for (const from of CAMPAIGN_CHANNELS) {
    const row = { ...TRANSITIONS_TO[from] } as Record<string, number>;
    const used = Object.values(row).reduce((s, p) => s + p, 0);
    row[NULL] = Math.round((1 - used) * 1e12) / 1e12;
    out[from] = row;
  }
  return out;
}

/** The kind of touchpoint each channel leaves. */
export const TOUCH_KIND: Record<CampaignChannel, 'impression' | 'click' | 'visit' | 'email_open'> =
  {
    sea: 'click',
    social: 'click',
    display: 'impression',
    email: 'email_open',
    affiliate: 'click',
    sms: 'click',
    seo: 'visit',
    tv: 'impression',
  };

/** A converting journey's touches lie within this many days before the order. */
export const JOURNEY_WINDOW_DAYS = 30;
/** Days between consecutive touches of a journey: Exponential with this mean (then squeezed into the window). */
export const TOUCH_GAP_MEAN_DAYS = 2.5;

export function journeyChain(): AbsorbingChain {
  return chainFromTables(
    CAMPAIGN_CHANNELS,
    [CONVERSION, NULL],
    JOURNEY_START,
    journeyTransitions(),
  );
}

/** Draws journeys from the chain: channel indexes (into CAMPAIGN_CHANNELS) and the outcome. */
export class JourneySampler {
  private readonly startCum: number[];
  /** Per state: cumulative probabilities over [...states, conversion, null]. */
  private readonly rowCum: number[][];

  constructor(chain: AbsorbingChain) {
    this.startCum = cumulative(chain.start);
    this.rowCum = chain.transient.map((row, i) =>
      cumulative([...row, ...(chain.absorbing[i] ?? [])]),
    );
  }

  /** Appends the path to `path` (cleared first); returns true when it ends in conversion. */
  draw(rng: Random, path: number[]): boolean {
    path.length = 0;
    const n = this.startCum.length;
    let state = pickCum(this.startCum, rng.next());
    for (;;) {
      path.push(state);
      const next = pickCum(this.rowCum[state] ?? [], rng.next());
      if (next === n) return true;
      if (next > n) return false;
      state = next;
    }
  }
}

function cumulative(p: readonly number[]): number[] {
  let s = 0;
  return p.map((x) => (s += x));
}

function pickCum(cum: readonly number[], u: number): number {
  const total = cum[cum.length - 1] ?? 1;
  const x = u * total;
  for (let i = 0; i < cum.length; i++) if (x < (cum[i] ?? 0)) return i;
  return cum.length - 1;
}

/**
 * Timestamps of a journey's touches: the last at `lastMs`, earlier ones spaced by exponential
 * gaps, squeezed to stay after `lowMs` (period start, previous order of the visitor, window).
 * Strictly increasing, at least 1 ms apart.
 */
export function touchTimes(
  rng: Random,
  n: number,
  lastMs: number,
  lowMs: number,
  out: number[],
): void {
  out.length = n;
  const gaps: number[] = [];
  let total = 0;
  for (let i = 1; i < n; i++) {
    const g = rng.exponential(1 / (TOUCH_GAP_MEAN_DAYS * 86_400_000)) + 60_000;
    gaps.push(g);
    total += g;
  }
  const room = lastMs - lowMs;
  const scale = total >= room ? (room * 0.95) / Math.max(total, 1) : 1;
  let t = lastMs;
  out[n - 1] = t;
  for (let i = n - 2; i >= 0; i--) {
    t = Math.min(t - 1, Math.floor(t - (gaps[i] ?? 0) * scale));
    out[i] = t;
  }
}

/** Writes a journey's touchpoints, each with a campaign of its channel running that day. */
export class TouchpointWriter {
  private readonly out: TableWriter;
  private readonly text: TimestampText;
  private readonly clock: ParisClock;
  private readonly calendar: CampaignCalendar;
  private readonly periodStartMs: number;
  private readonly times: number[] = [];
  private count = 0;

  constructor(
    out: TableWriter,
    text: TimestampText,
    clock: ParisClock,
    calendar: CampaignCalendar,
    periodStartMs: number,
  ) {
    this.out = out;
    this.text = text;
    this.clock = clock;
    this.calendar = calendar;
    this.periodStartMs = periodStartMs;
  }

  get written(): number {
    return this.count;
  }

  /**
   * The journey of a visitor ending at their session starting at sessionStartMs: the last touch
   * seconds before it for clicks and opens, hours before for impressions; every touch after
   * afterMs (the visitor's previous order, the period start) and within the journey window.
   * lastCampaign: the campaign of the session, which the last touch brought (−1 when none).
   */
  write(
    rng: Random,
    path: readonly number[],
    visitor: string,
    customerId: string | null,
    sessionStartMs: number,
    afterMs: number,
    lastCampaign: number,
  ): void {
    const low = Math.max(
      afterMs,
      this.periodStartMs,
      sessionStartMs - JOURNEY_WINDOW_DAYS * MS_PER_DAY,
    );
    const lastChannel = CAMPAIGN_CHANNELS[path[path.length - 1] ?? 0] ?? 'seo';
    const before =
      TOUCH_KIND[lastChannel] === 'impression'
        ? Math.round(rng.exponential(1 / 7_200_000)) + 1000
        : rng.int(5_000, 60_000);
    // A visitor ordering again minutes after an order: squeeze the journey in between.
    const lastMs = Math.max(low + path.length + 1, sessionStartMs - before);
    touchTimes(rng, path.length, lastMs, low, this.times);
    for (let j = 0; j < path.length; j++) {
      const ch = path[j] ?? 0;
      const at = this.times[j] ?? lastMs;
      const day = this.clock.day(at);
      let campaign = j === path.length - 1 ? lastCampaign : -1;
      const c = this.calendar.campaigns[campaign];
      if (!c || c.startsOn > day || c.endsOn < day) campaign = this.calendar.pick(rng, ch, day);
      const channel = CAMPAIGN_CHANNELS[ch] ?? 'seo';
      this.out.row('touchpoints', [
        `TP${String(++this.count).padStart(9, '0')}`,
        visitor,
        customerId,
        this.text.format(at),
        channel,
        this.calendar.campaigns[campaign]?.id ?? null,
        TOUCH_KIND[channel],
      ]);
    }
  }
}

/** The attribution section of the manifest, every number computed exactly from the chain. */
export function attributionTruth(chain: AbsorbingChain): Record<string, unknown> {
  const named = (values: readonly number[]) =>
    Object.fromEntries(chain.states.map((s, i) => [s, values[i] ?? 0]));
  const visits = expectedVisits(chain);
  return {
    model:
      'first-order Markov chain over touchpoints.channel: start → channel → … → conversion | null; no channel follows itself',
    states: chain.states,
    start: named(chain.start),
    transitions: journeyTransitions(),
    conversionProbability: outcomeProbability(chain, CONVERSION),
    removalEffects: named(removalEffects(chain, CONVERSION, NULL)),
    shares: named(removalShares(chain, CONVERSION, NULL)),
    firstTouchShares: named(firstTouchShares(chain, CONVERSION)),
    lastTouchShares: named(lastTouchShares(chain, CONVERSION)),
    expectedVisitsPerJourney: named(visits),
    expectedTouchesPerJourney: visits.reduce((s, v) => s + v, 0),
    touchpointKind: TOUCH_KIND,
    windowDays: JOURNEY_WINDOW_DAYS,
    touchGapMeanDays: TOUCH_GAP_MEAN_DAYS,
    rules:
      "one journey per online order (web/app), its touches strictly before the order's session start and after the visitor's previous online order; journeys are drawn from the chain until one converts, and every null journey drawn on the way goes to a distinct anonymous visitor who never orders (one journey each); the path of a conversion is the visitor's touchpoints ordered by touched_at since the visitor's previous online order; removal effect = 1 − P(conversion without the channel) / P(conversion), the removed channel's traffic going to null; shares = removal effects normalised",
  };
}
