import { isoDate } from '../../time/civil-date.js';
import type { DemoContext } from '../demo-context.js';
import { money } from '../table-writer.js';
import type {
  FulfilmentTruth,
  InventoryTruth,
  LostSalesTruth,
  MembersTruth,
  OrdersTruth,
  PromotionsTruth,
  ReturnsTruth,
  SeasonalPromotionTruth,
  ShrinkageTruth,
  TargetedPromotionTruth,
} from './commerce-manifest.js';
import type { CataloguePlan, PromotionPlan } from './commerce-plan.js';
import type { LostDemand } from './demand-model.js';
import {
  CARRIERS,
  COSTS,
  DOMESTIC_CARRIER_MIX,
  MARKETPLACE_CARRIER,
  WAREHOUSE,
} from './fulfilment-sim.js';
import type { InventoryBook } from './inventory-sim.js';
import { REPLENISHMENT } from './inventory-sim.js';
import type { OrderStats } from './order-writer.js';
import { ABNORMAL_ORDERS, CHARGEBACKS, COUPONS, PAYMENT_MIX, SHIPPING } from './order-writer.js';
import { MEASUREMENT_WEEKS } from './promotion-planner.js';
import {
  NEVER_RESTOCKED,
  REASON_WEIGHTS,
  RESTOCK_PROBABILITY,
  RETURN_DELAY,
  RETURN_RATES,
  RETURN_REASONS,
} from './returns-sim.js';

/** The manifest sections of the sales simulation: the parameters used and the lost demand. */

export interface SalesTruthInput {
  readonly ctx: DemoContext;
  readonly plan: CataloguePlan;
  readonly lost: LostDemand;
  readonly book: InventoryBook;
  readonly stats: OrderStats;
  readonly memberTarget: {
    count: number;
    targetCents: number;
    basketCents: number;
    toppedUpLines: number;
    absErrorCents: number;
    unserved: number;
  };
  readonly footfall: { visitors: number; tickets: number };
}

const euros = (cents: number): string => money(Math.round(cents));

function lostIn(
  lost: LostDemand,
  days: number,
  skus: readonly number[],
  from: number,
  to: number,
): number {
  let u = 0;
  for (const s of skus) {
    for (let i = Math.max(0, from); i <= Math.min(days - 1, to); i++)
      u += lost.bySkuDay[s * days + i]!;
  }
  return u;
}

function seasonalTruth(p: PromotionPlan, input: SalesTruthInput): SeasonalPromotionTruth {
  return promotionTruth(p, input) as SeasonalPromotionTruth;
}

function targetedTruth(p: PromotionPlan, input: SalesTruthInput): TargetedPromotionTruth {
  return promotionTruth(p, input) as TargetedPromotionTruth;
}

