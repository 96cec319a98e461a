/**
 * Customer lifetime value: historical (revenue and margin to date), predictive (BG/NBD for the
 * number of purchases × Gamma-Gamma for their value, over a horizon, discounted) and RFM
 * segments. Workspace: known customers' valid orders (sales_lines fact, valid_order filter),
 * amounts in the reporting currency excluding tax, gross of later returns. File: CSV
 * `customer_id,date,amount[,margin]`, one row per transaction.
 */
import { z } from 'zod';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { dateCell, nonEmptyCell, numberCell, readCsv } from '../io/csv-input.js';
import { num, readFactRows, str } from '../io/fact-query.js';
import type { Diagnostic, Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay, topRows } from '../model-params.js';
import { pearson, quantile } from '../numeric/descriptive-stats.js';
import type { BgNbdParams } from './bg-nbd-model.js';
import { expectedPurchases, fitBgNbd, probabilityAlive } from './bg-nbd-model.js';
import type { CustomerSummary, Transaction } from './customer-summary.js';
import { summarizeTransactions } from './customer-summary.js';
import type { GammaGammaParams } from './gamma-gamma-model.js';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  populationMeanSpend,
} from './gamma-gamma-model.js';
import type { RfmScore } from './rfm-segments.js';
import { RFM_RULES, rfmScores } from './rfm-segments.js';

export const clvParams = z.object({
  calibrationEnd: isoDay.optional().meta({
    arg: 'date',
    description: 'last day of the calibration period (default: last transaction)',
  }),
  timeUnit: z
    .enum(['day', 'week'])
    .default('week')
    .meta({ arg: 'unit', description: 'day or week' }),
  horizon: z.coerce.number().positive().max(5200).optional().meta({
    arg: 'n',
    description: 'prediction horizon in time units (default 52 weeks / 365 days)',
  }),
  discountRate: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .meta({ arg: 'x', description: 'annual discount rate of the predictive CLV' }),
  value: z
    .enum(['revenue', 'margin'])
    .default('revenue')
    .meta({ arg: 'basis', description: 'revenue or margin per purchase' }),
  top: topRows(10).meta({ arg: 'n', description: 'customers shown in the summary' }),
  from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first order day' }),
  to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last order day' }),
});
export type ClvParams = z.infer<typeof clvParams>;

export interface ClvData {
  readonly transactions: readonly Transaction[];
  readonly source: string;
  readonly readWarnings: readonly Diagnostic[];
}

export interface ClvCustomer {
  readonly customer_id: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly monetary: number;
  readonly expected_purchases: number | null;
  readonly p_alive: number | null;
  readonly expected_spend: number | null;
  readonly clv: number | null;
  readonly historical_revenue: number;
  readonly historical_margin: number | null;
  readonly rfm: RfmScore;
  readonly value_tier: 'high' | 'medium' | 'low' | null;
}

export interface ClvValues {
  readonly params: { bgnbd: BgNbdParams | null; gammaGamma: GammaGammaParams | null };
  readonly standardErrors: { bgnbd: BgNbdParams | null; gammaGamma: GammaGammaParams | null };
  readonly logLikelihood: { bgnbd: number | null; gammaGamma: number | null };
  readonly calibration: {
    readonly end: string;
    readonly timeUnit: 'day' | 'week';
    readonly horizon: number;
    readonly discountRate: number;
    readonly value: 'revenue' | 'margin';
    readonly customers: number;
    readonly repeatCustomers: number;
    readonly transactions: number;
    readonly purchaseDays: number;
  };
  readonly totals: {
    readonly historicalRevenue: number;
    readonly historicalMargin: number | null;
    readonly expectedPurchases: number | null;
    readonly clv: number | null;
    readonly populationMeanSpend: number | null;
  };
  /** Predicted against actual repeat purchases after the calibration end, when data exist. */
  readonly holdout: {
    readonly length: number;
    readonly actualPurchases: number;
    readonly predictedPurchases: number | null;
  } | null;
  readonly segments: Record<string, { customers: number; revenue: number; clv: number | null }>;
  readonly customers: ClvCustomer[];
}

export function readClvFile(path: string): ClvData {
  const table = readCsv(path, ['customer_id', 'date', 'amount'], 'clv --input');
  const hasMargin = table.index.has('margin');
  const transactions: Transaction[] = table.rows.map((row) => ({
    customerId: nonEmptyCell(table, row, 'customer_id'),
    day: dateCell(table, row, 'date'),
    amount: numberCell(table, row, 'amount'),
    margin: hasMargin ? numberCell(table, row, 'margin') : null,
  }));
  return { transactions, source: path, readWarnings: [] };
}

