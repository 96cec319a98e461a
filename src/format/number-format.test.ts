import { describe, expect, it } from 'vitest';
import {
  currencyMinorDigits,
  formatChange,
  formatRelativeChange,
  formatValue,
  moneyDifference,
  roundMoney,
} from './number-format.js';

const en = { locale: 'en-GB', currency: 'EUR' };
const fr = { locale: 'fr-FR', currency: 'EUR' };
// fr-FR groups with a narrow no-break space (U+202F) and spaces units with a no-break space.
const nb = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('money at the minor unit', () => {
  it('rounds the binary noise of a sum to the exact decimal', () => {
    expect(roundMoney(547666.7500000071, 'EUR')).toBe(547666.75);
    expect(JSON.stringify(roundMoney(547666.7500000071, 'EUR'))).toBe('547666.75');
    // 1.005 is stored as 1.00499999999999989…: still the half cent it was written as.
    expect(roundMoney(1.005, 'EUR')).toBe(1.01);
    expect(roundMoney(-2.5, 'JPY')).toBe(-3);
    expect(Object.is(roundMoney(-0.001, 'EUR'), 0)).toBe(true);
    expect(currencyMinorDigits('JPY')).toBe(0);
    expect(currencyMinorDigits('BHD')).toBe(3);
  });

  it('takes differences in minor units', () => {
    // 100.1 − 99.9 is 0.19999999999998863 in doubles.
    expect(100.1 - 99.9).not.toBe(0.2);
    expect(moneyDifference(100.1, 99.9, 'EUR')).toBe(0.2);
    expect(moneyDifference(0.3, 0.1, 'EUR')).toBe(0.2);
  });
});

describe('numbers by unit', () => {
  it('formats money, rates, counts and durations for a person', () => {
    expect(formatValue(1281335.692901, 'currency', en)).toBe('€1,281,335.69');
    expect(nb(formatValue(1281335.692901, 'currency', fr))).toBe('1 281 335,69 €');
    expect(formatValue(0.211426, 'ratio', en)).toBe('21.1%');
    expect(formatValue(0.0387, 'ratio', en)).toBe('3.87%');
    expect(formatValue(16558, 'count', en)).toBe('16,558');
    expect(formatValue(2.345, 'duration', en, 'days, from order to delivery')).toBe('2.3 days');
    expect(formatValue(null, 'currency', en)).toBe('—');
  });

  it('writes a change of a rate in points and a relative change as a signed percentage', () => {
    // 3.0 % → 3.43 %: +0.43 point, not +14 %.
    expect(formatChange(0.0343 - 0.03, 'ratio', en)).toBe('+0.43 pt');
    expect(formatChange(-14579.31, 'currency', en)).toBe('-€14,579.31');
    expect(formatChange(21, 'count', en)).toBe('+21');
    expect(formatRelativeChange(1.296, en)).toBe('+129.6%');
    expect(nb(formatRelativeChange(-0.08, fr))).toBe('-8,0 %');
  });
});
