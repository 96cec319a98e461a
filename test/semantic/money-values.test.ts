import { describe, expect, it } from 'vitest';
import { withExactMoney } from '../../src/semantic/query/money-values.js';
import type { QueryResponse } from '../../src/semantic/query/query-types.js';

const dictionary = {
  has: (id: string) => ['net_sales', 'conversion_rate'].includes(id),
  get: (id: string) =>
    ({
      def:
        id === 'net_sales'
          ? { unit: 'currency', additivity: 'additive' }
          : { unit: 'ratio', additivity: 'non_additive' },
    }) as unknown as ReturnType<Parameters<typeof withExactMoney>[1]['get']>,
};

describe('money in a query answer', () => {
  it('publishes currency KPIs at the minor unit, their changes in minor units, ratios untouched', () => {
    const res: QueryResponse = {
      request: { kpis: ['net_sales', 'conversion_rate'], from: '2026-11-01', to: '2026-11-30' },
      rows: [
        {
          period: 'all',
          period_start: '2026-11-01',
          period_end: '2026-11-30',
          dims: {},
          values: { net_sales: 547667.4200000071, conversion_rate: 0.0371762 },
          comparisons: {
            yoy: {
              // 547667.42 − 43.32 is 547624.1000000001 in doubles.
              net_sales: { value: 43.32, change: 547624.1000000071, change_ratio: 12641.9 },
              conversion_rate: {
                value: 0.0333761,
                change: 0.0371762 - 0.0333761,
                change_ratio: 0.11385,
              },
            },
          },
        },
      ],
      warnings: [],
      sql: [],
    };
    const out = withExactMoney(res, dictionary, 'EUR');
    const row = out.rows[0];
    expect(row?.values['net_sales']).toBe(547667.42);
    expect(row?.comparisons['yoy']?.['net_sales']).toEqual({
      value: 43.32,
      change: 547624.1,
      change_ratio: 12641.9,
    });
    expect(JSON.stringify(row?.comparisons['yoy']?.['net_sales'])).toContain('"change":547624.1,');
    expect(row?.values['conversion_rate']).toBe(0.0371762);
    expect(row?.comparisons['yoy']?.['conversion_rate']?.change).toBe(0.0371762 - 0.0333761);
  });
});
