import type { Engine } from '../../backends/engine.js';
import { storeModelOutput } from '../../semantic/recipes/model-output-store.js';
import type { LostSalesValues } from './lost-sales-model.js';

/**
 * Keeps a workspace run of lost sales for queries: the KPI `lost_sales` (formula `model:
 * lost-sales, output: lost_sales`) is a part of `revenue_leakage`, whose recipe reads the daily
 * values stored here. The run answers for the days of stock snapshots it read; it replaces the
 * previous run. Returns false when the run read no snapshot (nothing to answer for).
 */
export async function storeLostSalesRun(
  engine: Engine,
  values: LostSalesValues,
  runAt = new Date().toISOString(),
): Promise<boolean> {
  if (!values.coverage) return false;
  await storeModelOutput(engine, {
    model: 'lost-sales',
    output: 'lost_sales',
    coversFrom: values.coverage.from,
    coversTo: values.coverage.to,
    runAt,
    days: values.byDay.map((d) => ({ day: d.day, value: d.lost_value })),
  });
  return true;
}
