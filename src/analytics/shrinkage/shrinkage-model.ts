/**
 * Shrinkage: unknown loss from physical counts against book stock, in units and at cost, per
 * location, category and location × category. Net loss = Σ (book − counted); the rate is net
 * loss / Σ book over the counts, the estimator of the loss rate per count. Gains (counted above
 * book: found stock, booking errors) are shown apart so that they do not hide losses.
 */
import { z } from 'zod';
import { VitrineError } from '../../util/errors.js';
import { cell, dateCell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { num, readFactRows, str } from '../io/fact-query.js';
import type { Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay } from '../model-params.js';
import { isoDate } from '../../time/civil-date.js';
import { normalQuantile } from '../numeric/special-functions.js';

export const shrinkageParams = z.object({
  confidence: z.coerce
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.95)
    .meta({ arg: 'x', description: 'confidence of the rate intervals' }),
  from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first count day' }),
  to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last count day' }),
});
export type ShrinkageParams = z.infer<typeof shrinkageParams>;

export interface CountRow {
  readonly day: string;
  readonly location: string;
  readonly sku: string;
  readonly category: string | null;
  readonly book: number;
  readonly counted: number;
  readonly unitCost: number | null;
}

export interface ShrinkageData {
  readonly counts: readonly CountRow[];
  readonly source: string;
}

export interface ShrinkageGroup {
  readonly key: string;
  readonly counts: number;
  readonly count_days: number;
  readonly book_units: number;
  readonly counted_units: number;
  /** Σ max(book − counted, 0). */
  readonly lost_units: number;
  /** Σ max(counted − book, 0). */
  readonly found_units: number;
  readonly net_loss_units: number;
  /** net loss / book units. */
  readonly shrink_rate: number | null;
  /** Normal-approximation interval of the rate (binomial per unit counted). */
  readonly rate_interval: [number, number] | null;
  readonly net_loss_at_cost: number | null;
}

export interface ShrinkageValues {
  readonly total: ShrinkageGroup;
  readonly byLocation: ShrinkageGroup[];
  readonly byCategory: ShrinkageGroup[];
  readonly byLocationCategory: ShrinkageGroup[];
}

export function readShrinkageFile(path: string): ShrinkageData {
  const t = readCsv(
    path,
    ['count_on', 'location', 'sku', 'book_quantity', 'counted_quantity'],
    'shrinkage --input',
  );
  return {
    source: path,
    counts: t.rows.map((row) => {
      const cost = t.index.has('unit_cost')
        ? numberCell(t, row, 'unit_cost', { optional: true })
        : NaN;
      return {
        day: isoDate(dateCell(t, row, 'count_on')),
        location: nonEmptyCell(t, row, 'location'),
        sku: nonEmptyCell(t, row, 'sku'),
        category: t.index.has('category') ? cell(t, row, 'category') || null : null,
        book: numberCell(t, row, 'book_quantity'),
        counted: numberCell(t, row, 'counted_quantity', { min: 0 }),
        unitCost: Number.isFinite(cost) ? cost : null,
      };
    }),
  };
}

async function readShrinkageWorkspace(
  source: WorkspaceSource,
  params: ShrinkageParams,
): Promise<ShrinkageData> {
  const rows = await readFactRows(source, {
    fact: 'inventory_counts',
    columns: {
      day: 'inventory_counts.count_on',
      location: 'inventory_counts.location_id',
      sku: 'inventory_counts.sku',
      category: 'products.category',
      book: 'inventory_counts.book_quantity',
      counted: 'inventory_counts.counted_quantity',
      unit_cost: 'coalesce(inventory_counts.unit_cost, products.unit_cost)',
    },
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  });
  if (rows.length === 0) {
    throw new VitrineError('NO_DATA', 'no inventory count in the workspace for the period');
  }
  return {
    source: 'workspace',
    counts: rows.map((r) => ({
      day: String(r['day']),
      location: String(r['location']),
      sku: String(r['sku']),
      category: str(r['category']),
      book: num(r['book']) ?? 0,
      counted: num(r['counted']) ?? 0,
      unitCost: num(r['unit_cost']),
    })),
  };
}

