import { civil, epochDay, isoDate, nthWeekdayOfMonth } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import type { DemoContext, DemoPart } from '../demo-context.js';
import type { Random } from '../random.js';
import { money, price4 } from '../table-writer.js';
import {
  AFFINITY_TEMPLATES,
  BRANDS,
  CATEGORIES,
  COLLECTIONS,
  CONTROL_CATEGORY,
  MATURE_STORES,
  NEW_STORES,
  SUPPLIERS,
  VARIANTS,
  WAREHOUSE,
} from '../sim/catalogue-data.js';
import type {
  BasketAffinityTruth,
  CatalogueTruth,
  FxTruth,
  StoresTruth,
} from '../sim/commerce-manifest.js';
import type {
  AffinityPair,
  CataloguePlan,
  CostStep,
  DemandShape,
  LocationPlan,
  PromotionPlan,
  SkuPlan,
  SupplierDisruption,
  SupplierPlan,
} from '../sim/commerce-plan.js';
import { NEW_STORE_RAMP, VAT_RATE, setCataloguePlan } from '../sim/commerce-plan.js';
import { planSeasonalPromotions, planTargetedPromotions } from '../sim/promotion-planner.js';
import { buildSeasonCalendar, seasonalityTruth } from '../sim/seasonality.js';

export const DEMAND_SHAPE: DemandShape = {
  linesPerTicket: 1.8,
  linesPerOnlineOrder: 1.5,
  clickCollectShare: 0.15,
  quantities: [1, 2, 3, 4, 6],
  quantityProbs: [0.8, 0.14, 0.04, 0.015, 0.005],
  onlineChannelShares: [0.6, 0.25, 0.15],
};

/** Marketplace GBP prices: euro list price × premium / reference rate, fixed for the period. */
const GBP_PRICING = { premium: 1.08, referenceRate: 1.165 } as const;
const FX_WALK = { mean: 1.165, reversion: 0.02, dailySd: 0.0028, min: 1.12, max: 1.21 } as const;
const PROMOTIONS_PER_YEAR = 7;
/** Supplier disruptions (late purchase orders): the main cause of empty shelves. */
const DISRUPTIONS_PER_SUPPLIER_YEAR = 0.35;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function meanQuantity(shape: DemandShape): number {
  return shape.quantities.reduce((a, q, i) => a + q * (shape.quantityProbs[i] ?? 0), 0);
}

