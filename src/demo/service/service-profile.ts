/**
 * Customer service, surveys and reviews of Maison Vitrine: every number the service part draws
 * from, written to the manifest as is.
 */

export const CONTACT_CHANNELS = ['phone', 'email', 'chat', 'social'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const REASONS = [
  'where_is_my_order',
  'return_refund',
  'damaged_item',
  'product_question',
  'payment',
  'order_change',
  'loyalty',
  'other',
] as const;
export type Reason = (typeof REASONS)[number];

/** Where contacts come from: which orders, with what probability, and their reasons. */
export type ContactSource = 'late' | 'onTime' | 'cancelled' | 'store' | 'noOrder';

export const CONTACTS: {
  /** Probability that an order of the source leads to one contact. */
  readonly rate: Record<Exclude<ContactSource, 'noOrder'>, number>;
  /** Contacts without an order per day = this × mean online orders per day. */
  readonly noOrderPerOnlineOrder: number;
  readonly reasons: Record<ContactSource, Readonly<Partial<Record<Reason, number>>>>;
  readonly channelShares: Record<ContactChannel, number>;
  /** Share of no-order contacts from a known customer. */
  readonly noOrderKnownCustomer: number;
} = {
  rate: { late: 0.3, onTime: 0.05, cancelled: 0.15, store: 0.01 },
  noOrderPerOnlineOrder: 0.01,
  reasons: {
    late: {
      where_is_my_order: 0.7,
      damaged_item: 0.08,
      return_refund: 0.08,
      order_change: 0.07,
      payment: 0.03,
      other: 0.04,
    },
    onTime: {
      where_is_my_order: 0.22,
      return_refund: 0.33,
      damaged_item: 0.14,
      product_question: 0.1,
      payment: 0.08,
      order_change: 0.08,
      loyalty: 0.02,
      other: 0.03,
    },
    cancelled: { payment: 0.6, order_change: 0.3, other: 0.1 },
    store: {
      return_refund: 0.45,
      product_question: 0.25,
      damaged_item: 0.15,
      loyalty: 0.1,
      other: 0.05,
    },
    noOrder: { product_question: 0.55, loyalty: 0.2, other: 0.15, payment: 0.1 },
  },
  channelShares: { phone: 0.3, email: 0.35, chat: 0.25, social: 0.1 },
  noOrderKnownCustomer: 0.6,
};

/**
 * Timing per channel. First response F = firstResponseMedian·e^(σz) and resolution (opened →
 * resolved) D = resolutionMedian·e^(σz) share the same z, so both medians are exact and D > F;
 * handle time H = handleMedian·e^(handleSigma·w), capped at D − F (rarely binding).
 */
export const TIMING: Record<
  ContactChannel,
  {
    readonly answerRate: number;
    readonly firstResponseMedianS: number;
    readonly resolutionMedianS: number;
    readonly sigma: number;
    readonly handleMedianS: number;
    readonly handleSigma: number;
    /** Phone and chat are answered in opening hours only. */
    readonly openingHoursOnly: boolean;
  }
> = {
  phone: {
    answerRate: 0.84,
    firstResponseMedianS: 75,
    resolutionMedianS: 40 * 60,
    sigma: 0.7,
    handleMedianS: 6 * 60,
    handleSigma: 0.5,
    openingHoursOnly: true,
  },
  chat: {
    answerRate: 0.95,
    firstResponseMedianS: 40,
    resolutionMedianS: 45 * 60,
    sigma: 0.7,
    handleMedianS: 7 * 60,
    handleSigma: 0.5,
    openingHoursOnly: true,
  },
  email: {
    answerRate: 0.99,
    firstResponseMedianS: 5 * 3600,
    resolutionMedianS: 28 * 3600,
    sigma: 0.7,
    handleMedianS: 7 * 60,
    handleSigma: 0.5,
    openingHoursOnly: false,
  },
  social: {
    answerRate: 0.93,
    firstResponseMedianS: 2 * 3600,
    resolutionMedianS: 10 * 3600,
    sigma: 0.7,
    handleMedianS: 5 * 60,
    handleSigma: 0.5,
    openingHoursOnly: false,
  },
};

/** Opening hours of phone and chat: Monday–Saturday, 09:00–19:00 local. */
export const OPENING = { fromHour: 9, toHour: 19, closedWeekday: 7 };

/** Last page seen before contacting, for contacts through the web (chat, email form). */
export const PAGE_BEFORE_CONTACT: Record<Reason, Readonly<Record<string, number>>> = {
  where_is_my_order: { order_tracking: 0.6, account: 0.3, home: 0.1 },
  return_refund: { returns: 0.7, account: 0.3 },
  damaged_item: { account: 0.5, returns: 0.3, home: 0.2 },
  product_question: { product: 0.8, category: 0.2 },
  payment: { checkout: 0.8, cart: 0.2 },
  order_change: { account: 0.7, checkout: 0.3 },
  loyalty: { account: 0.8, home: 0.2 },
  other: { home: 0.6, content: 0.4 },
};
export const WEB_CONTACT_CHANNELS: readonly ContactChannel[] = ['chat', 'email'];

export type SurveyGroup = 'store' | 'web' | 'app' | 'marketplace' | 'phone' | 'late';

/** Survey answers: per order, probability of a CSAT and of an NPS answer. */
export const SURVEYS = {
  csatResponse: 0.06,
  npsResponse: 0.03,
  /** Answer delay after delivery (or purchase in store): 1 h + Exponential(mean days). */
  delayMeanDays: 1.5,
  /** P(score = 1…5) by channel kind; late deliveries answer from `late`. */
  csat: {
    store: [0.03, 0.04, 0.11, 0.38, 0.44],
    web: [0.04, 0.05, 0.13, 0.38, 0.4],
    app: [0.03, 0.04, 0.11, 0.37, 0.45],
    marketplace: [0.06, 0.07, 0.15, 0.36, 0.36],
    phone: [0.04, 0.05, 0.13, 0.38, 0.4],
    late: [0.18, 0.17, 0.25, 0.24, 0.16],
  } as Record<SurveyGroup, readonly number[]>,
  /** P(detractor 0–6, passive 7–8, promoter 9–10) by channel kind. */
  nps: {
    store: [0.13, 0.32, 0.55],
    web: [0.15, 0.35, 0.5],
    app: [0.12, 0.31, 0.57],
    marketplace: [0.22, 0.36, 0.42],
    phone: [0.15, 0.35, 0.5],
    late: [0.5, 0.3, 0.2],
  } as Record<SurveyGroup, readonly number[]>,
  /** Scores within a category. */
  detractorScores: [1, 1, 1, 2, 3, 5, 7] as readonly number[],
  passiveScores: [0.45, 0.55] as readonly number[],
  promoterScores: [0.55, 0.45] as readonly number[],
};

/** Reviews: each product has a quality q; P(rating = r) ∝ exp(−(r − q)² / (2 sigma²)). */
export const REVIEWS = {
  qualityMean: 4.05,
  qualitySd: 0.35,
  qualityMin: 2.6,
  qualityMax: 4.8,
  sigma: 0.95,
  /** Probability of a review per distinct SKU of an order of a known customer. */
  onlineRate: 0.035,
  storeRate: 0.012,
  /** Review delay after delivery (or purchase): 1 day + Exponential(mean days). */
  delayMeanDays: 6,
};

export function ratingProbabilities(quality: number): number[] {
  const w = [1, 2, 3, 4, 5].map((r) => Math.exp(-((r - quality) ** 2) / (2 * REVIEWS.sigma ** 2)));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

export function csatSatisfiedShare(group: SurveyGroup): number {
  const p = SURVEYS.csat[group];
  return (p[3] ?? 0) + (p[4] ?? 0);
}

/** NPS in points (−100…100). */
export function npsPoints(group: SurveyGroup): number {
  const p = SURVEYS.nps[group];
  return 100 * ((p[2] ?? 0) - (p[0] ?? 0));
}
