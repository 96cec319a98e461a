/**
 * Numbers as a person reads them, by the unit of what they measure: money with its currency
 * and the currency's decimals, rates as percentages, counts with group separators, changes of a
 * rate in percentage points (a conversion going from 3.0 % to 3.3 % moved +0.3 pt, not +10 %).
 * Machine formats (JSON, CSV) never go through here: they carry exact values.
 */

/** The units of the KPI dictionary (src/semantic/dictionary/kpi-schema.ts, KPI_UNITS). */
export type ValueUnit = 'currency' | 'count' | 'ratio' | 'duration' | 'score' | 'number';

export interface NumberStyle {
  /** BCP 47 locale of the workspace (fr-FR, en-GB, en-US). */
  readonly locale: string;
  /** ISO 4217 code of the reporting currency. */
  readonly currency: string;
}

const minorDigits = new Map<string, number>();

/**
 * Decimals of a currency's minor unit (EUR 2, JPY 0, BHD 3), from the ICU data Node carries,
 * so no table of currencies is kept here.
 */
export function currencyMinorDigits(currency: string): number {
  let d = minorDigits.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    minorDigits.set(currency, d);
  }
  return d;
}

/**
 * A money amount rounded to whole minor units, as the nearest binary number to that decimal,
 * which JavaScript prints as the decimal itself (547666.75, never 547666.7500000071). Halves
 * round away from zero, as accountants do.
 */
export function roundMoney(value: number, currency: string): number {
  const scale = 10 ** currencyMinorDigits(currency);
  return minorUnits(value, scale) / scale + 0; // + 0 turns −0 into 0
}

/** The difference of two money amounts, exact in minor units (624.1, never 624.1000000000058). */
export function moneyDifference(a: number, b: number, currency: string): number {
  const scale = 10 ** currencyMinorDigits(currency);
  return (minorUnits(a, scale) - minorUnits(b, scale)) / scale + 0;
}

/** Whole minor units of an amount; 15 significant digits first drop the binary noise of a sum
 * (1.005 × 100 = 100.49999999999999 is the half 100.5, rounded to 101). */
function minorUnits(value: number, scale: number): number {
  const scaled = Number((Math.abs(value) * scale).toPrecision(15));
  return Math.sign(value) * Math.round(scaled);
}

const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify([locale, options]);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** Decimals worth showing for a plain number: none for whole values, up to two otherwise. */
function plainDigits(v: number): Intl.NumberFormatOptions {
  return Number.isInteger(v) ? { maximumFractionDigits: 0 } : { maximumFractionDigits: 2 };
}

function percentDigits(v: number): Intl.NumberFormatOptions {
  // A small rate needs its second decimal (0.43 %); a large one reads well with one.
  return Math.abs(v) < 0.1
    ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
    : { minimumFractionDigits: 1, maximumFractionDigits: 1 };
}

const EMPTY = '—';

/**
 * A value in its unit. `detail` is the dictionary's `unit_detail` (days, hours, seconds for a
 * duration), written after the number.
 */
export function formatValue(
  value: number | null | undefined,
  unit: ValueUnit,
  style: NumberStyle,
  detail?: string,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return formatIn(value, unit, style, detail, 'auto');
}

function formatIn(
  v: number,
  unit: ValueUnit,
  style: NumberStyle,
  detail: string | undefined,
  signDisplay: 'auto' | 'exceptZero',
): string {
  switch (unit) {
    case 'currency': {
      const d = currencyMinorDigits(style.currency);
      return numberFormat(style.locale, {
        style: 'currency',
        currency: style.currency,
        minimumFractionDigits: d,
        maximumFractionDigits: d,
        signDisplay,
      }).format(v);
    }
    case 'ratio':
      return numberFormat(style.locale, {
        style: 'percent',
        ...percentDigits(v),
        signDisplay,
      }).format(v);
    case 'duration': {
      const n = numberFormat(style.locale, { maximumFractionDigits: 1, signDisplay }).format(v);
      return detail ? `${n} ${durationUnit(detail)}` : n;
    }
    case 'score':
      return numberFormat(style.locale, { maximumFractionDigits: 1, signDisplay }).format(v);
    case 'count':
    case 'number':
      return numberFormat(style.locale, { ...plainDigits(v), signDisplay }).format(v);
  }
}

/** The short unit of a duration's `unit_detail` ("days, from order to delivery" → days). */
function durationUnit(detail: string): string {
  return detail.split(/[,;(]/)[0]?.trim() ?? detail;
}

/**
 * A change between two values of a unit, signed: money and counts in their unit, a rate's change
 * in percentage points (pt).
 */
export function formatChange(
  change: number | null | undefined,
  unit: ValueUnit,
  style: NumberStyle,
  detail?: string,
): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return EMPTY;
  if (unit === 'ratio') {
    const points = change * 100;
    const n = numberFormat(style.locale, {
      ...(Math.abs(points) < 10
        ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
        : { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      signDisplay: 'exceptZero',
    }).format(points);
    return `${n} pt`;
  }
  return formatIn(change, unit, style, detail, 'exceptZero');
}

/** A relative change (0.075 = +7.5 %), signed. */
export function formatRelativeChange(
  ratio: number | null | undefined,
  style: Pick<NumberStyle, 'locale'>,
): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return EMPTY;
  return numberFormat(style.locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(ratio);
}
