import type { Random } from '../random.js';
import type { AffinityPair } from './commerce-plan.js';
import type { LinePool } from './demand-model.js';

/**
 * Groups the fulfilled demand lines of one location-day pool into orders. Members come first:
 * each claims lines (in random order) up to its Gamma-Gamma target value, unbiased by
 * randomized rounding (see claim). Guests take the rest: designed pairs are bound first (a line of A
 * pulls an unmatched line of B with probability `attach`), then lines are packed into baskets of
 * 1 + Poisson(mean − 1) lines. Demand units are never changed here, only how they are grouped.
 */

export const MAX_BASKET_LINES = 60;
/** Pool lines a member looks at before settling. */
const MAX_SCAN = 80;
/** Extra demand lines a member may draw when the pool runs dry. */
const MAX_TOP_UPS = 16;

export class Basket {
  readonly sku = new Int32Array(MAX_BASKET_LINES + 2);
  readonly qty = new Int32Array(MAX_BASKET_LINES + 2);
  n = 0;

  clear(): void {
    this.n = 0;
  }

  /** Adds units of a SKU, merged into its line when the basket already has one. */
  add(s: number, q: number): void {
    for (let k = 0; k < this.n; k++) {
      if (this.sku[k] === s) {
        this.qty[k]! += q;
        return;
      }
    }
    this.sku[this.n] = s;
    this.qty[this.n] = q;
    this.n++;
  }

  units(): number {
    let u = 0;
    for (let k = 0; k < this.n; k++) u += this.qty[k]!;
    return u;
  }
}

export interface ClaimResult {
  /** Pool lines taken (extra demand lines included). */
  readonly lines: number;
  /** Lines the pool could not provide and were drawn as extra demand. */
  readonly toppedUp: number;
  readonly valueCents: number;
}

export class BasketBuilder {
  private order = new Int32Array(256);
  /** Lines of the pool when it was shuffled: later lines (extra demand) are not in `order`. */
  private ordered = 0;
  private partner = new Int32Array(256);
  private attached = new Uint8Array(256);
  private units = new Int32Array(256);
  private listA: number[] = [];
  private listB: number[] = [];
  private readonly pairs: readonly AffinityPair[];
  readonly basket = new Basket();

  constructor(pairs: readonly AffinityPair[]) {
    this.pairs = pairs;
  }

  private ensure(n: number): void {
    if (this.order.length >= n) return;
    let cap = this.order.length;
    while (cap < n) cap *= 2;
    this.order = new Int32Array(cap);
    this.partner = new Int32Array(cap);
    this.attached = new Uint8Array(cap);
    this.units = new Int32Array(cap);
  }

  /** Shuffles the pool order once per pool, before members claim. */
  shuffle(pool: LinePool, rng: Random): void {
    this.ensure(pool.n);
    const o = this.order;
    this.ordered = pool.n;
    for (let k = 0; k < pool.n; k++) o[k] = k;
    for (let k = pool.n - 1; k > 0; k--) {
      const j = Math.floor(rng.next() * (k + 1));
      const t = o[k]!;
      o[k] = o[j]!;
      o[j] = t;
    }
  }

  /**
   * Fills `this.basket` for a member. Lines (pool order, then extra demand lines when the pool
   * runs dry) are taken while they fit in the remaining gap to the target; the gap left is then
   * closed by randomized rounding: a line worth v > gap is taken with probability gap / v, so the
   * basket value equals the target in expectation. `unitCents` gives the member's unit price,
   * `topUp` serves an extra demand line into the pool (its index) or −1.
   */
  claim(
    pool: LinePool,
    targetCents: number,
    unitCents: (s: number) => number,
    topUp: () => number,
    rng: Random,
  ): ClaimResult {
    const b = this.basket;
    b.clear();
    let gap = targetCents;
    let overshoot = -1;
    let scanned = 0;
    let lines = 0;
    const n0 = this.ordered;
    const take = (idx: number, v: number): void => {
      pool.used[idx] = 1;
      b.add(pool.sku[idx]!, pool.qty[idx]!);
      gap -= v;
      lines++;
    };
    for (let k = 0; k < n0 && gap > 0 && scanned < MAX_SCAN && b.n < MAX_BASKET_LINES; k++) {
      const idx = this.order[k]!;
      if (pool.used[idx]) continue;
      scanned++;
      const v = pool.qty[idx]! * unitCents(pool.sku[idx]!);
      if (v <= gap) take(idx, v);
      else if (overshoot < 0) overshoot = idx;
    }
    let toppedUp = 0;
    for (
      let tries = 0;
      overshoot < 0 && gap > 0 && tries < MAX_TOP_UPS && b.n < MAX_BASKET_LINES;
      tries++
    ) {
      const idx = topUp();
      if (idx < 0) continue;
      toppedUp++;
      const v = pool.qty[idx]! * unitCents(pool.sku[idx]!);
      if (v <= gap) take(idx, v);
      else overshoot = idx;
    }
    if (overshoot >= 0 && b.n < MAX_BASKET_LINES) {
      const v = pool.qty[overshoot]! * unitCents(pool.sku[overshoot]!);
      // A member buys at least one line, whatever the rounding says.
      if (gap > 0 && (b.n === 0 || rng.next() * v < gap)) take(overshoot, v);
    }
    return { lines, toppedUp, valueCents: targetCents - gap };
  }

  /**
   * Packs the unclaimed lines into guest baskets; `emit` is called with `this.basket` filled.
   * Returns the number of baskets.
   */
  packGuests(pool: LinePool, meanLines: number, rng: Random, emit: (b: Basket) => void): number {
    const n = pool.n;
    this.ensure(n);
    const partner = this.partner;
    const attached = this.attached;
    for (let k = 0; k < n; k++) {
      partner[k] = -1;
      attached[k] = 0;
    }
    for (const p of this.pairs) {
      const A = this.listA;
      const B = this.listB;
      A.length = 0;
      B.length = 0;
      for (let k = 0; k < n; k++) {
        if (pool.used[k]) continue;
        const s = pool.sku[k];
        if (s === p.a) A.push(k);
        else if (s === p.b) B.push(k);
      }
      if (B.length === 0) continue;
      let bi = 0;
      for (const a of A) {
        if (bi >= B.length) break;
        if (partner[a] !== -1 || attached[a]) continue;
        if (rng.chance(p.attach)) {
          const bIdx = B[bi++]!;
          partner[a] = bIdx;
          attached[bIdx] = 1;
        }
      }
    }
    const units = this.units;
    let m = 0;
    for (let k = 0; k < n; k++) if (!pool.used[k] && !attached[k]) units[m++] = k;
    for (let k = m - 1; k > 0; k--) {
      const j = Math.floor(rng.next() * (k + 1));
      const t = units[k]!;
      units[k] = units[j]!;
      units[j] = t;
    }
    const b = this.basket;
    let baskets = 0;
    let k = 0;
    while (k < m) {
      const size = 1 + rng.poisson(meanLines - 1);
      b.clear();
      let lines = 0;
      while (lines < size && k < m && b.n < MAX_BASKET_LINES) {
        const idx = units[k++]!;
        b.add(pool.sku[idx]!, pool.qty[idx]!);
        lines++;
        const pIdx = partner[idx]!;
        if (pIdx >= 0) {
          b.add(pool.sku[pIdx]!, pool.qty[pIdx]!);
          lines++;
        }
      }
      emit(b);
      baskets++;
    }
    return baskets;
  }
}
