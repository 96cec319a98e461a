/**
 * Net revenue retention needs a window of at least 28 days (issue 13, point 9): on a few days
 * the same customers rarely buy a year apart, and the ratio reads as churn that is not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { loadDictionary } from '../../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../../src/semantic/query/query-runner.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { defaultConfig } from '../../../src/workspace/workspace-config.js';

const dictionary = loadDictionary();
const config = defaultConfig('nrr');
let engine: Engine;
const line = (order_id: string, price: number) => ({
  order_id,
  line_no: 1,
  sku: 'A',
  quantity: 1,
  unit_list_price: price,
  unit_price: price,
});
beforeAll(async () => {
  // Customer c1 spent 100.00 on 5 March 2024 and 50.00 on 5 March 2025.
  engine = await fixtureDatabase({
    customers: [{ customer_id: 'c1', created_at: '2024-01-01T00:00:00Z' }],
    orders: [
      { order_id: 'a', customer_id: 'c1', ordered_at: '2024-03-05T10:00:00Z', status: 'paid' },
      { order_id: 'b', customer_id: 'c1', ordered_at: '2025-03-05T10:00:00Z', status: 'paid' },
    ],
    order_lines: [line('a', 100), line('b', 50)],
  });
});
afterAll(async () => engine?.close());

const nrr = (from: string, to: string) =>
  runQuery({ engine, dictionary, config }, { kpis: ['nrr'], from, to });

describe('net revenue retention and its minimum window', () => {
  it('a month is answered: 50.00 / 100.00', async () => {
    const res = await nrr('2025-03-01', '2025-03-31');
    expect(res.rows[0]?.values['nrr']).toBeCloseTo(0.5, 10);
    expect(res.warnings.join('\n')).not.toMatch(/not enough data/);
  });

  it('six days are not enough data: null and a warning naming the KPI', async () => {
    const res = await nrr('2025-03-01', '2025-03-06');
    expect(res.rows[0]?.values['nrr'] ?? null).toBeNull();
    expect(res.warnings.join('\n')).toMatch(/KPI nrr: not enough data .* shorter than 28 days/);
  });
});
