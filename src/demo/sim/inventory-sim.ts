import { isoDate, isoWeekday } from '../../time/civil-date.js';
import type { Random } from '../random.js';
import type { TableWriter } from '../table-writer.js';
import { price4 } from '../table-writer.js';
import type { CataloguePlan, LocationPlan, SkuPlan } from './commerce-plan.js';
import { costOn } from './commerce-plan.js';

/**
 * Book stock per (location, SKU), replenished by purchase orders and corrected by physical
 * counts. The day runs in this order, which is the balance convention of the manifest:
 *
 *   start of day: + purchase orders received that day + returns restocked that day
 *   during the day: − units sold (demand that finds no stock is lost)
 *   end of day: − (book − counted) on count days; then new purchase orders; then the snapshot
 *
 * so that on_hand(d) = on_hand(d−1) + received(d) − sold(d) + restocked(d) − shrink(d).
 */

export const REPLENISHMENT = {
  /** Days of demand an order brings the position up to, beyond the reorder point. */
  coverDays: 10,
  /** Safety stock in days of demand: drawn once per (location, SKU). */
  safetyDaysMin: 1,
  safetyDaysMax: 6,
  /** Plus serviceZ standard deviations of lead-time demand (Poisson lines, compound quantities). */
  serviceZ: 1.3,
  /** Stores are served two days after the supplier's lead time (transit). */
  storeExtraLeadDays: 2,
  /** Actual lead time = nominal + jitter (uniform, days) + disruption delay. */
  jitterMin: -1,
  jitterMax: 3,
} as const;

export interface InventoryInput {
  readonly plan: CataloguePlan;
  readonly startDay: number;
  readonly endDay: number;
  /**
   * Prefix sums of the expected demand units per day of each location at SKU weight 1 (index
   * l; entry k = Σ of days 0..k−1, running past the last day so forecasts see a full horizon).
   */
  readonly expectedPrefix: readonly Float64Array[];
  /** Prefix sums of each SKU's promotion multiplier per day (row s at s × multStride, same length as expectedPrefix). */
  readonly multPrefix: Float64Array;
  readonly multStride: number;
  readonly snapshotEvery: number;
  readonly out: TableWriter;
  readonly rng: Random;
}

export class InventoryBook {
  readonly onHand: Int32Array;
  readonly L: number;
  readonly S: number;
  private readonly onOrder: Int32Array;
  private readonly safety: Float32Array;
  private readonly receipts: number[][];
  private readonly restocks: number[][];
  private readonly input: InventoryInput;
  private readonly days: number;
  private poSeq = 0;
  private readonly dayIso: string[];
  /** Cached cost text per SKU and the day it stops holding. */
  private readonly costText: string[];
  private readonly costUntil: Int32Array;
  /** Cost units of each SKU as of the last costTextOn call. */
  readonly costUnits: Int32Array;
  /** Variance / mean of demand units (E[q²] / E[q] for Poisson lines of quantity q). */
  private readonly dispersion: number;
  readonly shrinkUnits: Int32Array;
  readonly bookCounted: Int32Array;
  readonly receivedUnits: Int32Array;

