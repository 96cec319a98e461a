import {
  civil,
  isoDate,
  isoWeekday,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
} from '../../time/civil-date.js';
import type { SeasonalityTruth } from './commerce-manifest.js';

/**
 * The demand calendar of the demo retailer: one multiplier per day for store walk-in demand and
 * one for online demand. Every SKU shares the same calendar (seasonality is multiplicative and
 * common to the whole range), which is what lets any never-promoted category serve as the
 * control of a promotion measurement.
 *
 *   season(day, kind) = weekday[kind][isoWeekday] × month[month] × event(day, kind) × trend(day, kind)
 *
 * with trend(day, kind) = (1 + annualGrowth[kind]) ^ ((day − startDay) / 365.25).
 */

/** Monday … Sunday; mean 1 so that weekly totals do not move with the profile. */
export const STORE_WEEKDAY = [0.8, 0.85, 1.0, 0.9, 1.1, 1.65, 0.7] as const;
export const ONLINE_WEEKDAY = [1.1, 1.0, 0.98, 0.95, 0.9, 0.92, 1.15] as const;
/** January … December, shared by stores and online. */
export const MONTH = [0.9, 0.8, 0.9, 0.95, 1.0, 0.95, 0.95, 0.85, 0.95, 1.0, 1.1, 1.55] as const;
export const ANNUAL_GROWTH = { store: 0.04, online: 0.12 } as const;

/** Black Friday (last Friday of November) and the weekend after it. */
export const BLACK_FRIDAY = {
  store: { friday: 2.2, saturday: 1.5, sunday: 1.3 },
  online: { friday: 3.0, saturday: 1.8, sunday: 1.5 },
} as const;

/** French sales periods: 4 weeks; the first week draws more than the following three. */
export const SOLDES = {
  days: 28,
  firstWeek: 1.6,
  laterWeeks: 1.25,
} as const;

/**
 * Christmas: from 1 to 24 December demand ramps linearly from 1 to 1 + ramp (stores) — online
 * stops ramping at the last delivery date and drops before Christmas Eve.
 */
export const CHRISTMAS = {
  storeRamp: 0.6,
  onlineRamp: 0.6,
  onlineLastDeliveryDay: 18,
  onlineAfterCutoff: 0.7,
  /** 26–31 December. */
  afterChristmas: 0.9,
} as const;

/** Stores are closed on these days (month, day); online trades at `onlineHoliday`. */
export const STORE_CLOSED_DAYS: readonly (readonly [number, number])[] = [
  [1, 1],
  [5, 1],
  [12, 25],
];
export const ONLINE_HOLIDAY = 0.6;

/** Soldes d'hiver start on the 2nd Wednesday of January. */
export function winterSalesStart(year: number): number {
  return nthWeekdayOfMonth(year, 1, 3, 2);
}

/** Soldes d'été start on the last Wednesday of June. */
export function summerSalesStart(year: number): number {
  return lastWeekdayOfMonth(year, 6, 3);
}

export function blackFriday(year: number): number {
  return lastWeekdayOfMonth(year, 11, 5);
}

export interface SalesPeriod {
  readonly name: string;
  readonly startsOn: number;
  /** Last day, inclusive. */
  readonly endsOn: number;
}

export interface SeasonCalendar {
  readonly startDay: number;
  readonly days: number;
  /** Store walk-in multiplier per day index (0 on closed days). */
  readonly store: Float64Array;
  /** Online multiplier per day index. */
  readonly online: Float64Array;
  readonly storeOpen: Uint8Array;
  readonly blackFridays: readonly number[];
  readonly salesPeriods: readonly SalesPeriod[];
}

function eventMultiplier(
  day: number,
  kind: 'store' | 'online',
  bfDays: ReadonlySet<number>,
  periods: readonly SalesPeriod[],
): number {
  const { month, day: dom, year } = civil(day);
  let m = 1;
  const bf = blackFriday(year);
  if (bfDays.has(bf)) {
    const bfm = BLACK_FRIDAY[kind];
    if (day === bf) m *= bfm.friday;
    else if (day === bf + 1) m *= bfm.saturday;
    else if (day === bf + 2) m *= bfm.sunday;
  }
  for (const p of periods) {
    if (day >= p.startsOn && day <= p.endsOn) {
      m *= day - p.startsOn < 7 ? SOLDES.firstWeek : SOLDES.laterWeeks;
    }
  }
  if (month === 12) {
    if (dom <= 24) {
      const ramp = (dom - 1) / 23;
      if (kind === 'store') m *= 1 + CHRISTMAS.storeRamp * ramp;
      else if (dom <= CHRISTMAS.onlineLastDeliveryDay) m *= 1 + CHRISTMAS.onlineRamp * ramp;
      else m *= CHRISTMAS.onlineAfterCutoff;
    } else if (dom >= 26) {
      m *= CHRISTMAS.afterChristmas;
    }
  }
  if (STORE_CLOSED_DAYS.some(([mo, d]) => mo === month && d === dom)) {
    m *= kind === 'store' ? 0 : ONLINE_HOLIDAY;
  }
  return m;
}

