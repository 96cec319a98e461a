import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/backends/engine.js';
import { loadDictionary } from '../../../src/semantic/dictionary/kpi-dictionary.js';
import type { KpiDictionary } from '../../../src/semantic/dictionary/kpi-dictionary.js';
import { kpiDependencies } from '../../../src/semantic/dictionary/kpi-validation.js';
import { runQuery } from '../../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../../src/semantic/query/query-types.js';
import { fixtureDatabase } from '../../../src/workspace/fixture-database.js';
import { config, OrderBook } from './recipe-test-support.js';

/**
 * Every KPI of the shipped dictionary computed by a recipe, or depending on one, answers on an
 * empty database and on a small one where each of them has something to count.
 */
const shipped = loadDictionary();

function recipeKpis(dict: KpiDictionary): string[] {
  const usesRecipe = new Map<string, boolean>();
  const visit = (id: string, path: Set<string>): boolean => {
    const known = usesRecipe.get(id);
    if (known !== undefined) return known;
    const entry = dict.entries.get(id);
    if (!entry || path.has(id)) return false;
    const f = entry.def.formula;
    const next = new Set(path).add(id);
    const result = 'recipe' in f || kpiDependencies(entry.def).some((dep) => visit(dep, next));
    usesRecipe.set(id, result);
    return result;
  };
  return [...dict.entries.keys()].filter((id) => visit(id, new Set())).sort();
}

const KPIS = recipeKpis(shipped);

/*
 * A small business: customer c1 buys every month of 2024 and 2025 on the web (shipped,
 * delivered the next day) and at store s1; c2 first buys in January 2025, again in February;
 * one anonymous ticket a month. Sessions, a touchpoint, a contact, stock, a market study, a
 * range key and some advertising give the other recipes something to count.
 */
const book = new OrderBook();
const shipments: Record<string, unknown>[] = [];
const sessions: Record<string, unknown>[] = [];
for (const year of [2024, 2025]) {
  for (const month of ['01', '02', '03']) {
    const web = book.add({
      day: `${year}-${month}-10`,
      customer: 'c1',
      fulfilment: 'ship',
      lines: [{ qty: 2, price: 10, discount: 2 }],
    });
    shipments.push({
      shipment_id: `sh-${web}`,
      order_id: web,
      warehouse_id: 'w1',
      shipped_at: `${year}-${month}-10T15:00:00Z`,
      delivered_at: `${year}-${month}-11T09:00:00Z`,
    });
    book.add({
      day: `${year}-${month}-12`,
      customer: 'c1',
      channel: 'store',
      location: 's1',
      fulfilment: 'carry_out',
      lines: [{ price: 30 }],
    });
    book.add({
      day: `${year}-${month}-20`,
      channel: 'store',
      location: 's1',
      lines: [{ price: 5 }],
    });
    sessions.push({
      session_id: `s-${year}-${month}`,
      visitor_id: 'v1',
      customer_id: 'c1',
      channel_id: 'web',
      started_at: `${year}-${month}-09T10:00:00Z`,
      medium: 'organic',
    });
  }
}
const janOrder = book.add({ day: '2025-01-06', customer: 'c2', lines: [{ price: 40 }] });
book.add({ day: '2025-02-07', customer: 'c2', lines: [{ price: 40 }] });
book.add({ day: '2025-02-08', customer: 'c2', status: 'cancelled', lines: [{ price: 99 }] });
book.add({ day: '2025-04-02', customer: 'c1', lines: [{ price: 10 }] });
sessions.push({
  session_id: 's-new',
  visitor_id: 'v2',
  channel_id: 'web',
  started_at: '2025-03-15T10:00:00Z',
  medium: 'cpc',
});

