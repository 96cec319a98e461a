import type { Random } from '../random.js';

/**
 * When in the local day orders happen: relative weights per hour, drawn to the minute. Stores
 * trade from 10:00 to 19:30; online orders come at any hour with an evening peak.
 */
export class IntradayProfile {
  private readonly cumulative: Float64Array;
  private readonly firstMinute: number;
  private readonly lastMinute: number;

  /** weights[h] for hours from `fromHour`; the last hour may be cut at `lastMinute`. */
  constructor(fromHour: number, weights: readonly number[], lastMinute: number) {
    this.firstMinute = fromHour * 60;
    this.lastMinute = lastMinute;
    const n = lastMinute - this.firstMinute;
    this.cumulative = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += weights[Math.floor(i / 60)] ?? 0;
      this.cumulative[i] = acc;
    }
  }

  /** A minute of the day drawn from the profile, at least `notBefore`. */
  minute(rng: Random, notBefore = 0): number {
    const n = this.cumulative.length;
    const lo = Math.max(0, notBefore - this.firstMinute);
    if (lo >= n) return this.lastMinute - 1;
    const base = lo > 0 ? this.cumulative[lo - 1]! : 0;
    const total = this.cumulative[n - 1]!;
    const r = base + rng.next() * (total - base);
    let a = lo;
    let b = n - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if (this.cumulative[m]! <= r) a = m + 1;
      else b = m;
    }
    return this.firstMinute + a;
  }

  get closesAt(): number {
    return this.lastMinute;
  }
}

/** 10:00–19:30: lunch and after-work peaks. */
export const STORE_HOURS = new IntradayProfile(
  10,
  [1, 1.3, 1.6, 1.5, 1.3, 1.4, 1.6, 1.8, 1.6, 0.8],
  19 * 60 + 30,
);

/** 00:00–24:00: quiet nights, evening peak. */
export const ONLINE_HOURS = new IntradayProfile(
  0,
  [
    0.5, 0.3, 0.2, 0.15, 0.15, 0.25, 0.5, 0.9, 1.2, 1.3, 1.4, 1.5, 1.6, 1.5, 1.4, 1.4, 1.5, 1.6,
    1.8, 2.0, 2.3, 2.4, 1.8, 1.0,
  ],
  24 * 60,
);

/** Warehouse and store back-office hours (receipts, returns handling): 08:00–18:00, flat. */
export const WORK_HOURS = new IntradayProfile(8, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 18 * 60);
