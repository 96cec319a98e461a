import type { CampaignChannel } from '../parts/campaigns-part.js';

/**
 * The behaviour of Maison Vitrine's web and app visitors: every number the web part draws from.
 * The manifest is written from these same objects, so what tests read is what was simulated.
 */

export type OnlineKind = 'web' | 'app';
export type Medium =
  'organic' | 'cpc' | 'email' | 'sms' | 'social' | 'referral' | 'affiliate' | '(none)';
export type Device = 'desktop' | 'mobile' | 'tablet';
export type PageType =
  | 'home'
  | 'category'
  | 'search'
  | 'product'
  | 'content'
  | 'account'
  | 'cart'
  | 'checkout'
  | 'contact';

export const MEDIA: readonly Medium[] = [
  'organic',
  'cpc',
  'email',
  'sms',
  'social',
  'referral',
  'affiliate',
  '(none)',
];

/** Sessions with an order / sessions, per kind of online channel. */
export const CONVERSION_RATE: Record<OnlineKind, number> = { web: 0.032, app: 0.055 };

/** Medium of sessions without an order (shares sum to 1 per kind). */
export const NON_CONVERTING_MEDIA: Record<OnlineKind, Record<Medium, number>> = {
  web: {
    organic: 0.34,
    cpc: 0.18,
    email: 0.07,
    sms: 0.01,
    social: 0.12,
    referral: 0.05,
    affiliate: 0.03,
    '(none)': 0.2,
  },
  app: {
    organic: 0.05,
    cpc: 0.08,
    email: 0.14,
    sms: 0.05,
    social: 0.1,
    referral: 0.01,
    affiliate: 0.02,
    '(none)': 0.55,
  },
};

/** Sources of a medium for sessions without an order, and the channel of their campaign. */
export const SOURCES: Record<
  Medium,
  readonly { source: string; share: number; campaignChannel: CampaignChannel | null }[]
> = {
  organic: [
    { source: 'google', share: 0.9, campaignChannel: null },
    { source: 'bing', share: 0.07, campaignChannel: null },
    { source: 'qwant', share: 0.03, campaignChannel: null },
  ],
  cpc: [
    { source: 'google', share: 0.8, campaignChannel: 'sea' },
    { source: 'criteo', share: 0.2, campaignChannel: 'display' },
  ],
  email: [{ source: 'newsletter', share: 1, campaignChannel: 'email' }],
  sms: [{ source: 'sms', share: 1, campaignChannel: 'sms' }],
  social: [
    { source: 'instagram', share: 0.24, campaignChannel: 'social' },
    { source: 'facebook', share: 0.21, campaignChannel: 'social' },
    { source: 'pinterest', share: 0.09, campaignChannel: 'social' },
    { source: 'tiktok', share: 0.06, campaignChannel: 'social' },
    // Organic social posts: no campaign.
    { source: 'instagram', share: 0.16, campaignChannel: null },
    { source: 'facebook', share: 0.12, campaignChannel: null },
    { source: 'pinterest', share: 0.12, campaignChannel: null },
  ],
  referral: [
    { source: 'elle.fr', share: 0.3, campaignChannel: null },
    { source: 'houzz.fr', share: 0.3, campaignChannel: null },
    { source: 'marieclaire.fr', share: 0.2, campaignChannel: null },
    { source: 'leboncoin.fr', share: 0.2, campaignChannel: null },
  ],
  affiliate: [
    { source: 'igraal', share: 0.45, campaignChannel: 'affiliate' },
    { source: 'poulpeo', share: 0.3, campaignChannel: 'affiliate' },
    { source: 'awin', share: 0.25, campaignChannel: 'affiliate' },
  ],
  '(none)': [{ source: '(direct)', share: 1, campaignChannel: null }],
};

/**
 * Converting sessions take their source from the visitor's last touchpoint (the click or open
 * that brought them); impressions (display, tv) bring the visitor back directly. With probability
 * `override` the visitor comes back another way (typed URL 70 %, a referring site 30 %).
 */
export const LAST_TOUCH_SESSION: {
  readonly override: number;
  readonly overrideMedia: Readonly<Partial<Record<Medium, number>>>;
  readonly byChannel: Record<
    CampaignChannel,
    { medium: Medium; source: string; campaign: boolean }
  >;
} = {
  override: 0.12,
  overrideMedia: { '(none)': 0.7, referral: 0.3 },
  byChannel: {
    sea: { medium: 'cpc', source: 'google', campaign: true },
    social: { medium: 'social', source: 'instagram', campaign: true },
    display: { medium: '(none)', source: '(direct)', campaign: false },
    email: { medium: 'email', source: 'newsletter', campaign: true },
    affiliate: { medium: 'affiliate', source: 'igraal', campaign: true },
    sms: { medium: 'sms', source: 'sms', campaign: true },
    seo: { medium: 'organic', source: 'google', campaign: false },
    tv: { medium: '(none)', source: '(direct)', campaign: false },
  },
};

