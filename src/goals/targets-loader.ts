import type { Engine } from '../backends/engine.js';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { VitrineError, oneLine } from '../util/errors.js';
import { checkTargets, upsertTargets } from './targets-query.js';

export interface TargetsLoadResult {
  readonly file: string;
  readonly read: number;
  readonly inserted: number;
  readonly updated: number;
}

const COLUMNS = [
  'kpi_id',
  'period_start',
  'period_end',
  'segment_key',
  'segment_value',
  'target_value',
];

/**
 * Loads a targets CSV (columns of the `targets` table) into the workspace. Every row is checked
 * first — known KPI, valid dates in order, a known dimension for a segment, a number — and a
 * file with any bad row is refused whole, each problem named with its line; a good file
 * replaces the targets with the same KPI, period and segment, in one transaction.
 */
export async function loadTargetsFile(
  engine: Engine,
  dictionary: KpiDictionary,
  file: string,
): Promise<TargetsLoadResult> {
  let rows;
  try {
    rows = (
      await engine.run('SELECT * FROM read_csv($1, all_varchar = true, header = true)', [file])
    ).rows;
  } catch (e) {
    throw new VitrineError('TARGETS_READ', `${file}: ${oneLine(e)}`);
  }
  const first = rows[0];
  const missing = COLUMNS.filter(
    (c) => c !== 'segment_key' && c !== 'segment_value' && first && !(c in first),
  );
  if (!first || missing.length > 0) {
    throw new VitrineError(
      'TARGETS_COLUMNS',
      `${file}: ${first ? `missing column(s) ${missing.join(', ')}` : 'no rows'}; expected header ${COLUMNS.join(',')}`,
    );
  }
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const inputs = checkTargets(
    rows.map((r) => ({
      kpi_id: text(r['kpi_id']),
      period_start: text(r['period_start']),
      period_end: text(r['period_end']),
      segment_key: text(r['segment_key']),
      segment_value: text(r['segment_value']),
      target_value: text(r['target_value']),
    })),
    dictionary,
    (i) => `${file}:${i + 2}`,
  );
  const { inserted, updated } = await upsertTargets(engine, inputs);
  return { file, read: rows.length, inserted, updated };
}