async function readClvWorkspace(source: WorkspaceSource, params: ClvParams): Promise<ClvData> {
  const rows = await readFactRows(source, {
    fact: 'sales_lines',
    columns: { customer_id: 'orders.customer_id', day: 'local_date(orders.ordered_at)' },
    aggregates: {
      amount: { agg: 'sum', expr: 'order_lines.quantity * order_lines.unit_price * fact.fx' },
      margin: {
        agg: 'sum',
        expr: 'order_lines.quantity * (order_lines.unit_price - order_lines.unit_cost) * fact.fx',
      },
    },
    filters: ['valid_order', 'orders.customer_id IS NOT NULL'],
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  });
  const warnings: Diagnostic[] = [];
  let unconverted = 0;
  const transactions: Transaction[] = [];
  for (const r of rows) {
    const amount = num(r['amount']);
    if (amount === null) {
      unconverted++;
      continue;
    }
    transactions.push({
      customerId: str(r['customer_id']) as string,
      day: parseIsoDate(String(r['day']), 'day'),
      amount,
      margin: num(r['margin']),
    });
  }
  if (unconverted > 0) {
    warnings.push({
      code: 'MISSING_FX',
      message: `${unconverted} customer-day(s) left out: no exchange rate to the reporting currency`,
    });
  }
  if (transactions.length === 0) {
    throw new VitrineError(
      'NO_DATA',
      'no valid order of a known customer in the workspace for the period: CLV needs customer_id on orders',
    );
  }
  return { transactions, source: 'workspace', readWarnings: warnings };
}

const UNITS_PER_YEAR = { day: 365.25, week: 365.25 / 7 } as const;

/** Discounted expected value over the horizon: Σ ΔE[purchases] × spend × (1+d)^−t. */
function discountedValue(
  par: BgNbdParams,
  c: CustomerSummary,
  spend: number,
  horizon: number,
  unitsPerYear: number,
  discountRate: number,
): { clv: number | null; purchases: number | null } {
  const steps = Math.min(Math.ceil(horizon), 104);
  let prev = 0;
  let total = 0;
  for (let k = 1; k <= steps; k++) {
    const t = (horizon * k) / steps;
    const e = expectedPurchases(par, c, t);
    if (e === null) return { clv: null, purchases: null };
    total += (e - prev) * spend * Math.pow(1 + discountRate, -t / unitsPerYear);
    prev = e;
  }
  return { clv: total, purchases: prev };
}

