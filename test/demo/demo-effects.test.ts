import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUND_TRUTH_FILE } from '../../src/demo/demo-generator.js';
import type { CommerceManifest } from '../../src/demo/sim/commerce-manifest.js';
import type { Row } from '../../src/backends/engine.js';
import { isoWeekday, parseIsoDate } from '../../src/time/civil-date.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { expectedRepeats, probabilityNoRepeat } from './bg-nbd-expectation.js';

/**
 * The effects the demo generator embeds, measured from the tables the way an analyst would and
 * compared with the ground-truth manifest (the parameters the generator drew from).
 *
 * Tolerances. Counts here are (compound) Poisson or binomial, so each check derives its
 * standard error from the data and allows Z standard errors: Z = 4.5 gives each check a false
 * alarm rate below 1e-5 (about 1e-3 over the whole file), while the errors the checks exist for
 * (a wrong multiplier, a swapped weekday, tax in the amounts, rates off by a third) are many
 * standard errors away. Where a measure is also biased by a known mechanism of the generator
 * (members' stationary purchases inside seasonal counts, the one line a member always buys),
 * the allowance is added explicitly and explained beside it.
 */
const Z = 4.5;

let ws: Workspace;
let truth: CommerceManifest;
let startDay: number;
let endDay: number;
/** Units sold per SKU and day index (orders not cancelled or fraud, local order date). */
const unitsBySku = new Map<string, Float64Array>();
/** The same, anonymous (guest) orders only. */
const guestUnitsBySku = new Map<string, Float64Array>();

const LOCAL_DATE = (col: string): string => `(${col} AT TIME ZONE 'Europe/Paris')::DATE`;

async function rows(sql: string): Promise<readonly Row[]> {
  return (await ws.engine.run(sql)).rows;
}

function day(iso: string): number {
  return parseIsoDate(iso);
}

function sumUnits(
  skus: readonly string[],
  ranges: ReadonlyArray<readonly [number, number]>,
  source: Map<string, Float64Array> = unitsBySku,
): number {
  let u = 0;
  for (const s of skus) {
    const arr = source.get(s);
    if (!arr) continue;
    for (const [from, to] of ranges) for (let d = from; d <= to; d++) u += arr[d - startDay] ?? 0;
  }
  return u;
}

/** E[q²] / E[q] of the demand quantities: variance / mean of compound-Poisson units. */
function dispersion(): number {
  const shape = truth.catalogue.demandShape;
  let m1 = 0;
  let m2 = 0;
  shape.quantities.forEach((q, i) => {
    const p = shape.quantityProbs[i] ?? 0;
    m1 += q * p;
    m2 += q * q * p;
  });
  return m2 / m1;
}

beforeAll(async () => {
  const dir = inject('smallDemoDir');
  ws = await openWorkspace(dir, { readOnly: true });
  truth = JSON.parse(readFileSync(join(dir, GROUND_TRUTH_FILE), 'utf8')) as CommerceManifest;
  startDay = day(truth.meta.start);
  endDay = day(truth.meta.end);
  const daily = await rows(
    `SELECT l.sku, ${LOCAL_DATE('o.ordered_at')} - DATE '${truth.meta.start}' AS i, sum(l.quantity) AS u,
            sum(l.quantity) FILTER (WHERE o.customer_id IS NULL) AS g
     FROM order_lines l JOIN orders o USING (order_id)
     WHERE o.status NOT IN ('cancelled', 'fraud') GROUP BY 1, 2`,
  );
  for (const r of daily) {
    const sku = String(r['sku']);
    for (const [map, col] of [
      [unitsBySku, 'u'],
      [guestUnitsBySku, 'g'],
    ] as const) {
      let arr = map.get(sku);
      if (!arr) {
        arr = new Float64Array(endDay - startDay + 1);
        map.set(sku, arr);
      }
      arr[Number(r['i'])] = Number(r[col] ?? 0);
    }
  }
});

afterAll(async () => {
  await ws.close();
});

