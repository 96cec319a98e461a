/**
 * The figures a report's e-mail opens with, so that a director reads the month without opening
 * the PDF: each headline KPI over the period and over the year to date, each against N-1 and
 * against its objective (the targets of the workspace).
 */
import { formatChange, formatRelativeChange, formatValue } from '../../format/number-format.js';
import type { NumberStyle, ValueUnit } from '../../format/number-format.js';
import { runQuery } from '../../semantic/query/query-runner.js';
import type { QueryContext } from '../../semantic/query/query-runner.js';
import { isoDate } from '../../time/civil-date.js';
import type { DayRange } from '../../time/period.js';
import { yearToDate } from './report-period.js';

export interface Compared {
  readonly value: number | null;
  /** Relative change against it (0.05 = +5 %), or null. */
  readonly change: number | null;
}

export interface HeadlineFigure {
  readonly kpi: string;
  readonly name: string;
  readonly unit: ValueUnit;
  readonly unitDetail: string | undefined;
  readonly period: {
    readonly value: number | null;
    readonly yoy: Compared;
    readonly target: Compared;
  };
  readonly ytd: {
    readonly value: number | null;
    readonly yoy: Compared;
    readonly target: Compared;
  };
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

function compared(value: number | null, other: unknown): Compared {
  const o = num(other);
  return {
    value: o,
    change: value === null || o === null || o === 0 ? null : (value - o) / Math.abs(o),
  };
}

export async function headlineFigures(
  ctx: QueryContext,
  kpis: readonly string[],
  range: DayRange,
  lang: 'en' | 'fr',
  where: Readonly<Record<string, readonly string[]>> = {},
): Promise<HeadlineFigure[]> {
  const ytd = yearToDate(range, ctx.config);
  const ask = (r: DayRange) =>
    runQuery(ctx, {
      kpis,
      from: isoDate(r.start),
      to: isoDate(r.end),
      where,
      compare: ['yoy', 'target'],
    });
  const [p, y] = [await ask(range), await ask(ytd)];
  const pr = p.rows[0];
  const yr = y.rows[0];
  return kpis.map((kpi) => {
    const def = ctx.dictionary.get(kpi).def;
    const pv = num(pr?.values[kpi]);
    const yv = num(yr?.values[kpi]);
    return {
      kpi,
      name: def.name[lang],
      unit: def.unit,
      unitDetail: def.unit_detail,
      period: {
        value: pv,
        yoy: compared(pv, pr?.comparisons['yoy']?.[kpi]?.value),
        target: compared(pv, pr?.comparisons['target']?.[kpi]?.value),
      },
      ytd: {
        value: yv,
        yoy: compared(yv, yr?.comparisons['yoy']?.[kpi]?.value),
        target: compared(yv, yr?.comparisons['target']?.[kpi]?.value),
      },
    };
  });
}

const WORDS = {
  en: { ytd: 'Year to date', vsN1: 'vs N-1', vsTarget: 'vs objective', noTarget: 'no objective' },
  fr: { ytd: 'Cumul annuel', vsN1: 'vs N-1', vsTarget: 'vs objectif', noTarget: 'pas d’objectif' },
} as const;

/** A move against N-1 or an objective: a rate in points, anything else in %. */
function move(f: HeadlineFigure, value: number | null, c: Compared, style: NumberStyle): string {
  if (c.value === null) return '—';
  if (f.unit === 'ratio') {
    return value === null ? '—' : formatChange(value - c.value, 'ratio', style);
  }
  return formatRelativeChange(c.change, style);
}

/** One line per figure and window: "Net sales: 1 234 567,00 € (+4,2 % vs N-1, −1,3 % vs objective)". */
export function headlineLines(
  figures: readonly HeadlineFigure[],
  lang: 'en' | 'fr',
  style: NumberStyle,
): string[] {
  const w = WORDS[lang];
  const line = (f: HeadlineFigure, label: string, x: HeadlineFigure['period']) => {
    const target =
      x.target.value === null
        ? w.noTarget
        : `${move(f, x.value, x.target, style)} ${w.vsTarget} ${formatValue(x.target.value, f.unit, style, f.unitDetail)}`;
    return `${label}: ${formatValue(x.value, f.unit, style, f.unitDetail)} (${move(f, x.value, x.yoy, style)} ${w.vsN1}, ${target})`;
  };
  return figures.flatMap((f) => [line(f, f.name, f.period), line(f, `  ${w.ytd}`, f.ytd)]);
}
