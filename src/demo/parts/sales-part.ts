import { isoDate } from '../../time/civil-date.js';
import type { DemoCampaign, DemoContext, DemoPart } from '../demo-context.js';
import type { Random } from '../random.js';
import { BasketBuilder } from '../sim/basket-builder.js';
import type { CataloguePlan, MemberPlan } from '../sim/commerce-plan.js';
import {
  CHANNEL_APP,
  CHANNEL_MARKETPLACE,
  CHANNEL_STORE,
  CHANNEL_WEB,
  OUTLET_CLICK_COLLECT,
  OUTLET_SHIP,
  OUTLET_WALK_IN,
  cataloguePlan,
  locationRamp,
  memberPlan,
} from '../sim/commerce-plan.js';
import { DemandModel, LinePool, LostDemand } from '../sim/demand-model.js';
import { ONLINE_HOURS, STORE_HOURS } from '../sim/intraday-profile.js';
import { InventoryBook } from '../sim/inventory-sim.js';
import { localMs } from '../sim/local-time.js';
import type { OrderSpec } from '../sim/order-writer.js';
import { ABNORMAL_ORDERS, COUPONS, OrderWriter } from '../sim/order-writer.js';
import { salesTruth } from '../sim/sales-truth.js';

/**
 * The sales simulation, day by day: stock arrives, demand is drawn per location stream and
 * served from the shelf (or lost), members claim their baskets, guests take the rest, then the
 * location counts (on count days), reorders and snapshots its stock.
 */

const CLICK_COLLECT_WEB_SHARE = 0.7;

interface Streams {
  demand: Random;
  baskets: Random;
  orders: Random;
  clock: Random;
  counts: Random;
  purchasing: Random;
  footfall: Random;
  phantoms: Random;
}

function liveEmailCampaigns(campaigns: readonly DemoCampaign[], day: number): DemoCampaign[] {
  return campaigns.filter((c) => c.channel === 'email' && c.startsOn <= day && c.endsOn >= day);
}