function group(key: string, rows: readonly CountRow[], z: number): ShrinkageGroup {
  let book = 0;
  let counted = 0;
  let lost = 0;
  let found = 0;
  let cost: number | null = 0;
  const days = new Set<string>();
  for (const r of rows) {
    book += r.book;
    counted += r.counted;
    lost += Math.max(r.book - r.counted, 0);
    found += Math.max(r.counted - r.book, 0);
    days.add(r.day);
    cost = cost === null || r.unitCost === null ? null : cost + (r.book - r.counted) * r.unitCost;
  }
  const net = book - counted;
  const rate = book > 0 ? net / book : null;
  const se = rate !== null && book > 0 ? Math.sqrt(Math.max(rate * (1 - rate), 0) / book) : null;
  return {
    key,
    counts: rows.length,
    count_days: days.size,
    book_units: book,
    counted_units: counted,
    lost_units: lost,
    found_units: found,
    net_loss_units: net,
    shrink_rate: rate,
    rate_interval: rate === null || se === null ? null : [rate - z * se, rate + z * se],
    net_loss_at_cost: cost,
  };
}

function groupBy(
  rows: readonly CountRow[],
  keyOf: (r: CountRow) => string,
  z: number,
): ShrinkageGroup[] {
  const m = new Map<string, CountRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(r);
  }
  return [...m.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, l]) => group(k, l, z));
}

export function fitShrinkage(
  data: ShrinkageData,
  params: ShrinkageParams,
): ModelResult<ShrinkageValues> {
  const d = new DiagnosticsBuilder();
  if (data.counts.length === 0) throw new VitrineError('NO_DATA', `${data.source}: no count`);
  const z = normalQuantile(1 - (1 - params.confidence) / 2);
  d.assume(
    'shrinkage = book − counted at each physical count (positive: units missing); the rate is net loss / book units counted, an estimator of the loss rate between counts',
  );
  d.assume(
    'value at cost uses the count’s unit cost (the product’s current cost when missing); the interval treats each unit counted as an independent chance of loss',
  );
  const negative = data.counts.filter((r) => r.book < 0).length;
  if (negative > 0) {
    d.warn(
      'NEGATIVE_BOOK',
      `${negative} count(s) with a negative book stock: booking errors upstream`,
    );
  }
  const noCost = data.counts.filter((r) => r.unitCost === null).length;
  if (noCost > 0) {
    d.warn(
      'NO_COST',
      `${noCost} count(s) without a unit cost: values at cost are null where they sum`,
    );
  }
  // Without any category (a file without the column) there is no category split.
  const categories = data.counts.some((r) => r.category !== null);
  return {
    values: {
      total: group('all', data.counts, z),
      byLocation: groupBy(data.counts, (r) => r.location, z),
      byCategory: categories ? groupBy(data.counts, (r) => r.category ?? '(none)', z) : [],
      byLocationCategory: categories
        ? groupBy(data.counts, (r) => `${r.location} / ${r.category ?? '(none)'}`, z)
        : [],
    },
    diagnostics: d.build(),
  };
}

function summarizeShrinkage(result: ModelResult<ShrinkageValues>): string {
  const v = result.values;
  const row = (g: ShrinkageGroup) =>
    `  ${g.key.padEnd(28)} ${fmt(g.book_units, 0).padStart(10)} ${fmt(g.net_loss_units, 0).padStart(8)} ${pct(g.shrink_rate, 2).padStart(8)} ${fmt(g.net_loss_at_cost).padStart(12)}`;
  const head = `  ${''.padEnd(28)} ${'book'.padStart(10)} ${'loss'.padStart(8)} ${'rate'.padStart(8)} ${'at cost'.padStart(12)}`;
  const lines = [
    `Shrinkage — ${fmt(v.total.counts, 0)} counted lines on ${v.total.count_days} days: net loss ${fmt(v.total.net_loss_units, 0)} units (${pct(v.total.shrink_rate, 2)}), ${fmt(v.total.net_loss_at_cost)} at cost`,
    '',
    'By location:',
    head,
    ...v.byLocation.map(row),
  ];
  if (v.byCategory.length > 0) lines.push('', 'By category:', head, ...v.byCategory.map(row));
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const shrinkageModel: Model<ShrinkageParams, ShrinkageData, ShrinkageValues> = {
  name: 'shrinkage',
  description:
    'unknown loss from physical counts versus book stock, in units and at cost, per location and category',
  params: shrinkageParams,
  needs: [
    {
      fact: 'inventory_counts',
      filters: [],
      reads: 'book and counted quantities, unit cost, product category',
    },
  ],
  fromWorkspace: readShrinkageWorkspace,
  fromFile: (path) => readShrinkageFile(path),
  fit: fitShrinkage,
  summarize: (r) => summarizeShrinkage(r),
};
