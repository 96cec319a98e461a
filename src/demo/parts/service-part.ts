import { isoWeekday, MS_PER_DAY } from '../../time/civil-date.js';
import { ParisClock, periodBounds } from '../clock/paris-clock.js';
import { TimestampText } from '../clock/timestamp-text.js';
import type { DemoContext, DemoOrder, DemoPart } from '../demo-context.js';
import type { Random } from '../random.js';
import type { ContactSource, Reason, SurveyGroup } from '../service/service-profile.js';
import {
  CONTACTS,
  OPENING,
  PAGE_BEFORE_CONTACT,
  REASONS,
  REVIEWS,
  SURVEYS,
  TIMING,
  WEB_CONTACT_CHANNELS,
  csatSatisfiedShare,
  npsPoints,
  ratingProbabilities,
} from '../service/service-profile.js';

const HOUR = 3_600_000;

function pick<K extends string>(rng: Random, shares: Readonly<Partial<Record<K, number>>>): K {
  const keys = Object.keys(shares) as K[];
  return keys[rng.weightedIndex(keys.map((k) => shares[k] ?? 0))] as K;
}

function isOnline(o: DemoOrder): boolean {
  return o.channelKind === 'web' || o.channelKind === 'app' || o.channelKind === 'marketplace';
}

function abnormal(o: DemoOrder): boolean {
  return o.status === 'cancelled' || o.status === 'fraud';
}

/** Which contact source an order belongs to, or null when it cannot lead to a contact. */
function contactSource(o: DemoOrder): Exclude<ContactSource, 'noOrder'> | null {
  if (o.channelKind === 'store') return o.customerId !== null && !abnormal(o) ? 'store' : null;
  if (abnormal(o)) return 'cancelled';
  return o.late ? 'late' : 'onTime';
}

function surveyGroup(o: DemoOrder): SurveyGroup {
  return o.late ? 'late' : o.channelKind;
}

class ServiceSimulation {
  private readonly ctx: DemoContext;
  private readonly clock = new ParisClock();
  private readonly text = new TimestampText();
  private readonly startMs: number;
  private readonly endMs: number;

  constructor(ctx: DemoContext) {
    this.ctx = ctx;
    ({ startMs: this.startMs, endMs: this.endMs } = periodBounds(
      this.clock,
      ctx.startDay,
      ctx.endDay,
    ));
  }

  /** Phone and chat contacts outside opening hours wait for the next opening. */
  private openingTime(rng: Random, ms: number): number {
    let day = this.clock.day(ms);
    const local = ms - this.clock.utcMs(day, 0);
    const hour = local / HOUR;
    if (
      isoWeekday(day) !== OPENING.closedWeekday &&
      hour >= OPENING.fromHour &&
      hour < OPENING.toHour
    ) {
      return ms;
    }
    if (hour >= OPENING.fromHour) day++;
    while (isoWeekday(day) === OPENING.closedWeekday) day++;
    return this.clock.utcMs(day, OPENING.fromHour * 60 + rng.next() * 180);
  }

  private openedAt(
    rng: Random,
    o: DemoOrder | null,
    source: ContactSource,
    reason: Reason,
    day: number,
  ): number {
    if (!o) return this.clock.utcMs(day, 8 * 60 + rng.next() * 14 * 60);
    const t = o.orderedAtMs;
    const delivered = o.deliveredAtMs ?? t + 3 * MS_PER_DAY;
    if (source === 'late' && reason === 'where_is_my_order') {
      const lo = t + 2 * MS_PER_DAY;
      const hi = Math.max(lo + HOUR, delivered - HOUR);
      return lo + rng.next() * (hi - lo);
    }
    switch (reason) {
      case 'where_is_my_order':
        return t + MS_PER_DAY + rng.next() * 2 * MS_PER_DAY;
      case 'return_refund':
      case 'damaged_item':
        return delivered + rng.exponential(1 / (3 * MS_PER_DAY));
      case 'payment':
      case 'order_change':
        return t + 60_000 + rng.exponential(1 / (4 * HOUR));
      default:
        return t + rng.exponential(1 / (2 * MS_PER_DAY));
    }
  }