/** Device shares of all sessions and relative conversion per device (conversion ∝ multiplier). */
export const DEVICES: Record<
  OnlineKind,
  Readonly<Partial<Record<Device, { share: number; multiplier: number }>>>
> = {
  web: {
    desktop: { share: 0.4, multiplier: 1.5 },
    mobile: { share: 0.52, multiplier: 0.7 },
    tablet: { share: 0.08, multiplier: 1.0 },
  },
  app: {
    mobile: { share: 0.88, multiplier: 1 },
    tablet: { share: 0.12, multiplier: 1 },
  },
};

/** Landing page type by medium (shares sum to 1). App sessions open on home with appHome. */
export const LANDING: Record<Medium, Readonly<Partial<Record<PageType, number>>>> = {
  organic: { product: 0.4, category: 0.3, content: 0.15, home: 0.15 },
  cpc: { product: 0.5, category: 0.35, home: 0.15 },
  email: { category: 0.5, product: 0.3, home: 0.2 },
  sms: { category: 0.6, home: 0.4 },
  social: { product: 0.5, content: 0.3, home: 0.2 },
  referral: { content: 0.5, product: 0.3, home: 0.2 },
  affiliate: { product: 0.7, category: 0.3 },
  '(none)': { home: 0.8, category: 0.1, account: 0.1 },
};
export const APP_HOME_LANDING = 0.6;

/** Bounce probability (a single page) of sessions without an order; app sessions × appFactor. */
export const BOUNCE: { readonly byMedium: Record<Medium, number>; readonly appFactor: number } = {
  byMedium: {
    organic: 0.45,
    cpc: 0.42,
    email: 0.4,
    sms: 0.45,
    social: 0.6,
    referral: 0.5,
    affiliate: 0.35,
    '(none)': 0.38,
  },
  appFactor: 0.6,
};

/** Pages after the landing of a session that did not bounce: 1 + Poisson(extraPagesMean). */
export const BROWSE = {
  extraPagesMean: 1.6,
  /** Pages browsed before the basket in a converting session: Poisson(mean). */
  convertingBrowseMean: 1.5,
  nextPage: {
    category: 0.28,
    product: 0.42,
    search: 0.1,
    home: 0.08,
    content: 0.06,
    account: 0.06,
  } as Readonly<Partial<Record<PageType, number>>>,
  /** Seconds on a page: minSeconds + Exponential(meanExtraSeconds). */
  minSeconds: 8,
  meanExtraSeconds: 38,
  /** Seconds on the checkout page of a converting session before the purchase. */
  checkoutMinSeconds: 60,
  checkoutMeanExtraSeconds: 90,
};

/** Funnel of sessions without an order that did not bounce. */
export const FUNNEL: {
  readonly addToCart: Record<OnlineKind, number>;
  readonly checkoutGivenCart: number;
  readonly contactPage: number;
} = {
  addToCart: { web: 0.2, app: 0.26 },
  checkoutGivenCart: 0.45,
  contactPage: 0.02,
};

/** Session page_load_ms ~ LogNormal(ln median, sigma) by landing page type. */
export const PAGE_LOAD: Readonly<Partial<Record<PageType, { median: number; sigma: number }>>> = {
  home: { median: 1300, sigma: 0.4 },
  category: { median: 1650, sigma: 0.42 },
  product: { median: 1850, sigma: 0.45 },
  search: { median: 1500, sigma: 0.4 },
  content: { median: 1400, sigma: 0.5 },
  account: { median: 1200, sigma: 0.35 },
};

/**
 * Probability that a session without an order belongs to a visitor seen on an earlier day (drawn
 * from earlier visitors, recent ones more likely); otherwise a new anonymous visitor.
 */
export const RETURNING: Record<OnlineKind, number> = { web: 0.3, app: 0.7 };
/** Share of sessions of a known customer's visitor that are logged in. */
export const LOGGED_IN = 0.5;

/** z of the 75th percentile of a standard normal. */
const Z75 = 0.6744897501960817;

export function pageLoadTruth(): Record<string, { median: number; p75: number; sigma: number }> {
  const out: Record<string, { median: number; p75: number; sigma: number }> = {};
  for (const [page, p] of Object.entries(PAGE_LOAD)) {
    if (p)
      out[page] = { median: p.median, p75: p.median * Math.exp(Z75 * p.sigma), sigma: p.sigma };
  }
  return out;
}

/** Per device: share among converting and non-converting sessions, and its conversion rate. */
export function deviceMix(
  kind: OnlineKind,
  rate: number,
): { device: Device; share: number; converting: number; nonConverting: number; rate: number }[] {
  const entries = Object.entries(DEVICES[kind]) as [
    Device,
    { share: number; multiplier: number },
  ][];
  const norm = entries.reduce((s, [, d]) => s + d.share * d.multiplier, 0);
  return entries.map(([device, d]) => {
    const r = (rate * d.multiplier) / norm;
    return {
      device,
      share: d.share,
      rate: r,
      converting: (d.share * d.multiplier) / norm,
      nonConverting: (d.share * (1 - r)) / (1 - rate),
    };
  });
}