describe('promotions', () => {
  interface Measure {
    readonly id: string;
    readonly effect: string;
    /** log(observed ratio / expected ratio), its standard error, and their quotient. */
    readonly d: number;
    readonly se: number;
    readonly z: number;
    readonly observed: number;
    readonly expected: number;
  }
  let measures: Measure[] = [];

  beforeAll(() => {
    const disp = dispersion();
    measures = [];
    for (const p of truth.promotions.targeted) {
      const promo: Array<[number, number]> = [[day(p.startsOn), day(p.endsOn)]];
      const base: Array<[number, number]> = [
        [day(p.baselineBefore.from), day(p.baselineBefore.to)],
        [day(p.baselineAfter.from), day(p.baselineAfter.to)],
      ];
      // Demand = units sold + units the manifest says empty shelves lost (the unobservable part).
      const demand = (skus: readonly string[], lost: { during: number; baseline: number }) => ({
        during: sumUnits(skus, promo) + lost.during,
        baseline: sumUnits(skus, base) + lost.baseline,
      });
      const control = demand(p.measuredSkus.control, p.lostUnits.control);
      const sets: Array<[string, readonly string[], { during: number; baseline: number }, number]> =
        [
          ['uplift', p.skus, p.lostUnits.promoted, 1 + p.uplift],
          [
            'cannibalisation',
            p.measuredSkus.cannibalised,
            p.lostUnits.cannibalised,
            1 - p.cannibalisation,
          ],
          ['halo', p.halo.companions, p.lostUnits.companions, 1 + p.halo.effect],
        ];
      for (const [effect, skus, lost, expected] of sets) {
        const d = demand(skus, lost);
        if (d.during === 0 || d.baseline === 0) continue;
        // Seasonality cancels in the ratio to the control category (common calendar, manifest).
        const ratio = d.during / d.baseline / (control.during / control.baseline);
        const se = Math.sqrt(
          disp * (1 / d.during + 1 / d.baseline + 1 / control.during + 1 / control.baseline),
        );
        measures.push({
          id: p.id,
          effect,
          d: Math.log(ratio / expected),
          se,
          z: Math.log(ratio / expected) / se,
          observed: ratio,
          expected,
        });
      }
    }
  });

  it('schedules at least six targeted promotions a year, some supplier-funded, with windows clear of each other', () => {
    const promos = truth.promotions.targeted;
    const years = (endDay - startDay + 1) / 365.25;
    expect(promos.length).toBeGreaterThanOrEqual(Math.floor(6 * (years - 0.5)));
    expect(promos.filter((p) => p.funding !== null).length).toBeGreaterThanOrEqual(3);
    expect(promos.filter((p) => p.kind === 'percent_off').length).toBeGreaterThan(
      promos.length / 2,
    );
    for (const p of promos) {
      expect(p.skus.length).toBeGreaterThanOrEqual(2);
      expect(p.measuredSkus.cannibalised.length).toBeGreaterThanOrEqual(2);
      expect(p.measuredSkus.control.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('writes the supplier funding and the products of each promotion', async () => {
    const db = await rows(
      `SELECT p.promotion_id, p.supplier_funding, list(pp.sku ORDER BY pp.sku) AS skus
       FROM promotions p LEFT JOIN promotion_products pp USING (promotion_id) GROUP BY ALL`,
    );
    const byId = new Map(db.map((r) => [String(r['promotion_id']), r]));
    for (const p of truth.promotions.targeted) {
      const r = byId.get(p.id);
      expect(r, p.id).toBeDefined();
      expect(r!['skus']).toEqual([...p.skus].sort());
      expect(r!['supplier_funding']).toBe(p.funding === null ? null : p.funding.amount);
    }
  });

  it('each promotion’s uplift, cannibalisation and halo match the manifest within Z standard errors', () => {
    // Per promotion the windows are short (a few hundred units), so each effect is checked
    // against its own standard error: the log-ratio of compound-Poisson counts has variance
    // (E[q²]/E[q]) × Σ 1/count over the four counts.
    const off = measures.filter((m) => Math.abs(m.z) > Z);
    expect(off).toEqual([]);
  });

  it('pooled over promotions, the effects are unbiased and the errors have the predicted spread', () => {
    // Inverse-variance pooling of the log errors over all promotions: a generator whose uplift
    // were 25 % too strong, or with no cannibalisation or no halo, fails this by far (a
    // cannibalisation of 0 instead of ~14 % is about 6 pooled standard errors away).
    for (const effect of ['uplift', 'cannibalisation', 'halo']) {
      const ms = measures.filter((m) => m.effect === effect);
      expect(ms.length, effect).toBeGreaterThanOrEqual(10);
      const weight = ms.reduce((a, m) => a + 1 / m.se ** 2, 0);
      const pooled = ms.reduce((a, m) => a + m.d / m.se ** 2, 0) / weight;
      const rms = Math.sqrt(ms.reduce((a, m) => a + m.z ** 2, 0) / ms.length);
      expect(
        Math.abs(pooled) * Math.sqrt(weight),
        `${effect} pooled log error ${pooled}`,
      ).toBeLessThan(Z);
      // The spread of the per-promotion errors is the one the variance model predicts.
      expect(rms, `${effect} rms z`).toBeLessThan(2);
    }
  });

  it('loses little demand to empty shelves inside the measurement windows', () => {
    for (const p of truth.promotions.targeted) {
      const promoUnits = sumUnits(p.skus, [[day(p.startsOn), day(p.endsOn)]]);
      expect(p.lostUnits.promoted.during, p.id).toBeLessThan(0.1 * promoUnits + 5);
    }
  });

  it('soldes: the traffic multiplier on the range, plus the markdown uplift on marked-down SKUs', () => {
    // First week of the summer soldes against the week before: same weekdays, same month
    // multiplier (late June, early July), pooled over the years. Guests carry the calendar
    // (members are stationary): guest demand = guest units + the units shelves lost.
    const first = truth.seasonality.soldes.multipliers.firstWeek;
    const disp = dispersion();
    const pooled = { markedDown: [0, 0], others: [0, 0] };
    let uplift = NaN;
    let periods = 0;
    for (const p of truth.promotions.seasonal) {
      if (p.role !== 'soldes' || !p.name.startsWith("Soldes d'été")) continue;
      const s = day(p.startsOn);
      uplift = p.markdownUplift;
      for (const set of ['markedDown', 'others'] as const) {
        pooled[set][0]! += sumUnits(p.measuredSkus[set], [[s, s + 6]]) + p.lostUnits[set].firstWeek;
        pooled[set][1]! +=
          sumUnits(p.measuredSkus[set], [[s - 7, s - 1]]) + p.lostUnits[set].weekBefore;
      }
      periods++;
    }
    expect(periods).toBeGreaterThanOrEqual(3);
    for (const [set, expected] of [
      ['others', first],
      ['markedDown', first * (1 + uplift)],
    ] as const) {
      const [during, before] = pooled[set];
      const se = Math.sqrt(disp * (1 / during! + 1 / before!));
      expect(Math.abs(Math.log(during! / before! / expected)), set).toBeLessThan(Z * se);
    }
  });
});

describe('stock-outs and shrinkage', () => {
  it('every (SKU, location) the manifest says lost demand shows an empty shelf in the snapshots', async () => {
    const lost = truth.lostSales.bySkuLocation;
    expect(lost.length).toBeGreaterThan(0);
    expect(truth.lostSales.totals.units).toBeGreaterThan(0);
    const zero = await rows(
      `SELECT location_id, sku, count(*) AS days FROM inventory_snapshots WHERE on_hand = 0 GROUP BY 1, 2`,
    );
    const zeroDays = new Map(
      zero.map((r) => [`${r['location_id']}|${r['sku']}`, Number(r['days'])]),
    );
    const missing = lost.filter((l) => !zeroDays.has(`${l.location}|${l.sku}`));
    expect(missing).toEqual([]);
  });

  it('estimated lost units from empty-shelf days agree with the manifest', async () => {
    // The lost_sales KPI's estimator: a day that starts with an empty shelf and receives
    // nothing loses that day's in-stock sales rate. It misses the part of the days that run
    // out during the day and ignores seasonality, hence the wide band [0.5, 1.5].
    const [r] = await rows(
      `WITH s AS (
         SELECT location_id, sku, snapshot_on AS d, on_hand,
                lag(on_hand) OVER (PARTITION BY location_id, sku ORDER BY snapshot_on) AS prev
         FROM inventory_snapshots),
       inflow AS (
         SELECT location_id, sku, received_on AS d FROM purchase_orders WHERE received_on IS NOT NULL
         UNION SELECT location_id, sku, ${LOCAL_DATE('returned_at')} FROM returns WHERE restocked),
       sold AS (
         SELECT o.location_id, l.sku, ${LOCAL_DATE('o.ordered_at')} AS d, sum(l.quantity) AS u
         FROM order_lines l JOIN orders o USING (order_id) WHERE o.status NOT IN ('cancelled', 'fraud')
         GROUP BY ALL),
       days AS (
         SELECT s.location_id, s.sku, s.d, (s.prev = 0 AND i.d IS NULL) AS out_all_day, coalesce(sold.u, 0) AS u
         FROM s LEFT JOIN inflow i USING (location_id, sku, d) LEFT JOIN sold USING (location_id, sku, d)
         WHERE s.prev IS NOT NULL),
       rate AS (
         SELECT location_id, sku, sum(u) FILTER (WHERE NOT out_all_day) / count(*) FILTER (WHERE NOT out_all_day) AS r,
                count(*) FILTER (WHERE out_all_day) AS out_days
         FROM days GROUP BY 1, 2)
       SELECT sum(r * out_days) AS estimate FROM rate`,
    );
    const estimate = Number(r!['estimate']);
    const actual = Number(truth.lostSales.totals.units);
    expect(estimate / actual).toBeGreaterThan(0.5);
    expect(estimate / actual).toBeLessThan(1.5);
  });

  it('physical counts reveal each location’s shrinkage rate', async () => {
    const counts = await rows(
      `SELECT location_id, sum(book_quantity) AS book, sum(book_quantity - counted_quantity) AS lost,
              sum((book_quantity - counted_quantity) * unit_cost) / sum(book_quantity * unit_cost) AS at_cost
       FROM inventory_counts GROUP BY 1`,
    );
    const rates = truth.shrinkage.ratePerCount;
    expect(counts.length).toBe(Object.keys(rates).length);
    for (const c of counts) {
      const rate = rates[String(c['location_id'])]!;
      const book = Number(c['book']);
      const observed = Number(c['lost']) / book;
      // Binomial(book, rate) per SKU count: the pooled share has variance rate(1 − rate)/Σ book.
      expect(Math.abs(observed - rate), String(c['location_id'])).toBeLessThan(
        Z * Math.sqrt((rate * (1 - rate)) / book),
      );
      // At cost the weights differ but the expectation is the same; allow twice the spread.
      expect(Math.abs(Number(c['at_cost']) - rate)).toBeLessThan(
        2 * Z * Math.sqrt((rate * (1 - rate)) / book) + 0.002,
      );
    }
  });
});

describe('returns and delivery', () => {
  it('return rates per category and channel family match the manifest; online above stores', async () => {
    const cutoff = endDay - 60;
    const obs = await rows(
      `WITH sold AS (
         SELECT p.category, o.channel_id <> 'CH-STORE' AS online, l.order_id, l.line_no, l.quantity
         FROM order_lines l JOIN orders o USING (order_id) JOIN products p USING (sku)
         WHERE o.status NOT IN ('cancelled', 'fraud', 'placed')
           AND ${LOCAL_DATE('o.ordered_at')} <= DATE '1970-01-01' + ${cutoff}::INTEGER)
       SELECT category, online, sum(quantity) AS units,
              coalesce(sum((SELECT sum(r.quantity) FROM returns r WHERE r.order_id = sold.order_id AND r.line_no = sold.line_no)), 0) AS returned
       FROM sold GROUP BY 1, 2`,
    );
    const rates = truth.returns.rates;
    const seen = new Map<string, number>();
    for (const r of obs) {
      const cat = String(r['category']);
      const online = Boolean(r['online']);
      const expected = online ? rates[cat]!.online : rates[cat]!.store;
      const n = Number(r['units']);
      const observed = Number(r['returned']) / n;
      expect(Math.abs(observed - expected), `${cat} ${online ? 'online' : 'store'}`).toBeLessThan(
        Z * Math.sqrt((expected * (1 - expected)) / n),
      );
      seen.set(`${cat}|${online}`, observed);
    }
    for (const cat of Object.keys(rates)) {
      expect(seen.get(`${cat}|true`)!, cat).toBeGreaterThan(seen.get(`${cat}|false`)!);
    }
  });

  it('damaged and defective returns are never restocked; the others mostly are', async () => {
    const r = await rows(
      `SELECT reason, avg(restocked::INTEGER) AS share, count(*) AS n FROM returns GROUP BY 1 ORDER BY 1`,
    );
    const never = truth.returns.restock.neverRestocked;
    const p = truth.returns.restock.otherwiseProbability;
    for (const x of r) {
      const share = Number(x['share']);
      if (never.includes(String(x['reason']))) expect(share).toBe(0);
      else expect(Math.abs(share - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / Number(x['n'])));
    }
  });

  it('late deliveries per carrier match the manifest', async () => {
    // Orders of the last weeks are left out: late parcels are the ones still on the road.
    const obs = await rows(
      `SELECT carrier, count(*) AS n, count(*) FILTER (WHERE delivered_at > promised_at) AS late
       FROM shipments s JOIN orders o USING (order_id)
       WHERE delivered_at IS NOT NULL AND ${LOCAL_DATE('o.ordered_at')} <= DATE '1970-01-01' + ${endDay - 20}::INTEGER
       GROUP BY 1`,
    );
    const carriers = new Map(truth.fulfilment.carriers.map((c) => [c.name, c.lateRate]));
    expect(obs.length).toBeGreaterThanOrEqual(4);
    for (const r of obs) {
      const p = carriers.get(String(r['carrier']));
      expect(p, String(r['carrier'])).toBeDefined();
      const n = Number(r['n']);
      expect(Math.abs(Number(r['late']) / n - p!), String(r['carrier'])).toBeLessThan(
        Z * Math.sqrt((p! * (1 - p!)) / n),
      );
    }
  });

  it('cancelled and fraud orders are small, known shares of anonymous online orders', async () => {
    const [r] = await rows(
      `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
              count(*) FILTER (WHERE status = 'fraud') AS fraud
       FROM orders WHERE customer_id IS NULL AND channel_id <> 'CH-STORE'`,
    );
    const shares = truth.orders.abnormalShares;
    const n = Number(r!['n']);
    for (const k of ['cancelled', 'fraud'] as const) {
      const p = shares[k];
      expect(Math.abs(Number(r![k]) / n - p), k).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    }
    const members = await rows(
      `SELECT count(*) AS n FROM orders WHERE customer_id IS NOT NULL AND status IN ('cancelled', 'fraud')`,
    );
    expect(Number(members[0]!['n'])).toBe(0);
  });
});

describe('calendar and stores', () => {
  // Guests carry the calendar: each pool is guest rate × season plus the lines the members'
  // (stationary) planned purchases claim, so guest demand — units sold to guests plus the units
  // empty shelves lost (manifest) — follows the season exactly in expectation.
  const mature = (): string[] => {
    const newIds = new Set(truth.stores.newStores.map((s) => s.id));
    return truth.catalogue.locations
      .filter((l) => l.kind === 'store' && !newIds.has(l.id))
      .map((l) => l.id);
  };
  const warehouses = (): string[] =>
    truth.catalogue.locations.filter((l) => l.kind === 'warehouse').map((l) => l.id);
  /** Guest units per day: walk-in at mature stores, and shipped online orders. */
  let guestStore: Map<number, number>;
  let guestOnline: Map<number, number>;
  let guestTickets: Map<number, number>;

  beforeAll(async () => {
    const ids = mature()
      .map((s) => `'${s}'`)
      .join(', ');
    const r = await rows(
      `SELECT o.channel_id = 'CH-STORE' AS store, ${LOCAL_DATE('o.ordered_at')} - DATE '1970-01-01' AS d,
              sum(l.quantity) AS u, count(DISTINCT o.order_id) AS n
       FROM order_lines l JOIN orders o USING (order_id)
       WHERE o.customer_id IS NULL AND o.status NOT IN ('cancelled', 'fraud')
         AND ((o.channel_id = 'CH-STORE' AND o.location_id IN (${ids})) OR o.fulfilment = 'ship')
       GROUP BY 1, 2`,
    );
    const pick = (store: boolean, k: string) =>
      new Map(
        r.filter((x) => Boolean(x['store']) === store).map((x) => [Number(x['d']), Number(x[k])]),
      );
    guestStore = pick(true, 'u');
    guestOnline = pick(false, 'u');
    guestTickets = pick(true, 'n');
  });

  /** Lost units of a set of locations on a day (manifest). */
  function lostOn(locations: readonly string[], d: number): number {
    const byDay = truth.lostSales.byLocationDay;
    const i = d - day(byDay.firstDay);
    return locations.reduce((a, l) => a + (byDay.units[l]?.[i] ?? 0), 0);
  }

  function ordinary(d: number): boolean {
    const season = truth.seasonality;
    const md = new Date(d * 86_400_000).toISOString().slice(5, 10);
    if (md.startsWith('12') || season.storeClosedDays.days.includes(md)) return false;
    for (const p of season.soldes.periods) {
      if (d >= day(p.startsOn) && d <= day(p.endsOn)) return false;
    }
    for (const bf of season.blackFriday.dates) if (d >= day(bf) && d <= day(bf) + 2) return false;
    return true;
  }

  it('guest store demand and tickets follow the manifest’s weekday profile', () => {
    const weekdays = Object.values(truth.seasonality.weekday.store);
    const ids = mature();
    const units = new Array<number>(7).fill(0);
    const tickets = new Array<number>(7).fill(0);
    const days = new Array<number>(7).fill(0);
    for (let d = startDay; d <= endDay; d++) {
      if (!ordinary(d)) continue;
      const wd = isoWeekday(d) - 1;
      units[wd]! += (guestStore.get(d) ?? 0) + lostOn(ids, d);
      tickets[wd]! += guestTickets.get(d) ?? 0;
      days[wd]!++;
    }
    const profile = (xs: number[]) => {
      const means = xs.map((x, i) => x / days[i]!);
      const all = means.reduce((a, b) => a + b, 0) / 7;
      return means.map((m) => m / all);
    };
    const wAll = weekdays.reduce((a, b) => a + b, 0) / 7;
    const u = profile(units);
    const t = profile(tickets);
    for (let wd = 0; wd < 7; wd++) {
      const expected = weekdays[wd]! / wAll;
      // Months fall evenly on weekdays over the years; each weekday's total has a relative
      // standard error of √(E[q²]/E[q] / units), the mean over the week a smaller one.
      expect(Math.abs(u[wd]! / expected - 1), `units, weekday ${wd + 1}`).toBeLessThan(
        Z * Math.sqrt(dispersion() / units[wd]!) + 0.01,
      );
      // Tickets miss the lost demand (2–3 % of units, more on busy days): 5 % more room.
      expect(Math.abs(t[wd]! / expected - 1), `tickets, weekday ${wd + 1}`).toBeLessThan(
        Z / Math.sqrt(tickets[wd]!) + 0.05,
      );
    }
  });

  it('Black Friday multiplies guest demand in stores and online as the manifest says', () => {
    // A handful of Black Fridays: at small scale this catches a missing or misplaced Black
    // Friday or a store multiplier off by a quarter, not finer errors.
    const bf = truth.seasonality.blackFriday;
    for (const [series, locations, expected, what] of [
      [guestStore, mature(), bf.multipliers.store.friday, 'stores'],
      [guestOnline, warehouses(), bf.multipliers.online.friday, 'online'],
    ] as const) {
      const demand = (d: number): number => (series.get(d) ?? 0) + lostOn(locations, d);
      let onBf = 0;
      let othersMean = 0;
      let othersTotal = 0;
      for (const iso of bf.dates) {
        const f = day(iso);
        // The other Fridays of the same November: same month multiplier, no event.
        const others = [f - 7, f - 14, f - 21].filter(
          (d) => new Date(d * 86_400_000).getUTCMonth() === 10,
        );
        onBf += demand(f);
        const o = others.reduce((a, d) => a + demand(d), 0);
        othersMean += o / others.length;
        othersTotal += o;
      }
      const se = Math.sqrt(dispersion() * (1 / onBf + 1 / othersTotal));
      expect(Math.abs(Math.log(onBf / othersMean / expected)), what).toBeLessThan(Z * se);
    }
  });

  it('store conversion (POS transactions / footfall) matches each store’s manifest conversion', async () => {
    const obs = await rows(
      `SELECT f.location_id, sum(f.visitors) AS visitors, sum(t.n) AS tickets FROM footfall f
       LEFT JOIN (SELECT location_id, ${LOCAL_DATE('ordered_at')} AS d, count(*) AS n FROM orders
                  WHERE channel_id = 'CH-STORE' GROUP BY 1, 2) t ON t.location_id = f.location_id AND t.d = f.counted_on
       GROUP BY 1`,
    );
    const conv = truth.stores.footfall.conversion;
    expect(obs.length).toBe(Object.keys(conv).length);
    for (const r of obs) {
      const c = conv[String(r['location_id'])]!;
      const tickets = Number(r['tickets']);
      const observed = tickets / Number(r['visitors']);
      // visitors − tickets ~ Poisson(tickets (1 − c) / c), so the observed conversion has a
      // standard error of about c √((1 − c) / tickets).
      const se = c * Math.sqrt((1 - c) / tickets);
      expect(Math.abs(observed - c), String(r['location_id'])).toBeLessThan(Z * se);
    }
  });
});

describe('stores opened during the period', () => {
  it('new stores ramp up from the manifest’s start level, measured against mature stores', async () => {
    const ramp = truth.stores.newStoreRamp;
    const newStores = truth.stores.newStores;
    expect(newStores.length).toBeGreaterThan(0);
    let checked = 0;
    // First quarter after opening against the same quarter a year later, each over the mature
    // stores' sales of the same days (which carry the same calendar).
    const WINDOW = 90;
    // Guest units only: a new store's members accumulate after its opening and would bend it.
    for (const s of newStores) {
      const opened = day(s.openedOn);
      if (opened + 365 + WINDOW > endDay) continue;
      const r = await rows(
        `SELECT location_id = '${s.id}' AS is_new,
                ${LOCAL_DATE('ordered_at')} - DATE '${s.openedOn}' < ${WINDOW} AS early, sum(l.quantity) AS u
         FROM orders o JOIN order_lines l USING (order_id) JOIN locations loc USING (location_id)
         WHERE o.channel_id = 'CH-STORE' AND loc.kind = 'store' AND o.customer_id IS NULL
           AND (${LOCAL_DATE('ordered_at')} - DATE '${s.openedOn}' < ${WINDOW}
                OR ${LOCAL_DATE('ordered_at')} - DATE '${s.openedOn}' BETWEEN 365 AND ${364 + WINDOW})
           AND ${LOCAL_DATE('ordered_at')} >= DATE '${s.openedOn}'
           AND (location_id = '${s.id}' OR loc.opened_on < DATE '${truth.meta.start}')
         GROUP BY 1, 2`,
      );
      const get = (isNew: boolean, early: boolean) =>
        Number(
          r.find((x) => Boolean(x['is_new']) === isNew && Boolean(x['early']) === early)?.['u'] ??
            NaN,
        );
      const share = (early: boolean) => get(true, early) / get(false, early);
      const observed = share(true) / share(false);
      // Mean ramp over days 0–29 of the linear ramp.
      // Mean of the linear ramp over the first WINDOW days (1 a year later).
      const expected = ramp.start + ((1 - ramp.start) * (WINDOW - 1)) / 2 / ramp.days;
      const se = Math.sqrt(dispersion() * (1 / get(true, true) + 1 / get(true, false)));
      expect(Math.abs(Math.log(observed / expected)), s.id).toBeLessThan(Z * se);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('members: BG/NBD and Gamma-Gamma', () => {
  let perMember: Array<{ t: number; repeats: number; spend: number; orders: number }> = [];

  beforeAll(async () => {
    const end = Date.parse(truth.members.conventions.calibrationEnd);
    const r = await rows(
      `SELECT epoch_ms(c.created_at) AS created, count(o.order_id) AS n, sum(o.subtotal)::DOUBLE AS spend
       FROM customers c JOIN orders o USING (customer_id) WHERE o.status NOT IN ('cancelled', 'fraud')
       GROUP BY c.customer_id, c.created_at`,
    );
    perMember = r.map((x) => ({
      t: (end - Number(x['created'])) / (7 * 86_400_000),
      repeats: Number(x['n']) - 1,
      spend: Number(x['spend']),
      orders: Number(x['n']),
    }));
    expect(perMember.length).toBe(truth.members.counts.members);
  });

  it('repeat purchases match E[X(T)] of the manifest’s BG/NBD parameters', () => {
    const params = truth.members.bgnbd;
    let diff = 0;
    let sq = 0;
    let expectedTotal = 0;
    for (const m of perMember) {
      const e = expectedRepeats(params, m.t);
      expectedTotal += e;
      diff += m.repeats - e;
      sq += (m.repeats - e) ** 2;
    }
    // Members are independent: Σ (X − E[X]) has standard deviation √Σ (X − E[X])².
    expect(
      Math.abs(diff),
      `observed ${expectedTotal + diff} vs expected ${expectedTotal}`,
    ).toBeLessThan(Z * Math.sqrt(sq));
  });

  it('the share of members who never came back matches P(X(T) = 0)', () => {
    const params = truth.members.bgnbd;
    let diff = 0;
    let variance = 0;
    for (const m of perMember) {
      const p0 = probabilityNoRepeat(params, m.t);
      diff += (m.repeats === 0 ? 1 : 0) - p0;
      variance += p0 * (1 - p0);
    }
    expect(Math.abs(diff)).toBeLessThan(Z * Math.sqrt(variance));
  });

  it('member transaction values average the Gamma-Gamma mean p·γ/(q − 1), excluding tax', () => {
    const { p, q, gamma } = truth.members.gammaGamma;
    const expected = (p * gamma) / (q - 1);
    const orders = perMember.reduce((a, m) => a + m.orders, 0);
    const mean = perMember.reduce((a, m) => a + m.spend, 0) / orders;
    // Cluster-robust standard error (a member's orders share its ν).
    const se =
      Math.sqrt(perMember.reduce((a, m) => a + (m.spend - mean * m.orders) ** 2, 0)) / orders;
    // Every planned purchase happened (else the BG/NBD counts above would be short).
    expect(truth.members.basketMatching?.unservedPurchases).toBe(0);
    // + 3 %: a member always buys at least one line, which rounds the smallest targets up.
    expect(Math.abs(mean - expected), `mean ${mean}`).toBeLessThan(Z * se + 0.03 * expected);
  });
});

describe('baskets', () => {
  it('designed pairs are bought together far more often than chance; other pairs are not', async () => {
    const pairs = truth.basketAffinity.pairs;
    const designed = new Set(pairs.flatMap((p) => [p.a, p.b]));
    const tickets = await rows(
      `SELECT l.sku, list(l.order_id) AS orders FROM order_lines l JOIN orders o USING (order_id)
       WHERE o.channel_id = 'CH-STORE' AND o.customer_id IS NULL GROUP BY 1`,
    );
    const bySku = new Map(tickets.map((r) => [String(r['sku']), new Set(r['orders'] as string[])]));
    const [n] = await rows(
      `SELECT count(*) AS n, avg(k * (k - 1)) / avg(k) ^ 2 AS chance FROM (
         SELECT count(*) AS k FROM order_lines l JOIN orders o USING (order_id)
         WHERE o.channel_id = 'CH-STORE' AND o.customer_id IS NULL GROUP BY l.order_id)`,
    );
    const total = Number(n!['n']);
    // Independent SKUs in baskets of k lines co-occur with lift E[k(k − 1)] / E[k]², not 1:
    // many tickets hold a single line.
    const chance = Number(n!['chance']);
    const lift = (a: string, b: string): number => {
      const A = bySku.get(a) ?? new Set<string>();
      const B = bySku.get(b) ?? new Set<string>();
      let both = 0;
      for (const x of A) if (B.has(x)) both++;
      return (both * total) / (A.size * B.size);
    };
    for (const p of pairs) expect(lift(p.a, p.b), `${p.a}+${p.b}`).toBeGreaterThan(3 * chance);
    const top = [...bySku.entries()]
      .filter(([sku]) => !designed.has(sku))
      .sort((x, y) => y[1].size - x[1].size)
      .slice(0, 12)
      .map(([sku]) => sku);
    const lifts: number[] = [];
    for (let i = 0; i < top.length; i++)
      for (let j = i + 1; j < top.length; j++) lifts.push(lift(top[i]!, top[j]!));
    lifts.sort((x, y) => x - y);
    const median = lifts[Math.floor(lifts.length / 2)]!;
    expect(median / chance).toBeGreaterThan(0.8);
    expect(median / chance).toBeLessThan(1.25);
  });
});
