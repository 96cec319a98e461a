import type { DemoContext, DemoOrder } from '../demo-context.js';
import type { Random } from '../random.js';
import { money, price4 } from '../table-writer.js';
import type { Basket } from './basket-builder.js';
import type { CataloguePlan } from './commerce-plan.js';
import {
  CHANNEL_APP,
  CHANNEL_MARKETPLACE,
  CHANNEL_STORE,
  CHANNEL_WEB,
  VAT_RATE,
} from './commerce-plan.js';
import type { DemandModel } from './demand-model.js';
import type { ShipmentTimeline } from './fulfilment-sim.js';
import {
  CARRIERS,
  COSTS,
  DOMESTIC_CARRIER_MIX,
  MARKETPLACE_CARRIER,
  collectTimeline,
  isWarehouseDay,
  shipmentTimeline,
} from './fulfilment-sim.js';
import { STORE_HOURS, WORK_HOURS } from './intraday-profile.js';
import type { InventoryBook } from './inventory-sim.js';
import { endOfLocalDayMs, isoInstant as ts, localDayOfMs, localMs } from './local-time.js';
import type { ReturnRates } from './returns-sim.js';
import {
  drawReason,
  drawRestocked,
  onlineReturnDelay,
  returnRatesByCategory,
  storeReturnDelay,
} from './returns-sim.js';

/**
 * Turns baskets into rows: orders, order_lines, payments, shipments, returns and chargebacks,
 * with exact amounts (integer cents; discounts whole cents per unit, so every 4-decimal unit
 * price is exact) and the DemoOrder other parts read.
 */

export const SHIPPING = {
  /** Web and app shipping excluding VAT (5.90 € including VAT) under the free threshold. */
  feeCents: 492,
  freeFromSubtotalCents: 5000,
} as const;

export const PAYMENT_MIX = {
  store: {
    methods: ['card', 'cash', 'gift_card', 'card+gift_card'],
    weights: [0.72, 0.18, 0.04, 0.06],
  },
  online: {
    methods: ['card', 'paypal', 'apple_pay', 'gift_card', 'bank_transfer'],
    weights: [0.66, 0.24, 0.05, 0.03, 0.02],
  },
} as const;

export const CHARGEBACKS = {
  /** Share of delivered online orders paid by card, PayPal or Apple Pay that are disputed. */
  legitimateRate: 0.0025,
  legitimateReasons: [
    'product_not_received',
    'not_as_described',
    'duplicate_processing',
    'credit_not_processed',
  ],
  legitimateWinRate: 0.55,
  /** Share of fraud orders that come back as a chargeback (reason "fraudulent"). */
  fraudRate: 0.7,
  fraudWinRate: 0.15,
} as const;

/** Shares of anonymous online orders that are cancelled or fraud (extra orders that never touch stock). */
export const ABNORMAL_ORDERS = { cancelled: 0.02, fraud: 0.005 } as const;

export const COUPONS = {
  welcomeCode: 'BIENVENUE10',
  welcomeShare: 0.05,
  newsletterShare: 0.12,
  pct: 0.1,
} as const;

const DISPUTABLE = new Set(['card', 'paypal', 'apple_pay']);

export type OrderKind = 'ticket' | 'ship' | 'collect' | 'phantom';

export interface OrderSpec {
  readonly kind: OrderKind;
  readonly channel: number;
  readonly location: number;
  readonly day: number;
  readonly orderedMs: number;
  /** Member index, or −1 for a guest. */
  readonly member: number;
  readonly couponPct: number;
  readonly promoCode: string | null;
  readonly campaignId: string | null;
  /** Phantom orders only: cancelled or fraud. */
  readonly phantomStatus?: 'cancelled' | 'fraud';
}

export interface OrderStats {
  orders: Record<string, number>;
  statuses: Record<string, number>;
  lines: number;
  returns: number;
  returnedUnits: number;
  shipments: number;
  chargebacks: number;
  payments: number;
}

