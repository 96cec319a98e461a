import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import {
  DRIVER_TREES,
  driverTreeFor,
  driverTreeProblems,
} from '../../src/semantic/explain/driver-trees.js';
import { explainKpi } from '../../src/semantic/explain/explain.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const dir = inject('smallDemoDir');
const dictionary = loadDictionary();
let ws: Workspace;
beforeAll(async () => {
  ws = await openWorkspace(dir, { readOnly: true });
});
afterAll(async () => ws.close());
const ctx = () => ({ engine: ws.engine, dictionary, config: ws.config });
const cents = (v: number) => Math.round(v * 100);

describe('driver trees', () => {
  it('read only KPIs the shipped dictionary defines', () => {
    expect(driverTreeProblems(dictionary)).toEqual([]);
  });

  it('name the tree, term, factor and id a dictionary lacks (footfall once shipped so)', () => {
    const bad = {
      net_sales: {
        terms: [
          {
            label: 'stores',
            unfiltered: ['footfall'],
            factors: [{ label: 'traffic', expr: 'footfall', unit: 'count' as const }],
          },
        ],
        otherLabel: 'other',
      },
    };
    expect(driverTreeProblems(dictionary, bad)).toEqual([
      'driver tree net_sales, term "stores", factor "traffic": the dictionary has no KPI footfall',
    ]);
    const without = { has: (id: string) => id !== 'store_visitors' };
    expect(() => driverTreeFor('net_sales', without)).toThrow(/store_visitors/);
  });
});

describe('explain on the small demo', () => {
  // The README's example (November against November of the year before), to the demo's last day.
  const period = { from: '2026-11-01', to: '2026-11-22', vs: 'yoy' as const };

  it.each(Object.keys(DRIVER_TREES))(
    'explains %s into drivers that add up to its change',
    async (kpi) => {
      const res = await explainKpi(ctx(), { kpi, ...period });
      expect(res.change).not.toBeNull();
      // Every factor of every term, and the "other" line.
      const factors = (DRIVER_TREES[kpi]?.terms ?? []).flatMap((t) => t.factors).length;
      expect(res.drivers).toHaveLength(factors + 1);
      const sum = res.drivers.reduce((a, d) => a + d.contribution, 0);
      if (res.unit === 'currency') {
        expect(cents(sum)).toBe(cents(res.change ?? NaN));
        for (const d of res.drivers) expect(d.contribution).toBe(cents(d.contribution) / 100);
      } else expect(sum).toBeCloseTo(res.change ?? NaN, 9);
    },
  );

  it('gives orders their traffic: online sessions and store footfall as the queries count them', async () => {
    const res = await explainKpi(ctx(), { kpi: 'orders', ...period });
    const q = await runQuery(ctx(), {
      kpis: ['sessions'],
      ...period,
      compare: ['yoy'],
      where: { channel_kind: ['web', 'app'] },
    });
    const f = await runQuery(ctx(), { kpis: ['store_visitors'], ...period, compare: ['yoy'] });
    const traffic = res.drivers.filter((d) => d.driver.startsWith('traffic'));
    expect(traffic.map((d) => d.value)).toEqual([
      q.rows[0]?.values['sessions'],
      f.rows[0]?.values['store_visitors'],
    ]);
    expect(traffic.map((d) => d.comparison)).toEqual([
      q.rows[0]?.comparisons['yoy']?.['sessions']?.value,
      f.rows[0]?.comparisons['yoy']?.['store_visitors']?.value,
    ]);
  });

  it('says in one line why a KPI without a tree has no drivers', async () => {
    const aov = await explainKpi(ctx(), { kpi: 'aov', ...period });
    expect(aov.drivers).toEqual([]);
    expect(aov.notes).toHaveLength(1);
    expect(aov.notes[0]).toMatch(/^aov = .* is a ratio with no driver tree: add --by/);
    const units = await explainKpi(ctx(), { kpi: 'units_sold', ...period });
    expect(units.notes[0]).toMatch(/units_sold is a single additive measure of .*: add --by/);
  });

  it('publishes money at the cent and closes the segments on the change', async () => {
    const res = await explainKpi(ctx(), { kpi: 'net_sales', ...period, by: 'channel' });
    expect(res.segments.length).toBeGreaterThan(1);
    for (const s of res.segments) {
      expect(s.contribution).toBe(cents(s.contribution) / 100);
      expect(s.contribution).toBe(Math.round(((s.value ?? 0) - (s.comparison ?? 0)) * 100) / 100);
    }
    const sum = res.segments.reduce((a, s) => a + cents(s.contribution), 0);
    expect(sum).toBe(cents(res.change ?? NaN));
  });
});