  contacts(): Record<string, unknown> {
    const ctx = this.ctx;
    const rng = ctx.rng('service/contacts');
    const expected: Record<ContactSource, number> = {
      late: 0,
      onTime: 0,
      cancelled: 0,
      store: 0,
      noOrder: 0,
    };
    const ordersOf: Record<ContactSource, number> = {
      late: 0,
      onTime: 0,
      cancelled: 0,
      store: 0,
      noOrder: 0,
    };
    let onlineOrders = 0;
    let n = 0;
    let dropped = 0;
    const members = ctx.customers;
    const write = (o: DemoOrder | null, source: ContactSource, day: number) => {
      const reason = pick(rng, CONTACTS.reasons[source]);
      const channel = pick(rng, CONTACTS.channelShares);
      const timing = TIMING[channel];
      let opened = this.openedAt(rng, o, source, reason, day);
      if (timing.openingHoursOnly) opened = this.openingTime(rng, opened);
      opened = Math.round(opened);
      // Consumed whether or not the contact is kept, so that every contact draws the same numbers.
      const answered = rng.chance(timing.answerRate);
      const z = rng.normal();
      const w = rng.normal();
      const page = WEB_CONTACT_CHANNELS.includes(channel)
        ? pick(rng, PAGE_BEFORE_CONTACT[reason])
        : null;
      const knownCustomer = rng.chance(CONTACTS.noOrderKnownCustomer);
      const member = members.length > 0 ? members[rng.int(0, members.length - 1)] : undefined;
      if (opened < this.startMs || opened >= this.endMs) {
        dropped++;
        return;
      }
      let first: number | null = null;
      let resolved: number | null = null;
      let handle: number | null = null;
      if (answered) {
        const f = timing.firstResponseMedianS * Math.exp(timing.sigma * z);
        const d = timing.resolutionMedianS * Math.exp(timing.sigma * z);
        handle = Math.round(
          Math.min(timing.handleMedianS * Math.exp(timing.handleSigma * w), d - f),
        );
        first = opened + Math.round(f * 1000);
        resolved = opened + Math.round(d * 1000);
      }
      const customer = o ? o.customerId : knownCustomer ? (member?.id ?? null) : null;
      ctx.out.row('support_contacts', [
        `SC${String(++n).padStart(8, '0')}`,
        customer,
        o?.orderId ?? null,
        channel,
        this.text.format(opened),
        answered,
        first !== null && first < this.endMs ? this.text.format(first) : null,
        resolved !== null && resolved < this.endMs ? this.text.format(resolved) : null,
        handle,
        reason,
        page,
      ]);
    };
    for (const o of ctx.orders) {
      if (o.channelKind === 'web' || o.channelKind === 'app') onlineOrders++;
      const source = contactSource(o);
      if (!source) continue;
      ordersOf[source]++;
      const p = CONTACTS.rate[source];
      expected[source] += p;
      if (rng.chance(p)) write(o, source, 0);
    }
    const days = ctx.endDay - ctx.startDay + 1;
    const noOrderPerDay = (CONTACTS.noOrderPerOnlineOrder * onlineOrders) / days;
    for (let day = ctx.startDay; day <= ctx.endDay; day++) {
      const k = rng.poisson(noOrderPerDay);
      for (let i = 0; i < k; i++) write(null, 'noOrder', day);
    }
    expected.noOrder = noOrderPerDay * days;
    ordersOf.noOrder = 0;
    const total = Object.values(expected).reduce((s, v) => s + v, 0);
    const reasonShares = Object.fromEntries(
      REASONS.map((r) => [
        r,
        (Object.keys(expected) as ContactSource[]).reduce(
          (s, src) => s + expected[src] * (CONTACTS.reasons[src][r] ?? 0),
          0,
        ) / total,
      ]),
    );
    return {
      sources:
        'late = shipped online orders delivered late; onTime = other online orders (web, app, marketplace) not cancelled; cancelled = cancelled or fraud online orders; store = store orders of known customers; noOrder = contacts without an order',
      rate: CONTACTS.rate,
      ordersBySource: ordersOf,
      noOrderPerDay,
      reasonsBySource: CONTACTS.reasons,
      expectedContacts: expected,
      expectedReasonShares: reasonShares,
      channelShares: CONTACTS.channelShares,
      timing: TIMING,
      timingRule:
        'answered with answerRate; unanswered contacts have no first_response_at, resolved_at or handle_time_s. First response F = firstResponseMedianS·e^(σz), resolution D = resolutionMedianS·e^(σz) (same z: both medians exact, measured from opened_at), handle = min(handleMedianS·e^(handleSigma·w), D − F); times after the last day are left empty',
      expectedMeanHandleS: Object.fromEntries(
        Object.entries(TIMING).map(([c, t]) => [
          c,
          t.handleMedianS * Math.exp(t.handleSigma ** 2 / 2),
        ]),
      ),
      openingHours: {
        ...OPENING,
        rule: 'phone and chat contacts arriving outside 09:00–19:00 local or on Sunday are opened at the next opening, 09:00 + U(0, 3 h)',
      },
      pageBeforeContact: {
        channels: WEB_CONTACT_CHANNELS,
        byReason: PAGE_BEFORE_CONTACT,
        rule: 'only chat and email contacts (which come through the site) carry a page_before_contact',
      },
      lateDeliveryEffect: {
        contactRateLate: CONTACTS.rate.late,
        contactRateOnTime: CONTACTS.rate.onTime,
      },
      droppedOutsidePeriod: dropped,
    };
  }

