import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import { ParisClock, periodBounds } from '../clock/paris-clock.js';
import { TimestampText } from '../clock/timestamp-text.js';
import type { DemoContext, DemoOrder, DemoPart } from '../demo-context.js';
import type { Random } from '../random.js';
import { ExperimentSim, experimentWindow } from '../web/ab-test-sim.js';
import { AdSpendSim, adSpendTruth } from '../web/ad-spend-sim.js';
import {
  JourneySampler,
  TouchpointWriter,
  attributionTruth,
  journeyChain,
} from '../web/attribution-paths.js';
import { CampaignCalendar } from '../web/campaign-calendar.js';
import type { SessionHead } from '../web/session-sim.js';
import { ProductPicker, SessionSimulator, pickShare } from '../web/session-sim.js';
import type { Device, Medium, OnlineKind, PageType } from '../web/web-profile.js';
import {
  APP_HOME_LANDING,
  BOUNCE,
  CONVERSION_RATE,
  LANDING,
  LAST_TOUCH_SESSION,
  LOGGED_IN,
  NON_CONVERTING_MEDIA,
  RETURNING,
  SOURCES,
  deviceMix,
} from '../web/web-profile.js';
import { webTruth } from '../web/web-truth.js';

/** Local hour weights of sessions without an order (orders bring their own times). */
const HOUR_WEIGHTS = [
  0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 2, 2.4, 2.6, 2.9, 3, 2.7, 2.6, 2.7, 2.9, 3.2, 3.6, 4,
  4, 3, 1.6,
];

const HOUR_CUM: number[] = [];
HOUR_WEIGHTS.reduce((s, w) => {
  HOUR_CUM.push(s + w);
  return s + w;
}, 0);

/** Ids of the sessions and visitors this part makes up; the sales part's ids never start so. */
const SESSION_PREFIX = 'WS';
const VISITOR_PREFIX = 'WV';

/** A growable list of visitor keys (anonymous ≥ 0, known visitors −(index + 1)). */
class KeyList {
  items = new Int32Array(1024);
  length = 0;
  push(k: number): void {
    if (this.length === this.items.length) {
      const next = new Int32Array(this.items.length * 2);
      next.set(this.items);
      this.items = next;
    }
    this.items[this.length++] = k;
  }
}

interface OnlineChannel {
  readonly id: string;
  readonly kind: OnlineKind;
  readonly rate: number;
  readonly convertingPerDay: Float64Array;
  /** Filled once every order is bucketed by day. */
  expectedNonConverting: Float64Array;
  readonly deviceConverting: Record<string, number>;
  readonly deviceNonConverting: Record<string, number>;
}

/**
 * Non-converting sessions of a day: converting sessions of the same weekday over ±2 weeks
 * (smoothing the noise of small days, keeping weekday and season) × (1 − c) / c.
 */
function expectedNonConverting(converting: Float64Array, rate: number): Float64Array {
  const out = new Float64Array(converting.length);
  for (let i = 0; i < converting.length; i++) {
    let s = 0;
    let n = 0;
    for (let k = -2; k <= 2; k++) {
      const v = converting[i + 7 * k];
      if (v !== undefined) {
        s += v;
        n++;
      }
    }
    out[i] = ((s / n) * (1 - rate)) / rate;
  }
  return out;
}

interface DayState {
  readonly srng: Random;
  readonly jrng: Random;
  readonly head: SessionHead;
  readonly path: number[];
  readonly nullPaths: number[][];
  readonly newVisitors: number[];
  readonly newVisitorStarts: number[];
  readonly seen: number[];
}