export function runSales(ctx: DemoContext): void {
  const plan: CataloguePlan = cataloguePlan(ctx);
  const members: MemberPlan = memberPlan(ctx);
  const { startDay, endDay } = ctx;
  const days = endDay - startDay + 1;
  const rng = ctx.rng('sales');
  const r: Streams = {
    demand: rng.fork('demand'),
    baskets: rng.fork('baskets'),
    orders: rng.fork('orders'),
    clock: rng.fork('clock'),
    counts: rng.fork('counts'),
    purchasing: rng.fork('purchasing'),
    footfall: rng.fork('footfall'),
    phantoms: rng.fork('phantoms'),
  };
  // Members' demand rides on top of the guests' seasonal demand: each pool gets, on the day of
  // their planned purchases, the lines the members will claim: Σ target values / the day's mean
  // line value (cheaper in promotions and soldes), times a calibration re-estimated from the
  // baskets as they are built (members favour lines that fit their gap). Guests then keep the
  // seasonal part exactly, and members stay stationary.
  const L = plan.locations.length;
  const S = plan.skus.length;
  const purchases = members.purchases;
  const memberCents = plan.locations.map(() => new Float64Array(days));
  for (let p = 0; p < purchases.count; p++) {
    memberCents[purchases.location[p]!]![purchases.day[p]! - startDay]! +=
      purchases.targetCents[p]!;
  }
  const totalWeight = plan.skus.reduce((a, s) => a + s.weight, 0);
  const meanLine =
    (plan.skus.reduce((a, s) => a + s.weight * s.listCents, 0) / totalWeight) *
    plan.demand.quantities.reduce((a, q, k) => a + q * (plan.demand.quantityProbs[k] ?? 0), 0);
  // Lines claimed / lines predicted, with a prior worth a hundred predicted lines.
  const calibration = { claimed: 100, predicted: 100 };
  const demand = new DemandModel(
    plan,
    startDay,
    endDay,
    memberCents.map((arr) => arr.map((c) => c / meanLine)),
  );
  const book = new InventoryBook({
    plan,
    startDay,
    endDay,
    expectedPrefix: demand.expectedPrefix,
    multPrefix: demand.multPrefix,
    multStride: demand.multPrefixStride,
    snapshotEvery: ctx.params.snapshotEveryDays,
    out: ctx.out,
    rng: rng.fork('safety'),
  });
  const lost = new LostDemand(L, S, days);
  const writer = new OrderWriter(ctx, plan, demand, book, r.orders);
  const builder = new BasketBuilder(plan.pairs);
  const walkIn = new LinePool(1024);
  const clickCollect = new LinePool(64);
  const online = new LinePool(1024);
  const cal = plan.calendar;
  const shape = plan.demand;
  const iso = Array.from({ length: days }, (_, i) => isoDate(startDay + i));

  // Days something starts being carried: the first day, store openings, product launches.
  const openings = new Map<number, Array<[number, number]>>();
  const addOpening = (day: number, l: number, s: number): void => {
    const list = openings.get(day) ?? [];
    list.push([l, s]);
    openings.set(day, list);
  };
  for (const loc of plan.locations) {
    for (const sku of plan.skus) {
      const first = Math.max(loc.openedOn, sku.launchedOn, startDay);
      if (first <= endDay) addOpening(first, loc.index, sku.index);
    }
  }

  const memberTarget = {
    count: 0,
    targetCents: 0,
    basketCents: 0,
    toppedUpLines: 0,
    absErrorCents: 0,
    unserved: 0,
  };
  let guestOnlineToday = 0;
  let emailsToday: DemoCampaign[] = [];
  let footfallVisitors = 0;
  let footfallTickets = 0;
  const memberList: number[] = [];

  const emit = (spec: OrderSpec): void => {
    writer.write(spec, builder.basket);
  };

  const serveMembers = (
    pool: LinePool,
    l: number,
    outlets: readonly number[],
    day: number,
    i: number,
  ): number => {
    memberList.length = 0;
    for (let p = members.dayStart[i]!; p < members.dayStart[i + 1]!; p++) {
      if (purchases.location[p] === l && outlets.includes(purchases.outlet[p]!)) memberList.push(p);
    }
    if (memberList.length === 0) return 0;
    builder.shuffle(pool, r.baskets);
    let walkInOrders = 0;
    const emails = emailsToday;
    for (const p of memberList) {
      const channel = purchases.channel[p]!;
      const outlet = purchases.outlet[p]!;
      let coupon = 0;
      let code: string | null = null;
      let campaign: string | null = null;
      if (
        channel !== CHANNEL_STORE &&
        emails.length > 0 &&
        r.orders.chance(COUPONS.newsletterShare)
      ) {
        const c = r.orders.pick(emails);
        coupon = COUPONS.pct;
        code = `NEWS-${c.id}`;
        campaign = c.id;
      }
      const unit = (s: number): number => {
        const net = demand.netEur(s);
        return net - Math.floor(net * coupon);
      };
      const res = builder.claim(
        pool,
        purchases.targetCents[p]!,
        unit,
        () => demand.topUp(pool, l, r.demand, book, lost),
        r.baskets,
      );
      memberTarget.count++;
      memberTarget.targetCents += purchases.targetCents[p]!;
      memberTarget.basketCents += res.valueCents;
      memberTarget.absErrorCents += Math.abs(res.valueCents - purchases.targetCents[p]!);
      memberTarget.toppedUpLines += res.toppedUp;
      calibration.claimed += res.lines;
      calibration.predicted += purchases.targetCents[p]! / demand.meanLineCents;
      // Only when the shelf is empty of everything drawn: the purchase cannot happen.
      if (builder.basket.n === 0) {
        memberTarget.unserved++;
        continue;
      }
      const kind =
        outlet === OUTLET_WALK_IN ? 'ticket' : outlet === OUTLET_SHIP ? 'ship' : 'collect';
      if (kind === 'ticket') walkInOrders++;
      emit({
        kind,
        channel,
        location: l,
        day,
        orderedMs: purchases.ms[p]!,
        member: purchases.member[p]!,
        couponPct: coupon,
        promoCode: code,
        campaignId: campaign,
      });
    }
    return walkInOrders;
  };

  const guestOnline = (kind: 'ship' | 'collect', l: number, day: number, channel: number): void => {
    const welcome = channel !== CHANNEL_MARKETPLACE && r.orders.chance(COUPONS.welcomeShare);
    guestOnlineToday++;
    emit({
      kind,
      channel,
      location: l,
      day,
      orderedMs: localMs(day, ONLINE_HOURS.minute(r.clock)) + r.clock.int(0, 59) * 1000,
      member: -1,
      couponPct: welcome ? COUPONS.pct : 0,
      promoCode: welcome ? COUPONS.welcomeCode : null,
      campaignId: null,
    });
  };

  for (let i = 0; i < days; i++) {
    const day = startDay + i;
    demand.setDay(day);
    for (const [l, s] of openings.get(day) ?? []) book.openPair(l, s, day);
    book.startDay(day);
    guestOnlineToday = 0;
    emailsToday = liveEmailCampaigns(ctx.campaigns, day);

    for (let l = 0; l < L; l++) {
      const loc = plan.locations[l]!;
      const ramp = locationRamp(loc, day);
      if (ramp === 0) continue;
      const memberLines =
        ((memberCents[l]![i]! / demand.meanLineCents) * calibration.claimed) /
        calibration.predicted;
      if (loc.kind === 'store') {
        walkIn.reset();
        clickCollect.reset();
        // On closed days the store's members can only be click-and-collect customers: their
        // lines join the click-and-collect pool (no walk-in tickets that day).
        const open = cal.storeOpen[i] === 1;
        const walkRate = open ? loc.walkInRate * ramp * cal.store[i]! + memberLines : 0;
        const ccRate = loc.clickCollectRate * ramp * cal.online[i]! + (open ? 0 : memberLines);
        // Which stream reaches the shelf first alternates at random, day by day.
        if (r.demand.chance(0.5)) {
          demand.drawStream(walkIn, l, walkRate, r.demand, book, lost);
          demand.drawStream(clickCollect, l, ccRate, r.demand, book, lost);
        } else {
          demand.drawStream(clickCollect, l, ccRate, r.demand, book, lost);
          demand.drawStream(walkIn, l, walkRate, r.demand, book, lost);
        }
        let tickets = 0;
        if (open)
          tickets += serveMembers(walkIn, l, [OUTLET_WALK_IN, OUTLET_CLICK_COLLECT], day, i);
        else serveMembers(clickCollect, l, [OUTLET_CLICK_COLLECT], day, i);
        tickets += builder.packGuests(walkIn, shape.linesPerTicket, r.baskets, () =>
          emit({
            kind: 'ticket',
            channel: CHANNEL_STORE,
            location: l,
            day,
            orderedMs: localMs(day, STORE_HOURS.minute(r.clock)) + r.clock.int(0, 59) * 1000,
            member: -1,
            couponPct: 0,
            promoCode: null,
            campaignId: null,
          }),
        );
        builder.packGuests(clickCollect, shape.linesPerOnlineOrder, r.baskets, () =>
          guestOnline(
            'collect',
            l,
            day,
            r.orders.chance(CLICK_COLLECT_WEB_SHARE) ? CHANNEL_WEB : CHANNEL_APP,
          ),
        );
        if (cal.storeOpen[i]) {
          const visitors =
            tickets + r.footfall.poisson((tickets * (1 - loc.conversion)) / loc.conversion);
          footfallVisitors += visitors;
          footfallTickets += tickets;
          ctx.out.row('footfall', [iso[i]!, loc.id, visitors]);
        }
      } else {
        online.reset();
        demand.drawStream(
          online,
          l,
          loc.onlineRate * cal.online[i]! + memberLines,
          r.demand,
          book,
          lost,
        );
        serveMembers(online, l, [OUTLET_SHIP], day, i);
        const [web, app] = shape.onlineChannelShares;
        builder.packGuests(online, shape.linesPerOnlineOrder, r.baskets, () => {
          const u = r.orders.next();
          guestOnline(
            'ship',
            l,
            day,
            u < web ? CHANNEL_WEB : u < web + app ? CHANNEL_APP : CHANNEL_MARKETPLACE,
          );
        });
      }
      if (loc.countDays.includes(day)) book.count(l, day, r.counts);
      book.replenish(l, day, r.purchasing);
      if (book.isSnapshotDay(day)) book.snapshot(l, day);
    }

    // Cancelled and fraud orders: extra anonymous online orders that never reach the shelf.
    const abnormal = ABNORMAL_ORDERS.cancelled + ABNORMAL_ORDERS.fraud;
    const phantoms = r.phantoms.poisson((guestOnlineToday * abnormal) / (1 - abnormal));
    for (let k = 0; k < phantoms; k++) {
      const fraud = r.phantoms.chance(ABNORMAL_ORDERS.fraud / abnormal);
      const b = builder.basket;
      b.clear();
      const lines = 1 + r.phantoms.poisson(shape.linesPerOnlineOrder - 1);
      for (let j = 0; j < lines; j++)
        b.add(demand.drawSku(r.phantoms), demand.quantity(r.phantoms));
      const u = r.phantoms.next();
      const [web, app] = shape.onlineChannelShares;
      const channel = fraud
        ? u < CLICK_COLLECT_WEB_SHARE
          ? CHANNEL_WEB
          : CHANNEL_APP
        : u < web
          ? CHANNEL_WEB
          : u < web + app
            ? CHANNEL_APP
            : CHANNEL_MARKETPLACE;
      writer.write(
        {
          kind: 'phantom',
          channel,
          location: plan.warehouse,
          day,
          orderedMs: localMs(day, ONLINE_HOURS.minute(r.clock)) + r.clock.int(0, 59) * 1000,
          member: -1,
          couponPct: 0,
          promoCode: null,
          campaignId: null,
          phantomStatus: fraud ? 'fraud' : 'cancelled',
        },
        b,
      );
    }
  }

  Object.assign(
    ctx.truth,
    salesTruth({
      ctx,
      plan,
      lost,
      book,
      stats: writer.stats,
      memberTarget,
      footfall: { visitors: footfallVisitors, tickets: footfallTickets },
    }),
  );
}

export const salesPart: DemoPart = {
  name: 'sales',
  tables: [
    'orders',
    'order_lines',
    'returns',
    'payments',
    'chargebacks',
    'shipments',
    'inventory_snapshots',
    'inventory_counts',
    'purchase_orders',
    'footfall',
  ],
  run: runSales,
};