function eanCheckDigit(twelve: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** A valid EAN-13 in the French GS1 range (376…). */
export function makeEan(rng: Random): string {
  let body = '376';
  for (let i = 0; i < 9; i++) body += String(rng.int(0, 9));
  return body + String(eanCheckDigit(body));
}

function quarterlyCountDays(
  index: number,
  openedOn: number,
  startDay: number,
  endDay: number,
): number[] {
  const out: number[] = [];
  for (let y = civil(startDay).year; y <= civil(endDay).year; y++) {
    for (const m of [2, 5, 8, 11]) {
      // Second Tuesday of the month, staggered over three days so the teams can do every store.
      const d = nthWeekdayOfMonth(y, m, 2, 2) + (index % 3);
      if (d >= startDay && d <= endDay && d >= openedOn + 30) out.push(d);
    }
  }
  return out;
}

function buildLocations(ctx: DemoContext, rng: Random): LocationPlan[] {
  const { params, startDay, endDay } = ctx;
  if (params.matureStores > MATURE_STORES.length || params.newStores > NEW_STORES.length) {
    throw new Error('demo scale asks for more stores than the catalogue data defines');
  }
  const days = endDay - startDay + 1;
  const raw: Array<Omit<LocationPlan, 'walkInRate' | 'clickCollectRate' | 'onlineRate'>> = [];
  const typeFactor: Record<string, number> = { flagship: 1.3, city: 1, mall: 1.1, outlet: 0.9 };
  const defs = [
    ...MATURE_STORES.slice(0, params.matureStores).map((d) => ({ d, isNew: false })),
    ...NEW_STORES.slice(0, params.newStores).map((d) => ({ d, isNew: true })),
  ];
  // New stores open spread over the period, at least five months before its end.
  const newFractions = [0.42, 0.68, 0.25, 0.82, 0.55];
  let newIdx = 0;
  defs.forEach(({ d, isNew }, i) => {
    let openedOn: number;
    if (isNew) {
      const f = newFractions[newIdx++ % newFractions.length] ?? 0.5;
      openedOn = Math.min(startDay + Math.round(days * f), endDay - 150);
      openedOn += (3 - ((openedOn + 3) % 7) + 7) % 7; // a Wednesday
    } else {
      openedOn = epochDay(rng.int(2009, 2021), rng.int(1, 12), rng.int(1, 28));
    }
    const factor = (d.sqm / 260) * (typeFactor[d.storeType] ?? 1) * Math.exp(rng.normal(0, 0.15));
    raw.push({
      index: i,
      id: `ST${String(i + 1).padStart(2, '0')}`,
      name: `Maison Vitrine ${d.name}`,
      kind: 'store',
      storeType: d.storeType,
      region: d.region,
      city: d.city,
      sqm: d.sqm,
      openedOn,
      isNew,
      factor,
      conversion: round(rng.uniform(0.15, 0.27), 3),
      shrinkRate: round(rng.uniform(0.006, 0.025), 4),
      countDays: quarterlyCountDays(i, openedOn, startDay, endDay),
    });
  });
  const matureMean =
    raw.filter((l) => !l.isNew).reduce((a, l) => a + l.factor, 0) /
    Math.max(1, raw.filter((l) => !l.isNew).length);
  for (const l of raw) (l as { factor: number }).factor = round(l.factor / matureMean, 3);
  const factorSum = raw.reduce((a, l) => a + l.factor, 0);
  const shape = DEMAND_SHAPE;
  const locations: LocationPlan[] = raw.map((l) => ({
    ...l,
    walkInRate: params.storeGuestOrdersPerDay * shape.linesPerTicket * l.factor,
    clickCollectRate:
      (params.onlineGuestOrdersPerDay *
        shape.clickCollectShare *
        shape.linesPerOnlineOrder *
        l.factor) /
      factorSum,
    onlineRate: 0,
  }));
  const wIndex = locations.length;
  locations.push({
    index: wIndex,
    id: 'WH01',
    name: WAREHOUSE.name,
    kind: 'warehouse',
    storeType: null,
    region: WAREHOUSE.region,
    city: WAREHOUSE.city,
    sqm: WAREHOUSE.sqm,
    openedOn: epochDay(2016, 3, 1),
    isNew: false,
    factor: 1,
    walkInRate: 0,
    clickCollectRate: 0,
    onlineRate:
      params.onlineGuestOrdersPerDay * (1 - shape.clickCollectShare) * shape.linesPerOnlineOrder,
    conversion: 0,
    shrinkRate: 0.003,
    countDays: quarterlyCountDays(wIndex, epochDay(2016, 3, 1), startDay, endDay),
  });
  return locations;
}

function buildSuppliers(ctx: DemoContext, rng: Random): SupplierPlan[] {
  const { params, startDay, endDay } = ctx;
  const n = Math.min(params.suppliers, SUPPLIERS.length);
  const years = (endDay - startDay + 1) / 365.25;
  const out: SupplierPlan[] = [];
  for (let i = 0; i < n; i++) {
    const def = SUPPLIERS[i]!;
    const lead =
      def.origin === 'domestic'
        ? rng.int(4, 8)
        : def.origin === 'europe'
          ? rng.int(8, 14)
          : rng.int(28, 42);
    // The last supplier of each scale joins during the period (new suppliers, new products).
    const onboardedOn =
      i === n - 1
        ? startDay + Math.round((endDay - startDay) * 0.35)
        : epochDay(rng.int(2008, 2021), rng.int(1, 12), rng.int(1, 28));
    const disruptions: SupplierDisruption[] = [];
    const k = rng.poisson(DISRUPTIONS_PER_SUPPLIER_YEAR * years);
    for (let j = 0; j < k; j++)
      disruptions.push(drawDisruption(rng, Math.max(startDay + 60, onboardedOn + 30), endDay));
    out.push({
      index: i,
      id: `SUP${String(i + 1).padStart(3, '0')}`,
      name: def.name,
      origin: def.origin,
      leadTimeDays: lead,
      onboardedOn,
      disruptions,
    });
  }
  // Empty shelves must happen in every demo: at least one disruption a year over the range.
  while (out.reduce((a, s) => a + s.disruptions.length, 0) < Math.ceil(years)) {
    const s = out[rng.int(0, out.length - 1)]!;
    (s.disruptions as SupplierDisruption[]).push(
      drawDisruption(rng, Math.max(startDay + 60, s.onboardedOn + 30), endDay),
    );
  }
  for (const s of out) (s.disruptions as SupplierDisruption[]).sort((a, b) => a.from - b.from);
  return out;
}

/** Purchase orders placed during 2–5 weeks arrive 2–5 weeks late. */
function drawDisruption(rng: Random, earliest: number, endDay: number): SupplierDisruption {
  const from = rng.int(earliest, endDay - 60);
  return { from, to: Math.min(from + rng.int(14, 35), endDay), extraDays: rng.int(14, 35) };
}

function buildProducts(ctx: DemoContext, rng: Random, suppliers: SupplierPlan[]): SkuPlan[] {
  const { params, startDay, endDay } = ctx;
  const subs = CATEGORIES.flatMap((c, ci) => c.subcategories.map((s) => ({ ci, s })));
  const n = params.skus;
  const weights: number[] = [];
  const out: Array<Omit<SkuPlan, 'weight'>> = [];
  const nSup = suppliers.length;
  for (let i = 0; i < n; i++) {
    const { ci, s } = subs[i % subs.length]!;
    // Two suppliers per category; the newest supplier only sells what launches after it joined.
    const supplierOptions = [ci % nSup, (ci + 3) % nSup];
    if (i % 11 === 5) supplierOptions.push(nSup - 1);
    const supplier = supplierOptions[rng.int(0, supplierOptions.length - 1)]!;
    const sup = suppliers[supplier]!;
    let launchedOn: number;
    if (sup.onboardedOn > startDay) {
      launchedOn = rng.int(sup.onboardedOn + 14, Math.max(sup.onboardedOn + 14, endDay - 120));
    } else if (rng.chance(0.13)) {
      launchedOn = rng.int(startDay + 60, endDay - 120);
    } else {
      launchedOn = startDay - rng.int(30, 8 * 365);
    }
    const discontinuedOn =
      launchedOn < startDay && rng.chance(0.07) ? rng.int(startDay + 180, endDay - 180) : null;
    const ttc = Math.exp(rng.uniform(Math.log(s.minTtc), Math.log(s.maxTtc)));
    const ending = rng.pick([0.9, 0.99, 0.5]);
    const ttcCents = Math.round((Math.floor(ttc) + ending) * 100);
    const listCents = Math.round(ttcCents / (1 + VAT_RATE));
    const costRatio = rng.uniform(0.32, 0.52);
    let units = Math.round(listCents * 100 * costRatio);
    const costs: CostStep[] = [{ from: launchedOn, units }];
    const changes = rng.int(1, 3);
    const changeDays: number[] = [];
    for (let c = 0; c < changes; c++) {
      changeDays.push(rng.int(Math.max(startDay + 30, launchedOn + 30), endDay - 30));
    }
    changeDays.sort((a, b) => a - b);
    for (const d of changeDays) {
      if (d <= (costs[costs.length - 1]?.from ?? 0)) continue;
      units = Math.round(units * (1 + rng.uniform(-0.04, 0.09)));
      costs.push({ from: d, units });
    }
    const sku = `MV-${String(10001 + i)}`;
    out.push({
      index: i,
      sku,
      name: `${s.noun} ${rng.pick(COLLECTIONS)} ${rng.pick(VARIANTS)}`,
      category: ci,
      subcategory: s.name,
      brand: i % 5 < 2 ? BRANDS[0]! : rng.pick(BRANDS),
      supplier,
      listCents,
      gbpListCents: Math.round((listCents * GBP_PRICING.premium) / GBP_PRICING.referenceRate),
      launchedOn,
      discontinuedOn,
      costs,
      pack: s.pack,
    });
    weights.push(Math.exp(rng.normal(0, 0.7)));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return out.map((s, i) => ({ ...s, weight: (weights[i] ?? 0) / total }));
}

function buildPairs(
  rng: Random,
  skus: readonly SkuPlan[],
  startDay: number,
  count: number,
): AffinityPair[] {
  const pairs: AffinityPair[] = [];
  const best = (path: string, taken: Set<number>): SkuPlan | undefined => {
    const [cat, sub] = path.split('/');
    const ci = CATEGORIES.findIndex((c) => c.name === cat);
    return skus
      .filter(
        (s) =>
          s.category === ci &&
          s.subcategory === sub &&
          s.launchedOn < startDay &&
          s.discontinuedOn === null &&
          !taken.has(s.index),
      )
      .sort((x, y) => y.weight - x.weight)[0];
  };
  const taken = new Set<number>();
  for (const [pa, pb] of AFFINITY_TEMPLATES) {
    if (pairs.length >= count) break;
    const a = best(pa, taken);
    const b = best(pb, taken);
    if (!a || !b) continue;
    taken.add(a.index);
    taken.add(b.index);
    pairs.push({ a: a.index, b: b.index, attach: round(rng.uniform(0.45, 0.7), 2) });
  }
  return pairs;
}

function gbpWalk(rng: Random, days: number): Float64Array {
  const out = new Float64Array(days);
  const mu = Math.log(FX_WALK.mean);
  let x = mu + rng.normal(0, 0.006);
  for (let i = 0; i < days; i++) {
    x += FX_WALK.reversion * (mu - x) + rng.normal(0, FX_WALK.dailySd);
    x = Math.min(Math.log(FX_WALK.max), Math.max(Math.log(FX_WALK.min), x));
    out[i] = round(Math.exp(x), 6);
  }
  return out;
}

function writeTables(ctx: DemoContext, plan: CataloguePlan, rng: Random): void {
  const out = ctx.out;
  for (const l of plan.locations) {
    out.row('locations', [
      l.id,
      l.name,
      l.kind,
      l.storeType,
      l.region,
      'FR',
      l.city,
      'Europe/Paris',
      isoDate(l.openedOn),
      null,
      l.sqm,
    ]);
  }
  for (const c of ctx.channels) out.row('channels', [c.id, c.name, c.kind]);
  for (const s of plan.suppliers) {
    out.row('suppliers', [s.id, s.name, isoDate(s.onboardedOn), s.leadTimeDays]);
  }
  for (const s of plan.skus) {
    const last = s.costs[s.costs.length - 1]!;
    out.row('products', [
      s.sku,
      s.name,
      plan.categories[s.category],
      s.subcategory,
      s.brand,
      plan.suppliers[s.supplier]!.id,
      price4(s.listCents * 100),
      price4(last.units),
      'EUR',
      makeEan(rng),
      isoDate(s.launchedOn),
      s.discontinuedOn === null ? null : isoDate(s.discontinuedOn),
    ]);
    for (const c of s.costs)
      out.row('product_costs', [s.sku, isoDate(c.from), price4(c.units), 'EUR']);
  }
  for (const p of plan.promotions) {
    out.row('promotions', [
      p.id,
      p.name,
      p.kind,
      isoDate(p.startsOn),
      isoDate(p.endsOn),
      p.discountPct === null ? null : p.discountPct.toFixed(2),
      p.supplier === null ? null : money(p.fundingCents),
      p.channelScope,
    ]);
    for (const s of p.skus) out.row('promotion_products', [p.id, plan.skus[s]!.sku]);
  }
  for (let i = 0; i < plan.gbpRate.length; i++) {
    out.row('fx_rates', [isoDate(ctx.startDay + i), 'GBP', plan.gbpRate[i]!.toFixed(6)]);
  }
}

function catalogueTruth(ctx: DemoContext, plan: CataloguePlan): CatalogueTruth {
  return {
    categories: plan.categories,
    controlCategory: plan.categories[plan.controlCategory] ?? '',
    skus: plan.skus.length,
    prices:
      'list prices are constant over the period (euro cents excluding VAT of a .90/.99/.50 shelf price); marketplace GBP list price = round(euro list × premium / referenceRate); discounts are whole cents per unit so unit_price is exact',
    gbpPricing: GBP_PRICING,
    vatRate: VAT_RATE,
    costs:
      'product_costs holds each SKU cost from valid_from until the next row; order_lines.unit_cost = the cost valid on the local order date (GBP orders: euro cost / GBP rate of that day, 4 decimals); products.unit_cost = the latest cost',
    demandShape: DEMAND_SHAPE,
    locations: plan.locations.map((l) => ({
      id: l.id,
      kind: l.kind,
      storeType: l.storeType,
      region: l.region,
      openedOn: isoDate(l.openedOn),
      new: l.isNew,
      factor: l.factor,
      guestLinesPerDay: {
        walkIn: round(l.walkInRate, 3),
        clickCollect: round(l.clickCollectRate, 3),
        online: round(l.onlineRate, 3),
      },
    })),
    suppliers: plan.suppliers.map((s) => ({
      id: s.id,
      origin: s.origin,
      leadTimeDays: s.leadTimeDays,
      onboardedOn: isoDate(s.onboardedOn),
      disruptions: s.disruptions.map((d) => ({
        ordersPlacedFrom: isoDate(d.from),
        ordersPlacedTo: isoDate(d.to),
        extraDays: d.extraDays,
      })),
    })),
    channels: ctx.channels.map((c) => ({ id: c.id, kind: c.kind, currency: c.currency })),
  };
}

export const cataloguePart: DemoPart = {
  name: 'catalogue',
  tables: [
    'locations',
    'channels',
    'suppliers',
    'products',
    'product_costs',
    'promotions',
    'promotion_products',
    'fx_rates',
  ],
  run(ctx) {
    if (ctx.reportingCurrency !== 'EUR') {
      throw new VitrineError(
        'DEMO_CURRENCY',
        `the demo retailer reports in EUR; this workspace reports in ${ctx.reportingCurrency}`,
      );
    }
    const rng = ctx.rng('catalogue');
    const calendar = buildSeasonCalendar(ctx.startDay, ctx.endDay);
    const locations = buildLocations(ctx, rng.fork('locations'));
    const suppliers = buildSuppliers(ctx, rng.fork('suppliers'));
    const skus = buildProducts(ctx, rng.fork('products'), suppliers);
    const categories = CATEGORIES.map((c) => c.name);
    const controlCategory = categories.indexOf(CONTROL_CATEGORY);
    const linesPerDay = locations.reduce(
      (a, l) => a + l.walkInRate + l.clickCollectRate + l.onlineRate,
      0,
    );
    const targeted = planTargetedPromotions(rng.fork('promotions'), {
      startDay: ctx.startDay,
      endDay: ctx.endDay,
      calendar,
      skus,
      categories,
      controlCategory,
      suppliers,
      linesPerDay,
      meanQuantity: meanQuantity(DEMAND_SHAPE),
      perYear: PROMOTIONS_PER_YEAR,
    });
    const promotions: PromotionPlan[] = [
      ...targeted,
      ...planSeasonalPromotions(rng.fork('soldes'), { calendar, skus }, targeted.length),
    ];
    const pairs = buildPairs(rng.fork('pairs'), skus, ctx.startDay, ctx.params.skus >= 150 ? 6 : 4);
    const gbpRate = gbpWalk(rng.fork('fx'), ctx.endDay - ctx.startDay + 1);
    const plan: CataloguePlan = {
      categories,
      controlCategory,
      skus,
      locations,
      warehouse: locations.length - 1,
      suppliers,
      promotions,
      pairs,
      calendar,
      gbpRate,
      demand: DEMAND_SHAPE,
    };
    setCataloguePlan(ctx, plan);

    ctx.locations = locations.map((l) => ({
      id: l.id,
      name: l.name,
      kind: l.kind,
      storeType: l.storeType,
      region: l.region,
      city: l.city,
      openedOn: l.openedOn,
      closedOn: null,
      sqm: l.sqm,
    }));
    ctx.channels = [
      { id: 'CH-STORE', name: 'Magasins Maison Vitrine', kind: 'store', currency: 'EUR' },
      { id: 'CH-WEB', name: 'E-shop maisonvitrine.fr', kind: 'web', currency: 'EUR' },
      { id: 'CH-APP', name: 'Application Maison Vitrine', kind: 'app', currency: 'EUR' },
      {
        id: 'CH-MKT-UK',
        name: 'HomeMarket UK (marketplace)',
        kind: 'marketplace',
        currency: 'GBP',
      },
    ];
    ctx.products = skus.map((s) => ({
      sku: s.sku,
      name: s.name,
      category: categories[s.category] ?? '',
      subcategory: s.subcategory,
      brand: s.brand,
      supplierId: suppliers[s.supplier]!.id,
      listPriceCents: s.listCents,
      unitCostCents: Math.round((s.costs[s.costs.length - 1]?.units ?? 0) / 100),
      launchedOn: s.launchedOn,
      discontinuedOn: s.discontinuedOn,
    }));
    const gbp = new Map<number, number>();
    for (let i = 0; i < gbpRate.length; i++) gbp.set(ctx.startDay + i, gbpRate[i]!);
    ctx.fx = new Map([['GBP', gbp]]);

    writeTables(ctx, plan, rng.fork('rows'));

    ctx.truth['seasonality'] = seasonalityTruth(calendar);
    ctx.truth['catalogue'] = catalogueTruth(ctx, plan);
    const stores: StoresTruth = {
      newStores: locations
        .filter((l) => l.isNew)
        .map((l) => ({ id: l.id, openedOn: isoDate(l.openedOn) })),
      newStoreRamp: {
        rule: 'demand × min(1, start + (1 − start) × daysSinceOpening / days); 0 before opening',
        ...NEW_STORE_RAMP,
      },
      footfall: {
        rule: 'visitors = POS transactions + Poisson(POS transactions × (1 − conversion) / conversion) per store and open day, so E[visitors | transactions] = transactions / conversion; POS transactions = store-channel orders of the store (guest and member tickets, not click-and-collect)',
        conversion: Object.fromEntries(
          locations.filter((l) => l.kind === 'store').map((l) => [l.id, l.conversion]),
        ),
      },
    };
    ctx.truth['stores'] = stores;
    const fx: FxTruth = {
      currency: 'GBP',
      rateToReporting: 'EUR per GBP, one row per day (Europe/Paris dates), 6 decimals',
      walk: {
        rule: 'log rate_t = log rate_(t−1) + reversion × (log mean − log rate_(t−1)) + Normal(0, dailySd), clamped to [min, max]',
        ...FX_WALK,
      },
      marketplaceChannel: 'CH-MKT-UK',
    };
    ctx.truth['fx'] = fx;
    const affinity: BasketAffinityTruth = {
      rule: 'demand is unchanged; when guest lines are grouped into baskets, each line of A pulls one still unmatched line of B from the same location-day pool into its basket with probability attach',
      pairs: pairs.map((p) => ({
        a: skus[p.a]!.sku,
        b: skus[p.b]!.sku,
        aName: skus[p.a]!.name,
        bName: skus[p.b]!.name,
        attach: p.attach,
      })),
    };
    ctx.truth['basketAffinity'] = affinity;
  },
};
