import { civil, epochDay, isoDate, isoWeekday } from '../../time/civil-date.js';
import { ParisClock } from '../clock/paris-clock.js';
import type { DemoContext } from '../demo-context.js';
import { money, price4 } from '../table-writer.js';

/**
 * Inputs from outside the company: the addressable market, competitors' shelf prices and the
 * audience of owned media.
 */

/**
 * Market size per region × category × complete quarter. The national market of a quarter is the
 * company's sales of that quarter / nationalShare; regions split it by where customers live, and
 * categories by a market mix that differs from the company's own (so shares differ by category).
 */
export const MARKET = {
  nationalShare: 0.02,
  /** Lognormal noise of each cell, mean 1. */
  cellSigma: 0.05,
  /** Category market weight = company's category sales share × U(lo, hi), renormalised. */
  categoryFactor: [0.6, 1.6] as const,
};

export function writeMarketSize(ctx: DemoContext): Record<string, unknown> {
  const rng = ctx.rng('planning/market');
  const clock = new ParisClock();
  const first = civil(ctx.startDay);
  const quarterIndex = (day: number) => {
    const c = civil(day);
    return (c.year - first.year) * 4 + Math.floor((c.month - 1) / 3);
  };
  const quarters = quarterIndex(ctx.endDay) + 1;
  const sales = new Float64Array(quarters);
  const byCategory = new Map<string, number>();
  const category = new Map(ctx.products.map((p) => [p.sku, p.category]));
  const currency = new Map(ctx.channels.map((c) => [c.id, c.currency]));
  for (const o of ctx.orders) {
    if (o.status === 'cancelled' || o.status === 'fraud') continue;
    const day = clock.day(o.orderedAtMs);
    const cur = currency.get(o.channelId) ?? ctx.reportingCurrency;
    const fx = cur === ctx.reportingCurrency ? 1 : (ctx.fx.get(cur)?.get(day) ?? 1);
    const v = o.subtotalCents * fx;
    const q = quarterIndex(day);
    sales[q] = (sales[q] ?? 0) + v;
    for (const sku of o.skus) {
      const c = category.get(sku) ?? 'Autres';
      byCategory.set(c, (byCategory.get(c) ?? 0) + v / o.skus.length);
    }
  }
  const regionCounts = new Map<string, number>();
  for (const c of ctx.customers) regionCounts.set(c.region, (regionCounts.get(c.region) ?? 0) + 1);
  for (const l of ctx.locations) if (!regionCounts.has(l.region)) regionCounts.set(l.region, 1);
  const regions = [...regionCounts.keys()].sort();
  const regionTotal = [...regionCounts.values()].reduce((s, v) => s + v, 0);
  const regionWeight = Object.fromEntries(
    regions.map((r) => [r, (regionCounts.get(r) ?? 0) / regionTotal]),
  );
  const categories = [...new Set(ctx.products.map((p) => p.category))].sort();
  const catSales = categories.map((c) => byCategory.get(c) ?? 0);
  const catSalesTotal = catSales.reduce((s, v) => s + v, 0) || 1;
  const [lo, hi] = MARKET.categoryFactor;
  const raw = catSales.map((v) => (v / catSalesTotal + 1e-3) * rng.uniform(lo, hi));
  const rawTotal = raw.reduce((s, v) => s + v, 0);
  const categoryWeight = Object.fromEntries(
    categories.map((c, i) => [c, (raw[i] ?? 0) / rawTotal]),
  );

  const written: { start: string; end: string; market: number; ownSales: number }[] = [];
  for (let q = 0; q < quarters; q++) {
    const year = first.year + Math.floor(q / 4);
    const month = (q % 4) * 3 + 1;
    const start = epochDay(year, month, 1);
    const end = epochDay(year + (month === 10 ? 1 : 0), month === 10 ? 1 : month + 3, 1) - 1;
    // Market studies cover whole quarters inside the period only.
    if (start < ctx.startDay || end > ctx.endDay) continue;
    const national = (sales[q] ?? 0) / 100 / MARKET.nationalShare;
    let market = 0;
    for (const r of regions) {
      for (const c of categories) {
        const noise = Math.exp(MARKET.cellSigma * rng.normal() - MARKET.cellSigma ** 2 / 2);
        const cents = Math.round(
          national * (regionWeight[r] ?? 0) * (categoryWeight[c] ?? 0) * noise * 100,
        );
        market += cents / 100;
        ctx.out.row('market_size', [isoDate(start), isoDate(end), r, c, money(cents)]);
      }
    }
    written.push({
      start: isoDate(start),
      end: isoDate(end),
      market,
      ownSales: (sales[q] ?? 0) / 100,
    });
  }
  return {
    ...MARKET,
    rule: 'market_sales(region, category, quarter) = ownSales(quarter) / nationalShare × regionWeight × categoryWeight × LogNormal(mean 1, cellSigma); ownSales = Σ subtotal × fx of orders not cancelled or fraud with local ordered_at in the quarter (gross − discounts, before returns); only quarters wholly inside the period',
    regionWeight,
    categoryWeight,
    quarters: written.length,
    basis: { storeGuestTicketsIncluded: ctx.params.guestTicketsInContext },
  };
}

/** Competitors observed every Monday on the SKUs matched with theirs. */
export const COMPETITORS = {
  matchShare: 0.5,
  sigma: 0.04,
  competitors: {
    'Casa Nova': { priceRatio: 0.95, coverage: 0.85 },
    'Atelier Lumière': { priceRatio: 1.08, coverage: 0.7 },
    'Hemma Market': { priceRatio: 0.88, coverage: 0.8 },
  } as Record<string, { priceRatio: number; coverage: number }>,
};

