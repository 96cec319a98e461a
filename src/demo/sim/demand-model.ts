import type { Random } from '../random.js';
import type { CataloguePlan } from './commerce-plan.js';
import { locationRamp } from './commerce-plan.js';
import type { InventoryBook } from './inventory-sim.js';

/**
 * Demand of the demo retailer. For each (location stream, SKU, day) the number of demand lines
 * is Poisson(level(stream, day) × weight(SKU) × mult(SKU, day)). The level (set by the sales
 * part) is the guest rate × ramp × season(day, kind) plus the lines the members' planned
 * purchases of the day will claim; mult carries the promotions (1 + uplift on promoted SKUs, 1 − cannibalisation on the
 * other SKUs of the category, 1 + halo on companions, 1 + markdown uplift in the soldes) and is 0
 * when the SKU is not sold. Each line asks for a quantity drawn from the demand shape; what the
 * shelf cannot serve is lost and recorded.
 */

/** Days past the end the replenishment forecast may look at (longest lead + cover). */
export const FORECAST_HORIZON = 64;

export class LinePool {
  sku: Int32Array;
  qty: Int32Array;
  used: Uint8Array;
  n = 0;

  constructor(capacity = 256) {
    this.sku = new Int32Array(capacity);
    this.qty = new Int32Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  push(s: number, q: number): number {
    if (this.n === this.sku.length) {
      const cap = this.n * 2;
      const sku = new Int32Array(cap);
      sku.set(this.sku);
      const qty = new Int32Array(cap);
      qty.set(this.qty);
      const used = new Uint8Array(cap);
      used.set(this.used);
      this.sku = sku;
      this.qty = qty;
      this.used = used;
    }
    this.sku[this.n] = s;
    this.qty[this.n] = q;
    this.used[this.n] = 0;
    return this.n++;
  }

  reset(): void {
    this.n = 0;
  }
}

/** Demand that found no stock, per (location, SKU), per (SKU, day) and per (location, day). */
export class LostDemand {
  readonly units: Int32Array;
  readonly valueCents: Float64Array;
  readonly bySkuDay: Int32Array;
  readonly byLocationDay: Int32Array;
  private readonly days: number;
  private readonly S: number;

  constructor(L: number, S: number, days: number) {
    this.units = new Int32Array(L * S);
    this.valueCents = new Float64Array(L * S);
    this.bySkuDay = new Int32Array(S * days);
    this.byLocationDay = new Int32Array(L * days);
    this.days = days;
    this.S = S;
  }

  add(ls: number, s: number, i: number, q: number, unitCents: number): void {
    this.units[ls]! += q;
    this.valueCents[ls]! += q * unitCents;
    this.bySkuDay[s * this.days + i]! += q;
    this.byLocationDay[Math.floor(ls / this.S) * this.days + i]! += q;
  }
}

export class DemandModel {
  readonly S: number;
  readonly days: number;
  readonly stride: number;
  /** Promotion multiplier per SKU and day index (row s at s × stride). */
  readonly mult: Float32Array;
  readonly multPrefix: Float64Array;
  readonly multPrefixStride: number;
  /** Per location, prefix sums of expected units per day at SKU weight 1. */
  readonly expectedPrefix: Float64Array[];
  readonly meanQty: number;

  /** Prices of the current day, per SKU: EUR cents and GBP pence, and the promotion applied. */
  readonly listEur: Int32Array;
  readonly discEur: Int32Array;
  readonly listGbp: Int32Array;
  readonly discGbp: Int32Array;
  readonly promo: Int32Array;
  /** Cumulative effective weights of the current day, for draws outside the Poisson pools. */
  private readonly cdf: Float64Array;
  private readonly weights: Float64Array;
  private readonly qtyCdf: Float64Array;
  private readonly qtyValues: readonly number[];
  private readonly plan: CataloguePlan;
  private readonly startDay: number;
  private dayIndex = -1;
  private lineCents = 1;