export function fitClv(data: ClvData, params: ClvParams): ModelResult<ClvValues> {
  const d = new DiagnosticsBuilder();
  for (const w of data.readWarnings) d.warn(w.code, w.message);
  if (data.transactions.length === 0) {
    throw new VitrineError('NO_DATA', `${data.source}: no transaction`);
  }
  const unitDays = params.timeUnit === 'week' ? 7 : 1;
  const horizon = params.horizon ?? (params.timeUnit === 'week' ? 52 : 365);
  const lastDay = Math.max(...data.transactions.map((t) => t.day));
  const calEnd = params.calibrationEnd
    ? parseIsoDate(params.calibrationEnd, 'calibration end')
    : lastDay;
  const summary = summarizeTransactions(data.transactions, calEnd, unitDays);
  const customers = summary.customers;
  if (customers.length === 0) {
    throw new VitrineError(
      'NO_DATA',
      `${data.source}: no customer made a purchase on or before the calibration end ${isoDate(calEnd)}`,
    );
  }
  d.assume(
    'same-day transactions of a customer are merged; frequency counts repeat purchase days, recency and T are measured from the first purchase (standard BG/NBD conventions)',
  );
  d.assume(
    'BG/NBD: purchases are a Poisson process while alive, with no seasonality; after each repeat purchase the customer may drop out for good',
  );
  d.assume(
    'Gamma-Gamma: spend per transaction varies around a customer-specific mean that is independent of purchase frequency; fitted on repeat purchases only',
  );
  d.assume(
    `predictive CLV = Σ over the horizon of expected purchases × expected ${params.value} per purchase, discounted at ${pct(params.discountRate)} a year; historical CLV = ${summary.marginsKnown ? 'revenue and margin' : 'revenue'} to the calibration end`,
  );
  if (summary.firstSeenAfter > 0) {
    d.warn(
      'AFTER_CALIBRATION',
      `${summary.firstSeenAfter} customer(s) first bought after the calibration end and are not scored`,
    );
  }
  const repeaters = customers.filter((c) => c.frequency > 0);
  if (customers.length < 100) {
    d.warn(
      'THIN_DATA',
      `only ${customers.length} customers: parameter estimates are very uncertain`,
    );
  }

  // BG/NBD.
  let bg: BgNbdParams | null = null;
  let bgSe: BgNbdParams | null = null;
  let bgLl: number | null = null;
  if (customers.length < 2) {
    d.warn(
      'TOO_FEW_CUSTOMERS',
      'BG/NBD needs at least 2 customers; predictive CLV is not computed',
    );
  } else if (repeaters.length === 0) {
    d.warn(
      'NO_REPEAT_PURCHASES',
      'no customer bought twice before the calibration end: the purchase and dropout processes cannot be estimated',
    );
  } else {
    const fit = fitBgNbd(customers);
    d.converged('bgnbd', fit.convergence);
    if (fit.otherOptima.length > 0) {
      d.warn(
        'LOCAL_OPTIMA',
        `another starting point ended at log-likelihood ${fit.otherOptima.map((x) => fmt(x, 3)).join(', ')} (best ${fmt(fit.logLikelihood, 3)})`,
      );
    }
    if (fit.convergence.converged) {
      bg = fit.params;
      bgSe = fit.standardErrors;
      bgLl = fit.logLikelihood;
      if (!bgSe) {
        d.warn(
          'HESSIAN_NOT_PD',
          'BG/NBD: the information matrix is not positive definite; no standard errors (weakly identified)',
        );
      }
      if (bg.a <= 1) {
        d.warn(
          'DROPOUT_HEAVY_TAIL',
          `BG/NBD a = ${fmt(bg.a, 3)} ≤ 1: the dropout distribution has a heavy tail; predictions over long horizons are fragile`,
        );
      }
    }
  }

  // Gamma-Gamma on repeat purchases' mean value.
  const spendOf = (c: CustomerSummary) =>
    params.value === 'margin' ? (c.monetaryMargin ?? 0) : c.monetary;
  if (params.value === 'margin' && !summary.marginsKnown) {
    throw new VitrineError(
      'NO_MARGIN',
      `${data.source}: --value margin needs a margin column (or unit costs in the workspace)`,
    );
  }
  const ggRows = repeaters
    .filter((c) => spendOf(c) > 0)
    .map((c) => ({ frequency: c.frequency, monetary: spendOf(c) }));
  if (repeaters.length > ggRows.length) {
    d.warn(
      'NON_POSITIVE_SPEND',
      `${repeaters.length - ggRows.length} repeat customer(s) with a mean ${params.value} ≤ 0 are left out of the Gamma-Gamma fit`,
    );
  }
  let gg: GammaGammaParams | null = null;
  let ggSe: GammaGammaParams | null = null;
  let ggLl: number | null = null;
  if (ggRows.length < 2) {
    d.warn(
      'TOO_FEW_REPEAT_CUSTOMERS',
      `Gamma-Gamma needs at least 2 customers with repeat purchases (found ${ggRows.length}); expected spend is not computed`,
    );
  } else {
    const fit = fitGammaGamma(ggRows);
    d.converged('gammaGamma', fit.convergence);
    if (fit.convergence.converged) {
      gg = fit.params;
      ggSe = fit.standardErrors;
      ggLl = fit.logLikelihood;
      if (gg.q <= 1) {
        d.warn(
          'INFINITE_MEAN_SPEND',
          `Gamma-Gamma q = ${fmt(gg.q, 3)} ≤ 1: the population mean spend is infinite; customers without repeat purchase get no expected spend`,
        );
      }
    }
    const rho = pearson(
      ggRows.map((c) => c.frequency),
      ggRows.map((c) => c.monetary),
    );
    if (rho !== null && Math.abs(rho) > 0.3) {
      d.warn(
        'SPEND_FREQUENCY_CORRELATED',
        `frequency and mean spend are correlated (ρ = ${fmt(rho, 2)}): the Gamma-Gamma independence assumption looks violated`,
      );
    }
  }

  // Per customer.
  const unitsPerYear = UNITS_PER_YEAR[params.timeUnit];
  const rfm = rfmScores(
    customers.map((c) => calEnd - c.lastDay),
    customers.map((c) => c.frequency + 1),
    customers.map((c) => c.revenue),
  );
  let failedSeries = 0;
  const rows: ClvCustomer[] = customers.map((c, i) => {
    const pAlive = bg ? probabilityAlive(bg, c) : null;
    const spend = gg
      ? conditionalExpectedSpend(gg, { frequency: c.frequency, monetary: spendOf(c) })
      : null;
    let purchases: number | null = null;
    let clv: number | null = null;
    if (bg) {
      if (spend !== null) {
        const v = discountedValue(bg, c, spend, horizon, unitsPerYear, params.discountRate);
        purchases = v.purchases;
        clv = v.clv;
      } else {
        purchases = expectedPurchases(bg, c, horizon);
      }
      if (purchases === null) failedSeries++;
    }
    return {
      customer_id: c.customerId,
      frequency: c.frequency,
      recency: c.recency,
      T: c.T,
      monetary: c.monetary,
      expected_purchases: purchases,
      p_alive: pAlive,
      expected_spend: spend,
      clv,
      historical_revenue: c.revenue,
      historical_margin: c.margin,
      rfm: rfm[i] as RfmScore,
      value_tier: null,
    };
  });
  if (failedSeries > 0) {
    d.warn(
      'SERIES_NOT_CONVERGED',
      `expected purchases could not be computed for ${failedSeries} customer(s) (hypergeometric series did not converge); their CLV is null`,
    );
  }
  // Value tiers by predictive CLV: top 20 %, next 30 %, rest.
  const clvs = rows.map((r) => r.clv).filter((v): v is number => v !== null);
  const q80 = quantile(clvs, 0.8);
  const q50 = quantile(clvs, 0.5);
  const tiered = rows.map((r) => ({
    ...r,
    value_tier:
      r.clv === null || q80 === null || q50 === null
        ? null
        : r.clv >= q80
          ? ('high' as const)
          : r.clv >= q50
            ? ('medium' as const)
            : ('low' as const),
  }));
  d.assume(
    `RFM segments: ${RFM_RULES}; value tiers: top 20 % of predictive CLV high, next 30 % medium`,
  );

  // Holdout check when there are transactions after the calibration end.
  let holdout: ClvValues['holdout'] = null;
  if (summary.lastDay > calEnd) {
    const length = (summary.lastDay - calEnd) / unitDays;
    const actual = customers.reduce((s, c) => s + c.holdoutPurchases, 0);
    let predicted: number | null = null;
    if (bg) {
      let sum = 0;
      for (const c of customers) {
        const e = expectedPurchases(bg, c, length);
        if (e === null) {
          sum = NaN;
          break;
        }
        sum += e;
      }
      predicted = Number.isFinite(sum) ? sum : null;
    }
    holdout = { length, actualPurchases: actual, predictedPurchases: predicted };
  }

  const segments: Record<string, { customers: number; revenue: number; clv: number | null }> = {};
  for (const r of tiered) {
    const s = (segments[r.rfm.segment] ??= { customers: 0, revenue: 0, clv: 0 });
    s.customers++;
    s.revenue += r.historical_revenue;
    s.clv = s.clv === null || r.clv === null ? null : s.clv + r.clv;
  }
  const sumOrNull = (xs: (number | null)[]) =>
    xs.some((x) => x === null) || xs.length === 0
      ? null
      : xs.reduce<number>((s, x) => s + (x ?? 0), 0);
  return {
    values: {
      params: { bgnbd: bg, gammaGamma: gg },
      standardErrors: { bgnbd: bgSe, gammaGamma: ggSe },
      logLikelihood: { bgnbd: bgLl, gammaGamma: ggLl },
      calibration: {
        end: isoDate(calEnd),
        timeUnit: params.timeUnit,
        horizon,
        discountRate: params.discountRate,
        value: params.value,
        customers: customers.length,
        repeatCustomers: repeaters.length,
        transactions: summary.transactions,
        purchaseDays: summary.purchaseDays,
      },
      totals: {
        historicalRevenue: customers.reduce((s, c) => s + c.revenue, 0),
        historicalMargin: summary.marginsKnown
          ? customers.reduce((s, c) => s + (c.margin ?? 0), 0)
          : null,
        expectedPurchases: bg ? sumOrNull(tiered.map((r) => r.expected_purchases)) : null,
        clv: bg && gg ? sumOrNull(tiered.map((r) => r.clv)) : null,
        populationMeanSpend: gg ? populationMeanSpend(gg) : null,
      },
      holdout,
      segments,
      customers: tiered,
    },
    diagnostics: d.build(),
  };
}