class WebSimulation {
  private readonly ctx: DemoContext;
  private readonly clock = new ParisClock();
  private readonly text = new TimestampText();
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly days: number;
  private readonly channels: OnlineChannel[];
  private readonly channelById = new Map<string, OnlineChannel>();
  private readonly ordersByDay: DemoOrder[][];
  private readonly knownIndex = new Map<string, number>();
  private readonly knownIds: string[] = [];
  private readonly knownCustomer: (string | null)[] = [];
  private readonly calendar: CampaignCalendar;
  private readonly sessions: SessionSimulator;
  private readonly sampler = new JourneySampler(journeyChain());
  private readonly touches: TouchpointWriter;
  private readonly experiment: ExperimentSim;
  private readonly adSpend: AdSpendSim;
  private readonly averageDailyRevenue: number;
  private readonly pool = new KeyList();
  private readonly lastOrderAt = new Map<number, number>();
  private readonly sessionsPerDay: Int32Array;
  private readonly convertedPerDay: Int32Array;
  private anonymous = 0;
  /** Streams and per-day scratch state of the day loop. */
  private readonly day: DayState;
  private nonConvertingSessions = 0;
  private nullJourneys = 0;
  private convertingJourneys = 0;
  private events = 0;

  constructor(ctx: DemoContext) {
    this.ctx = ctx;
    ({ startMs: this.startMs, endMs: this.endMs } = periodBounds(
      this.clock,
      ctx.startDay,
      ctx.endDay,
    ));
    this.days = ctx.endDay - ctx.startDay + 1;
    this.sessionsPerDay = new Int32Array(this.days);
    this.convertedPerDay = new Int32Array(this.days);
    if (ctx.campaigns.length === 0) throw new Error('web part: run the campaigns part first');

    this.channels = ctx.channels
      .filter((c) => c.kind === 'web' || c.kind === 'app')
      .map((c) => {
        const kind = c.kind as OnlineKind;
        const rate = CONVERSION_RATE[kind];
        const mix = deviceMix(kind, rate);
        return {
          id: c.id,
          kind,
          rate,
          convertingPerDay: new Float64Array(this.days),
          expectedNonConverting: new Float64Array(0),
          deviceConverting: Object.fromEntries(mix.map((m) => [m.device, m.converting])),
          deviceNonConverting: Object.fromEntries(mix.map((m) => [m.device, m.nonConverting])),
        };
      });
    for (const c of this.channels) this.channelById.set(c.id, c);

    for (const cu of ctx.customers) this.known(cu.visitorId, cu.id);
    this.ordersByDay = Array.from({ length: this.days }, () => []);
    const skuCounts = new Map<string, number>();
    let revenue = 0;
    const currencyOf = new Map(ctx.channels.map((c) => [c.id, c.currency]));
    const online = ctx.orders
      .filter((o) => o.sessionId !== null)
      .sort((a, b) => a.orderedAtMs - b.orderedAtMs);
    for (const o of online) {
      const ch = this.channelById.get(o.channelId);
      if (!ch || o.visitorId === null || o.sessionId === null) {
        throw new Error(
          `web part: order ${o.orderId} has a session but no web/app channel or visitor`,
        );
      }
      const i = this.clock.day(o.orderedAtMs) - ctx.startDay;
      const bucket = this.ordersByDay[i];
      if (!bucket) throw new Error(`web part: order ${o.orderId} is outside the period`);
      bucket.push(o);
      ch.convertingPerDay[i] = (ch.convertingPerDay[i] ?? 0) + 1;
      this.known(o.visitorId, o.customerId);
      if (o.sessionId.startsWith(SESSION_PREFIX)) {
        throw new Error(
          `web part: session ${o.sessionId} uses the prefix reserved for the web part`,
        );
      }
      for (const sku of o.skus) skuCounts.set(sku, (skuCounts.get(sku) ?? 0) + 1);
      const cur = currencyOf.get(o.channelId) ?? ctx.reportingCurrency;
      const fx = cur === ctx.reportingCurrency ? 1 : (ctx.fx.get(cur)?.get(i + ctx.startDay) ?? 1);
      if (o.status !== 'cancelled' && o.status !== 'fraud') revenue += (o.subtotalCents / 100) * fx;
    }
    for (const c of this.channels) {
      c.expectedNonConverting = expectedNonConverting(c.convertingPerDay, c.rate);
    }
    this.averageDailyRevenue = revenue / this.days;

    this.calendar = new CampaignCalendar(ctx.campaigns, ctx.startDay, ctx.endDay);
    this.touches = new TouchpointWriter(
      ctx.out,
      this.text,
      this.clock,
      this.calendar,
      this.startMs,
    );
    this.sessions = new SessionSimulator(
      ctx.out,
      this.text,
      new ProductPicker(ctx.products, skuCounts),
      this.startMs,
      this.endMs,
    );
    const convertingPerDay = new Array<number>(this.days).fill(0);
    for (const c of this.channels)
      c.convertingPerDay.forEach((v, i) => (convertingPerDay[i] = (convertingPerDay[i] ?? 0) + v));
    this.experiment = new ExperimentSim(
      experimentWindow(convertingPerDay, ctx.startDay, ctx.endDay),
    );
    this.adSpend = new AdSpendSim(this.calendar, ctx.reportingCurrency, this.averageDailyRevenue);
    this.day = {
      srng: ctx.rng('web/sessions'),
      jrng: ctx.rng('web/journeys'),
      head: {
        sessionId: '',
        visitorId: '',
        customerId: null,
        channelId: '',
        kind: 'web',
        device: 'desktop',
        source: '',
        medium: '',
        campaignId: null,
        landing: 'home',
      },
      path: [],
      nullPaths: [],
      newVisitors: [],
      newVisitorStarts: [],
      seen: [],
    };
  }

