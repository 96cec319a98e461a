import type { TableDef } from '../../model/model-types.js';
import type { Check } from './column-rules.js';

/**
 * Rules across the columns of one record, written over the typed values `t_*`. Amounts are
 * consistent within a tolerance of 2 cents plus 0.01 %: exports round each amount on its own.
 */
export const TOLERANCE = { absolute: 0.02, relative: 0.0001 } as const;

export function tolerance(value: string): string {
  return `(${TOLERANCE.absolute} + ${TOLERANCE.relative} * abs(${value}))`;
}

/** A value as a double: a tolerance test needs no exact decimals, and 128-bit decimal arithmetic
 * on every record of a large file is slow. */
const d = (x: string) => `CAST(${x} AS DOUBLE)`;

const RULES: Record<string, (t: (c: string) => string) => Check[]> = {
  order_lines: (t) => [
    {
      when: `abs(${d(t('quantity'))} * ${d(t('unit_price'))} - (${d(t('quantity'))} * ${d(t('unit_list_price'))} - ${d(t('discount_amount'))})) > ${tolerance(`${d(t('quantity'))} * ${d(t('unit_list_price'))}`)}`,
      text: `'unit_price: ' || CAST(${t('quantity')} AS VARCHAR) || ' × ' || CAST(${t('unit_price')} AS VARCHAR) || ' differs from quantity × unit_list_price − discount_amount = ' || CAST(${t('quantity')} * ${t('unit_list_price')} - ${t('discount_amount')} AS VARCHAR)`,
    },
    {
      when: `${t('unit_price')} < 0`,
      text: `'unit_price: ' || CAST(${t('unit_price')} AS VARCHAR) || ' is negative'`,
    },
  ],
  orders: (t) => [
    {
      when: `abs(${d(t('total'))} - (${d(t('subtotal'))} + ${d(t('shipping_amount'))} + ${d(t('tax_total'))})) > ${tolerance(d(t('total')))}`,
      text: `'total: ' || CAST(${t('total')} AS VARCHAR) || ' differs from subtotal + shipping_amount + tax_total = ' || CAST(${t('subtotal')} + ${t('shipping_amount')} + ${t('tax_total')} AS VARCHAR)`,
    },
  ],
};

export function rowRules(table: TableDef): Check[] {
  const rule = RULES[table.name];
  return rule ? rule((c) => `t_${c}`) : [];
}