export function buildSeasonCalendar(startDay: number, endDay: number): SeasonCalendar {
  const days = endDay - startDay + 1;
  const firstYear = civil(startDay).year;
  const lastYear = civil(endDay).year;
  const periods: SalesPeriod[] = [];
  const bfs: number[] = [];
  for (let y = firstYear; y <= lastYear; y++) {
    const w = winterSalesStart(y);
    const s = summerSalesStart(y);
    periods.push({ name: `Soldes d'hiver ${y}`, startsOn: w, endsOn: w + SOLDES.days - 1 });
    periods.push({ name: `Soldes d'été ${y}`, startsOn: s, endsOn: s + SOLDES.days - 1 });
    bfs.push(blackFriday(y));
  }
  const inRange = periods.filter((p) => p.startsOn >= startDay && p.endsOn <= endDay);
  const bfInRange = bfs.filter((d) => d >= startDay && d + 2 <= endDay);
  const bfSet = new Set(bfInRange);
  const store = new Float64Array(days);
  const online = new Float64Array(days);
  const storeOpen = new Uint8Array(days);
  const gStore = Math.log(1 + ANNUAL_GROWTH.store) / 365.25;
  const gOnline = Math.log(1 + ANNUAL_GROWTH.online) / 365.25;
  for (let i = 0; i < days; i++) {
    const day = startDay + i;
    const wd = isoWeekday(day) - 1;
    const mo = civil(day).month - 1;
    const month = MONTH[mo] ?? 1;
    store[i] =
      (STORE_WEEKDAY[wd] ?? 1) *
      month *
      eventMultiplier(day, 'store', bfSet, inRange) *
      Math.exp(gStore * i);
    online[i] =
      (ONLINE_WEEKDAY[wd] ?? 1) *
      month *
      eventMultiplier(day, 'online', bfSet, inRange) *
      Math.exp(gOnline * i);
    storeOpen[i] = store[i]! > 0 ? 1 : 0;
  }
  return {
    startDay,
    days,
    store,
    online,
    storeOpen,
    blackFridays: bfInRange,
    salesPeriods: inRange,
  };
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function named(values: readonly number[], names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? 1]));
}

/** The manifest section describing the calendar exactly as it was applied. */
export function seasonalityTruth(cal: SeasonCalendar): SeasonalityTruth {
  return {
    formula:
      'expected demand lines(location stream, sku, day) = [guestRate(stream) × ramp(location, day) × season(day, kind) + memberLines(location, day)] × weight(sku) × promotionMultiplier(sku, day); season(day, kind) = weekday[kind] × month × event(day, kind) × trend(day, kind); memberLines = Σ Gamma-Gamma values of the members’ purchases planned there that day / the day’s mean demand-line value × a calibration (lines claimed / lines predicted so far); the members claim them, so guests keep exactly the seasonal part',
    kinds:
      'store = walk-in demand of stores (store tickets); online = web, app, marketplace and click-and-collect demand',
    weekday: { store: named(STORE_WEEKDAY, WEEKDAYS), online: named(ONLINE_WEEKDAY, WEEKDAYS) },
    month: named(MONTH, MONTHS),
    trend: {
      rule: 'trend(day, kind) = (1 + annualGrowth[kind]) ^ ((day − start) / 365.25)',
      annualGrowth: { ...ANNUAL_GROWTH },
    },
    blackFriday: {
      rule: 'last Friday of November, then Saturday and Sunday',
      multipliers: BLACK_FRIDAY,
      dates: cal.blackFridays.map(isoDate),
    },
    soldes: {
      rule: "soldes d'hiver from the 2nd Wednesday of January, soldes d'été from the last Wednesday of June, 28 days each; multiplier firstWeek on days 1–7, laterWeeks on days 8–28 (all SKUs); marked-down SKUs also get the markdown uplift of the soldes promotion",
      multipliers: { firstWeek: SOLDES.firstWeek, laterWeeks: SOLDES.laterWeeks },
      periods: cal.salesPeriods.map((p) => ({
        name: p.name,
        startsOn: isoDate(p.startsOn),
        endsOn: isoDate(p.endsOn),
      })),
    },
    christmas: {
      rule: 'store: 1 + storeRamp × (dayOfDecember − 1) / 23 from 1 to 24 December; online: the same ramp up to onlineLastDeliveryDay, then onlineAfterCutoff until the 24th; afterChristmas on 26–31 December',
      ...CHRISTMAS,
    },
    storeClosedDays: {
      days: STORE_CLOSED_DAYS.map(
        ([m, d]) => `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      ),
      onlineMultiplier: ONLINE_HOLIDAY,
    },
    members:
      "members' repeat purchases are stationary (BG/NBD Poisson process, no seasonality); guest tickets and guest online orders carry the calendar",
  };
}