  private known(visitorId: string, customerId: string | null): number {
    let k = this.knownIndex.get(visitorId);
    if (k === undefined) {
      if (visitorId.startsWith(VISITOR_PREFIX)) {
        throw new Error(`web part: visitor ${visitorId} uses the prefix reserved for the web part`);
      }
      k = this.knownIds.length;
      this.knownIndex.set(visitorId, k);
      this.knownIds.push(visitorId);
      this.knownCustomer.push(customerId);
    } else if (customerId !== null && this.knownCustomer[k] === null) {
      this.knownCustomer[k] = customerId;
    }
    return k;
  }

  private visitorId = (key: number): string => {
    if (key < 0) return this.knownIds[-key - 1] ?? '';
    return `${VISITOR_PREFIX}${String(key).padStart(8, '0')}`;
  };

  private sessionStartMs(rng: Random, day: number): number {
    const x = rng.next() * (HOUR_CUM[HOUR_CUM.length - 1] ?? 1);
    let hour = 0;
    while (hour < 23 && x >= (HOUR_CUM[hour] ?? 0)) hour++;
    return this.clock.utcMs(day, hour * 60 + rng.next() * 60);
  }

  private landing(rng: Random, kind: OnlineKind, medium: Medium): PageType {
    if (kind === 'app' && rng.chance(APP_HOME_LANDING)) return 'home';
    return pickShare(rng, LANDING[medium]);
  }

  private localDayIndex(ms: number): number {
    return this.clock.day(ms) - this.ctx.startDay;
  }

  private tally(visitor: number, startMs: number, converted: boolean): void {
    const i = this.localDayIndex(startMs);
    this.sessionsPerDay[i] = (this.sessionsPerDay[i] ?? 0) + 1;
    if (converted) this.convertedPerDay[i] = (this.convertedPerDay[i] ?? 0) + 1;
    if (this.experiment.inWindow(i + this.ctx.startDay))
      this.experiment.see(visitor, startMs, converted);
  }