export function writeCompetitorPrices(ctx: DemoContext): Record<string, unknown> {
  const rng = ctx.rng('planning/competitors');
  const pairs: {
    sku: string;
    competitor: string;
    listCents: number;
    ratio: number;
    from: number;
    to: number;
  }[] = [];
  for (const p of ctx.products) {
    if (!rng.chance(COMPETITORS.matchShare)) continue;
    for (const [name, c] of Object.entries(COMPETITORS.competitors)) {
      if (!rng.chance(c.coverage)) continue;
      pairs.push({
        sku: p.sku,
        competitor: name,
        listCents: p.listPriceCents,
        ratio: c.priceRatio,
        from: p.launchedOn,
        to: p.discontinuedOn ?? Infinity,
      });
    }
  }
  let rows = 0;
  let monday = ctx.startDay + ((8 - isoWeekday(ctx.startDay)) % 7);
  for (; monday <= ctx.endDay; monday += 7) {
    const day = isoDate(monday);
    for (const pair of pairs) {
      if (monday < pair.from || monday >= pair.to) continue;
      const noise = Math.exp(COMPETITORS.sigma * rng.normal());
      ctx.out.row('competitor_prices', [
        day,
        pair.sku,
        pair.competitor,
        price4(Math.round(pair.listCents * pair.ratio * noise * 100)),
        ctx.reportingCurrency,
      ]);
      rows++;
    }
  }
  return {
    ...COMPETITORS,
    matchedPairs: pairs.length,
    matchedSkus: new Set(pairs.map((p) => p.sku)).size,
    rule: 'a SKU is matched with matchShare, then listed by each competitor with its coverage; every Monday while the SKU is sold, price = current list price × priceRatio × LogNormal(median 1, sigma) (so the median of price / list_price is priceRatio)',
    rows,
  };
}

/** Owned media: followers grow exponentially; engagements and mentions are Poisson. */
export const AUDIENCE = {
  /** Followers on the first day per 1,000 loyalty members (scale-free), and annual growth. */
  networks: {
    newsletter: {
      followersPerMember: 2.2,
      annualGrowth: 0.12,
      engagementRate: 0.05,
      mentionsPerK: 0,
      launchedAfterDays: 0,
    },
    sms: {
      followersPerMember: 0.6,
      annualGrowth: 0.2,
      engagementRate: 0.02,
      mentionsPerK: 0,
      launchedAfterDays: 0,
    },
    facebook: {
      followersPerMember: 3.5,
      annualGrowth: 0.03,
      engagementRate: 0.004,
      mentionsPerK: 0.08,
      launchedAfterDays: 0,
    },
    instagram: {
      followersPerMember: 4.0,
      annualGrowth: 0.25,
      engagementRate: 0.012,
      mentionsPerK: 0.15,
      launchedAfterDays: 0,
    },
    tiktok: {
      followersPerMember: 0.3,
      annualGrowth: 1.2,
      engagementRate: 0.03,
      mentionsPerK: 0.25,
      launchedAfterDays: 365,
    },
    pinterest: {
      followersPerMember: 1.2,
      annualGrowth: 0.15,
      engagementRate: 0.006,
      mentionsPerK: 0.05,
      launchedAfterDays: 0,
    },
    x: {
      followersPerMember: 0.8,
      annualGrowth: -0.08,
      engagementRate: 0.002,
      mentionsPerK: 0.2,
      launchedAfterDays: 0,
    },
    blog: {
      followersPerMember: 0.5,
      annualGrowth: 0.1,
      engagementRate: 0.03,
      mentionsPerK: 0.02,
      launchedAfterDays: 0,
    },
  } as Record<
    string,
    {
      followersPerMember: number;
      annualGrowth: number;
      engagementRate: number;
      mentionsPerK: number;
      launchedAfterDays: number;
    }
  >,
  /** Relative daily noise of followers around the trend. */
  followersNoise: 0.002,
};

export function writeAudience(ctx: DemoContext): Record<string, unknown> {
  const rng = ctx.rng('planning/audience');
  const members = Math.max(ctx.customers.length, 1);
  const out: Record<string, unknown> = {};
  for (const [network, p] of Object.entries(AUDIENCE.networks)) {
    const launch = ctx.startDay + p.launchedAfterDays;
    const f0 = p.followersPerMember * members;
    const g = Math.log(1 + p.annualGrowth) / 365.25;
    let rows = 0;
    for (let day = launch; day <= ctx.endDay; day++) {
      const trend = f0 * Math.exp(g * (day - launch));
      const followers = Math.max(
        0,
        Math.round(trend * (1 + AUDIENCE.followersNoise * rng.normal())),
      );
      const engagements = rng.poisson(followers * p.engagementRate);
      const mentions = rng.poisson((followers / 1000) * p.mentionsPerK);
      ctx.out.row('audience', [isoDate(day), network, followers, engagements, mentions]);
      rows++;
    }
    out[network] = { ...p, firstDay: isoDate(launch), followersFirstDay: f0, rows };
  }
  return {
    rule: 'followers(day) = followersPerMember × members × (1 + annualGrowth)^((day − first day) / 365.25) × (1 + followersNoise × N(0,1)); engagements ~ Poisson(followers × engagementRate); mentions ~ Poisson(followers / 1000 × mentionsPerK); rows from the network’s first day',
    members,
    followersNoise: AUDIENCE.followersNoise,
    networks: out,
  };
}