  surveys(): Record<string, unknown> {
    const ctx = this.ctx;
    const rng = ctx.rng('service/surveys');
    const days = ctx.endDay - ctx.startDay + 1;
    const npsDays = {
      responses: new Int32Array(days),
      promoters: new Int32Array(days),
      detractors: new Int32Array(days),
    };
    const eligible = new Map<string, Record<SurveyGroup, number>>();
    let n = 0;
    const score = (kind: 'csat' | 'nps', group: SurveyGroup): number => {
      if (kind === 'csat') return 1 + rng.weightedIndex(SURVEYS.csat[group]);
      const cat = rng.weightedIndex(SURVEYS.nps[group]);
      if (cat === 0) return rng.weightedIndex(SURVEYS.detractorScores);
      if (cat === 1) return 7 + rng.weightedIndex(SURVEYS.passiveScores);
      return 9 + rng.weightedIndex(SURVEYS.promoterScores);
    };
    for (const o of ctx.orders) {
      if (abnormal(o) || (o.customerId === null && !isOnline(o))) continue;
      const group = surveyGroup(o);
      const counts = eligible.get(o.channelId) ?? ({} as Record<SurveyGroup, number>);
      counts[group] = (counts[group] ?? 0) + 1;
      eligible.set(o.channelId, counts);
      for (const kind of ['csat', 'nps'] as const) {
        if (!rng.chance(kind === 'csat' ? SURVEYS.csatResponse : SURVEYS.npsResponse)) continue;
        const base = o.deliveredAtMs ?? o.orderedAtMs;
        const at = Math.round(
          base + HOUR + rng.exponential(1 / (SURVEYS.delayMeanDays * MS_PER_DAY)),
        );
        const s = score(kind, group);
        if (at >= this.endMs) continue;
        ctx.out.row('surveys', [
          `SV${String(++n).padStart(9, '0')}`,
          o.customerId,
          o.orderId,
          o.channelId,
          this.text.format(at),
          kind,
          s,
        ]);
        if (kind === 'nps') {
          const i = this.clock.day(at) - ctx.startDay;
          npsDays.responses[i] = (npsDays.responses[i] ?? 0) + 1;
          if (s >= 9) npsDays.promoters[i] = (npsDays.promoters[i] ?? 0) + 1;
          else if (s <= 6) npsDays.detractors[i] = (npsDays.detractors[i] ?? 0) + 1;
        }
      }
    }
    ctx.npsDays = npsDays;
    const expected: Record<string, unknown> = {};
    for (const [channel, counts] of eligible) {
      const total = Object.values(counts).reduce((s, v) => s + v, 0);
      const mix = (f: (g: SurveyGroup) => number) =>
        (Object.entries(counts) as [SurveyGroup, number][]).reduce((s, [g, c]) => s + c * f(g), 0) /
        total;
      expected[channel] = {
        eligibleOrders: total,
        lateOrders: counts.late ?? 0,
        csatSatisfiedShare: mix(csatSatisfiedShare),
        npsPoints: mix(npsPoints),
      };
    }
    return {
      rule: 'orders not cancelled or fraud, online or of a known customer, answer a CSAT survey with csatResponse and an NPS survey with npsResponse; the score is drawn from the distribution of the order’s channel kind, or from `late` when the delivery was late; responded_at = (delivered_at or ordered_at) + 1 h + Exponential(delayMeanDays); answers after the last day are not kept',
      ...SURVEYS,
      definitions: {
        csatSatisfiedShare: 'answers with score 4 or 5 / answers (kind csat)',
        npsPoints: '100 × (share of scores 9–10 − share of scores 0–6) (kind nps)',
      },
      levels: Object.fromEntries(
        (Object.keys(SURVEYS.csat) as SurveyGroup[]).map((g) => [
          g,
          { csatSatisfiedShare: csatSatisfiedShare(g), npsPoints: npsPoints(g) },
        ]),
      ),
      expectedByChannel: expected,
    };
  }

