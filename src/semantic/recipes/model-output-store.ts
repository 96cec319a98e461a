import type { Engine } from '../../backends/engine.js';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';

/**
 * Daily outputs of analytics model runs, kept in the workspace database so that a KPI computed
 * by a model (`formula: { model, output }`, e.g. `lost_sales`) can take part in a query: the
 * decomposition recipe of `revenue_leakage` reads its part from here. `vitrine model <name>` on
 * a workspace writes the run (one run per model and output: a new run replaces the last), with
 * the days it covers, so that a period outside them is reported rather than counted as zero.
 */
export const MODEL_OUTPUTS_TABLE = '_vitrine_model_outputs';

const DDL = `CREATE TABLE IF NOT EXISTS ${MODEL_OUTPUTS_TABLE} (
  model VARCHAR NOT NULL,
  output VARCHAR NOT NULL,
  day DATE NOT NULL,
  value DOUBLE NOT NULL,
  covers_from DATE NOT NULL,
  covers_to DATE NOT NULL,
  run_at VARCHAR NOT NULL
)`;

export interface ModelOutputRun {
  readonly model: string;
  readonly output: string;
  /** First and last day the run read (days inside without a row are 0). */
  readonly coversFrom: string;
  readonly coversTo: string;
  readonly runAt: string;
  readonly days: readonly { readonly day: string; readonly value: number }[];
}

/** A stored run: values by epoch day, and the days it answers for. */
export interface StoredModelOutput {
  readonly model: string;
  readonly output: string;
  readonly from: number;
  readonly to: number;
  readonly runAt: string;
  readonly byDay: ReadonlyMap<number, number>;
}

/** Replaces the stored run of `run.model` / `run.output` (a writable engine). */
export async function storeModelOutput(engine: Engine, run: ModelOutputRun): Promise<void> {
  await engine.exec(DDL);
  await engine.transaction(async () => {
    await engine.run(`DELETE FROM ${MODEL_OUTPUTS_TABLE} WHERE model = $1 AND output = $2`, [
      run.model,
      run.output,
    ]);
    // A run with no day of loss still records its coverage: an all-zero answer, not a missing one.
    const rows = run.days.length > 0 ? run.days : [{ day: run.coversFrom, value: 0 }];
    // Bound INSERTs in batches: a run is a few hundred days, and values stay parameters.
    for (let i = 0; i < rows.length; i += 200) {
      const batch = rows.slice(i, i + 200);
      const params: (string | number)[] = [
        run.model,
        run.output,
        run.coversFrom,
        run.coversTo,
        run.runAt,
      ];
      const tuples = batch.map((d) => {
        params.push(d.day, d.value);
        const n = params.length;
        return `($1, $2, CAST($${n - 1} AS DATE), CAST($${n} AS DOUBLE), CAST($3 AS DATE), CAST($4 AS DATE), $5)`;
      });
      await engine.run(
        `INSERT INTO ${MODEL_OUTPUTS_TABLE} (model, output, day, value, covers_from, covers_to, run_at) VALUES ${tuples.join(', ')}`,
        params,
      );
    }
  });
}

/**
 * The stored run of a model output, or the reason there is none (in words for a warning).
 * Only the embedded and PostgreSQL engines hold runs: `vitrine model` writes them there.
 */
export async function readModelOutput(
  engine: Engine,
  model: string,
  output: string,
): Promise<StoredModelOutput | { readonly missing: string }> {
  if (engine.kind === 'clickhouse') {
    return { missing: `model runs are stored in the workspace database, not on ClickHouse` };
  }
  const exists = await engine.run(
    'SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $1',
    [MODEL_OUTPUTS_TABLE],
  );
  if (Number(exists.rows[0]?.['n'] ?? 0) === 0) {
    return { missing: `no stored run of "vitrine model ${model}"` };
  }
  const res = await engine.run(
    `SELECT CAST(day AS VARCHAR) AS day, value, CAST(covers_from AS VARCHAR) AS covers_from, CAST(covers_to AS VARCHAR) AS covers_to, run_at FROM ${MODEL_OUTPUTS_TABLE} WHERE model = $1 AND output = $2`,
    [model, output],
  );
  const first = res.rows[0];
  if (!first) return { missing: `no stored run of "vitrine model ${model}"` };
  const byDay = new Map<number, number>();
  for (const r of res.rows) {
    const day = parseIsoDate(String(r['day']), `${MODEL_OUTPUTS_TABLE}.day`);
    byDay.set(day, (byDay.get(day) ?? 0) + Number(r['value']));
  }
  return {
    model,
    output,
    from: parseIsoDate(String(first['covers_from']), `${MODEL_OUTPUTS_TABLE}.covers_from`),
    to: parseIsoDate(String(first['covers_to']), `${MODEL_OUTPUTS_TABLE}.covers_to`),
    runAt: String(first['run_at']),
    byDay,
  };
}

/** The run's total over [start, end], or null when the run does not cover every day of it. */
export function storedTotal(run: StoredModelOutput, start: number, end: number): number | null {
  if (start < run.from || end > run.to) return null;
  let total = 0;
  for (const [day, v] of run.byDay) if (day >= start && day <= end) total += v;
  return total;
}

export const coverageText = (run: StoredModelOutput): string =>
  `${isoDate(run.from)} to ${isoDate(run.to)}, run ${run.runAt}`;
