/**
 * OTIF counts a shipment when it falls due (its promised day), not on its order day (issue 13,
 * point 9): shipments of the last days whose promise is still ahead are not failures yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { loadDictionary } from '../../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../../src/semantic/query/query-runner.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { defaultConfig } from '../../../src/workspace/workspace-config.js';

const dictionary = loadDictionary();
const config = defaultConfig('otif');
let engine: Engine;
beforeAll(async () => {
  // Paris is UTC+1 in November and December.
  engine = await fixtureDatabase({
    orders: [
      {
        order_id: 'o1',
        ordered_at: '2025-11-10T10:00:00Z',
        status: 'delivered',
        promised_delivery_at: '2025-11-12T10:00:00Z',
      },
      {
        order_id: 'o2',
        ordered_at: '2025-11-20T10:00:00Z',
        status: 'delivered',
        promised_delivery_at: '2025-11-22T10:00:00Z',
      },
      {
        order_id: 'o3',
        ordered_at: '2025-11-28T10:00:00Z',
        status: 'shipped',
        promised_delivery_at: '2025-12-02T10:00:00Z',
      },
    ],
    shipments: [
      {
        shipment_id: 's1',
        order_id: 'o1',
        delivered_at: '2025-11-12T15:00:00Z',
        units_ordered: 2,
        units_shipped: 2,
      },
      {
        shipment_id: 's2',
        order_id: 'o2',
        delivered_at: '2025-11-25T15:00:00Z',
        units_ordered: 1,
        units_shipped: 1,
      },
      { shipment_id: 's3', order_id: 'o3', units_ordered: 1, units_shipped: 1 },
    ],
  });
});
afterAll(async () => engine?.close());

const otif = async (from: string, to: string) =>
  (
    await runQuery(
      { engine, dictionary, config },
      { kpis: ['otif', 'shipments_due', 'otif_shipments'], from, to },
    )
  ).rows[0]?.values;

describe('OTIF counts a shipment when it is due', () => {
  it('a shipment promised after the period is not a failure of the period', async () => {
    // November: s1 due 12 Nov, delivered that day in full (OTIF); s2 due 22 Nov, delivered the
    // 25th (late); s3, ordered 28 Nov, is due 2 December → 1 / 2 = 0.5 (it was 1 / 3 on order days).
    const nov = await otif('2025-11-01', '2025-11-30');
    expect(nov?.['shipments_due']).toBe(2);
    expect(nov?.['otif_shipments']).toBe(1);
    expect(nov?.['otif']).toBeCloseTo(0.5, 10);
  });

  it('it counts in the period it falls due, a failure once its day has passed undelivered', async () => {
    const dec = await otif('2025-12-01', '2025-12-31');
    expect(dec?.['shipments_due']).toBe(1);
    expect(dec?.['otif_shipments']).toBe(0);
    expect(dec?.['otif']).toBe(0);
  });
});