export class OrderWriter {
  private readonly ctx: DemoContext;
  private readonly plan: CataloguePlan;
  private readonly demand: DemandModel;
  private readonly book: InventoryBook;
  private readonly rng: Random;
  private readonly channelIds: readonly string[];
  private readonly listEur4: string[];
  private readonly listGbp4: string[];
  private readonly rates: ReturnRates;
  private readonly endMs: number;
  private readonly keepGuestTickets: boolean;
  private seq = {
    ticket: 0,
    web: 0,
    uk: 0,
    payment: 0,
    ret: 0,
    shipment: 0,
    chargeback: 0,
    visitor: 0,
  };
  readonly stats: OrderStats = {
    orders: {},
    statuses: {},
    lines: 0,
    returns: 0,
    returnedUnits: 0,
    shipments: 0,
    chargebacks: 0,
    payments: 0,
  };
  private readonly lineRow: Array<string | number | null> = new Array<string | number | null>(
    10,
  ).fill(null);
  private readonly skuRefs: string[];
  private readonly unitEur4: string[];
  private readonly unitGbp4: string[];
  private readonly unitEurCents: Int32Array;
  private readonly unitGbpCents: Int32Array;

  constructor(
    ctx: DemoContext,
    plan: CataloguePlan,
    demand: DemandModel,
    book: InventoryBook,
    rng: Random,
  ) {
    this.ctx = ctx;
    this.plan = plan;
    this.demand = demand;
    this.book = book;
    this.rng = rng;
    this.channelIds = ['CH-STORE', 'CH-WEB', 'CH-APP', 'CH-MKT-UK'];
    this.listEur4 = plan.skus.map((s) => price4(s.listCents * 100));
    this.listGbp4 = plan.skus.map((s) => price4(s.gbpListCents * 100));
    this.skuRefs = plan.skus.map((s) => s.sku);
    this.unitEur4 = [...this.listEur4];
    this.unitGbp4 = [...this.listGbp4];
    this.unitEurCents = Int32Array.from(plan.skus.map((s) => s.listCents));
    this.unitGbpCents = Int32Array.from(plan.skus.map((s) => s.gbpListCents));
    this.rates = returnRatesByCategory(plan.categories);
    this.endMs = endOfLocalDayMs(ctx.endDay);
    this.keepGuestTickets = ctx.params.guestTicketsInContext;
  }

  /** Unit price text of a SKU today (without coupon), cached until the prices change. */
  private unitText(s: number, gbp: boolean, unitCents: number): string {
    const cache = gbp ? this.unitGbp4 : this.unitEur4;
    const key = gbp ? this.unitGbpCents : this.unitEurCents;
    if (key[s] !== unitCents) {
      key[s] = unitCents;
      cache[s] = price4(unitCents * 100);
    }
    return cache[s]!;
  }

  private storeOpen = (day: number): boolean => {
    const i = day - this.ctx.startDay;
    return i >= this.plan.calendar.days || this.plan.calendar.storeOpen[i] === 1;
  };

  private freeShipping(day: number, channel: number): boolean {
    if (channel !== CHANNEL_WEB && channel !== CHANNEL_APP) return false;
    for (const p of this.plan.promotions) {
      if (p.role === 'shipping' && day >= p.startsOn && day <= p.endsOn) return true;
    }
    return false;
  }

  private newOrderId(spec: OrderSpec): string {
    if (spec.kind === 'ticket') return `T${String(++this.seq.ticket).padStart(10, '0')}`;
    if (spec.channel === CHANNEL_MARKETPLACE) return `UK-${String(++this.seq.uk).padStart(9, '0')}`;
    return `W${String(++this.seq.web).padStart(9, '0')}`;
  }

  private payment(
    orderId: string,
    method: string,
    cents: number,
    currency: string,
    ms: number,
  ): void {
    this.stats.payments++;
    this.ctx.out.row('payments', [
      `PAY${String(++this.seq.payment).padStart(10, '0')}`,
      orderId,
      method,
      money(cents),
      currency,
      ts(ms),
    ]);
  }

  private chargeback(
    orderId: string,
    cents: number,
    currency: string,
    openedMs: number,
    reason: string,
    winRate: number,
  ): void {
    if (openedMs > this.endMs) return;
    const rng = this.rng;
    const closedMs = openedMs + rng.int(20, 75) * 86_400_000 + rng.int(0, 3600) * 1000;
    const closed = closedMs <= this.endMs;
    this.stats.chargebacks++;
    this.ctx.out.row('chargebacks', [
      `CB${String(++this.seq.chargeback).padStart(8, '0')}`,
      orderId,
      money(cents),
      currency,
      ts(openedMs),
      reason,
      closed ? (rng.chance(winRate) ? 'won' : 'lost') : 'pending',
      closed ? ts(closedMs) : null,
    ]);
  }

