import type { QueryColumn, Row } from '../../backends/engine.js';
import type { QueryResponse } from './query-types.js';

/**
 * A query answer as flat columns (for tables and CSV): period, dimensions, each KPI, and per
 * comparison its value, change and relative change.
 */
export function flattenResponse(res: QueryResponse): { columns: QueryColumn[]; rows: Row[] } {
  const dims = res.request.by ?? [];
  const kpis = res.request.kpis;
  const comps = res.request.compare ?? [];
  const columns: QueryColumn[] = [
    { name: 'period', type: 'VARCHAR' },
    ...dims.map((d) => ({ name: d, type: 'VARCHAR' })),
  ];
  for (const k of kpis) {
    columns.push({ name: k, type: 'DOUBLE' });
    for (const c of comps) {
      const base = `${k}_${c.replace('-', '_')}`;
      columns.push(
        { name: base, type: 'DOUBLE' },
        { name: `${base}_change`, type: 'DOUBLE' },
        { name: `${base}_change_ratio`, type: 'DOUBLE' },
      );
    }
  }
  const round = (v: number | null | undefined) =>
    v === null || v === undefined ? null : Math.round(v * 1e6) / 1e6;
  const rows: Row[] = res.rows.map((r) => {
    const out: Row = { period: r.period };
    for (const d of dims) out[d] = r.dims[d] ?? null;
    for (const k of kpis) {
      out[k] = round(r.values[k]);
      for (const c of comps) {
        const cv = r.comparisons[c]?.[k];
        const base = `${k}_${c.replace('-', '_')}`;
        out[base] = round(cv?.value);
        out[`${base}_change`] = round(cv?.change);
        out[`${base}_change_ratio`] = round(cv?.change_ratio);
      }
    }
    return out;
  });
  return { columns, rows };
}