  /** The session of an online order, preceded by the visitor's converting journey. */
  private convertOrder(order: DemoOrder, day: number): void {
    const { srng, jrng, head, path } = this.day;
    const ch = this.channelById.get(order.channelId) as OnlineChannel;
    while (!this.sampler.draw(jrng, path)) this.day.nullPaths.push([...path]);
    this.convertingJourneys++;
    const last = path[path.length - 1] ?? 0;
    let campaignChannel = -1;
    if (jrng.chance(LAST_TOUCH_SESSION.override)) {
      head.medium = pickShare(jrng, LAST_TOUCH_SESSION.overrideMedia);
      head.source =
        SOURCES[head.medium as Medium][pickIndex(jrng, head.medium as Medium)]?.source ??
        '(direct)';
    } else {
      const m = LAST_TOUCH_SESSION.byChannel[CAMPAIGN_CHANNELS[last] ?? 'seo'];
      head.medium = m.medium;
      head.source = m.source;
      if (m.campaign) campaignChannel = last;
    }
    const visitor = -this.known(order.visitorId as string, order.customerId) - 1;
    head.sessionId = order.sessionId as string;
    head.visitorId = order.visitorId as string;
    head.customerId = order.customerId;
    head.channelId = ch.id;
    head.kind = ch.kind;
    head.device = pickShare(srng, ch.deviceConverting) as Device;
    head.landing = this.landing(srng, ch.kind, head.medium as Medium);
    const previous = this.lastOrderAt.get(visitor);
    const lowMs = Math.max(this.startMs, previous === undefined ? -Infinity : previous + 1000);
    const startMs = this.sessions.convert(srng, head, order, day, lowMs);
    // The campaign must run on the day the session starts, which may be the evening before.
    const startDay = this.clock.day(startMs);
    if (startDay < day - 1)
      throw new Error(`web part: session of ${order.orderId} starts too early`);
    const campaign =
      campaignChannel >= 0 ? this.calendar.pick(jrng, campaignChannel, startDay) : -1;
    head.campaignId = this.calendar.campaigns[campaign]?.id ?? null;
    const res = this.sessions.commitOrder(srng, head, order.orderId);
    this.events += res.events;
    this.adSpend.countSession(campaign, startDay);
    this.tally(visitor, res.startMs, true);
    this.day.seen.push(visitor);
    this.touches.write(jrng, path, head.visitorId, order.customerId, res.startMs, lowMs, campaign);
    this.lastOrderAt.set(visitor, order.orderedAtMs);
  }

  /** Sessions without an order of a channel on a day. */
  private browseDay(ch: OnlineChannel, i: number, day: number): void {
    const { srng, head } = this.day;
    const n = srng.poisson(ch.expectedNonConverting[i] ?? 0);
    for (let s = 0; s < n; s++) {
      const startMs = this.sessionStartMs(srng, day);
      let visitor: number;
      let isNew = false;
      if (this.pool.length > 0 && srng.chance(RETURNING[ch.kind])) {
        // Recent visitors come back more often than old ones.
        const u = srng.next();
        visitor = this.pool.items[Math.floor(this.pool.length * (1 - u * u))] ?? 0;
      } else {
        visitor = this.anonymous++;
        isNew = true;
      }
      const medium = pickShare(srng, NON_CONVERTING_MEDIA[ch.kind]);
      const src = SOURCES[medium][pickIndex(srng, medium)];
      const campaign =
        src?.campaignChannel != null
          ? this.calendar.pick(srng, CAMPAIGN_CHANNELS.indexOf(src.campaignChannel), day)
          : -1;
      const customer = visitor < 0 ? (this.knownCustomer[-visitor - 1] ?? null) : null;
      head.sessionId = `${SESSION_PREFIX}${String(++this.nonConvertingSessions).padStart(9, '0')}`;
      head.visitorId = this.visitorId(visitor);
      head.customerId = customer !== null && srng.chance(LOGGED_IN) ? customer : null;
      head.channelId = ch.id;
      head.kind = ch.kind;
      head.device = pickShare(srng, ch.deviceNonConverting) as Device;
      head.source = src?.source ?? '(direct)';
      head.medium = medium;
      head.campaignId = this.calendar.campaigns[campaign]?.id ?? null;
      head.landing = this.landing(srng, ch.kind, medium);
      const bounce = BOUNCE.byMedium[medium] * (ch.kind === 'app' ? BOUNCE.appFactor : 1);
      const res = this.sessions.browse(srng, head, startMs, day, bounce);
      this.events += res.events;
      this.adSpend.countSession(campaign, day);
      this.tally(visitor, res.startMs, false);
      this.day.seen.push(visitor);
      if (isNew) {
        this.day.newVisitors.push(visitor);
        this.day.newVisitorStarts.push(res.startMs);
      }
    }
  }

