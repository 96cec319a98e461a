import type { DemoProduct } from '../demo-context.js';
import type { Random } from '../random.js';
import type { TableWriter } from '../table-writer.js';
import type { TimestampText } from '../clock/timestamp-text.js';
import type { OnlineKind, PageType } from './web-profile.js';
import { BROWSE, FUNNEL, PAGE_LOAD } from './web-profile.js';

/** Who the session is and where it came from; the simulator draws what happens in it. */
export interface SessionHead {
  sessionId: string;
  visitorId: string;
  customerId: string | null;
  channelId: string;
  kind: OnlineKind;
  device: string;
  source: string;
  medium: string;
  campaignId: string | null;
  landing: PageType;
}

/** The order a converting session ends with. */
export interface SessionOrder {
  readonly orderId: string;
  readonly orderedAtMs: number;
  readonly skus: readonly string[];
}

/** Draws products for product pages: popular (often ordered online) products more often. */
export class ProductPicker {
  private readonly products: readonly DemoProduct[];
  private readonly cum: Float64Array;

  constructor(products: readonly DemoProduct[], orderedCounts: ReadonlyMap<string, number>) {
    if (products.length === 0) throw new Error('web part: no products to browse');
    this.products = products;
    this.cum = new Float64Array(products.length);
    let s = 0;
    products.forEach((p, i) => {
      s += 1 + (orderedCounts.get(p.sku) ?? 0);
      this.cum[i] = s;
    });
  }

  /** A product on sale on the day (launched, not discontinued), drawn by popularity. */
  pick(rng: Random, day: number): string {
    let p: DemoProduct | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const x = rng.next() * (this.cum[this.cum.length - 1] ?? 1);
      let lo = 0;
      let hi = this.cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x < (this.cum[mid] ?? 0)) hi = mid;
        else lo = mid + 1;
      }
      p = this.products[lo];
      if (p && p.launchedOn <= day && (p.discontinuedOn === null || p.discontinuedOn > day)) break;
    }
    return (p ?? (this.products[0] as DemoProduct)).sku;
  }
}

interface Shares {
  readonly keys: readonly string[];
  readonly cum: Float64Array;
}

const SHARES = new WeakMap<object, Shares>();

/**
 * A key drawn with probability proportional to its share. The cumulative table of each share
 * object is built once: this runs several times per session, millions of times per demo.
 */
function pickShare<T extends string>(rng: Random, shares: Readonly<Partial<Record<T, number>>>): T {
  let s = SHARES.get(shares);
  if (!s) {
    const entries = Object.entries(shares) as [string, number][];
    const cum = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, p], i) => (cum[i] = total += p));
    s = { keys: entries.map(([k]) => k), cum };
    SHARES.set(shares, s);
  }
  const x = rng.next() * (s.cum[s.cum.length - 1] ?? 1);
  for (let i = 0; i < s.cum.length; i++) if (x < (s.cum[i] ?? 0)) return s.keys[i] as T;
  return s.keys[s.keys.length - 1] as T;
}

export { pickShare };

/** What a written session looked like, for the part's tallies. */
export interface SessionResult {
  readonly startMs: number;
  readonly pageviews: number;
  readonly events: number;
}

/**
 * Writes one session row and its web_events. The session's flags are derived from its events
 * (bounced ⇔ one page_view; added_to_cart ⇔ an add_to_cart event; began_checkout ⇔ a
 * begin_checkout event), pageviews counts its page_view events and duration_s spans its events.
 */
export class SessionSimulator {
  private readonly out: TableWriter;
  private readonly text: TimestampText;
  private readonly products: ProductPicker;
  private readonly periodStartMs: number;
  private readonly periodEndMs: number;
  // Reused buffers: one session at a time.
  private readonly pages: PageType[] = [];
  private readonly pageSkus: (string | null)[] = [];
  private readonly at: number[] = [];
  private readonly names: string[] = [];
  private readonly evPages: string[] = [];
  private readonly evSkus: (string | null)[] = [];

  constructor(
    out: TableWriter,
    text: TimestampText,
    products: ProductPicker,
    periodStartMs: number,
    periodEndMs: number,
  ) {
    this.out = out;
    this.text = text;
    this.products = products;
    this.periodStartMs = periodStartMs;
    this.periodEndMs = periodEndMs;
  }

  private dwell(rng: Random): number {
    return Math.round((BROWSE.minSeconds + rng.exponential(1 / BROWSE.meanExtraSeconds)) * 1000);
  }

  private addPage(rng: Random, page: PageType, day: number): void {
    this.pages.push(page);
    this.pageSkus.push(page === 'product' ? this.products.pick(rng, day) : null);
  }

  private event(at: number, name: string, page: string, sku: string | null): void {
    this.at.push(at);
    this.names.push(name);
    this.evPages.push(page);
    this.evSkus.push(sku);
  }

  private reset(): void {
    this.pages.length = 0;
    this.pageSkus.length = 0;
    this.at.length = 0;
    this.names.length = 0;
    this.evPages.length = 0;
    this.evSkus.length = 0;
  }