  reviews(): Record<string, unknown> {
    const ctx = this.ctx;
    const rng = ctx.rng('service/reviews');
    const products = new Map<string, { quality: number; p: number[]; cum: number[] }>();
    for (const p of ctx.products) {
      const q = Math.min(
        REVIEWS.qualityMax,
        Math.max(REVIEWS.qualityMin, rng.normal(REVIEWS.qualityMean, REVIEWS.qualitySd)),
      );
      products.set(p.sku, { quality: q, p: ratingProbabilities(q), cum: [] });
    }
    let n = 0;
    for (const o of ctx.orders) {
      if (abnormal(o) || o.customerId === null) continue;
      const rate = o.channelKind === 'store' ? REVIEWS.storeRate : REVIEWS.onlineRate;
      for (const sku of o.skus) {
        if (!rng.chance(rate)) continue;
        const prod = products.get(sku);
        if (!prod) throw new Error(`service part: order ${o.orderId} has unknown SKU ${sku}`);
        const rating = 1 + rng.weightedIndex(prod.p);
        const at = Math.round(
          (o.deliveredAtMs ?? o.orderedAtMs) +
            MS_PER_DAY +
            rng.exponential(1 / (REVIEWS.delayMeanDays * MS_PER_DAY)),
        );
        if (at >= this.endMs) continue;
        ctx.out.row('reviews', [
          `RV${String(++n).padStart(8, '0')}`,
          sku,
          o.customerId,
          rating,
          this.text.format(at),
        ]);
      }
    }
    return {
      rule: 'each distinct SKU of an order of a known customer (not cancelled or fraud) is reviewed with onlineRate (web, app, marketplace) or storeRate; rating r ∈ 1…5 with P(r) ∝ exp(−(r − quality)² / (2 sigma²)); created_at = (delivered_at or ordered_at) + 1 day + Exponential(delayMeanDays)',
      ...REVIEWS,
      bySku: Object.fromEntries(
        [...products].map(([sku, p]) => [
          sku,
          {
            quality: p.quality,
            expectedRating: p.p.reduce((s, x, i) => s + x * (i + 1), 0),
            ratingProbabilities: p.p,
          },
        ]),
      ),
    };
  }
}

export const servicePart: DemoPart = {
  name: 'service',
  tables: ['support_contacts', 'surveys', 'reviews'],
  run(ctx: DemoContext): void {
    const sim = new ServiceSimulation(ctx);
    ctx.truth['service'] = {
      contacts: sim.contacts(),
      surveys: sim.surveys(),
      reviews: sim.reviews(),
    };
  },
};