  /** Writes one order from the basket; returns the order id. */
  write(spec: OrderSpec, basket: Basket): string {
    const { ctx, plan, demand, rng } = this;
    const out = ctx.out;
    const orderId = this.newOrderId(spec);
    const gbp = spec.channel === CHANNEL_MARKETPLACE;
    const currency = gbp ? 'GBP' : 'EUR';
    const dayIdx = spec.day - ctx.startDay;
    const fx = gbp ? plan.gbpRate[dayIdx]! : 1;
    const online = spec.kind !== 'ticket';
    const isPhantom = spec.kind === 'phantom';

    // Payment method and timeline first: returns depend on delivery.
    let method: string;
    if (gbp) method = 'marketplace';
    else if (spec.kind === 'ticket') {
      method = rng.weightedPick(PAYMENT_MIX.store.methods, PAYMENT_MIX.store.weights);
    } else {
      method = rng.weightedPick(PAYMENT_MIX.online.methods, PAYMENT_MIX.online.weights);
      if (method === 'bank_transfer' && (spec.kind === 'collect' || isPhantom)) method = 'card';
    }
    let paidMs: number | null = spec.orderedMs;
    if (spec.kind !== 'ticket') paidMs += rng.int(1, 5) * 1000;
    if (method === 'bank_transfer') {
      const d = localDayOfMs(spec.orderedMs) + rng.int(1, 3);
      paidMs = localMs(d, WORK_HOURS.minute(rng)) + rng.int(0, 59) * 1000;
    }
    if (spec.phantomStatus === 'cancelled' || (paidMs !== null && paidMs > this.endMs))
      paidMs = null;

    let timeline: ShipmentTimeline | null = null;
    let collect: { readyMs: number; collectedMs: number } | null = null;
    if (spec.kind === 'ship' && paidMs !== null) {
      const carrier =
        spec.channel === CHANNEL_MARKETPLACE
          ? MARKETPLACE_CARRIER
          : rng.weightedIndex(DOMESTIC_CARRIER_MIX);
      timeline = shipmentTimeline(rng, paidMs, carrier);
    } else if (spec.kind === 'collect') {
      collect = collectTimeline(rng, spec.day, this.storeOpen);
    }

    let status: DemoOrder['status'];
    let deliveredAtMs: number | null = null;
    if (spec.phantomStatus) status = spec.phantomStatus;
    else if (spec.kind === 'ticket') {
      status = 'delivered';
      deliveredAtMs = spec.orderedMs;
    } else if (paidMs === null) status = 'placed';
    else if (timeline) {
      if (timeline.deliveredMs <= this.endMs) {
        status = 'delivered';
        deliveredAtMs = timeline.deliveredMs;
      } else status = timeline.shippedMs <= this.endMs ? 'shipped' : 'paid';
    } else if (collect && collect.collectedMs <= this.endMs) {
      status = 'delivered';
      deliveredAtMs = collect.collectedMs;
    } else status = 'paid';

    // Returns come back after the purchase (stores), the delivery or the collection.
    let returnBaseDay = -1;
    let returnLocation = spec.location;
    let returnChannel = this.channelIds[spec.channel]!;
    if (!isPhantom && status !== 'placed') {
      if (spec.kind === 'ticket') returnBaseDay = spec.day;
      else if (deliveredAtMs !== null) {
        returnBaseDay = localDayOfMs(deliveredAtMs);
        if (spec.kind === 'collect') returnChannel = this.channelIds[CHANNEL_STORE]!;
        else returnLocation = plan.warehouse;
      }
    }

    let subtotal = 0;
    let discountTotal = 0;
    let taxTotal = 0;
    let units = 0;
    const skus: string[] = [];
    const row = this.lineRow;
    const coupon = spec.couponPct;
    for (let k = 0; k < basket.n; k++) {
      const s = basket.sku[k]!;
      const q = basket.qty[k]!;
      const list = gbp ? demand.listGbp[s]! : demand.listEur[s]!;
      const promoDisc = gbp ? demand.discGbp[s]! : demand.discEur[s]!;
      const couponDisc = coupon > 0 ? Math.floor((list - promoDisc) * coupon) : 0;
      const unit = list - promoDisc - couponDisc;
      const net = q * unit;
      const lineTax = Math.round(net * VAT_RATE);
      subtotal += net;
      discountTotal += q * (promoDisc + couponDisc);
      taxTotal += lineTax;
      units += q;
      skus.push(this.skuRefs[s]!);
      const costText = this.book.costTextOn(s, spec.day);
      const promoIdx = promoDisc > 0 ? demand.promo[s]! : -1;
      row[0] = orderId;
      row[1] = k + 1;
      row[2] = this.skuRefs[s]!;
      row[3] = q;
      row[4] = gbp ? this.listGbp4[s]! : this.listEur4[s]!;
      row[5] = coupon > 0 ? price4(unit * 100) : this.unitText(s, gbp, unit);
      row[6] = promoDisc + couponDisc === 0 ? '0.00' : money(q * (promoDisc + couponDisc));
      row[7] = gbp ? price4(Math.round(this.book.costUnits[s]! / fx)) : costText;
      row[8] = money(lineTax);
      row[9] = promoIdx >= 0 ? plan.promotions[promoIdx]!.id : null;
      out.row('order_lines', row);
      this.stats.lines++;

      if (returnBaseDay >= 0) {
        const cat = plan.skus[s]!.category;
        const rate = online ? this.rates.online[cat]! : this.rates.store[cat]!;
        const r = rng.binomial(q, rate);
        if (r > 0)
          this.writeReturn(
            orderId,
            k + 1,
            s,
            r,
            unit,
            spec,
            returnBaseDay,
            returnLocation,
            returnChannel,
          );
      }
    }

    let shipping = 0;
    if (spec.kind === 'ship' || (isPhantom && !gbp)) {
      if (
        !gbp &&
        subtotal < SHIPPING.freeFromSubtotalCents &&
        !this.freeShipping(spec.day, spec.channel)
      ) {
        shipping = SHIPPING.feeCents;
      }
    }
    const shippingTax = Math.round(shipping * VAT_RATE);
    taxTotal += shippingTax;
    const total = subtotal + shipping + taxTotal;
    const customerId = spec.member >= 0 ? ctx.customers[spec.member]!.id : null;
    const hasSession = spec.channel === CHANNEL_WEB || spec.channel === CHANNEL_APP;
    const sessionId = hasSession ? `S-${orderId}` : null;
    const fulfilment =
      spec.kind === 'ticket' ? 'carry_out' : spec.kind === 'collect' ? 'click_collect' : 'ship';
    const promisedMs = timeline ? timeline.promisedMs : collect ? collect.readyMs : null;
    out.row('orders', [
      orderId,
      this.channelIds[spec.channel]!,
      plan.locations[spec.location]!.id,
      customerId,
      sessionId,
      ts(spec.orderedMs),
      status,
      currency,
      money(subtotal),
      money(discountTotal),
      money(shipping),
      money(taxTotal),
      money(total),
      spec.promoCode,
      spec.campaignId,
      method === 'card+gift_card' ? 'card' : method,
      fulfilment,
      promisedMs === null ? null : ts(promisedMs),
    ]);
    this.stats.orders[spec.kind] = (this.stats.orders[spec.kind] ?? 0) + 1;
    this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;

    if (paidMs !== null) {
      if (method === 'card+gift_card') {
        const gift = Math.min(total, rng.pick([1000, 2000, 3000, 5000]));
        this.payment(orderId, 'gift_card', gift, currency, paidMs);
        if (total > gift) this.payment(orderId, 'card', total - gift, currency, paidMs);
      } else {
        this.payment(orderId, method, total, currency, paidMs);
      }
    }

    if (timeline && paidMs !== null && timeline.pickedMs <= this.endMs)
      this.writeShipment(orderId, timeline, basket, units);

    if (spec.phantomStatus === 'fraud' && rng.chance(CHARGEBACKS.fraudRate)) {
      const opened = spec.orderedMs + rng.int(5, 40) * 86_400_000 + rng.int(0, 86_399) * 1000;
      this.chargeback(orderId, total, currency, opened, 'fraudulent', CHARGEBACKS.fraudWinRate);
    } else if (
      online &&
      deliveredAtMs !== null &&
      DISPUTABLE.has(method) &&
      rng.chance(CHARGEBACKS.legitimateRate)
    ) {
      const opened = deliveredAtMs + rng.int(10, 60) * 86_400_000 + rng.int(0, 86_399) * 1000;
      this.chargeback(
        orderId,
        total,
        currency,
        opened,
        rng.pick(CHARGEBACKS.legitimateReasons),
        CHARGEBACKS.legitimateWinRate,
      );
    }

    if (spec.kind !== 'ticket' || spec.member >= 0 || this.keepGuestTickets) {
      const visitorId =
        spec.member >= 0
          ? ctx.customers[spec.member]!.visitorId
          : hasSession
            ? `V-G${String(++this.seq.visitor).padStart(9, '0')}`
            : null;
      ctx.orders.push({
        orderId,
        channelId: this.channelIds[spec.channel]!,
        channelKind:
          spec.channel === CHANNEL_STORE
            ? 'store'
            : spec.channel === CHANNEL_WEB
              ? 'web'
              : spec.channel === CHANNEL_APP
                ? 'app'
                : 'marketplace',
        locationId: plan.locations[spec.location]!.id,
        customerId,
        visitorId,
        sessionId,
        orderedAtMs: spec.orderedMs,
        status,
        subtotalCents: subtotal,
        units,
        skus,
        fulfilment,
        deliveredAtMs,
        late: timeline !== null && deliveredAtMs !== null && timeline.late,
      });
    }
    return orderId;
  }

