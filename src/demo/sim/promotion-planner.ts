import { civil, epochDay, isoWeekday } from '../../time/civil-date.js';
import type { Random } from '../random.js';
import type { PromotionPlan, SkuPlan, SupplierPlan } from './commerce-plan.js';
import type { SeasonCalendar } from './seasonality.js';
import { blackFriday, summerSalesStart, winterSalesStart, SOLDES } from './seasonality.js';

/**
 * Schedules the promotions so that each one can be measured: a targeted promotion, its
 * 4-week baseline before and after, and the categories it touches (its own, for uplift and
 * cannibalisation, and its companions', for the halo) never overlap another promotion touching
 * the same categories, the soldes, Black Friday or the Christmas season.
 */

export const MEASUREMENT_WEEKS = 4;
const WINDOW_DAYS = MEASUREMENT_WEEKS * 7;

export interface PromotionPlannerInput {
  readonly startDay: number;
  readonly endDay: number;
  readonly calendar: SeasonCalendar;
  readonly skus: readonly SkuPlan[];
  readonly categories: readonly string[];
  readonly controlCategory: number;
  readonly suppliers: readonly SupplierPlan[];
  /** Expected demand lines per day over every stream at season 1 (all SKUs). */
  readonly linesPerDay: number;
  readonly meanQuantity: number;
  readonly perYear: number;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function activeThrough(s: SkuPlan, from: number, to: number): boolean {
  return s.launchedOn <= from && (s.discontinuedOn === null || s.discontinuedOn > to);
}

function activeDuring(s: SkuPlan, from: number, to: number): boolean {
  return s.launchedOn <= to && (s.discontinuedOn === null || s.discontinuedOn > from);
}

/** Days where no measurement window may lie: soldes, Black Friday week, Christmas to early January. */
function forbiddenDays(startDay: number, endDay: number): Uint8Array {
  const n = endDay - startDay + 1;
  const out = new Uint8Array(n);
  const mark = (from: number, to: number): void => {
    for (let d = Math.max(from, startDay); d <= Math.min(to, endDay); d++) out[d - startDay] = 1;
  };
  for (let y = civil(startDay).year - 1; y <= civil(endDay).year + 1; y++) {
    const w = winterSalesStart(y);
    const s = summerSalesStart(y);
    mark(w, w + SOLDES.days - 1);
    mark(s, s + SOLDES.days - 1);
    const bf = blackFriday(y);
    mark(bf - 3, bf + 3);
    mark(bf + 4, bf + 40); // December up to the New Year
  }
  for (let d = startDay; d <= endDay; d++) {
    const c = civil(d);
    if ((c.month === 12 && c.day >= 1) || (c.month === 1 && c.day <= 7)) out[d - startDay] = 1;
  }
  return out;
}

interface Window {
  readonly from: number;
  readonly to: number;
  readonly categories: readonly number[];
}

function overlaps(a: Window, b: Window): boolean {
  return a.from <= b.to && b.from <= a.to && a.categories.some((c) => b.categories.includes(c));
}

export function planTargetedPromotions(rng: Random, input: PromotionPlannerInput): PromotionPlan[] {
  const { startDay, endDay, categories, controlCategory } = input;
  const forbidden = forbiddenDays(startDay, endDay);
  const promotable = categories.map((_, i) => i).filter((i) => i !== controlCategory);
  const accepted: Array<{ plan: Omit<PromotionPlan, 'index' | 'id' | 'name'>; window: Window }> =
    [];
  const firstYear = civil(startDay).year;
  const lastYear = civil(endDay).year;
  const pairs: Array<[number, number]> = [];
  for (const c of promotable) for (const h of promotable) if (c !== h) pairs.push([c, h]);
  for (let year = firstYear; year <= lastYear; year++) {
    // Every Wednesday of the year (the French retail week starts on Wednesday), in random
    // order: first fit, so the year fills up to its quota wherever windows allow.
    const jan1 = epochDay(year, 1, 1);
    const starts: number[] = [];
    for (let d = jan1 + ((3 - isoWeekday(jan1) + 7) % 7); d < epochDay(year + 1, 1, 1); d += 7)
      starts.push(d);
    rng.shuffle(starts);
    let inYear = 0;
    for (const start of starts) {
      if (inYear >= input.perYear) break;
      const duration = rng.pick([7, 10, 14]);
      const end = start + duration - 1;
      const from = start - WINDOW_DAYS;
      const to = end + WINDOW_DAYS;
      if (from < startDay || to > endDay) continue;
      let clear = true;
      for (let d = from; d <= to && clear; d++) if (forbidden[d - startDay]) clear = false;
      if (!clear) continue;
      for (const [cat, haloCat] of rng.shuffle([...pairs])) {
        const window: Window = { from, to, categories: [cat, haloCat] };
        if (accepted.some((a) => overlaps(a.window, window))) continue;
        const plan = designPromotion(rng, input, cat, haloCat, start, end, from, to);
        if (!plan) continue;
        accepted.push({ plan, window });
        inYear++;
        break;
      }
    }
  }
  accepted.sort((a, b) => a.plan.startsOn - b.plan.startsOn);
  return accepted.map((a, i) => {
    const y = civil(a.plan.startsOn).year;
    const seq = accepted.filter((b, j) => j < i && civil(b.plan.startsOn).year === y).length + 1;
    const catName = categories[a.plan.category ?? 0] ?? '';
    const what =
      a.plan.kind === 'percent_off'
        ? `−${Math.round((a.plan.discountPct ?? 0) * 100)} %`
        : `−${(a.plan.amountOffCents ?? 0) / 100} €`;
    return {
      ...a.plan,
      index: i,
      id: `PR${y}-${String(seq).padStart(2, '0')}`,
      name: `${catName} ${what}${a.plan.supplier !== null ? ' (offre fournisseur)' : ''}`,
    };
  });
}

function designPromotion(
  rng: Random,
  input: PromotionPlannerInput,
  cat: number,
  haloCat: number,
  start: number,
  end: number,
  from: number,
  to: number,
): Omit<PromotionPlan, 'index' | 'id' | 'name'> | null {
  const { skus, suppliers } = input;
  const disrupted = (s: SkuPlan): boolean => {
    const sup = suppliers[s.supplier];
    if (!sup) return false;
    // A supplier disruption that could empty the shelves inside the window would bias it.
    return sup.disruptions.some(
      (d) => d.from <= to && d.to + d.extraDays + sup.leadTimeDays + 21 >= from - 21,
    );
  };
  // Every SKU of the category is measured (promoted or cannibalised): none may be disrupted.
  if (skus.some((s) => s.category === cat && activeDuring(s, from, to) && disrupted(s)))
    return null;
  const eligible = skus.filter((s) => s.category === cat && activeThrough(s, from, to));
  if (eligible.length < 4) return null;
  const funded = rng.chance(0.4);
  const amountOff = rng.chance(0.2);
  let chosen: SkuPlan[];
  let supplier: number | null = null;
  if (funded) {
    const bySupplier = new Map<number, SkuPlan[]>();
    for (const s of eligible)
      bySupplier.set(s.supplier, [...(bySupplier.get(s.supplier) ?? []), s]);
    const options = [...bySupplier.entries()].filter(([, list]) => list.length >= 2);
    if (options.length === 0) return null;
    const [sup, list] = rng.pick(options);
    supplier = sup;
    chosen = rng.shuffle([...list]).slice(0, Math.min(list.length, rng.int(2, 3)));
  } else {
    // Promotions feature the better sellers: pick among the top 60 % of the category by weight.
    const top = [...eligible].sort((a, b) => b.weight - a.weight);
    const pool = top.slice(0, Math.max(3, Math.ceil(top.length * 0.6)));
    chosen = rng.shuffle([...pool]).slice(0, rng.int(2, Math.min(4, pool.length)));
  }
  let amountOffCents: number | null = null;
  let discountPct: number | null = null;
  if (amountOff) {
    const amount = rng.pick([500, 1000]);
    chosen = chosen.filter((s) => s.listCents >= amount * 3);
    if (chosen.length < 2) return null;
    amountOffCents = amount;
  } else {
    discountPct = rng.pick([0.15, 0.2, 0.25, 0.3, 0.4]);
  }
  const promoted = new Set(chosen.map((s) => s.index));
  const cannibalised = skus
    .filter((s) => s.category === cat && !promoted.has(s.index) && activeDuring(s, start, end))
    .map((s) => s.index);
  if (cannibalised.length < 2) return null;
  const haloPool = skus
    .filter((s) => s.category === haloCat && activeThrough(s, from, to) && !disrupted(s))
    .sort((a, b) => b.weight - a.weight);
  if (haloPool.length === 0) return null;
  const companions = rng
    .shuffle(haloPool.slice(0, Math.max(2, Math.ceil(haloPool.length / 2))))
    .slice(0, rng.int(1, 2))
    .map((s) => s.index);

  const meanList = chosen.reduce((a, s) => a + s.listCents, 0) / chosen.length;
  const effectivePct = discountPct ?? (amountOffCents ?? 0) / meanList;
  const uplift = round(rng.uniform(2.0, 3.0) * effectivePct, 3);
  const cannibalisation = round(rng.uniform(0.1, 0.3), 3);
  const halo = round(rng.uniform(0.15, 0.4), 3);

  let fundingShare = 0;
  let fundingCents = 0;
  if (supplier !== null) {
    fundingShare = round(rng.uniform(0.3, 0.6), 2);
    // A lump sum agreed before the promotion: the share of the discount the buyer expects to give.
    let season = 0;
    for (let d = start; d <= end; d++) season += input.calendar.store[d - input.startDay] ?? 0;
    let expectedDiscount = 0;
    for (const s of chosen) {
      const perUnit = amountOffCents ?? Math.round(s.listCents * (discountPct ?? 0));
      expectedDiscount +=
        input.linesPerDay * s.weight * season * (1 + uplift) * input.meanQuantity * perUnit;
    }
    fundingCents = Math.round(fundingShare * expectedDiscount);
  }
  return {
    kind: amountOff ? 'amount_off' : 'percent_off',
    role: 'targeted',
    startsOn: start,
    endsOn: end,
    discountPct,
    amountOffCents,
    category: cat,
    skus: chosen.map((s) => s.index).sort((a, b) => a - b),
    uplift,
    cannibalised,
    cannibalisation,
    companions: companions.sort((a, b) => a - b),
    halo,
    supplier,
    fundingShare,
    fundingCents,
    channelScope: 'all',
  };
}

/** Soldes markdowns (a share of the range at a fixed percentage) and Black Friday free shipping. */
export function planSeasonalPromotions(
  rng: Random,
  input: Pick<PromotionPlannerInput, 'calendar' | 'skus'>,
  firstIndex: number,
): PromotionPlan[] {
  const out: PromotionPlan[] = [];
  for (const p of input.calendar.salesPeriods) {
    const winter = p.name.startsWith("Soldes d'hiver");
    const active = input.skus.filter((s) => activeThrough(s, p.startsOn, p.endsOn));
    const marked = rng
      .shuffle([...active])
      .slice(0, Math.round(active.length * 0.3))
      .map((s) => s.index)
      .sort((a, b) => a - b);
    const year = civil(p.startsOn).year;
    out.push({
      index: firstIndex + out.length,
      id: `SOLDES-${winter ? 'H' : 'E'}${year}`,
      name: p.name,
      kind: 'percent_off',
      role: 'soldes',
      startsOn: p.startsOn,
      endsOn: p.endsOn,
      discountPct: winter ? 0.3 : 0.4,
      amountOffCents: null,
      category: null,
      skus: marked,
      uplift: winter ? 0.5 : 0.6,
      cannibalised: [],
      cannibalisation: 0,
      companions: [],
      halo: 0,
      supplier: null,
      fundingShare: 0,
      fundingCents: 0,
      channelScope: 'all',
    });
  }
  for (const bf of input.calendar.blackFridays) {
    out.push({
      index: firstIndex + out.length,
      id: `BF${civil(bf).year}-LIVRAISON`,
      name: `Black Friday ${civil(bf).year} : livraison offerte`,
      kind: 'free_shipping',
      role: 'shipping',
      startsOn: bf,
      endsOn: bf + 2,
      discountPct: null,
      amountOffCents: null,
      category: null,
      skus: [],
      uplift: 0,
      cannibalised: [],
      cannibalisation: 0,
      companions: [],
      halo: 0,
      supplier: null,
      fundingShare: 0,
      fundingCents: 0,
      channelScope: 'web,app',
    });
  }
  return out;
}
