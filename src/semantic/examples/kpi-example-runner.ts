import type { KpiDictionary } from '../dictionary/kpi-dictionary.js';
import { runQuery } from '../query/query-runner.js';
import type { FixtureRows } from '../../workspace/fixture-database.js';
import { fixtureDatabase, refillFixtureDatabase } from '../../workspace/fixture-database.js';
import { defaultConfig } from '../../workspace/workspace-config.js';
import { parseWhere } from '../plan/plan-builder.js';
import { oneLine } from '../../util/errors.js';

export interface ExampleOutcome {
  readonly kpi: string;
  readonly example: string;
  readonly expected: number | null;
  readonly actual: number | null;
  readonly passed: boolean;
  readonly error?: string;
}

/**
 * Runs the examples a KPI carries in the dictionary: each loads its tiny fixture into an
 * in-memory database and computes the KPI over the example's dates, against the value its
 * author computed by hand.
 */
export async function runKpiExamples(
  dictionary: KpiDictionary,
  only?: readonly string[],
): Promise<ExampleOutcome[]> {
  const out: ExampleOutcome[] = [];
  const config = defaultConfig('examples');
  // One database for the run, emptied between examples: a fresh one per example costs more
  // than the example itself.
  const engine = await fixtureDatabase({});
  let previous: FixtureRows = {};
  try {
    for (const entry of dictionary.list()) {
      if (only && only.length > 0 && !only.includes(entry.def.id)) continue;
      for (const ex of entry.def.examples ?? []) {
        const base = { kpi: entry.def.id, example: ex.name, expected: ex.expect };
        try {
          const filled = previous;
          previous = ex.fixture;
          await refillFixtureDatabase(engine, filled, ex.fixture);
          // An example states the definition's exact value (89.333… for an AOV), not the
          // answer's amount in cents.
          const res = await runQuery(
            { engine, dictionary, config, money: 'binary' },
            {
              kpis: [entry.def.id],
              from: ex.from,
              to: ex.to,
              ...(ex.where ? { where: parseWhere(ex.where) } : {}),
            },
          );
          const actual = res.rows[0]?.values[entry.def.id] ?? null;
          const tol = ex.tolerance ?? 1e-9;
          const passed =
            ex.expect === null
              ? actual === null
              : actual !== null &&
                Math.abs(actual - ex.expect) <= tol * Math.max(1, Math.abs(ex.expect));
          out.push({ ...base, actual, passed });
        } catch (e) {
          out.push({ ...base, actual: null, passed: false, error: oneLine(e) });
        }
      }
    }
  } finally {
    await engine.close();
  }
  return out;
}