  private writeShipment(orderId: string, t: ShipmentTimeline, basket: Basket, units: number): void {
    const rng = this.rng;
    const c = CARRIERS[t.carrier]!;
    const end = this.endMs;
    this.stats.shipments++;
    this.ctx.out.row('shipments', [
      `SH${String(++this.seq.shipment).padStart(9, '0')}`,
      orderId,
      this.plan.locations[this.plan.warehouse]!.id,
      c.name,
      units,
      units,
      ts(t.pickedMs),
      t.packedMs <= end ? ts(t.packedMs) : null,
      t.shippedMs <= end ? ts(t.shippedMs) : null,
      t.deliveredMs <= end ? ts(t.deliveredMs) : null,
      ts(t.promisedMs),
      money(c.baseCents + c.perUnitCents * (units - 1)),
      money(COSTS.pickPackBaseCents + COSTS.pickPackPerUnitCents * units),
      money(COSTS.packagingBaseCents + COSTS.packagingPerUnitCents * units),
      Math.round(
        (COSTS.labourBaseMinutes + COSTS.labourPerLineMinutes * basket.n + rng.uniform(-0.5, 1.5)) *
          10,
      ) / 10,
    ]);
  }

  private writeReturn(
    orderId: string,
    lineNo: number,
    s: number,
    r: number,
    unitCents: number,
    spec: OrderSpec,
    baseDay: number,
    location: number,
    channelId: string,
  ): void {
    const rng = this.rng;
    const loc = this.plan.locations[location]!;
    let day: number;
    let ms: number;
    if (loc.kind === 'store') {
      day = baseDay + (spec.kind === 'ticket' ? storeReturnDelay(rng) : onlineReturnDelay(rng));
      while (!this.storeOpen(day)) day++;
      ms = localMs(day, STORE_HOURS.minute(rng)) + rng.int(0, 59) * 1000;
    } else {
      day = baseDay + onlineReturnDelay(rng);
      while (!isWarehouseDay(day)) day++;
      ms = localMs(day, WORK_HOURS.minute(rng)) + rng.int(0, 59) * 1000;
    }
    if (ms > this.endMs || ms <= spec.orderedMs) return;
    const reason = drawReason(rng, spec.kind !== 'ticket');
    const restocked = drawRestocked(rng, reason);
    if (restocked) this.book.scheduleRestock(location, s, day, r);
    this.stats.returns++;
    this.stats.returnedUnits += r;
    this.ctx.out.row('returns', [
      `R${String(++this.seq.ret).padStart(9, '0')}`,
      orderId,
      lineNo,
      this.skuRefs[s]!,
      r,
      money(r * unitCents),
      ts(ms),
      reason,
      channelId,
      loc.id,
      restocked,
    ]);
  }
}
