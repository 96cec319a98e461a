/**
 * Journeys from a workspace's raw events: each visitor's touchpoints, cut at each of their
 * conversions. A conversion's path is the touches after the visitor's previous conversion and
 * strictly before this one, within the lookback window; touches after a visitor's last
 * conversion form one journey that has not converted (yet: journeys still open at the end of
 * the period count as null, a right-censoring the summary states); identical paths without
 * conversion are returned as one journey with their count.
 */
import type { Journey } from './journeys.js';

export interface Touch {
  readonly visitor: string;
  readonly ms: number;
  readonly channel: string;
  readonly campaign: string | null;
}

export interface Conversion {
  readonly visitor: string;
  readonly ms: number;
  readonly value: number;
  readonly margin: number | null;
}

export const NO_TOUCH = '(no touchpoint)';

const DAY_MS = 86_400_000;

function groupBy<T extends { visitor: string; ms: number }>(xs: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    let l = m.get(x.visitor);
    if (!l) m.set(x.visitor, (l = []));
    l.push(x);
  }
  for (const l of m.values()) l.sort((a, b) => a.ms - b.ms);
  return m;
}

export interface BuiltJourneys {
  readonly journeys: Journey[];
  /** Conversions without any touch in their window (credited to NO_TOUCH). */
  readonly untouched: number;
  /** Touches dropped because they were older than the lookback window. */
  readonly expiredTouches: number;
}

export function buildJourneys(
  touches: readonly Touch[],
  conversions: readonly Conversion[],
  lookbackDays: number,
): BuiltJourneys {
  const byVisitorTouch = groupBy(touches);
  const byVisitorConv = groupBy(conversions);
  const lookback = lookbackDays * DAY_MS;
  const journeys: Journey[] = [];
  let untouched = 0;
  let expired = 0;
  const nullPaths = new Map<string, number>();
  const make = (list: readonly Touch[], conv: Conversion): Journey => ({
    channels: list.map((t) => t.channel),
    campaigns: list.map((t) => t.campaign),
    ageDays: list.map((t) => (conv.ms - t.ms) / DAY_MS),
    conversions: 1,
    value: conv.value,
    at: conv.ms,
    ...(conv.margin !== null ? { margin: conv.margin } : {}),
    nulls: 0,
  });
  const visitors = new Set([...byVisitorTouch.keys(), ...byVisitorConv.keys()]);
  for (const v of visitors) {
    const ts = byVisitorTouch.get(v) ?? [];
    const cs = byVisitorConv.get(v) ?? [];
    let k = 0;
    for (const c of cs) {
      const path: Touch[] = [];
      while (k < ts.length && (ts[k] as Touch).ms < c.ms) {
        const t = ts[k] as Touch;
        if (c.ms - t.ms <= lookback) path.push(t);
        else expired++;
        k++;
      }
      if (path.length === 0) {
        untouched++;
        journeys.push({
          channels: [NO_TOUCH],
          campaigns: [null],
          ageDays: [0],
          conversions: 1,
          value: c.value,
          at: c.ms,
          ...(c.margin !== null ? { margin: c.margin } : {}),
          nulls: 0,
        });
      } else journeys.push(make(path, c));
    }
    const rest = ts.slice(k);
    if (rest.length > 0) {
      const lastMs = (rest[rest.length - 1] as Touch).ms;
      const kept = rest.filter((t) => lastMs - t.ms <= lookback);
      expired += rest.length - kept.length;
      // Journeys without conversion only feed the Markov chain: identical paths are counted
      // together (most visitors never convert; one object each would not fit at scale).
      const path = kept.map((t) => t.channel).join('\u0000');
      nullPaths.set(path, (nullPaths.get(path) ?? 0) + 1);
    }
  }
  for (const [path, n] of nullPaths) {
    journeys.push({
      channels: path.split('\u0000'),
      conversions: 0,
      value: 0,
      margin: 0,
      nulls: n,
    });
  }
  return { journeys, untouched, expiredTouches: expired };
}

/** Instant text from the engine ('2023-01-01 06:55:00.695+00') to epoch ms. */
export function parseInstant(text: string): number {
  let s = text.trim().replace(' ', 'T');
  if (/[+-]\d{2}$/.test(s)) s += ':00';
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${text}`);
  return ms;
}
