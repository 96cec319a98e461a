import { isoDate } from '../../time/civil-date.js';
import type { DemoContext, DemoCustomer, DemoPart } from '../demo-context.js';
import type { Random } from '../random.js';
import { REGIONS } from '../sim/catalogue-data.js';
import type { MembersTruth } from '../sim/commerce-manifest.js';
import type { CataloguePlan, LocationPlan, MemberPlan } from '../sim/commerce-plan.js';
import {
  CHANNEL_APP,
  CHANNEL_STORE,
  CHANNEL_WEB,
  OUTLET_CLICK_COLLECT,
  OUTLET_SHIP,
  OUTLET_WALK_IN,
  cataloguePlan,
  locationRamp,
  setMemberPlan,
} from '../sim/commerce-plan.js';
import { ONLINE_HOURS, STORE_HOURS } from '../sim/intraday-profile.js';
import { endOfLocalDayMs, isoInstant as ts, localDayOfMs, localMs } from '../sim/local-time.js';
import type { MemberTraits } from '../sim/member-model.js';
import {
  BG_NBD,
  GAMMA_GAMMA,
  WEEK_MS,
  drawTraits,
  repeatPurchaseWeeks,
  transactionValue,
} from '../sim/member-model.js';

/** Members (loyalty card or e-shop account): every known customer follows BG/NBD + Gamma-Gamma. */
const MIX = {
  storeMemberShare: 0.6,
  onlineWeb: 0.65,
  onlineClickCollect: 0.15,
  /** Acquisition intensity grows linearly by this much from the first to the last day. */
  acquisitionGrowth: 0.3,
} as const;

const ONLINE_ACQUISITION: readonly (readonly [string, number])[] = [
  ['seo', 0.25],
  ['sea', 0.25],
  ['social', 0.15],
  ['email', 0.05],
  ['affiliate', 0.1],
  ['display', 0.05],
  ['direct', 0.15],
];

interface Draft {
  createdMs: number;
  createdDay: number;
  store: boolean;
  home: number;
  clickCollectStore: number;
  traits: MemberTraits;
}

function hex(rng: Random, words: number): string {
  let s = '';
  for (let i = 0; i < words; i++) s += rng.nextUint32().toString(16).padStart(8, '0');
  return s;
}

function pickStore(rng: Random, stores: readonly LocationPlan[], day: number): LocationPlan {
  const weights = stores.map((s) => s.factor * locationRamp(s, day));
  return stores[rng.weightedIndex(weights)]!;
}

function nextOpenDay(plan: CataloguePlan, day: number, startDay: number): number {
  const open = plan.calendar.storeOpen;
  let d = day;
  while (d - startDay < open.length && !open[d - startDay]) d++;
  return d;
}

function storeInstant(rng: Random, day: number, notBeforeMinute: number): number {
  return localMs(day, STORE_HOURS.minute(rng, notBeforeMinute)) + rng.int(0, 59) * 1000;
}

