import type { Engine } from '../backends/engine.js';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { getDimension } from '../semantic/facts/fact-resolver.js';
import { parseIsoDate } from '../time/civil-date.js';
import { VitrineError, oneLine } from '../util/errors.js';

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

interface TargetInput {
  kpi: string;
  start: string;
  end: string;
  segmentKey: string | null;
  segmentValue: string | null;
  value: string;
}

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
  const problems: string[] = [];
  const inputs: TargetInput[] = [];
  rows.forEach((r, i) => {
    const line = i + 2;
    const text = (k: string) => {
      const v = r[k];
      return v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim();
    };
    const kpi = text('kpi_id');
    const start = text('period_start');
    const end = text('period_end');
    const value = text('target_value');
    const segmentKey = text('segment_key');
    const segmentValue = text('segment_value');
    const bad = (field: string, msg: string) => problems.push(`${file}:${line}: ${field}: ${msg}`);
    if (!kpi) bad('kpi_id', 'missing');
    else if (!dictionary.has(kpi)) bad('kpi_id', `unknown KPI "${kpi}"`);
    let s = NaN;
    let e = NaN;
    try {
      s = parseIsoDate(start ?? '', 'period_start');
    } catch (err) {
      bad('period_start', oneLine(err));
    }
    try {
      e = parseIsoDate(end ?? '', 'period_end');
    } catch (err) {
      bad('period_end', oneLine(err));
    }
    if (s > e) bad('period_end', `${end} is before period_start ${start}`);
    if (value === null || !/^-?\d+(\.\d+)?$/.test(value))
      bad('target_value', `"${value ?? ''}" is not a number`);
    if ((segmentKey === null) !== (segmentValue === null))
      bad('segment_key', 'segment_key and segment_value go together');
    if (segmentKey) {
      try {
        getDimension(segmentKey);
      } catch (err) {
        bad('segment_key', oneLine(err));
      }
    }
    if (kpi && start && end && value)
      inputs.push({ kpi, start, end, segmentKey, segmentValue, value });
  });
  if (problems.length > 0) {
    throw new VitrineError(
      'TARGETS_INVALID',
      `${problems.length} bad row(s), nothing loaded:\n${problems.slice(0, 20).join('\n')}${problems.length > 20 ? `\n… and ${problems.length - 20} more` : ''}`,
    );
  }
  let updated = 0;
  await engine.transaction(async () => {
    for (const t of inputs) {
      const key = [t.kpi, t.start, t.end, t.segmentKey ?? '', t.segmentValue ?? ''];
      const del = await engine.run(
        `DELETE FROM targets WHERE kpi_id = $1 AND period_start = CAST($2 AS DATE) AND period_end = CAST($3 AS DATE) AND coalesce(segment_key, '') = $4 AND coalesce(segment_value, '') = $5 RETURNING 1`,
        key,
      );
      updated += del.rows.length;
      await engine.run(
        'INSERT INTO targets VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5, CAST($6 AS DECIMAL(18,8)))',
        [t.kpi, t.start, t.end, t.segmentKey, t.segmentValue, t.value],
      );
    }
  });
  return { file, read: rows.length, inserted: inputs.length - updated, updated };
}
