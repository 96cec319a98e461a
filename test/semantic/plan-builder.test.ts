import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { buildPlan } from '../../src/semantic/plan/plan-builder.js';
import type { QueryPlan } from '../../src/semantic/plan/query-plan.js';
import type { QueryRequest } from '../../src/semantic/query/query-types.js';
import { calendarFromConfig } from '../../src/time/calendar.js';
import { defaultConfig } from '../../src/workspace/workspace-config.js';

/**
 * The plan is complete before anything runs: what each recipe needs is recorded in it (the only
 * time the recipe registry is asked), and it is plain data. KPIs of the recipe tests' dictionary:
 * r_net_sales = r_sales − r_discounts (sales_lines) − r_refunds (returns); r_nrr is the nrr
 * recipe over r_net_sales; r_sales_by_channel a breakdown of r_sales by channel; r_sales_hourly
 * a breakdown at the hour grain.
 */

const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('./recipes/kpis/', import.meta.url)),
});
const calendar = calendarFromConfig(defaultConfig('plan-tests'));
const march = { from: '2025-03-01', to: '2025-03-31' };
const plan = (request: QueryRequest): QueryPlan => buildPlan(request, { dictionary, calendar });
const scanned = (p: QueryPlan) =>
  p.scans.map((s) => `${s.fact.name}: ${s.measures.map((m) => m.id).join(', ')}`);

describe('the query plan', () => {
  it('records what a recipe needs, and the plan of the KPI it compiles', () => {
    const p = plan({ kpis: ['r_nrr'], by: ['channel'], ...march });
    const nrr = p.kpis.find((k) => k.id === 'r_nrr');
    expect(nrr?.kind).toBe('recipe');
    if (nrr?.kind !== 'recipe') return;
    expect(nrr.needs.dependencies).toEqual(['r_net_sales']);
    expect(nrr.needs.dimensions).toEqual([]);
    expect(nrr.needs.grain).toBeNull();
    const compiled = nrr.needs.compiled['r_net_sales'];
    // Net sales read two facts: sales and discounts in one pass over lines, refunds over returns,
    // split like the request.
    expect(compiled && scanned(compiled)).toEqual([
      'sales_lines: r_sales, r_discounts',
      'returns: r_refunds',
    ]);
    expect(compiled?.dims.map((d) => d.id)).toEqual(['channel']);
    // The main statement reads nothing: only the recipe reads net sales, in its own statement.
    expect(p.scans).toEqual([]);
    expect(p.kpis.map((k) => k.id).sort()).toEqual(
      ['r_discounts', 'r_net_sales', 'r_nrr', 'r_refunds', 'r_sales'].sort(),
    );
  });

  it('scans what the answer reads directly, not what only a recipe reads', () => {
    const p = plan({ kpis: ['r_nrr', 'r_sales'], ...march });
    expect(scanned(p)).toEqual(['sales_lines: r_sales']);
  });

  it('takes the grain a recipe names when the request names none, and says so', () => {
    const p = plan({ kpis: ['r_sales_hourly'], ...march });
    expect(p.grain).toBe('hour');
    expect(p.request.grain).toBe('hour');
    // 31 days of March at the hour grain: the periods are the days (hours split them in SQL).
    expect(p.periods).toHaveLength(31);
    const asked = plan({ kpis: ['r_sales_hourly'], grain: 'day', ...march });
    expect(asked.request.grain).toBe('day');
  });

  it('adds the dimensions of a breakdown to the answer, once', () => {
    expect(plan({ kpis: ['r_sales_by_channel'], ...march }).answerBy).toEqual(['channel']);
    const both = plan({ kpis: ['r_sales_by_channel'], by: ['region'], ...march });
    expect(both.answerBy).toEqual(['region', 'channel']);
    expect(both.dims.map((d) => d.id)).toEqual(['region']);
    const already = plan({ kpis: ['r_sales_by_channel'], by: ['channel'], ...march });
    expect(already.answerBy).toEqual(['channel']);
  });

  it('is frozen plain data: it goes through JSON unchanged', () => {
    const p = plan({ kpis: ['r_nrr', 'r_sales_by_channel', 'r_net_sales'], ...march });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.scans[0]?.measures[0]?.expr?.tables)).toBe(true);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});
