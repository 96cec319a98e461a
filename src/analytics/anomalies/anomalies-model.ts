/**
 * Emergent KPIs: scan KPIs × segments for abnormal daily moves against their own seasonal
 * expectation, and rank them. Expectation of day t = median of the same weekday over the
 * previous `lookbackWeeks` weeks; scale = 1.4826 × their median absolute deviation (a robust
 * standard deviation), floored at `minRelativeScale` of the level so that a quiet series does
 * not flag noise. z = (actual − expected) / scale; |z| ≥ threshold is abnormal.
 *
 * Likely driver: for KPIs that are products of others (net_sales = orders × aov…), the factor
 * whose own log-ratio to expectation carries most of the move; for the whole business, the
 * segment of the scanned dimensions whose change is largest in the same direction.
 * Workspace values come from the semantic layer (runQuery), so every KPI keeps its definition.
 */
import { z } from 'zod';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../semantic/query/query-runner.js';
import { dateCell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { readFactRows } from '../io/fact-query.js';
import type { Diagnostic, Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { idList, isoDay, topRows } from '../model-params.js';
import { median } from '../numeric/descriptive-stats.js';

export const anomaliesParams = z.object({
  kpis: idList(40)
    .default(
      'net_sales,orders,aov,units_sold,gross_margin_rate,return_rate,conversion_rate,sessions',
    )
    .meta({ arg: 'ids', description: 'KPIs to scan, comma-separated' }),
  by: idList(10)
    .default('channel,region,category')
    .meta({ arg: 'dims', description: 'dimensions to scan, comma-separated' }),
  to: isoDay.optional().meta({
    arg: 'date',
    description: 'last day scanned (default: the last day with orders)',
  }),
  windowDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(92)
    .default(7)
    .meta({ arg: 'n', description: 'days scanned, ending on --to' }),
  lookbackWeeks: z.coerce
    .number()
    .int()
    .min(3)
    .max(52)
    .default(8)
    .meta({ arg: 'n', description: 'weeks of same-weekday history for the expectation' }),
  threshold: z.coerce
    .number()
    .positive()
    .max(1000)
    .default(3.5)
    .meta({ arg: 'z', description: 'robust z-score from which a move is abnormal' }),
  minRelativeScale: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .meta({ arg: 'x', description: 'smallest scale as a share of the level' }),
  top: topRows(20).meta({ arg: 'n', description: 'anomalies shown in the summary' }),
});
export type AnomaliesParams = z.infer<typeof anomaliesParams>;

/** Multiplicative identities used to name a driver (KPI = product of its factors). */
export const KPI_FACTORS: Readonly<Record<string, readonly string[]>> = {
  net_sales: ['orders', 'aov'],
  gross_margin: ['net_sales', 'gross_margin_rate'],
  units_sold: ['orders', 'upt'],
  orders: ['sessions', 'conversion_rate'],
};

export interface SeriesKey {
  readonly kpi: string;
  /** Dimension id, or 'all' for the whole business. */
  readonly dimension: string;
  readonly segment: string;
}

export interface AnomaliesData {
  /** `${kpi}\u0000${dimension}\u0000${segment}` → day → value. */
  readonly series: ReadonlyMap<string, ReadonlyMap<number, number>>;
  readonly kpis: readonly string[];
  /** KPIs that count events (unit count): their noise is at least Poisson, √level. */
  readonly countKpis: ReadonlySet<string>;
  readonly first: number;
  readonly last: number;
  readonly source: string;
  readonly readWarnings: readonly Diagnostic[];
}

export interface Anomaly {
  readonly kpi: string;
  readonly dimension: string;
  readonly segment: string;
  readonly date: string;
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  readonly relative_change: number | null;
  readonly z: number;
  readonly direction: 'up' | 'down';
  /** Factor carrying most of the move, with its share of the log-change. */
  readonly driver: { kpi: string; share: number; relative_change: number } | null;
  /** For whole-business anomalies: the segment with the largest move in the same direction. */
  readonly top_segment: { dimension: string; segment: string; change: number } | null;
}

export interface AnomaliesValues {
  readonly window: { from: string; to: string };
  readonly scanned: number;
  readonly anomalies: Anomaly[];
}

const key = (k: SeriesKey) => `${k.kpi}\u0000${k.dimension}\u0000${k.segment}`;
const unkey = (s: string): SeriesKey => {
  const [kpi, dimension, segment] = s.split('\u0000') as [string, string, string];
  return { kpi, dimension, segment };
};

/** Long CSV: date,kpi,segment,value (segment "all" for the whole business; dimension "segment"). */
export function readAnomaliesFile(path: string): AnomaliesData {
  const t = readCsv(path, ['date', 'kpi', 'segment', 'value'], 'anomalies --input');
  const series = new Map<string, Map<number, number>>();
  let first = Infinity;
  let last = -Infinity;
  const kpis = new Set<string>();
  for (const row of t.rows) {
    const day = dateCell(t, row, 'date');
    const kpi = nonEmptyCell(t, row, 'kpi');
    const segment = nonEmptyCell(t, row, 'segment');
    const value = numberCell(t, row, 'value');
    kpis.add(kpi);
    const k = key({ kpi, dimension: segment === 'all' ? 'all' : 'segment', segment });
    let m = series.get(k);
    if (!m) series.set(k, (m = new Map()));
    m.set(day, value);
    first = Math.min(first, day);
    last = Math.max(last, day);
  }
  return {
    series,
    kpis: [...kpis],
    countKpis: new Set(),
    first,
    last,
    source: path,
    readWarnings: [],
  };
}

async function readAnomaliesWorkspace(
  source: WorkspaceSource,
  params: AnomaliesParams,
): Promise<AnomaliesData> {
  const dictionary = loadDictionary(source.dir ? { workspaceDir: source.dir } : {});
  const warnings: Diagnostic[] = [];
  const wanted = params.kpis.split(',');
  const kpis = wanted.filter((k) => dictionary.has(k));
  for (const k of wanted) {
    if (!dictionary.has(k))
      warnings.push({ code: 'UNKNOWN_KPI', message: `KPI ${k} is not in the dictionary: skipped` });
  }
  const factors = [...new Set(kpis.flatMap((k) => KPI_FACTORS[k] ?? []))].filter(
    (k) => dictionary.has(k) && !kpis.includes(k),
  );
  let last: number;
  if (params.to) last = parseIsoDate(params.to, 'to');
  else {
    const rows = await readFactRows(source, {
      fact: 'orders',
      columns: {},
      aggregates: { last: { agg: 'max', expr: 'local_date(orders.ordered_at)' } },
      filters: ['valid_order'],
    });
    const v = rows[0]?.['last'];
    if (v === null || v === undefined)
      throw new VitrineError('NO_DATA', 'the workspace has no order');
    last = parseIsoDate(String(v), 'last order day');
  }
  const first = last - params.windowDays + 1 - 7 * params.lookbackWeeks;
  const ctx = { engine: source.engine, dictionary, config: source.config };
  const series = new Map<string, Map<number, number>>();
  const collect = async (ids: readonly string[], dim: string | null) => {
    const res = await runQuery(ctx, {
      kpis: ids,
      ...(dim ? { by: [dim] } : {}),
      grain: 'day',
      from: isoDate(first),
      to: isoDate(last),
    });
    for (const row of res.rows) {
      const day = parseIsoDate(row.period_start, 'period');
      const segment = dim ? String(row.dims[dim] ?? '(none)') : 'all';
      for (const id of ids) {
        const v = row.values[id];
        if (v === null || v === undefined) continue;
        const k = key({ kpi: id, dimension: dim ?? 'all', segment });
        let m = series.get(k);
        if (!m) series.set(k, (m = new Map()));
        m.set(day, v);
      }
    }
  };
  const all = [...kpis, ...factors];
  for (const dim of [null, ...params.by.split(',')]) {
    try {
      await collect(all, dim);
    } catch {
      // Some KPIs do not split by every dimension (sessions by category): one by one.
      for (const id of all) {
        try {
          await collect([id], dim);
        } catch (e) {
          if (kpis.includes(id)) {
            warnings.push({
              code: 'NOT_SPLITTABLE',
              message: `${id} by ${dim}: ${(e as Error).message.split('\n')[0]}`,
            });
          }
        }
      }
    }
  }
  return {
    series,
    kpis,
    countKpis: new Set([...kpis, ...factors].filter((k) => dictionary.get(k).def.unit === 'count')),
    first,
    last,
    source: 'workspace',
    readWarnings: warnings,
  };
}

interface Expectation {
  expected: number;
  scale: number;
}

function expectationOf(
  values: ReadonlyMap<number, number>,
  day: number,
  weeks: number,
  minRelative: number,
  countLike: boolean,
): Expectation | 'sparse' | null {
  const past: number[] = [];
  for (let k = 1; k <= weeks; k++) {
    const v = values.get(day - 7 * k);
    if (v !== undefined) past.push(v);
  }
  if (past.length < Math.max(3, Math.ceil(weeks / 2))) return null;
  // A series that is mostly zero on this weekday has no level to depart from.
  if (past.filter((v) => v !== 0).length < Math.ceil(0.75 * past.length)) return 'sparse';
  const m = median(past) as number;
  const mad = median(past.map((x) => Math.abs(x - m))) as number;
  const scale = Math.max(
    1.4826 * mad,
    minRelative * Math.abs(m),
    countLike ? Math.sqrt(Math.abs(m)) : 0,
    1e-9,
  );
  return { expected: m, scale };
}

export function fitAnomalies(
  data: AnomaliesData,
  params: AnomaliesParams,
): ModelResult<AnomaliesValues> {
  const d = new DiagnosticsBuilder();
  for (const w of data.readWarnings) d.warn(w.code, w.message);
  const from = data.last - params.windowDays + 1;
  d.assume(
    `expectation of a day = median of the same weekday over the previous ${params.lookbackWeeks} weeks; scale = 1.4826 × their median absolute deviation, at least ${pct(params.minRelativeScale, 0)} of the level (and √level for counts: Poisson noise); abnormal when |z| ≥ ${params.threshold}`,
  );
  d.assume(
    'drivers: net_sales = orders × aov, gross_margin = net_sales × gross_margin_rate, units_sold = orders × upt, orders = sessions × conversion_rate; the driver is the factor with the largest share of the log-change',
  );
  d.assume('anomalies are ranked by |z| × |relative change|: strong and large moves first');
  const anomalies: Anomaly[] = [];
  let scanned = 0;
  const keys = [...data.series.keys()].map(unkey).filter((k) => data.kpis.includes(k.kpi));
  let sparse = 0;
  const moveOf = (k: SeriesKey, day: number) => {
    const s = data.series.get(key(k));
    const actual = s?.get(day);
    if (!s || actual === undefined) return null;
    const e = expectationOf(
      s,
      day,
      params.lookbackWeeks,
      params.minRelativeScale,
      data.countKpis.has(k.kpi),
    );
    if (e === 'sparse') return 'sparse' as const;
    return e ? { actual, ...e } : null;
  };
  for (const k of keys) {
    for (let day = from; day <= data.last; day++) {
      const m = moveOf(k, day);
      if (m === 'sparse') sparse++;
      if (!m || m === 'sparse') continue;
      scanned++;
      const zScore = (m.actual - m.expected) / m.scale;
      if (Math.abs(zScore) < params.threshold) continue;
      const change = m.actual - m.expected;
      const relative = m.expected !== 0 ? change / Math.abs(m.expected) : null;
      let driver: Anomaly['driver'] = null;
      const factors = KPI_FACTORS[k.kpi];
      if (factors && m.actual > 0 && m.expected > 0) {
        const logs = factors.map((f) => {
          const fm = moveOf({ ...k, kpi: f }, day);
          return fm && fm !== 'sparse' && fm.actual > 0 && fm.expected > 0
            ? { kpi: f, log: Math.log(fm.actual / fm.expected), rel: fm.actual / fm.expected - 1 }
            : null;
        });
        const total = Math.log(m.actual / m.expected);
        if (logs.every((x) => x !== null) && total !== 0) {
          const best = (logs as { kpi: string; log: number; rel: number }[]).reduce((a, b) =>
            b.log / total > a.log / total ? b : a,
          );
          driver = { kpi: best.kpi, share: best.log / total, relative_change: best.rel };
        }
      }
      let top: Anomaly['top_segment'] = null;
      if (k.dimension === 'all') {
        for (const other of keys) {
          if (other.kpi !== k.kpi || other.dimension === 'all') continue;
          const om = moveOf(other, day);
          if (!om || om === 'sparse') continue;
          const oc = om.actual - om.expected;
          if (
            Math.sign(oc) === Math.sign(change) &&
            (!top || Math.abs(oc) > Math.abs(top.change))
          ) {
            top = { dimension: other.dimension, segment: other.segment, change: oc };
          }
        }
      }
      anomalies.push({
        kpi: k.kpi,
        dimension: k.dimension,
        segment: k.segment,
        date: isoDate(day),
        actual: m.actual,
        expected: m.expected,
        change,
        relative_change: relative,
        z: zScore,
        direction: change > 0 ? 'up' : 'down',
        driver,
        top_segment: top,
      });
    }
  }
  if (sparse > 0) {
    d.warn(
      'SPARSE_SERIES',
      `${sparse} KPI × segment × day(s) not judged: the series is zero on most of its past same weekdays`,
    );
  }
  if (scanned === 0) {
    d.warn(
      'THIN_DATA',
      `no series has ${Math.max(3, Math.ceil(params.lookbackWeeks / 2))} same-weekday values before the window: nothing could be scanned`,
    );
  }
  const score = (a: Anomaly) => Math.abs(a.z) * Math.abs(a.relative_change ?? 1);
  anomalies.sort((a, b) => score(b) - score(a));
  return {
    values: { window: { from: isoDate(from), to: isoDate(data.last) }, scanned, anomalies },
    diagnostics: d.build(),
  };
}

function summarizeAnomalies(result: ModelResult<AnomaliesValues>, params: AnomaliesParams): string {
  const v = result.values;
  const lines = [
    `Anomalies ${v.window.from} – ${v.window.to}: ${v.anomalies.length} abnormal moves among ${fmt(v.scanned, 0)} KPI × segment × days scanned`,
    '',
  ];
  for (const a of v.anomalies.slice(0, params.top)) {
    const where = a.dimension === 'all' ? 'all' : `${a.dimension}=${a.segment}`;
    const why = a.driver
      ? ` — driver ${a.driver.kpi} (${pct(a.driver.relative_change, 0)}, ${pct(a.driver.share, 0)} of the move)`
      : a.top_segment
        ? ` — mostly ${a.top_segment.dimension}=${a.top_segment.segment} (${fmt(a.top_segment.change)})`
        : '';
    lines.push(
      `  ${a.date} ${a.kpi.padEnd(18)} ${where.padEnd(26)} ${fmt(a.actual).padStart(12)} vs ${fmt(a.expected).padStart(12)} (${pct(a.relative_change, 0)}, z ${fmt(a.z, 1)})${why}`,
    );
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const anomaliesModel: Model<AnomaliesParams, AnomaliesData, AnomaliesValues> = {
  name: 'anomalies',
  description:
    'scan KPIs × segments for abnormal daily moves against their seasonal expectation, ranked, with the likely driver',
  params: anomaliesParams,
  needs: [
    {
      fact: '(semantic layer)',
      filters: [],
      reads: 'daily KPI values by each dimension, through runQuery',
    },
  ],
  fromWorkspace: readAnomaliesWorkspace,
  fromFile: (path) => readAnomaliesFile(path),
  fit: fitAnomalies,
  summarize: summarizeAnomalies,
};