  /** Null journeys of the day: each to a distinct new anonymous visitor, ending at their visit. */
  private placeNullJourneys(day: number): void {
    const { jrng, nullPaths, newVisitors, newVisitorStarts } = this.day;
    for (const p of nullPaths) {
      let visitor: number;
      let sessionStart: number;
      if (newVisitors.length > 0) {
        const j = jrng.int(0, newVisitors.length - 1);
        visitor = newVisitors[j] ?? 0;
        sessionStart = newVisitorStarts[j] ?? 0;
        newVisitors[j] = newVisitors[newVisitors.length - 1] ?? 0;
        newVisitorStarts[j] = newVisitorStarts[newVisitorStarts.length - 1] ?? 0;
        newVisitors.pop();
        newVisitorStarts.pop();
      } else {
        visitor = this.anonymous++;
        sessionStart = this.sessionStartMs(jrng, day);
      }
      this.touches.write(jrng, p, this.visitorId(visitor), null, sessionStart, this.startMs, -1);
      this.nullJourneys++;
    }
  }

  run(): void {
    const ctx = this.ctx;
    const arng = ctx.rng('web/ad-spend');
    const d = this.day;
    for (let i = 0; i < this.days; i++) {
      const day = ctx.startDay + i;
      d.nullPaths.length = 0;
      d.newVisitors.length = 0;
      d.newVisitorStarts.length = 0;
      d.seen.length = 0;
      for (const order of this.ordersByDay[i] ?? []) this.convertOrder(order, day);
      for (const ch of this.channels) this.browseDay(ch, i, day);
      this.placeNullJourneys(day);
      // Yesterday's clicks are complete once today's orders (whose sessions may start the evening before) are in.
      if (i > 0) this.adSpend.writeDay(arng, ctx.out, day - 1);
      for (const v of d.seen) this.pool.push(v);
    }

    this.adSpend.writeDay(arng, ctx.out, ctx.endDay);
    const experiment = this.experiment.write(
      ctx.rng('web/experiment'),
      ctx.out,
      this.text,
      this.visitorId,
    );
    ctx.webDays = { sessions: this.sessionsPerDay, converted: this.convertedPerDay };
    ctx.truth['web'] = webTruth({
      channels: this.channels.map((c) => ({
        id: c.id,
        kind: c.kind,
        rate: c.rate,
        converting: c.convertingPerDay.reduce((s, v) => s + v, 0),
        expectedNonConverting: c.expectedNonConverting.reduce((s, v) => s + v, 0),
      })),
      sessions: this.sessionsPerDay.reduce((s, v) => s + v, 0),
      events: this.events,
    });
    ctx.truth['attribution'] = {
      ...attributionTruth(journeyChain()),
      journeys: { converting: this.convertingJourneys, null: this.nullJourneys },
    };
    ctx.truth['adSpend'] = adSpendTruth(this.averageDailyRevenue);
    ctx.truth['experiment'] = experiment;
  }
}

const SOURCE_WEIGHTS = new Map<Medium, number[]>(
  Object.entries(SOURCES).map(([m, list]) => [m as Medium, list.map((s) => s.share)]),
);

function pickIndex(rng: Random, medium: Medium): number {
  return rng.weightedIndex(SOURCE_WEIGHTS.get(medium) ?? [1]);
}

export const webPart: DemoPart = {
  name: 'web',
  tables: [
    'sessions',
    'web_events',
    'touchpoints',
    'ad_spend',
    'experiments',
    'experiment_assignments',
  ],
  run(ctx: DemoContext): void {
    new WebSimulation(ctx).run();
  },
};