function summarizeClv(result: ModelResult<ClvValues>, params: ClvParams): string {
  const v = result.values;
  const c = v.calibration;
  const se = (x: number | undefined) => (x === undefined ? '' : ` ± ${fmt(x, 3)}`);
  const lines = [
    `Customer lifetime value — calibration to ${c.end}, time unit ${c.timeUnit}, horizon ${fmt(c.horizon, 1)} ${c.timeUnit}s, discount ${pct(c.discountRate)} a year`,
    `${fmt(c.customers, 0)} customers (${fmt(c.repeatCustomers, 0)} with repeat purchases), ${fmt(c.purchaseDays, 0)} purchase days`,
    '',
  ];
  const bg = v.params.bgnbd;
  const bse = v.standardErrors.bgnbd;
  lines.push(
    bg
      ? `BG/NBD     r = ${fmt(bg.r, 4)}${se(bse?.r)}   α = ${fmt(bg.alpha, 4)}${se(bse?.alpha)}   a = ${fmt(bg.a, 4)}${se(bse?.a)}   b = ${fmt(bg.b, 4)}${se(bse?.b)}   (log-likelihood ${fmt(v.logLikelihood.bgnbd, 3)})`
      : 'BG/NBD     not fitted (see warnings)',
  );
  const gg = v.params.gammaGamma;
  const gse = v.standardErrors.gammaGamma;
  lines.push(
    gg
      ? `Gamma-Gamma p = ${fmt(gg.p, 4)}${se(gse?.p)}   q = ${fmt(gg.q, 4)}${se(gse?.q)}   γ = ${fmt(gg.gamma, 4)}${se(gse?.gamma)}   (mean spend ${fmt(v.totals.populationMeanSpend)})`
      : 'Gamma-Gamma not fitted (see warnings)',
  );
  lines.push('');
  lines.push(
    `Historical revenue ${fmt(v.totals.historicalRevenue)}${v.totals.historicalMargin !== null ? `, margin ${fmt(v.totals.historicalMargin)}` : ''}; expected purchases over the horizon ${fmt(v.totals.expectedPurchases, 1)}; predictive CLV ${fmt(v.totals.clv)}`,
  );
  if (v.holdout) {
    lines.push(
      `Holdout (${fmt(v.holdout.length, 1)} ${c.timeUnit}s after calibration): actual repeat purchases ${fmt(v.holdout.actualPurchases, 0)}, predicted ${fmt(v.holdout.predictedPurchases, 1)}`,
    );
  }
  lines.push('', 'RFM segments:');
  for (const [name, s] of Object.entries(v.segments).sort(
    (a, b) => b[1].customers - a[1].customers,
  )) {
    lines.push(
      `  ${name.padEnd(15)} ${String(s.customers).padStart(7)} customers   revenue ${fmt(s.revenue).padStart(14)}   CLV ${fmt(s.clv).padStart(14)}`,
    );
  }
  const top = [...v.customers]
    .filter((x) => x.clv !== null)
    .sort((a, b) => (b.clv ?? 0) - (a.clv ?? 0))
    .slice(0, params.top);
  if (top.length > 0) {
    lines.push('', `Top ${top.length} customers by predictive CLV:`);
    lines.push(
      `  ${'customer'.padEnd(14)} ${'freq'.padStart(5)} ${'recency'.padStart(8)} ${'T'.padStart(8)} ${'P(alive)'.padStart(9)} ${'E[purch.]'.padStart(10)} ${'E[spend]'.padStart(10)} ${'CLV'.padStart(10)}`,
    );
    for (const x of top) {
      lines.push(
        `  ${x.customer_id.padEnd(14)} ${String(x.frequency).padStart(5)} ${fmt(x.recency, 1).padStart(8)} ${fmt(x.T, 1).padStart(8)} ${fmt(x.p_alive, 3).padStart(9)} ${fmt(x.expected_purchases, 2).padStart(10)} ${fmt(x.expected_spend).padStart(10)} ${fmt(x.clv).padStart(10)}`,
      );
    }
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const clvModel: Model<ClvParams, ClvData, ClvValues> = {
  name: 'clv',
  description:
    'customer lifetime value: historical, predictive (BG/NBD × Gamma-Gamma, discounted) and RFM segments',
  params: clvParams,
  needs: [
    {
      fact: 'sales_lines',
      filters: ['valid_order', 'orders.customer_id IS NOT NULL'],
      reads:
        'per customer and local day: Σ quantity × unit_price and Σ quantity × (unit_price − unit_cost), in the reporting currency',
    },
  ],
  fromWorkspace: readClvWorkspace,
  fromFile: (path) => readClvFile(path),
  fit: fitClv,
  summarize: summarizeClv,
};
