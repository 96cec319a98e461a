/**
 * Revenue leakage counts lost sales once the lost-sales model has run on the workspace (issue
 * 13, point 7): the run is stored in the workspace database and the decomposition recipe reads
 * it. On a copy of the small demo, since the run writes.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runModel } from '../../src/analytics/analytic-model.js';
import type { LostSalesValues } from '../../src/analytics/lost-sales/lost-sales-model.js';
import { lostSalesModel } from '../../src/analytics/lost-sales/lost-sales-model.js';
import { storeLostSalesRun } from '../../src/analytics/lost-sales/lost-sales-store.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../src/semantic/query/query-types.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const root = mkdtempSync(join(tmpdir(), 'vitrine-leakage-'));
const dir = join(root, 'demo');
const dictionary = loadDictionary();
let ws: Workspace;
beforeAll(async () => {
  cpSync(inject('smallDemoDir'), dir, { recursive: true });
  ws = await openWorkspace(dir);
});
afterAll(async () => {
  await ws?.close();
  rmSync(root, { recursive: true, force: true });
});
const q = (req: QueryRequest) =>
  runQuery({ engine: ws.engine, dictionary, config: ws.config }, req);
const PARTS = ['discounts', 'refunds', 'chargeback_losses', 'shrinkage_value'];
const month = { from: '2026-03-01', to: '2026-03-31' };

describe('revenue leakage and the lost-sales model', () => {
  it('leaves lost sales out, and says so, before any run', async () => {
    const res = await q({ kpis: ['revenue_leakage', ...PARTS], ...month });
    const row = res.rows[0];
    const parts = PARTS.reduce((s, k) => s + (row?.values[k] ?? NaN), 0);
    expect(row?.values['revenue_leakage']).toBeCloseTo(parts, 6);
    expect(res.warnings.join('\n')).toMatch(/revenue_leakage is incomplete: lost_sales/);
  });

  it('adds the stored run of lost sales over the days of the period', async () => {
    const { result } = await runModel(
      lostSalesModel,
      { kind: 'workspace', source: { engine: ws.engine, config: ws.config, dir: ws.dir } },
      {},
    );
    const v: LostSalesValues = result.values;
    expect(v.total.lost_value).toBeGreaterThan(0);
    // The daily values add up to the model's total.
    expect(v.byDay.reduce((s, d) => s + d.lost_value, 0)).toBeCloseTo(v.total.lost_value, 4);
    expect(await storeLostSalesRun(ws.engine, v)).toBe(true);

    const lostInMarch = v.byDay
      .filter((d) => d.day >= month.from && d.day <= month.to)
      .reduce((s, d) => s + d.lost_value, 0);
    expect(lostInMarch).toBeGreaterThan(0);
    const res = await q({ kpis: ['revenue_leakage', ...PARTS], ...month });
    const row = res.rows[0];
    const parts = PARTS.reduce((s, k) => s + (row?.values[k] ?? NaN), 0);
    // Money answers are rounded to the cent.
    const leakage = row?.values['revenue_leakage'] ?? NaN;
    expect(Math.abs(leakage - (parts + lostInMarch))).toBeLessThanOrEqual(0.011);
    expect(res.warnings.join('\n')).not.toMatch(/revenue_leakage/);
  });

  it('a split the daily run cannot answer leaves lost sales out, and says so', async () => {
    const res = await q({ kpis: ['revenue_leakage'], by: ['location'], ...month });
    expect(res.warnings.join('\n')).toMatch(/lost_sales .*daily, not split by location/);
  });

  it('a period outside the run is unknown, not short', async () => {
    await ws.engine.run(
      "UPDATE _vitrine_model_outputs SET covers_to = DATE '2026-03-15' WHERE model = 'lost-sales'",
    );
    const res = await q({ kpis: ['revenue_leakage'], ...month });
    expect(res.rows[0]?.values['revenue_leakage']).toBeNull();
    expect(res.warnings.join('\n')).toMatch(/stored run covers .* to 2026-03-15/);
  });
});