const SMALL = {
  channels: [
    { channel_id: 'web', name: 'Web', kind: 'web' },
    { channel_id: 'store', name: 'Stores', kind: 'store' },
  ],
  locations: [
    {
      location_id: 's1',
      name: 'S1',
      kind: 'store',
      timezone: 'Europe/Paris',
      region: 'North',
      opened_on: '2020-01-01',
      selling_area_sqm: 100,
    },
    { location_id: 'w1', name: 'W1', kind: 'warehouse', timezone: 'Europe/Paris' },
  ],
  suppliers: [{ supplier_id: 'sup1', name: 'Sup', lead_time_days: 2 }],
  products: [
    {
      sku: 'A',
      name: 'A',
      category: 'shoes',
      ean: '1',
      list_price: 10,
      unit_cost: 4,
      supplier_id: 'sup1',
      launched_on: '2024-01-01',
    },
    {
      sku: 'B',
      name: 'B',
      category: 'bags',
      list_price: 10,
      unit_cost: 4,
      launched_on: '2025-01-15',
    },
  ],
  customers: [
    { customer_id: 'c1', created_at: '2024-01-01T00:00:00Z', segment: 'gold' },
    { customer_id: 'c2', created_at: '2025-01-05T00:00:00Z', segment: 'silver' },
  ],
  campaigns: [{ campaign_id: 'k1', name: 'K1', channel: 'sea' }],
  ad_spend: [{ spend_on: '2025-01-03', campaign_id: 'k1', channel: 'sea', spend: 100 }],
  orders: book.orders,
  order_lines: book.lines.map((l) => ({ ...l, unit_cost: 4 })),
  returns: [
    {
      return_id: 'r1',
      order_id: janOrder,
      line_no: 1,
      sku: 'A',
      quantity: 1,
      refund_amount: 40,
      returned_at: '2025-02-14T10:00:00Z',
      location_id: 's1',
    },
  ],
  shipments,
  sessions,
  touchpoints: [
    { touchpoint_id: 't1', customer_id: 'c2', touched_at: '2025-01-04T10:00:00Z', channel: 'sea' },
  ],
  support_contacts: [
    {
      contact_id: 'k1',
      customer_id: 'c1',
      channel: 'email',
      opened_at: '2025-02-03T10:00:00Z',
      reason: 'delivery',
      page_before_contact: 'checkout',
    },
  ],
  inventory_snapshots: [
    { snapshot_on: '2025-03-31', location_id: 's1', sku: 'A', on_hand: 0 },
    { snapshot_on: '2025-03-11', location_id: 's1', sku: 'A', on_hand: 1 },
  ],
  market_size: [
    {
      period_start: '2025-01-01',
      period_end: '2025-12-31',
      region: 'North',
      category: 'shoes',
      market_sales: 36500,
    },
  ],
  range_targets: [{ range_key: 'K1' }, { range_key: 'K2' }],
  product_fitments: [{ sku: 'A', range_key: 'K1' }],
};

let empty: Engine;
let small: Engine;
beforeAll(async () => {
  empty = await fixtureDatabase({});
  small = await fixtureDatabase(SMALL);
}, 120_000);
afterAll(async () => {
  await empty.close();
  await small.close();
});

const monthly = (kpi: string): QueryRequest => ({
  kpis: [kpi],
  from: '2025-01-01',
  to: '2025-03-31',
  grain: 'month',
  compare: ['yoy'],
});

describe('shipped KPIs computed by recipes', () => {
  it('finds them in the dictionary', () => {
    // Both the recipes themselves and the formulas over them (repeat rate, market share…).
    expect(KPIS).toEqual(
      expect.arrayContaining(['retention_rate', 'repeat_purchase_rate', 'market_share']),
    );
    expect(KPIS.length).toBeGreaterThanOrEqual(30);
  });

  it('answer on an empty database', async () => {
    const failures: string[] = [];
    for (const kpi of KPIS) {
      try {
        const res = await runQuery({ engine: empty, dictionary: shipped, config }, monthly(kpi));
        for (const row of res.rows) {
          const v = row.values[kpi];
          if (v !== null && typeof v !== 'number') failures.push(`${kpi}: value ${String(v)}`);
        }
      } catch (e) {
        failures.push(`${kpi}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answer on a small database, each with a value', async () => {
    const failures: string[] = [];
    for (const kpi of KPIS) {
      try {
        const res = await runQuery({ engine: small, dictionary: shipped, config }, monthly(kpi));
        const values = res.rows.map((r) => r.values[kpi]);
        if (!values.some((v) => typeof v === 'number' && Number.isFinite(v))) {
          failures.push(`${kpi}: no value (${JSON.stringify(values)})`);
        }
        const whole = await runQuery(
          { engine: small, dictionary: shipped, config },
          { kpis: [kpi], from: '2025-01-01', to: '2025-03-31' },
        );
        if (whole.rows.length === 0) failures.push(`${kpi}: no row without a grain`);
      } catch (e) {
        failures.push(`${kpi}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