  /**
   * `memberLines[l][i]`: demand lines the members' planned purchases bring to location l on day
   * index i (they claim them from the pools); part of the replenishment forecast.
   */
  constructor(
    plan: CataloguePlan,
    startDay: number,
    endDay: number,
    memberLines: readonly Float64Array[],
  ) {
    this.plan = plan;
    this.startDay = startDay;
    this.S = plan.skus.length;
    this.days = endDay - startDay + 1;
    this.stride = this.days + FORECAST_HORIZON;
    const { skus, promotions, calendar, locations, demand } = plan;
    this.meanQty = demand.quantities.reduce((a, q, i) => a + q * (demand.quantityProbs[i] ?? 0), 0);
    this.qtyValues = demand.quantities;
    this.qtyCdf = new Float64Array(demand.quantities.length);
    let acc = 0;
    demand.quantityProbs.forEach((p, i) => {
      acc += p;
      this.qtyCdf[i] = acc;
    });

    this.mult = new Float32Array(this.S * this.stride);
    for (const s of skus) {
      const row = s.index * this.stride;
      for (let i = 0; i < this.stride; i++) {
        const d = startDay + i;
        const sold = d >= s.launchedOn && (s.discontinuedOn === null || d < s.discontinuedOn);
        this.mult[row + i] = sold ? 1 : 0;
      }
    }
    const scale = (list: readonly number[], from: number, to: number, factor: number): void => {
      for (const s of list) {
        const row = s * this.stride;
        for (let d = Math.max(from, startDay); d <= Math.min(to, endDay); d++) {
          this.mult[row + d - startDay]! *= factor;
        }
      }
    };
    for (const p of promotions) {
      if (p.role === 'shipping') continue;
      scale(p.skus, p.startsOn, p.endsOn, 1 + p.uplift);
      scale(p.cannibalised, p.startsOn, p.endsOn, 1 - p.cannibalisation);
      scale(p.companions, p.startsOn, p.endsOn, 1 + p.halo);
    }
    this.multPrefixStride = this.stride + 1;
    this.multPrefix = new Float64Array(this.S * this.multPrefixStride);
    for (let s = 0; s < this.S; s++) {
      let sum = 0;
      const row = s * this.multPrefixStride;
      for (let i = 0; i < this.stride; i++) {
        this.multPrefix[row + i] = sum;
        sum += this.mult[s * this.stride + i]!;
      }
      this.multPrefix[row + this.stride] = sum;
    }

    // Past the last day the calendar repeats the same days one year earlier.
    const season = (arr: Float64Array, i: number): number =>
      i < this.days ? arr[i]! : (arr[Math.max(0, i - 364)] ?? 0);
    this.expectedPrefix = locations.map((loc) => {
      const pre = new Float64Array(this.stride + 1);
      const members = memberLines[loc.index];
      // Past the last day, members bring their mean of the last quarter.
      let tail = 0;
      for (let i = Math.max(0, this.days - 91); i < this.days; i++)
        tail += (members?.[i] ?? 0) / 91;
      let sum = 0;
      for (let i = 0; i < this.stride; i++) {
        pre[i] = sum;
        const ramp = locationRamp(loc, startDay + i);
        sum +=
          this.meanQty *
          (ramp *
            (loc.walkInRate * season(calendar.store, i) +
              (loc.clickCollectRate + loc.onlineRate) * season(calendar.online, i)) +
            (i < this.days ? (members?.[i] ?? 0) : tail));
      }
      pre[this.stride] = sum;
      return pre;
    });

    this.listEur = Int32Array.from(skus.map((s) => s.listCents));
    this.listGbp = Int32Array.from(skus.map((s) => s.gbpListCents));
    this.discEur = new Int32Array(this.S);
    this.discGbp = new Int32Array(this.S);
    this.promo = new Int32Array(this.S).fill(-1);
    this.cdf = new Float64Array(this.S);
    this.weights = Float64Array.from(skus.map((s) => s.weight));
  }