function promotionTruth(
  p: PromotionPlan,
  input: SalesTruthInput,
): TargetedPromotionTruth | SeasonalPromotionTruth {
  const { plan, lost, ctx } = input;
  const days = ctx.endDay - ctx.startDay + 1;
  const sku = (i: number): string => plan.skus[i]!.sku;
  const w = MEASUREMENT_WEEKS * 7;
  const s = p.startsOn - ctx.startDay;
  const e = p.endsOn - ctx.startDay;
  // Measured sets: SKUs sold throughout the promotion and both baselines.
  const from = p.startsOn - w;
  const to = p.endsOn + w;
  const through = (i: number): boolean => {
    const x = plan.skus[i]!;
    return x.launchedOn <= from && (x.discontinuedOn === null || x.discontinuedOn > to);
  };
  // Control: every SKU no promotion touches (promoted, cannibalised, companion) at any time in
  // the window; it always includes the never-promoted control category.
  const touched = new Set<number>();
  for (const q of plan.promotions) {
    if (q.startsOn > to || q.endsOn < from) continue;
    for (const list of [q.skus, q.cannibalised, q.companions]) for (const x of list) touched.add(x);
  }
  const control = plan.skus
    .filter((x) => !touched.has(x.index) && through(x.index))
    .map((x) => x.index);
  const cannibalised = p.cannibalised.filter(through);
  const during = (list: readonly number[]): number => lostIn(lost, days, list, s, e);
  const baseline = (list: readonly number[]): number =>
    lostIn(lost, days, list, s - w, s - 1) + lostIn(lost, days, list, e + 1, e + w);
  const base = {
    id: p.id,
    name: p.name,
    kind: p.kind,
    startsOn: isoDate(p.startsOn),
    endsOn: isoDate(p.endsOn),
    days: p.endsOn - p.startsOn + 1,
    channelScope: p.channelScope,
  };
  if (p.role !== 'targeted') {
    if (p.role !== 'soldes') return { ...base, role: 'shipping' };
    // Soldes are measured on their first week against the week before (same weekdays).
    const marked = new Set(p.skus);
    const sold = (x: { launchedOn: number; discontinuedOn: number | null }): boolean =>
      x.launchedOn <= p.startsOn - 7 &&
      (x.discontinuedOn === null || x.discontinuedOn > p.startsOn + 6);
    const markedDown = plan.skus.filter((x) => marked.has(x.index) && sold(x)).map((x) => x.index);
    const others = plan.skus.filter((x) => !marked.has(x.index) && sold(x)).map((x) => x.index);
    const weeks = (list: readonly number[]) => ({
      firstWeek: lostIn(lost, days, list, s, s + 6),
      weekBefore: lostIn(lost, days, list, s - 7, s - 1),
    });
    return {
      ...base,
      role: 'soldes',
      discountPct: p.discountPct,
      skus: p.skus.map(sku),
      markdownUplift: p.uplift,
      measuredSkus: { markedDown: markedDown.map(sku), others: others.map(sku) },
      lostUnits: { markedDown: weeks(markedDown), others: weeks(others) },
    };
  }
  return {
    ...base,
    kind: p.kind === 'amount_off' ? 'amount_off' : 'percent_off',
    category: plan.categories[p.category ?? 0] ?? '',
    skus: p.skus.map(sku),
    discountPct: p.discountPct,
    amountOffPerUnit: p.amountOffCents === null ? null : euros(p.amountOffCents),
    uplift: p.uplift,
    cannibalisation: p.cannibalisation,
    cannibalisedSkus: p.cannibalised.map(sku),
    halo: { companions: p.companions.map(sku), effect: p.halo },
    funding:
      p.supplier === null
        ? null
        : {
            supplierId: plan.suppliers[p.supplier]!.id,
            share: p.fundingShare,
            amount: euros(p.fundingCents),
            basis:
              'lump sum agreed before the promotion = share × expected discount cost (expected units × discount per unit)',
          },
    baselineBefore: { from: isoDate(p.startsOn - w), to: isoDate(p.startsOn - 1) },
    baselineAfter: { from: isoDate(p.endsOn + 1), to: isoDate(p.endsOn + w) },
    measuredSkus: { cannibalised: cannibalised.map(sku), control: control.map(sku) },
    lostUnits: {
      promoted: { during: during(p.skus), baseline: baseline(p.skus) },
      cannibalised: { during: during(cannibalised), baseline: baseline(cannibalised) },
      companions: { during: during(p.companions), baseline: baseline(p.companions) },
      control: { during: during(control), baseline: baseline(control) },
    },
  };
}

export interface SalesTruth {
  readonly promotions: PromotionsTruth;
  readonly lostSales: LostSalesTruth;
  readonly inventory: InventoryTruth;
  readonly shrinkage: ShrinkageTruth;
  readonly returns: ReturnsTruth;
  readonly fulfilment: FulfilmentTruth;
  readonly orders: OrdersTruth;
  readonly members: MembersTruth;
}

