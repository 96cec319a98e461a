import { lastTouchShares } from '../../analytics/attribution/absorbing-chain.js';
import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import { CONVERSION, journeyChain } from './attribution-paths.js';
import type { Medium, OnlineKind } from './web-profile.js';
import {
  APP_HOME_LANDING,
  BOUNCE,
  BROWSE,
  CONVERSION_RATE,
  DEVICES,
  FUNNEL,
  LANDING,
  LAST_TOUCH_SESSION,
  LOGGED_IN,
  MEDIA,
  NON_CONVERTING_MEDIA,
  RETURNING,
  SOURCES,
  deviceMix,
  pageLoadTruth,
} from './web-profile.js';

export interface WebTruthInput {
  readonly channels: readonly {
    readonly id: string;
    readonly kind: OnlineKind;
    readonly rate: number;
    /** Converting sessions (= online orders of the channel): an input from the sales part. */
    readonly converting: number;
    /** Σ of the Poisson means of sessions without an order. */
    readonly expectedNonConverting: number;
  }[];
  readonly sessions: number;
  readonly events: number;
}

/** Share of converting sessions per medium: from the chain's last touch, or the override. */
export function convertingMediumShares(): Record<Medium, number> {
  const last = lastTouchShares(journeyChain(), CONVERSION);
  const out = Object.fromEntries(MEDIA.map((m) => [m, 0])) as Record<Medium, number>;
  const o = LAST_TOUCH_SESSION.override;
  CAMPAIGN_CHANNELS.forEach((ch, i) => {
    const m = LAST_TOUCH_SESSION.byChannel[ch].medium;
    out[m] += (1 - o) * (last[i] ?? 0);
  });
  for (const [m, p] of Object.entries(LAST_TOUCH_SESSION.overrideMedia)) {
    out[m as Medium] += o * (p ?? 0);
  }
  return out;
}

function bounceOfKind(kind: OnlineKind): number {
  const factor = kind === 'app' ? BOUNCE.appFactor : 1;
  return MEDIA.reduce((s, m) => s + NON_CONVERTING_MEDIA[kind][m] * BOUNCE.byMedium[m] * factor, 0);
}

/** The web section of the manifest: parameters, and the session-level rates they imply. */
export function webTruth(input: WebTruthInput): Record<string, unknown> {
  const q = convertingMediumShares();
  let conv = 0;
  let nonConv = 0;
  let bounced = 0;
  let carts = 0;
  let checkouts = 0;
  const byMediumConv: Record<string, number> = {};
  const byMediumAll: Record<string, number> = {};
  const byDeviceConv: Record<string, number> = {};
  const byDeviceAll: Record<string, number> = {};
  for (const c of input.channels) {
    conv += c.converting;
    nonConv += c.expectedNonConverting;
    const b = bounceOfKind(c.kind);
    bounced += c.expectedNonConverting * b;
    const cartsNc = c.expectedNonConverting * (1 - b) * FUNNEL.addToCart[c.kind];
    carts += c.converting + cartsNc;
    checkouts += c.converting + cartsNc * FUNNEL.checkoutGivenCart;
    for (const m of MEDIA) {
      const cm = c.converting * q[m];
      byMediumConv[m] = (byMediumConv[m] ?? 0) + cm;
      byMediumAll[m] =
        (byMediumAll[m] ?? 0) + cm + c.expectedNonConverting * NON_CONVERTING_MEDIA[c.kind][m];
    }
    for (const d of deviceMix(c.kind, c.rate)) {
      const cd = c.converting * d.converting;
      byDeviceConv[d.device] = (byDeviceConv[d.device] ?? 0) + cd;
      byDeviceAll[d.device] =
        (byDeviceAll[d.device] ?? 0) + cd + c.expectedNonConverting * d.nonConverting;
    }
  }
  const total = conv + nonConv;
  const ratio = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(b).map((k) => [k, (b[k] ?? 0) > 0 ? (a[k] ?? 0) / (b[k] ?? 1) : 0]),
    );
  return {
    definitions: {
      conversionRate: 'sessions with order_id / sessions',
      bounced: 'pageviews = 1 (one page_view event)',
      addedToCart: 'the session has an add_to_cart event',
      beganCheckout: 'the session has a begin_checkout event',
      pageviews: 'number of page_view events of the session',
      durationS: 'seconds from the first to the last event of the session',
      pageLoadMs: 'sessions.page_load_ms ~ LogNormal(ln median, sigma) of the landing page type',
    },
    conversion: {
      byKind: CONVERSION_RATE,
      byChannel: Object.fromEntries(
        input.channels.map((c) => [
          c.id,
          {
            kind: c.kind,
            rate: c.rate,
            convertingSessions: c.converting,
            expectedNonConvertingSessions: c.expectedNonConverting,
          },
        ]),
      ),
      expectedOverall: total > 0 ? conv / total : 0,
      expectedByMedium: ratio(byMediumConv, byMediumAll),
      expectedByDevice: ratio(byDeviceConv, byDeviceAll),
      nonConvertingRule:
        'sessions without an order per channel and local day ~ Poisson(mean converting sessions of the same weekday over ±2 weeks × (1 − rate) / rate)',
    },
    media: {
      nonConvertingShares: NON_CONVERTING_MEDIA,
      convertingShares: q,
      sources: SOURCES,
      convertingSessionFromLastTouch: LAST_TOUCH_SESSION,
    },
    devices: {
      params: DEVICES,
      byKind: Object.fromEntries(
        (Object.keys(CONVERSION_RATE) as OnlineKind[]).map((k) => [
          k,
          deviceMix(k, CONVERSION_RATE[k]),
        ]),
      ),
    },
    landing: { byMedium: LANDING, appHomeLanding: APP_HOME_LANDING },
    bounce: {
      nonConvertingByMedium: BOUNCE.byMedium,
      appFactor: BOUNCE.appFactor,
      converting: 0,
      expectedOverall: total > 0 ? bounced / total : 0,
    },
    funnel: {
      ...FUNNEL,
      rule: 'sessions without an order that did not bounce add to cart with addToCart[kind], then begin checkout with checkoutGivenCart, and reach the contact page with contactPage; converting sessions always add to cart and begin checkout',
      expectedAddToCartRate: total > 0 ? carts / total : 0,
      expectedCheckoutRate: total > 0 ? checkouts / total : 0,
      expectedCartAbandonment: carts > 0 ? 1 - conv / carts : 0,
    },
    browse: BROWSE,
    pageLoad: pageLoadTruth(),
    returning: {
      nonConvertingReturningProbability: RETURNING,
      rule: 'a session without an order belongs, with this probability, to a visitor seen in a session on an earlier local day (recent visitors more likely); otherwise to a new anonymous visitor (id WV…)',
    },
    loggedIn: {
      share: LOGGED_IN,
      rule: 'sessions without an order of a known customer carry customer_id with this probability; converting sessions carry the order’s customer',
    },
    volume: { sessions: input.sessions, events: input.events },
  };
}