  /** Sets the prices and draw weights of a day. */
  setDay(day: number): void {
    const i = day - this.startDay;
    this.dayIndex = i;
    this.discEur.fill(0);
    this.discGbp.fill(0);
    this.promo.fill(-1);
    for (const p of this.plan.promotions) {
      if (p.role === 'shipping' || day < p.startsOn || day > p.endsOn) continue;
      for (const s of p.skus) {
        const list = this.listEur[s]!;
        const gbp = this.listGbp[s]!;
        const eur =
          p.amountOffCents !== null
            ? Math.min(p.amountOffCents, list - 1)
            : Math.round(list * (p.discountPct ?? 0));
        const pence =
          p.amountOffCents !== null
            ? Math.min(Math.round((p.amountOffCents * gbp) / list), gbp - 1)
            : Math.round(gbp * (p.discountPct ?? 0));
        if (eur > this.discEur[s]!) {
          this.discEur[s] = eur;
          this.discGbp[s] = pence;
          this.promo[s] = p.index;
        }
      }
    }
    let acc = 0;
    let value = 0;
    for (let s = 0; s < this.S; s++) {
      const w = this.weights[s]! * this.mult[s * this.stride + i]!;
      acc += w;
      value += w * (this.listEur[s]! - this.discEur[s]!);
      this.cdf[s] = acc;
    }
    this.lineCents = acc > 0 ? (this.meanQty * value) / acc : 1;
  }

  /** Mean euro value of a demand line today (promotions and markdowns included), cents. */
  get meanLineCents(): number {
    return this.lineCents;
  }

  quantity(rng: Random): number {
    const r = rng.next();
    const cdf = this.qtyCdf;
    for (let k = 0; k < cdf.length; k++) if (r < cdf[k]!) return this.qtyValues[k]!;
    return this.qtyValues[this.qtyValues.length - 1]!;
  }

  /** Net EUR unit price of a SKU today (list − promotion), cents. */
  netEur(s: number): number {
    return this.listEur[s]! - this.discEur[s]!;
  }

  /** Draws the demand lines of one stream of a location for today into the pool. */
  drawStream(
    pool: LinePool,
    l: number,
    rate: number,
    rng: Random,
    book: InventoryBook,
    lost: LostDemand,
  ): void {
    if (rate <= 0) return;
    const i = this.dayIndex;
    const S = this.S;
    const stride = this.stride;
    const mult = this.mult;
    const w = this.weights;
    for (let s = 0; s < S; s++) {
      const m = mult[s * stride + i]!;
      if (m === 0) continue;
      const n = rng.poisson(rate * w[s]! * m);
      for (let k = 0; k < n; k++) {
        const q = this.quantity(rng);
        const ls = l * S + s;
        const got = book.take(ls, q);
        if (got > 0) pool.push(s, got);
        if (got < q) lost.add(ls, s, i, q - got, this.netEur(s));
      }
    }
  }

  /** A SKU drawn from today's effective weights (for extra member lines and phantom orders). */
  drawSku(rng: Random): number {
    const cdf = this.cdf;
    const total = cdf[this.S - 1]!;
    const r = rng.next() * total;
    let a = 0;
    let b = this.S - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if (cdf[m]! <= r) a = m + 1;
      else b = m;
    }
    return a;
  }

  /**
   * A member needs more lines than the pool holds: one extra demand line served from the same
   * shelf (recorded as lost when the shelf is empty). Returns its pool index or −1.
   */
  topUp(pool: LinePool, l: number, rng: Random, book: InventoryBook, lost: LostDemand): number {
    const s = this.drawSku(rng);
    const q = this.quantity(rng);
    const ls = l * this.S + s;
    const got = book.take(ls, q);
    if (got < q) lost.add(ls, s, this.dayIndex, q - got, this.netEur(s));
    return got > 0 ? pool.push(s, got) : -1;
  }
}