export function salesTruth(input: SalesTruthInput): SalesTruth {
  const { ctx, plan, lost, book, stats, memberTarget } = input;
  const S = plan.skus.length;
  const bySkuLocation: Array<LostSalesTruth['bySkuLocation'][number]> = [];
  let totalUnits = 0;
  let totalValue = 0;
  const byLocation: Record<string, { units: number; value: string }> = {};
  for (const loc of plan.locations) {
    let u = 0;
    let v = 0;
    for (let s = 0; s < S; s++) {
      const ls = loc.index * S + s;
      const units = lost.units[ls]!;
      if (units === 0) continue;
      u += units;
      v += lost.valueCents[ls]!;
      bySkuLocation.push({
        sku: plan.skus[s]!.sku,
        location: loc.id,
        units,
        value: euros(lost.valueCents[ls]!),
      });
    }
    totalUnits += u;
    totalValue += v;
    byLocation[loc.id] = { units: u, value: euros(v) };
  }
  const days = ctx.endDay - ctx.startDay + 1;
  const targeted = plan.promotions.filter((p) => p.role === 'targeted');
  const seasonal = plan.promotions.filter((p) => p.role !== 'targeted');
  const previousMembers = ctx.truth['members'] as MembersTruth;

  return {
    promotions: {
      rule: 'during a targeted promotion, demand of its SKUs × (1 + uplift), of the other SKUs of its category × (1 − cannibalisation), of its companions × (1 + halo); multipliers apply to demand lines in every channel and location',
      controlCategory: plan.categories[plan.controlCategory] ?? '',
      measurement: `each targeted promotion has ${MEASUREMENT_WEEKS} weeks before and after it (baselineBefore, baselineAfter) in which no other promotion touches its category or its companions' category, no soldes, no Black Friday and no December; the control category is never promoted and never a companion; measuredSkus are the cannibalised SKUs and the control SKUs (every SKU no promotion touches during the window, the control category included) sold throughout promotion and baselines; lostUnits are the units of demand of each measured set lost to empty shelves (all locations) during the promotion and over both baselines`,
      discounts:
        'percent_off: round(list × pct) cents per unit; amount_off: the amount per unit; marketplace GBP lines get the same percentage or the amount × GBP list / EUR list',
      targeted: targeted.map((p) => targetedTruth(p, input)),
      seasonal: seasonal.map((p) => seasonalTruth(p, input)),
    },
    lostSales: {
      rule: 'a demand line that finds less stock than its quantity on the shelf of its location loses the missing units; value = lost units × that day’s euro unit price net of promotions, excluding VAT (coupons ignored)',
      totals: { units: totalUnits, value: euros(totalValue) },
      byLocation,
      byLocationDay: {
        rule: 'lost units per location and local day, one array per location from the first day',
        firstDay: isoDate(ctx.startDay),
        units: Object.fromEntries(
          plan.locations.map((l) => [
            l.id,
            Array.from(lost.byLocationDay.subarray(l.index * days, (l.index + 1) * days)),
          ]),
        ),
      },
      bySkuLocation,
    },
    inventory: {
      balance:
        'on_hand(d) = on_hand(previous snapshot) + Σ purchase_orders.quantity with received_on in (previous, d] at the location + Σ returns.quantity with restocked and local date of returned_at in (previous, d] at returns.location_id − Σ order_lines.quantity of orders not cancelled or fraud with orders.location_id = the location and local date of ordered_at in (previous, d] − Σ (book_quantity − counted_quantity) of inventory_counts with count_on in (previous, d]',
      dayOrder:
        'start of day: receipts and restocked returns; sales; end of day: count (on count days), new purchase orders, snapshot',
      localDates: 'every *_on date and every local date above is Europe/Paris',
      snapshots: {
        everyDays: ctx.params.snapshotEveryDays,
        rows: 'one row per (location, SKU) carried: from the later of opening and launch to the last day, discontinued SKUs included',
        zeroColumns:
          'reserved, damaged and in_transit are 0: on_hand counts the units physically at the location; open purchase orders are in purchase_orders',
      },
      firstStock:
        'pairs carried on the first day start with stock already on the shelf; pairs starting later (store openings, launches) start with a purchase order received on their first day',
      replenishment: {
        rule: 'daily review: reorder point = forecast × (lead time + safety days) + serviceZ × √(forecast × (lead time + 1) × E[q²]/E[q]); when on_hand + open purchase orders ≤ reorder point, order whole cases up to reorder point + forecast × coverDays; forecast = mean expected demand units per day over lead time + coverDays, promotions included; stores add storeExtraLeadDays to the supplier lead time',
        ...REPLENISHMENT,
        disruptions:
          'purchase orders placed inside a supplier disruption arrive extraDays late (see catalogue.suppliers)',
      },
      receivedUnitsByLocation: Object.fromEntries(
        plan.locations.map((l) => [l.id, book.receivedUnits[l.index]!]),
      ),
    },
    shrinkage: {
      rule: 'at the end of each count day every SKU carried is counted: counted = book − Binomial(book, ratePerCount); the book stock becomes the count',
      schedule:
        'quarterly: second Tuesday of February, May, August and November + (location index mod 3) days, from 30 days after opening',
      estimator: 'Σ (book − counted) / Σ book over the counts of a location estimates ratePerCount',
      ratePerCount: Object.fromEntries(plan.locations.map((l) => [l.id, l.shrinkRate])),
      countDays: Object.fromEntries(plan.locations.map((l) => [l.id, l.countDays.map(isoDate)])),
    },
    returns: {
      rule: 'each unit sold comes back with probability rate(category, family): Binomial(quantity, rate) units per line; online family = web, app, marketplace and click-and-collect orders; cancelled, fraud and unpaid orders have no returns; returns falling after the last day are not generated (rates hold for orders more than 60 days before the end)',
      rates: RETURN_RATES,
      reasons: RETURN_REASONS,
      reasonWeights: REASON_WEIGHTS,
      restock: {
        neverRestocked: NEVER_RESTOCKED,
        otherwiseProbability: RESTOCK_PROBABILITY,
      },
      where:
        'store tickets: at the store of purchase; shipped orders: at the warehouse, through the order channel; click-and-collect: at the collection store, channel CH-STORE',
      delays: RETURN_DELAY,
      refund: 'refund_amount = returned units × unit_price (order currency)',
    },
    fulfilment: {
      carriers: CARRIERS.map((c) => ({
        name: c.name,
        lateRate: c.lateRate,
        promiseDays: c.promiseDays,
      })),
      mix: {
        webAndApp: Object.fromEntries(
          CARRIERS.map((c, i) => [c.name, DOMESTIC_CARRIER_MIX[i] ?? 0]).filter(([, w]) => w !== 0),
        ),
        marketplace: CARRIERS[MARKETPLACE_CARRIER]!.name,
      },
      late: 'late = delivered_at > promised_at; each shipment is late with its carrier’s lateRate exactly (then delivered 1–3 days after the promised day), otherwise delivered between the day after shipping and the promised day',
      warehouse: {
        ...WAREHOUSE,
        rule: 'paid before the cut-off on a working day (Monday–Saturday except 1 Jan, 1 May, 25 Dec): picked that day; otherwise the next working day; handed to the carrier at collectionMinute',
      },
      promise:
        'promised day = payment day + promiseDays (+1 after the cut-off or on a non-working day), at least the day after shipping; promised at 20:00 local',
      costs: COSTS,
      clickCollect:
        'no shipment row: served from the collection store’s stock on the order day, ready the next day at 12:00 (promised_delivery_at), collected 0–4 days later on an open day (delivered)',
      unitsShipped: 'shipments carry every unit ordered (units_shipped = units_ordered)',
    },
    orders: {
      statuses:
        'store tickets: delivered at the till (carry_out); shipped orders: delivered / shipped / paid by the timeline at the end of the last day, placed while a bank transfer is unpaid; click-and-collect: delivered once collected, else paid; cancelled and fraud as drawn',
      abnormal:
        'cancelled and fraud orders are extra anonymous online orders (Poisson(guest online orders of the day × share / (1 − share))): they never take stock, have no shipment and no return; cancelled ones have no payment, fraud ones are paid by card and may come back as chargebacks',
      abnormalShares: { ...ABNORMAL_ORDERS, of: 'anonymous online orders' },
      payments: {
        ...PAYMENT_MIX,
        rule: 'one payment per paid order for its total; card+gift_card tickets pay a gift card of 10/20/30/50 € (capped at the total) and the rest by card; marketplace orders are paid by the marketplace',
      },
      shipping: {
        ...SHIPPING,
        rule: 'web and app shipped orders pay feeCents (excluding VAT) under freeFromSubtotalCents of subtotal, except during the Black Friday free-shipping promotions; marketplace and click-and-collect orders pay none',
      },
      coupons: {
        ...COUPONS,
        rule: 'welcomeCode on welcomeShare of anonymous web/app orders; NEWS-<campaign id> on newsletterShare of member web/app orders on days an email campaign runs, with campaign_id; both take pct off: floor(net unit price × pct) cents per unit, in discount_amount',
      },
      chargebacks: CHARGEBACKS,
      tax: 'VAT 20 % rounded per line (tax_amount) and on shipping; tax_total = Σ tax_amount + shipping VAT; total = subtotal + shipping_amount + tax_total',
      ids: {
        storeTickets: 'T + 10 digits',
        webAndApp: 'W + 9 digits',
        marketplace: 'UK- + 9 digits',
        sessions: 'S-<order id> for web and app orders (created by the web part)',
        guestVisitors: 'V-G + 9 digits; members use V-<customer id>',
      },
      counts: { ...stats },
      footfall: input.footfall,
    },
    members: {
      ...previousMembers,
      basketMatching: {
        rule: 'a member takes lines of its location-day pool (random order) while they fit in the gap to its Gamma-Gamma value, then closes the gap by randomized rounding (a line worth v > gap is taken with probability gap / v), so E[basket subtotal] = E[value]; when the pool runs dry, extra demand lines are drawn from the same shelf (toppedUpLines); coupons apply before matching, so the subtotal (after coupon) is what matches',
        orders: memberTarget.count,
        meanTarget: euros(memberTarget.targetCents / Math.max(1, memberTarget.count)),
        meanBasket: euros(memberTarget.basketCents / Math.max(1, memberTarget.count)),
        meanAbsoluteError: euros(memberTarget.absErrorCents / Math.max(1, memberTarget.count)),
        toppedUpLines: memberTarget.toppedUpLines,
        unservedPurchases: memberTarget.unserved,
      },
    },
  };
}