  constructor(input: InventoryInput) {
    this.input = input;
    const { plan } = input;
    this.L = plan.locations.length;
    this.S = plan.skus.length;
    this.days = input.endDay - input.startDay + 1;
    const n = this.L * this.S;
    this.onHand = new Int32Array(n);
    this.onOrder = new Int32Array(n);
    this.safety = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.safety[i] = input.rng.uniform(REPLENISHMENT.safetyDaysMin, REPLENISHMENT.safetyDaysMax);
    }
    this.receipts = Array.from({ length: this.days + 1 }, () => []);
    this.restocks = Array.from({ length: this.days + 1 }, () => []);
    this.dayIso = Array.from({ length: this.days }, (_, i) => isoDate(input.startDay + i));
    this.costText = new Array<string>(this.S).fill('');
    this.costUntil = new Int32Array(this.S);
    this.costUnits = new Int32Array(this.S);
    const { quantities, quantityProbs } = plan.demand;
    const m1 = quantities.reduce((a, q, k) => a + q * (quantityProbs[k] ?? 0), 0);
    const m2 = quantities.reduce((a, q, k) => a + q * q * (quantityProbs[k] ?? 0), 0);
    this.dispersion = m2 / m1;
    this.shrinkUnits = new Int32Array(this.L);
    this.bookCounted = new Int32Array(this.L);
    this.receivedUnits = new Int32Array(this.L);
  }

  /** A (location, SKU) is carried from the later of opening and launch. */
  active(loc: LocationPlan, sku: SkuPlan, day: number): boolean {
    return day >= loc.openedOn && day >= sku.launchedOn;
  }

  /** Cost text of a SKU on a day, advancing a per-SKU cursor (days only move forward). */
  costTextOn(s: number, day: number): string {
    if (day >= this.costUntil[s]! || this.costText[s] === '') {
      const sku = this.input.plan.skus[s]!;
      const units = costOn(sku, day);
      this.costText[s] = price4(units);
      let until = 2147483647;
      for (const step of sku.costs) {
        if (step.from > day) {
          until = step.from;
          break;
        }
      }
      this.costUntil[s] = until;
      this.costUnits[s] = units;
    }
    return this.costText[s]!;
  }

  /** Forecast of daily demand units for (l, s): the mean expected demand of the next `horizon` days. */
  private forecast(l: number, s: number, i: number, horizon: number): number {
    const pre = this.input.expectedPrefix[l]!;
    const to = Math.min(i + 1 + horizon, pre.length - 1);
    const span = Math.max(1, to - i - 1);
    const level = (pre[to]! - pre[i + 1]!) / span;
    const stride = this.input.multStride;
    const mp = this.input.multPrefix;
    const mult = (mp[s * stride + to]! - mp[s * stride + i + 1]!) / span;
    return level * this.input.plan.skus[s]!.weight * mult;
  }

  private leadTime(l: number, s: number): number {
    const { plan } = this.input;
    const sup = plan.suppliers[plan.skus[s]!.supplier]!;
    return (
      sup.leadTimeDays +
      (plan.locations[l]!.kind === 'store' ? REPLENISHMENT.storeExtraLeadDays : 0)
    );
  }

  /** Stock for a (location, SKU) that starts being carried on `day`: a purchase order received that day. */
  openPair(l: number, s: number, day: number): void {
    const i = day - this.input.startDay;
    const lead = this.leadTime(l, s);
    const f = this.forecast(l, s, i, lead + REPLENISHMENT.coverDays);
    const target =
      f * (lead + this.safety[l * this.S + s]! + REPLENISHMENT.coverDays) +
      REPLENISHMENT.serviceZ * Math.sqrt(f * (lead + 1) * this.dispersion);
    const pack = this.input.plan.skus[s]!.pack;
    const qty = Math.max(pack, Math.ceil(target / pack) * pack);
    if (day <= this.input.startDay) {
      // Stock already on the shelves when the period starts.
      this.onHand[l * this.S + s] = qty;
      return;
    }
    this.writePo(l, s, day - lead, day, day, qty);
    this.onHand[l * this.S + s]! += qty;
    this.receivedUnits[l]! += qty;
  }

  private writePo(
    l: number,
    s: number,
    orderedOn: number,
    expectedOn: number,
    receivedOn: number | null,
    qty: number,
  ): void {
    const { plan, out } = this.input;
    const sku = plan.skus[s]!;
    this.poSeq++;
    out.row('purchase_orders', [
      `PO${String(this.poSeq).padStart(8, '0')}`,
      plan.suppliers[sku.supplier]!.id,
      sku.sku,
      plan.locations[l]!.id,
      this.iso(orderedOn),
      this.iso(expectedOn),
      receivedOn === null ? null : this.iso(receivedOn),
      qty,
      price4(costOn(sku, orderedOn)),
    ]);
  }

  private iso(day: number): string {
    return this.dayIso[day - this.input.startDay] ?? isoDate(day);
  }

  /** Receipts and restocked returns of the day, before any sale. */
  startDay(day: number): void {
    const i = day - this.input.startDay;
    const rec = this.receipts[i]!;
    for (let k = 0; k < rec.length; k += 2) {
      const ls = rec[k]!;
      const q = rec[k + 1]!;
      this.onHand[ls]! += q;
      this.onOrder[ls]! -= q;
      this.receivedUnits[Math.floor(ls / this.S)]! += q;
    }
    rec.length = 0;
    const rs = this.restocks[i]!;
    for (let k = 0; k < rs.length; k += 2) this.onHand[rs[k]!]! += rs[k + 1]!;
    rs.length = 0;
  }

  /** Takes up to q units; returns the units actually available. */
  take(ls: number, q: number): number {
    const have = this.onHand[ls]!;
    const got = have >= q ? q : have;
    this.onHand[ls] = have - got;
    return got;
  }

  scheduleRestock(l: number, s: number, day: number, q: number): void {
    const i = day - this.input.startDay;
    if (i < 0 || i >= this.days) return;
    this.restocks[i]!.push(l * this.S + s, q);
  }

  /** Physical count at the end of the day: counted = book − Binomial(book, rate). */
  count(l: number, day: number, rng: Random): void {
    const { plan, out } = this.input;
    const loc = plan.locations[l]!;
    const iso = this.dayIso[day - this.input.startDay]!;
    for (let s = 0; s < this.S; s++) {
      const sku = plan.skus[s]!;
      if (!this.active(loc, sku, day)) continue;
      const ls = l * this.S + s;
      const book = this.onHand[ls]!;
      const lost = rng.binomial(book, loc.shrinkRate);
      const counted = book - lost;
      this.onHand[ls] = counted;
      this.shrinkUnits[l]! += lost;
      this.bookCounted[l]! += book;
      out.row('inventory_counts', [iso, loc.id, sku.sku, book, counted, this.costTextOn(s, day)]);
    }
  }

  /** Daily review: order up to cover when the stock position falls to the reorder point. */
  replenish(l: number, day: number, rng: Random): void {
    const { plan, endDay, startDay } = this.input;
    const loc = plan.locations[l]!;
    const i = day - startDay;
    for (let s = 0; s < this.S; s++) {
      const sku = plan.skus[s]!;
      if (!this.active(loc, sku, day)) continue;
      const lead = this.leadTime(l, s);
      if (sku.discontinuedOn !== null && sku.discontinuedOn <= day + lead) continue;
      const ls = l * this.S + s;
      const position = this.onHand[ls]! + this.onOrder[ls]!;
      const f = this.forecast(l, s, i, lead + REPLENISHMENT.coverDays);
      const reorderPoint =
        f * (lead + this.safety[ls]!) +
        REPLENISHMENT.serviceZ * Math.sqrt(f * (lead + 1) * this.dispersion);
      if (position > reorderPoint) continue;
      const upTo = reorderPoint + f * REPLENISHMENT.coverDays;
      const qty = Math.max(sku.pack, Math.ceil((upTo - position) / sku.pack) * sku.pack);
      const sup = plan.suppliers[sku.supplier]!;
      let actual = day + lead + rng.int(REPLENISHMENT.jitterMin, REPLENISHMENT.jitterMax);
      for (const d of sup.disruptions) if (day >= d.from && day <= d.to) actual += d.extraDays;
      if (actual <= day) actual = day + 1;
      const received = actual <= endDay ? actual : null;
      this.writePo(l, s, day, day + lead, received, qty);
      this.onOrder[ls]! += qty;
      if (received !== null) this.receipts[received - startDay]!.push(ls, qty);
    }
  }

  isSnapshotDay(day: number): boolean {
    const every = this.input.snapshotEvery;
    if (every <= 1 || day === this.input.endDay) return true;
    // Weekly snapshots close the retail week on Sunday.
    if (every === 7) return isoWeekday(day) === 7;
    return (day - this.input.startDay) % every === every - 1;
  }

  snapshot(l: number, day: number): void {
    const { plan, out } = this.input;
    const loc = plan.locations[l]!;
    const iso = this.dayIso[day - this.input.startDay]!;
    const row: Array<string | number> = [iso, loc.id, '', 0, 0, 0, 0, ''];
    for (let s = 0; s < this.S; s++) {
      const sku = plan.skus[s]!;
      if (!this.active(loc, sku, day)) continue;
      row[2] = sku.sku;
      row[3] = this.onHand[l * this.S + s]!;
      row[7] = this.costTextOn(s, day);
      out.row('inventory_snapshots', row);
    }
  }
}
