/**
 * First-purchase cohorts × months since: retention (share of the cohort buying in month k),
 * cumulative repeat rate (share with two orders or more by the end of month k), cumulative
 * revenue per cohort customer, and net revenue retention (revenue in month k / revenue of the
 * cohort's first month). Month k counts only when it is complete in the data.
 */
import { z } from 'zod';
import { civil, isoDate, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { dateCell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { num, readFactRows } from '../io/fact-query.js';
import type { Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay } from '../model-params.js';

export const cohortsParams = z.object({
  maxMonths: z.coerce
    .number()
    .int()
    .min(0)
    .max(240)
    .default(24)
    .meta({ arg: 'n', description: 'months after the first purchase shown per cohort' }),
  from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first order day' }),
  to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last order day' }),
});
export type CohortsParams = z.infer<typeof cohortsParams>;

export interface Purchase {
  readonly customerId: string;
  readonly day: number;
  readonly amount: number;
}

export interface CohortsData {
  readonly purchases: readonly Purchase[];
  readonly source: string;
}

export interface CohortMonth {
  readonly k: number;
  readonly active: number;
  readonly retention: number;
  readonly repeat_rate: number;
  readonly revenue: number;
  readonly cumulative_revenue_per_customer: number;
  /** Revenue of month k / revenue of month 0; null when month 0 had no revenue. */
  readonly nrr: number | null;
}

export interface Cohort {
  readonly cohort: string;
  readonly customers: number;
  readonly months: CohortMonth[];
}

export interface CohortsValues {
  readonly lastCompleteMonth: string;
  readonly cohorts: Cohort[];
  /** Customer-weighted averages over the cohorts that reached month k. */
  readonly average: { k: number; cohorts: number; retention: number; repeat_rate: number }[];
}

const monthIndex = (day: number) => {
  const c = civil(day);
  return c.year * 12 + (c.month - 1);
};
const monthLabel = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

export function readCohortsFile(path: string): CohortsData {
  const t = readCsv(path, ['customer_id', 'date', 'amount'], 'cohorts --input');
  return {
    source: path,
    purchases: t.rows.map((row) => ({
      customerId: nonEmptyCell(t, row, 'customer_id'),
      day: dateCell(t, row, 'date'),
      amount: numberCell(t, row, 'amount'),
    })),
  };
}

async function readCohortsWorkspace(
  source: WorkspaceSource,
  params: CohortsParams,
): Promise<CohortsData> {
  const rows = await readFactRows(source, {
    fact: 'orders',
    columns: {
      customer_id: 'orders.customer_id',
      day: 'local_date(orders.ordered_at)',
      amount: 'orders.subtotal * fact.fx',
    },
    filters: ['valid_order', 'orders.customer_id IS NOT NULL'],
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  });
  if (rows.length === 0) throw new VitrineError('NO_DATA', 'no valid order of a known customer');
  return {
    source: 'workspace',
    purchases: rows.map((r) => ({
      customerId: String(r['customer_id']),
      day: parseIsoDate(String(r['day']), 'day'),
      amount: num(r['amount']) ?? 0,
    })),
  };
}

export function fitCohorts(data: CohortsData, params: CohortsParams): ModelResult<CohortsValues> {
  const d = new DiagnosticsBuilder();
  if (data.purchases.length === 0) throw new VitrineError('NO_DATA', `${data.source}: no purchase`);
  const lastDay = Math.max(...data.purchases.map((p) => p.day));
  // The last month is complete only when the data reach its last day.
  const lastIsComplete = civil(lastDay + 1).day === 1;
  const lastComplete = monthIndex(lastDay) - (lastIsComplete ? 0 : 1);
  d.assume(
    'a cohort is the month of a customer’s first purchase; month k is the k-th calendar month after it; a purchase is an order (several the same day count apart)',
  );
  d.assume(
    `retention(k) = customers of the cohort buying in month k / cohort size; repeat rate(k) = customers with ≥ 2 orders by the end of month k / cohort size; NRR(k) = revenue in month k / revenue in month 0; only complete months are shown (data end ${isoDate(lastDay)})`,
  );
  const byCustomer = new Map<string, Purchase[]>();
  for (const p of data.purchases) {
    let l = byCustomer.get(p.customerId);
    if (!l) byCustomer.set(p.customerId, (l = []));
    l.push(p);
  }
  interface Acc {
    customers: number;
    active: number[];
    repeatBy: number[];
    revenue: number[];
  }
  const cohorts = new Map<number, Acc>();
  for (const list of byCustomer.values()) {
    list.sort((a, b) => a.day - b.day);
    const first = monthIndex((list[0] as Purchase).day);
    const span = Math.max(0, Math.min(params.maxMonths, lastComplete - first));
    let acc = cohorts.get(first);
    if (!acc) {
      acc = {
        customers: 0,
        active: new Array<number>(span + 1).fill(0),
        repeatBy: new Array<number>(span + 1).fill(0),
        revenue: new Array<number>(span + 1).fill(0),
      };
      cohorts.set(first, acc);
    }
    acc.customers++;
    const activeMonths = new Set<number>();
    list.forEach((p, i) => {
      const k = monthIndex(p.day) - first;
      if (k >= acc.active.length) return;
      activeMonths.add(k);
      acc.revenue[k] = (acc.revenue[k] as number) + p.amount;
      // The second order makes the customer a repeater from its month on.
      if (i === 1) for (let j = k; j < acc.repeatBy.length; j++) acc.repeatBy[j]!++;
    });
    for (const k of activeMonths) acc.active[k]!++;
  }
  const out: Cohort[] = [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([m]) => m <= lastComplete)
    .map(([m, acc]) => {
      let cum = 0;
      const base = acc.revenue[0] ?? 0;
      return {
        cohort: monthLabel(m),
        customers: acc.customers,
        months: acc.active.map((active, k) => {
          const revenue = acc.revenue[k] as number;
          cum += revenue;
          return {
            k,
            active,
            retention: active / acc.customers,
            repeat_rate: (acc.repeatBy[k] as number) / acc.customers,
            revenue,
            cumulative_revenue_per_customer: cum / acc.customers,
            nrr: base > 0 ? revenue / base : null,
          };
        }),
      };
    });
  const incomplete = [...cohorts.keys()].filter((m) => m > lastComplete).length;
  if (incomplete > 0) {
    d.warn(
      'INCOMPLETE_MONTH',
      `the cohort of ${monthLabel(lastComplete + 1)} is left out: its month is not complete in the data`,
    );
  }
  if (out.length === 0) {
    d.warn('NO_COMPLETE_MONTH', 'no cohort has a complete month in the data');
  }
  const maxK = Math.max(0, ...out.map((c) => c.months.length - 1));
  const average = Array.from({ length: maxK + 1 }, (_, k) => {
    const reached = out.filter((c) => c.months.length > k);
    const n = reached.reduce((s, c) => s + c.customers, 0);
    return {
      k,
      cohorts: reached.length,
      retention: n > 0 ? reached.reduce((s, c) => s + (c.months[k]?.active ?? 0), 0) / n : 0,
      repeat_rate:
        n > 0
          ? reached.reduce((s, c) => s + (c.months[k]?.repeat_rate ?? 0) * c.customers, 0) / n
          : 0,
    };
  });
  return {
    values: { lastCompleteMonth: monthLabel(lastComplete), cohorts: out, average },
    diagnostics: d.build(),
  };
}

function summarizeCohorts(result: ModelResult<CohortsValues>): string {
  const v = result.values;
  const ks = [0, 1, 2, 3, 6, 12].filter((k) => v.average.some((a) => a.k === k));
  const lines = [
    `Cohorts by month of first purchase — ${v.cohorts.length} cohorts, data complete to ${v.lastCompleteMonth}`,
    '',
    `  ${'cohort'.padEnd(8)} ${'size'.padStart(7)} ${ks.map((k) => `M${k}`.padStart(7)).join(' ')}   retention (share buying in month k)`,
  ];
  // Every cohort is listed: the header counts them, and a cut table read as the whole.
  for (const c of v.cohorts) {
    lines.push(
      `  ${c.cohort.padEnd(8)} ${String(c.customers).padStart(7)} ${ks.map((k) => (c.months[k] ? pct(c.months[k]?.retention, 1) : '').padStart(7)).join(' ')}`,
    );
  }
  lines.push(
    `  ${'average'.padEnd(8)} ${''.padStart(7)} ${ks.map((k) => pct(v.average[k]?.retention, 1).padStart(7)).join(' ')}`,
  );
  const k12 = v.average.find((a) => a.k === Math.min(12, v.average.length - 1));
  if (k12)
    lines.push(
      '',
      `Repeat rate by month ${k12.k}: ${pct(k12.repeat_rate)} (customer-weighted over ${fmt(k12.cohorts, 0)} cohorts)`,
    );
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const cohortsModel: Model<CohortsParams, CohortsData, CohortsValues> = {
  name: 'cohorts',
  description:
    'first-purchase cohorts × months: retention, repeat rate, revenue per customer, net revenue retention',
  params: cohortsParams,
  needs: [
    {
      fact: 'orders',
      filters: ['valid_order', 'orders.customer_id IS NOT NULL'],
      reads: 'customer, local order day and subtotal in the reporting currency',
    },
  ],
  fromWorkspace: readCohortsWorkspace,
  fromFile: (path) => readCohortsFile(path),
  fit: fitCohorts,
  summarize: (r) => summarizeCohorts(r),
};
