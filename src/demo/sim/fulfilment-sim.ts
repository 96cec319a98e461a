import { civil, isoWeekday } from '../../time/civil-date.js';
import type { Random } from '../random.js';
import { STORE_HOURS } from './intraday-profile.js';
import { localDayOfMs, localMs } from './local-time.js';

/**
 * Timelines of online orders. Shipped orders: picked at the warehouse (same day when paid
 * before the 14:00 cut-off on a working day, otherwise the next working day), packed, handed to
 * the carrier at 18:00, delivered by the promised date except with the carrier's late
 * probability, in which case 1–3 days after it. So P(delivered_at > promised_at) is exactly the
 * carrier's late rate. Click-and-collect orders are ready the next day at noon and collected
 * within a few days.
 */

export interface Carrier {
  readonly name: string;
  readonly lateRate: number;
  /** Days from the order day (or the next day after the cut-off) to the promised delivery. */
  readonly promiseDays: number;
  /** Carrier cost per parcel and per extra unit, cents. */
  readonly baseCents: number;
  readonly perUnitCents: number;
}

export const CARRIERS: readonly Carrier[] = [
  { name: 'Colissimo', lateRate: 0.08, promiseDays: 3, baseCents: 520, perUnitCents: 60 },
  { name: 'Chronopost', lateRate: 0.03, promiseDays: 1, baseCents: 890, perUnitCents: 80 },
  { name: 'DPD', lateRate: 0.06, promiseDays: 2, baseCents: 610, perUnitCents: 60 },
  { name: 'Mondial Relay', lateRate: 0.12, promiseDays: 4, baseCents: 390, perUnitCents: 40 },
  { name: 'DHL Express', lateRate: 0.05, promiseDays: 3, baseCents: 1150, perUnitCents: 90 },
];
/** Carrier mix of web and app orders (Colissimo, Chronopost, DPD, Mondial Relay). */
export const DOMESTIC_CARRIER_MIX = [0.45, 0.15, 0.2, 0.2, 0] as const;
/** Marketplace (UK) orders all go by DHL Express. */
export const MARKETPLACE_CARRIER = 4;

export const WAREHOUSE = { cutOffMinute: 14 * 60, collectionMinute: 18 * 60 } as const;
export const COSTS = {
  pickPackBaseCents: 120,
  pickPackPerUnitCents: 35,
  packagingBaseCents: 40,
  packagingPerUnitCents: 15,
  labourBaseMinutes: 3,
  labourPerLineMinutes: 1.5,
} as const;

/** The warehouse works Monday to Saturday, except 1 January, 1 May and 25 December. */
export function isWarehouseDay(day: number): boolean {
  if (isoWeekday(day) === 7) return false;
  const { month, day: dom } = civil(day);
  return !(
    (month === 1 && dom === 1) ||
    (month === 5 && dom === 1) ||
    (month === 12 && dom === 25)
  );
}

function nextWarehouseDay(day: number): number {
  let d = day;
  while (!isWarehouseDay(d)) d++;
  return d;
}

export interface ShipmentTimeline {
  readonly carrier: number;
  readonly pickedMs: number;
  readonly packedMs: number;
  readonly shippedMs: number;
  readonly promisedMs: number;
  readonly deliveredMs: number;
  readonly late: boolean;
}

export function shipmentTimeline(rng: Random, paidMs: number, carrier: number): ShipmentTimeline {
  const c = CARRIERS[carrier]!;
  const paidDay = localDayOfMs(paidMs);
  const paidMinute = Math.floor((paidMs - localMs(paidDay, 0)) / 60000);
  const sameDay = isWarehouseDay(paidDay) && paidMinute < WAREHOUSE.cutOffMinute;
  const pickDay = sameDay ? paidDay : nextWarehouseDay(paidDay + 1);
  const pickMinute = sameDay
    ? Math.min(paidMinute + rng.int(30, 180), 17 * 60)
    : 8 * 60 + rng.int(0, 480);
  const pickedMs = localMs(pickDay, pickMinute) + rng.int(0, 59) * 1000;
  const packedMs = pickedMs + rng.int(3, 25) * 60000;
  const shippedMs = localMs(pickDay, WAREHOUSE.collectionMinute) + rng.int(0, 45) * 60000;
  const promisedDay = Math.max(paidDay + c.promiseDays + (sameDay ? 0 : 1), pickDay + 1);
  const promisedMs = localMs(promisedDay, 20 * 60);
  const late = rng.chance(c.lateRate);
  const deliveredDay = late ? promisedDay + rng.int(1, 3) : rng.int(pickDay + 1, promisedDay);
  const deliveredMs = localMs(deliveredDay, rng.int(9 * 60, 19 * 60)) + rng.int(0, 59) * 1000;
  return { carrier, pickedMs, packedMs, shippedMs, promisedMs, deliveredMs, late };
}

export interface CollectTimeline {
  readonly readyMs: number;
  readonly collectedMs: number;
}

/** Ready the next day at noon; collected 0–4 days after (geometric), on an open store day. */
export function collectTimeline(
  rng: Random,
  orderDay: number,
  storeOpen: (day: number) => boolean,
): CollectTimeline {
  const readyDay = orderDay + 1;
  let day = readyDay;
  while (day < readyDay + 4 && rng.chance(0.45)) day++;
  while (!storeOpen(day)) day++;
  const minute = STORE_HOURS.minute(rng, day === readyDay ? 12 * 60 : 0);
  return {
    readyMs: localMs(readyDay, 12 * 60),
    collectedMs: localMs(day, minute) + rng.int(0, 59) * 1000,
  };
}
