import type { QueryColumn, Row } from '../backends/engine.js';
import { formatChange, formatRelativeChange, formatValue } from '../format/number-format.js';
import type { NumberStyle, ValueUnit } from '../format/number-format.js';
import type { KpiDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import type { ExplainResult } from '../semantic/explain/explain.js';
import type { QueryResponse } from '../semantic/query/query-types.js';

/**
 * KPI answers as a person reads them in a terminal: each value in its unit (money with its
 * currency, rates in %, counts with separators), changes of a rate in points, and the name of
 * an id beside it (CH-APP · Application Maison Vitrine). JSON and CSV stay exact and raw.
 */

/** Display names by dimension and id (src/semantic/query/dimension-values.ts). */
export type DimensionNames = ReadonlyMap<string, ReadonlyMap<string, string>>;

interface KpiUnit {
  readonly unit: ValueUnit;
  readonly detail?: string;
}

function unitOf(dictionary: Pick<KpiDictionary, 'has' | 'get'>, kpi: string): KpiUnit {
  if (!dictionary.has(kpi)) return { unit: 'number' };
  const def = dictionary.get(kpi).def;
  return def.unit_detail ? { unit: def.unit, detail: def.unit_detail } : { unit: def.unit };
}

/** An id with its name beside it, when the dimension has names. */
export function withName(
  names: DimensionNames,
  dimension: string,
  value: string | number | null | undefined,
): string {
  if (value === null || value === undefined) return '(none)';
  const name = names.get(dimension)?.get(String(value));
  return name && name !== String(value) ? `${value} · ${name}` : String(value);
}

const NUMBER: QueryColumn['type'] = 'DOUBLE';
const TEXT: QueryColumn['type'] = 'VARCHAR';

/**
 * A query answer as a table of formatted cells: period, dimensions (with names), each KPI and,
 * per comparison, its value, change (points for a rate) and relative change.
 */
export function queryDisplayTable(
  res: QueryResponse,
  dictionary: Pick<KpiDictionary, 'has' | 'get'>,
  style: NumberStyle,
  names: DimensionNames,
): { columns: QueryColumn[]; rows: Row[] } {
  const dims = res.request.by ?? [];
  const kpis = res.request.kpis;
  const comps = res.request.compare ?? [];
  const columns: QueryColumn[] = [
    { name: 'period', type: TEXT },
    ...dims.map((d) => ({ name: d, type: TEXT })),
  ];
  for (const k of kpis) {
    columns.push({ name: k, type: NUMBER });
    for (const c of comps) {
      columns.push(
        { name: `${k} ${c}`, type: NUMBER },
        { name: `${k} Δ ${c}`, type: NUMBER },
        { name: `${k} Δ% ${c}`, type: NUMBER },
      );
    }
  }
  const units = new Map(kpis.map((k) => [k, unitOf(dictionary, k)]));
  const rows = res.rows.map((r) => {
    const cells: string[] = [r.period, ...dims.map((d) => withName(names, d, r.dims[d]))];
    for (const k of kpis) {
      const u = units.get(k) ?? { unit: 'number' as const };
      cells.push(formatValue(r.values[k], u.unit, style, u.detail));
      for (const c of comps) {
        const cv = r.comparisons[c]?.[k];
        cells.push(
          formatValue(cv?.value, u.unit, style, u.detail),
          formatChange(cv?.change, u.unit, style, u.detail),
          formatRelativeChange(cv?.change_ratio, style),
        );
      }
    }
    const row: Row = {};
    cells.forEach((v, i) => (row[columns[i]?.name ?? String(i)] = v));
    return row;
  });
  return { columns, rows };
}

/** The explain answer as lines: the change, its drivers, its segments, the notes. */
export function renderExplainText(
  r: ExplainResult,
  style: NumberStyle,
  names: DimensionNames,
): string {
  const v = (x: number | null, unit: ValueUnit = r.unit) => formatValue(x, unit, style);
  const d = (x: number | null, unit: ValueUnit = r.unit) => formatChange(x, unit, style);
  const relative =
    r.change !== null && r.comparison !== null && r.comparison !== 0
      ? ` (${formatRelativeChange(r.change / Math.abs(r.comparison), style)})`
      : '';
  const lines = [
    `${r.kpi} ${r.from} → ${r.to}: ${v(r.value)} vs ${v(r.comparison)} (${r.vs}), change ${d(r.change)}${relative}`,
  ];
  if (r.drivers.length > 0) {
    lines.push('', 'drivers:');
    const labels = r.drivers.map((x) => `${x.term} · ${x.driver}`);
    const width = Math.max(...labels.map((l) => l.length));
    const changes = r.drivers.map((x) => d(x.contribution));
    const cw = Math.max(...changes.map((c) => c.length));
    r.drivers.forEach((x, i) => {
      const moved =
        x.unit === null ? '' : `   (${v(x.comparison, x.unit)} → ${v(x.value, x.unit)})`;
      lines.push(
        `  ${(labels[i] ?? '').padEnd(width)}  ${(changes[i] ?? '').padStart(cw)}${moved}`,
      );
    });
  }
  if (r.segments.length > 0 && r.by) {
    const by = r.by;
    lines.push('', `by ${by}:`);
    const sorted = [...r.segments].sort(
      (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution),
    );
    const labels = sorted.map((s) => withName(names, by, s.segment));
    const width = Math.max(...labels.map((l) => l.length));
    const changes = sorted.map((s) => d(s.contribution));
    const cw = Math.max(...changes.map((c) => c.length));
    sorted.forEach((s, i) => {
      const split = s.mix !== undefined ? `   mix ${d(s.mix)} · rate ${d(s.rate ?? 0)}` : '';
      lines.push(
        `  ${(labels[i] ?? '').padEnd(width)}  ${(changes[i] ?? '').padStart(cw)}   (${v(s.comparison)} → ${v(s.value)})${split}`,
      );
    });
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}