  /** A session without an order, starting at startMs on local day `day`. */
  browse(
    rng: Random,
    head: SessionHead,
    startMs: number,
    day: number,
    bounceP: number,
  ): SessionResult {
    this.reset();
    this.addPage(rng, head.landing, day);
    const bounced = rng.chance(bounceP);
    let cartAt = -1;
    if (!bounced) {
      const extra = 1 + rng.poisson(BROWSE.extraPagesMean);
      for (let i = 0; i < extra; i++) this.addPage(rng, pickShare(rng, BROWSE.nextPage), day);
      if (rng.chance(FUNNEL.addToCart[head.kind])) {
        cartAt = this.pages.lastIndexOf('product');
        if (cartAt < 0) {
          cartAt = this.pages.length - 1;
          this.pages[cartAt] = 'product';
          this.pageSkus[cartAt] = this.products.pick(rng, day);
        }
        this.pages.push('cart');
        this.pageSkus.push(null);
        if (rng.chance(FUNNEL.checkoutGivenCart)) {
          this.pages.push('checkout');
          this.pageSkus.push(null);
        }
      }
      if (rng.chance(FUNNEL.contactPage)) {
        this.pages.push('contact');
        this.pageSkus.push(null);
      }
    }
    let t = 0;
    for (let i = 0; i < this.pages.length; i++) {
      const page = this.pages[i] as PageType;
      const stay = i < this.pages.length - 1 ? this.dwell(rng) : 0;
      this.pageEvents(t, page, this.pageSkus[i] ?? null, i === cartAt, stay);
      t += stay;
    }
    // A session must end inside the period: one starting late on the last day starts earlier.
    const span = this.at[this.at.length - 1] ?? 0;
    const start = Math.min(startMs, this.periodEndMs - 1 - span);
    for (let i = 0; i < this.at.length; i++) this.at[i] = start + (this.at[i] ?? 0);
    return this.flush(rng, head, null);
  }

  private pageEvents(t: number, page: PageType, sku: string | null, cart: boolean, stay: number) {
    this.event(t, 'page_view', page, null);
    if (page === 'product') this.event(t + 1000, 'view_item', page, sku);
    if (cart) this.event(t + Math.max(2000, Math.round(stay * 0.6)), 'add_to_cart', page, sku);
    if (page === 'checkout') this.event(t + 2000, 'begin_checkout', page, null);
    if (page === 'contact') this.event(t + 1000, 'contact_page', page, null);
  }

  /**
   * The session that placed an order: landing, some browsing, a product page per SKU of the order
   * (viewed and added to cart), the cart, the checkout, and the purchase at ordered_at. It starts
   * no earlier than lowMs (period start, the visitor's previous order). Returns its start; the
   * caller completes the head (the campaign depends on the start day) and calls commitOrder.
   */
  convert(rng: Random, head: SessionHead, order: SessionOrder, day: number, lowMs: number): number {
    this.reset();
    this.addPage(rng, head.landing, day);
    const browse = rng.poisson(BROWSE.convertingBrowseMean);
    for (let i = 0; i < browse; i++) this.addPage(rng, pickShare(rng, BROWSE.nextPage), day);
    const firstBasketPage = this.pages.length;
    const skus = order.skus.length > 0 ? order.skus : [this.products.pick(rng, day)];
    for (const sku of skus) {
      this.pages.push('product');
      this.pageSkus.push(sku);
    }
    this.pages.push('cart', 'checkout');
    this.pageSkus.push(null, null);
    let t = 0;
    for (let i = 0; i < this.pages.length; i++) {
      const page = this.pages[i] as PageType;
      const stay =
        page === 'checkout'
          ? Math.round(
              (BROWSE.checkoutMinSeconds + rng.exponential(1 / BROWSE.checkoutMeanExtraSeconds)) *
                1000,
            )
          : this.dwell(rng);
      this.pageEvents(
        t,
        page,
        this.pageSkus[i] ?? null,
        i >= firstBasketPage && page === 'product',
        stay,
      );
      t += stay;
    }
    this.event(t, 'purchase', 'checkout', null);
    // Place the purchase at ordered_at; squeeze the session when it would start too early.
    const room = order.orderedAtMs - lowMs;
    const scale = t > room ? Math.max(0, room - 1) / t : 1;
    for (let i = 0; i < this.at.length; i++) {
      this.at[i] = order.orderedAtMs - Math.round((t - (this.at[i] ?? 0)) * scale);
    }
    return this.at[0] ?? order.orderedAtMs;
  }

  /** Writes the session planned by the last convert(). */
  commitOrder(rng: Random, head: SessionHead, orderId: string): SessionResult {
    return this.flush(rng, head, orderId);
  }

  private flush(rng: Random, head: SessionHead, orderId: string | null): SessionResult {
    const text = this.text;
    const n = this.at.length;
    const start = this.at[0] ?? 0;
    if (start < this.periodStartMs || (this.at[n - 1] ?? 0) >= this.periodEndMs) {
      throw new Error(`web part: session ${head.sessionId} falls outside the period`);
    }
    let pageviews = 0;
    let cart = false;
    let checkout = false;
    for (let i = 0; i < n; i++) {
      const name = this.names[i];
      if (name === 'page_view') pageviews++;
      else if (name === 'add_to_cart') cart = true;
      else if (name === 'begin_checkout') checkout = true;
    }
    const load = PAGE_LOAD[head.landing] ?? { median: 1500, sigma: 0.4 };
    this.out.row('sessions', [
      head.sessionId,
      head.visitorId,
      head.customerId,
      head.channelId,
      text.format(start),
      head.source,
      head.medium,
      head.campaignId,
      head.device,
      head.landing,
      pageviews,
      Math.round(((this.at[n - 1] ?? start) - start) / 1000),
      pageviews === 1,
      cart,
      checkout,
      orderId,
      Math.round(load.median * Math.exp(load.sigma * rng.normal())),
    ]);
    for (let i = 0; i < n; i++) {
      this.out.row('web_events', [
        head.sessionId,
        text.format(this.at[i] ?? start),
        this.names[i],
        this.evPages[i],
        this.evSkus[i],
        i + 1,
      ]);
    }
    return { startMs: start, pageviews, events: n };
  }
}
