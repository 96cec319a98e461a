import type { Engine } from '../backends/engine.js';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { dialectFor } from '../backends/backend-registry.js';
import { getDimension } from '../semantic/facts/fact-resolver.js';
import { parseIsoDate } from '../time/civil-date.js';
import { VitrineError, oneLine } from '../util/errors.js';

/** A target as the `targets` table holds it; the value as text, exact (DECIMAL(18,8)). */
export interface TargetInput {
  readonly kpi: string;
  readonly start: string;
  readonly end: string;
  readonly segmentKey: string | null;
  readonly segmentValue: string | null;
  readonly value: string;
}

/** One target as given (a CSV line, an API item): every field text, absent fields null. */
export interface TargetText {
  readonly kpi_id: string | null;
  readonly period_start: string | null;
  readonly period_end: string | null;
  readonly segment_key: string | null;
  readonly segment_value: string | null;
  readonly target_value: string | null;
}

/** A target as read back (the API's GET /api/targets). */
export interface TargetRecord {
  readonly kpi_id: string;
  readonly period_start: string;
  readonly period_end: string;
  readonly segment_key: string | null;
  readonly segment_value: string | null;
  readonly target_value: number | null;
}

/** Digits before the point of the `targets` table's DECIMAL(18,8). */
const TARGET_INTEGER_DIGITS = 10;

/**
 * A JSON number as the exact decimal text a target is written with: 0.0000001 is `1e-7` in
 * JavaScript's shortest form, which is no decimal; 8 places are what the table keeps.
 */
export function targetValueText(value: number): string {
  const shortest = String(value);
  if (!/e/i.test(shortest)) return shortest;
  return value.toFixed(8).replace(/\.?0+$/, '');
}

/** Token scopes: dimension → the values the token may see. */
type Scopes = Readonly<Record<string, readonly string[]>>;

/**
 * Checks targets before any is written — known KPI, valid dates in order, a known dimension for
 * a segment, a number — and refuses them all if one is bad, each problem named with `where(i)`
 * (a file and line, or the field of an API body).
 */
export function checkTargets(
  items: readonly TargetText[],
  dictionary: KpiDictionary,
  where: (index: number) => string,
): TargetInput[] {
  const problems: string[] = [];
  const inputs: TargetInput[] = [];
  items.forEach((r, i) => {
    const text = (v: string | null) => (v === null || v.trim() === '' ? null : v.trim());
    const kpi = text(r.kpi_id);
    const start = text(r.period_start);
    const end = text(r.period_end);
    const value = text(r.target_value);
    const segmentKey = text(r.segment_key);
    const segmentValue = text(r.segment_value);
    const bad = (field: string, msg: string) => problems.push(`${where(i)}: ${field}: ${msg}`);
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
    else if ((/^-?0*(\d+)/.exec(value)?.[1]?.length ?? 0) > TARGET_INTEGER_DIGITS)
      bad(
        'target_value',
        `${value} is out of range: a target has at most ${TARGET_INTEGER_DIGITS} digits before the decimal point`,
      );
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
  return inputs;
}

/**
 * Writes checked targets in one transaction, each replacing the target with the same KPI,
 * period and segment; returns how many replaced one. Targets are written on the workspace's
 * embedded database (the one writer), whose SQL this is.
 */
export async function upsertTargets(
  engine: Engine,
  inputs: readonly TargetInput[],
): Promise<{ inserted: number; updated: number }> {
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
  return { inserted: inputs.length - updated, updated };
}

/**
 * The targets of one KPI (or all), in KPI, period and segment order, as a token with `scopes`
 * may see them: an unscoped token sees all; a scoped one the whole-business targets and those
 * of its own segments.
 */
export async function readTargets(
  engine: Engine,
  options: { readonly kpi?: string | null; readonly scopes: Scopes },
): Promise<TargetRecord[]> {
  const d = dialectFor(engine.kind);
  const q = (name: string) => d.quoteIdentifier(name);
  const kpi = options.kpi ?? null;
  const r = await engine.run(
    `SELECT ${q('kpi_id')}, ${q('period_start')}, ${q('period_end')}, ${q('segment_key')}, ${q('segment_value')}, ${d.toDouble(q('target_value'))} AS ${q('target_value')} FROM ${q('targets')}${kpi === null ? '' : ` WHERE ${q('kpi_id')} = ${d.param(1)}`} ORDER BY ${q('kpi_id')}, ${q('period_start')}, ${q('segment_key')}, ${q('segment_value')}`,
    kpi === null ? [] : [kpi],
  );
  const scopes = options.scopes;
  const unscoped = Object.keys(scopes).length === 0;
  const out: TargetRecord[] = [];
  for (const row of r.rows) {
    const key = row['segment_key'] as string | null;
    const value = row['segment_value'] as string | null;
    if (key) {
      const allowed = scopes[key];
      if (allowed ? !allowed.includes(String(value)) : !unscoped) continue;
    }
    out.push({
      kpi_id: String(row['kpi_id']),
      period_start: String(row['period_start']).slice(0, 10),
      period_end: String(row['period_end']).slice(0, 10),
      segment_key: key,
      segment_value: value,
      target_value: row['target_value'] === null ? null : Number(row['target_value']),
    });
  }
  return out;
}