export const customersPart: DemoPart = {
  name: 'customers',
  tables: ['customers'],
  run(ctx) {
    const plan = cataloguePlan(ctx);
    const rng = ctx.rng('customers');
    const { startDay, endDay } = ctx;
    const days = endDay - startDay + 1;
    const endMs = endOfLocalDayMs(endDay);
    const stores = plan.locations.filter((l) => l.kind === 'store');

    const drafts: Draft[] = [];
    for (let i = 0; i < ctx.params.members; i++) {
      let day: number;
      do {
        day = startDay + rng.int(0, days - 1);
      } while (
        !rng.chance(
          (1 + (MIX.acquisitionGrowth * (day - startDay)) / days) / (1 + MIX.acquisitionGrowth),
        )
      );
      const store = rng.chance(MIX.storeMemberShare);
      const home = pickStore(rng, stores, day);
      const cc = pickStore(rng, stores, day);
      let createdMs: number;
      if (store) {
        day = nextOpenDay(plan, day, startDay);
        if (day > endDay) day = endDay - 1;
        createdMs = storeInstant(rng, day, 0);
      } else {
        createdMs = localMs(day, ONLINE_HOURS.minute(rng)) + rng.int(0, 59) * 1000;
      }
      drafts.push({
        createdMs,
        createdDay: day,
        store,
        home: home.index,
        clickCollectStore: cc.index,
        traits: drawTraits(rng),
      });
    }
    drafts.sort((a, b) => a.createdMs - b.createdMs);

    const pDay: number[] = [];
    const pMs: number[] = [];
    const pMember: number[] = [];
    const pTarget: number[] = [];
    const pOutlet: number[] = [];
    const pChannel: number[] = [];
    const pLocation: number[] = [];
    const ids: string[] = [];
    const customers: DemoCustomer[] = [];
    const prng = rng.fork('purchases');
    let repeatCount = 0;
    let movedFromClosedDays = 0;

    drafts.forEach((m, i) => {
      const id = `C${String(i + 1).padStart(7, '0')}`;
      ids.push(id);
      const instants: number[] = [m.createdMs];
      for (const w of repeatPurchaseWeeks(prng, m.traits, (endMs - m.createdMs) / WEEK_MS)) {
        instants.push(Math.round(m.createdMs + w * WEEK_MS));
      }
      instants.forEach((instant, k) => {
        let ms = instant;
        let day = localDayOfMs(ms);
        let outlet = OUTLET_WALK_IN;
        let channel = CHANNEL_STORE;
        let location = m.home;
        if (m.store) {
          if (k > 0) {
            // The Poisson process sets the day; the time is drawn within opening hours.
            const open = nextOpenDay(plan, day, startDay);
            if (open !== day) movedFromClosedDays++;
            day = open;
            if (day > endDay) return;
            const notBefore =
              day === m.createdDay ? Math.ceil((m.createdMs - localMs(day, 0)) / 60000) + 1 : 0;
            if (notBefore >= STORE_HOURS.closesAt) {
              day = nextOpenDay(plan, day + 1, startDay);
              if (day > endDay) return;
              ms = storeInstant(prng, day, 0);
            } else {
              ms = storeInstant(prng, day, notBefore);
            }
          }
        } else {
          channel = prng.chance(MIX.onlineWeb) ? CHANNEL_WEB : CHANNEL_APP;
          if (prng.chance(MIX.onlineClickCollect)) {
            outlet = OUTLET_CLICK_COLLECT;
            location = m.clickCollectStore;
          } else {
            outlet = OUTLET_SHIP;
            location = plan.warehouse;
          }
        }
        if (k > 0) repeatCount++;
        pDay.push(day);
        pMs.push(ms);
        pMember.push(i);
        pTarget.push(Math.max(100, Math.round(transactionValue(prng, m.traits) * 100)));
        pOutlet.push(outlet);
        pChannel.push(channel);
        pLocation.push(location);
      });
    });

    // Purchases bucketed by day (a counting sort keeps the order within a day stable).
    const n = pDay.length;
    const dayStart = new Int32Array(days + 1);
    for (const d of pDay) dayStart[d - startDay + 1]!++;
    for (let d = 0; d < days; d++) dayStart[d + 1]! += dayStart[d]!;
    const fill = dayStart.slice(0, days);
    const order = new Int32Array(n);
    for (let k = 0; k < n; k++) order[fill[pDay[k]! - startDay]!++] = k;
    const pick = <T extends Int32Array | Uint8Array | Float64Array>(src: number[], arr: T): T => {
      for (let k = 0; k < n; k++) arr[k] = src[order[k]!]!;
      return arr;
    };
    const members: MemberPlan = {
      count: drafts.length,
      ids,
      purchases: {
        count: n,
        day: pick(pDay, new Int32Array(n)),
        ms: pick(pMs, new Float64Array(n)),
        member: pick(pMember, new Int32Array(n)),
        targetCents: pick(pTarget, new Int32Array(n)),
        outlet: pick(pOutlet, new Uint8Array(n)),
        channel: pick(pChannel, new Uint8Array(n)),
        location: pick(pLocation, new Int32Array(n)),
      },
      dayStart,
    };
    setMemberPlan(ctx, members);

    const crm = rng.fork('crm');
    const campaignsByChannel = new Map<string, DemoContext['campaigns']>();
    for (const c of ctx.campaigns) {
      campaignsByChannel.set(c.channel, [...(campaignsByChannel.get(c.channel) ?? []), c]);
    }
    const regionNames = REGIONS.map((r) => r[0]);
    const regionWeights = REGIONS.map((r) => r[1]);
    drafts.forEach((m, i) => {
      const id = ids[i]!;
      const home = plan.locations[m.home]!;
      const cc = plan.locations[m.clickCollectStore]!;
      const loyaltyId =
        m.store || crm.chance(0.25) ? `LOY${String(100000000 + i * 7 + crm.int(0, 6))}` : null;
      const webAccountId = !m.store || crm.chance(0.35) ? `WA${String(5000000 + i)}` : null;
      const region = m.store
        ? home.region
        : crm.chance(0.5)
          ? cc.region
          : crm.weightedPick(regionNames, regionWeights);
      const acquisitionChannel = m.store
        ? 'store'
        : crm.weightedPick(
            ONLINE_ACQUISITION.map((a) => a[0]),
            ONLINE_ACQUISITION.map((a) => a[1]),
          );
      const live = (campaignsByChannel.get(acquisitionChannel) ?? []).filter(
        (c) => c.startsOn <= m.createdDay && c.endsOn >= m.createdDay,
      );
      const campaign = live.length > 0 && crm.chance(0.8) ? crm.pick(live).id : null;
      // CRM scoring: expected yearly spend from the member's history-based profile.
      const yearly = m.traits.lambda * 52 * (GAMMA_GAMMA.p / m.traits.nu);
      const segment = yearly > 600 ? 'premium' : yearly > 200 ? 'regular' : 'occasional';
      const emailHash = hex(crm, 8);
      const phoneHash = crm.chance(0.7) ? hex(crm, 8) : null;
      ctx.out.row('customers', [
        id,
        ts(m.createdMs),
        emailHash,
        phoneHash,
        loyaltyId,
        webAccountId,
        region,
        'FR',
        acquisitionChannel,
        campaign,
        segment,
      ]);
      customers.push({
        id,
        createdAtMs: m.createdMs,
        visitorId: `V-${id}`,
        webAccountId,
        loyaltyId,
        region,
        acquisitionChannel,
        acquisitionCampaignId: campaign,
        segment,
      });
    });
    ctx.customers = customers;

    const truth: MembersTruth = {
      model: 'BG/NBD (purchase timing) + Gamma-Gamma (spend)',
      timeUnit: 'week',
      bgnbd: { ...BG_NBD },
      gammaGamma: { ...GAMMA_GAMMA },
      distributions: {
        lambda: 'Gamma(shape r, rate alpha), purchases per week',
        dropout: 'Beta(a, b)',
        nu: 'Gamma(shape q, rate gamma)',
        transactionValue:
          'Gamma(shape p, rate nu) in euros excluding VAT; realised as a basket whose subtotal approximates it (see basketMatching)',
      },
      conventions: {
        acquisition:
          'the first purchase is the acquisition: an order at exactly customers.created_at (not a repeat purchase)',
        frequency: 'frequency counts repeat purchases (orders after the first)',
        dropout:
          'no dropout at the first purchase; after each repeat purchase the member becomes inactive with probability p (BG/NBD, not MBG/NBD)',
        calibrationEnd: ts(endMs),
        stationarity:
          'repeat timing is stationary (no weekday, month or event seasonality); members were acquired over the whole period with intensity growing linearly by acquisitionGrowth',
        closedDays:
          'a store purchase falling on a day the store is closed moves to its next open day; store purchase times are redrawn within opening hours of the day set by the Poisson process',
        orderStatus: 'member orders are never cancelled or fraud',
        everyCustomerIsAMember: true,
      },
      mix: MIX,
      counts: {
        members: drafts.length,
        storeMembers: drafts.filter((m) => m.store).length,
        onlineMembers: drafts.filter((m) => !m.store).length,
        transactions: n,
        repeatTransactions: repeatCount,
        movedFromClosedDays,
        firstAcquisition: drafts[0] ? isoDate(drafts[0].createdDay) : null,
      },
    };
    ctx.truth['members'] = truth;
  },
};
