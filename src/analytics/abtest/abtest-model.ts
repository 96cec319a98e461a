/**
 * A/B test read-out: per variant against the control, the absolute and relative effect with
 * confidence interval and p-value (Welch's t-test on means, two-proportion z-test on rates),
 * the Bayesian chance to beat control, expected loss and credible interval, the
 * sample-ratio-mismatch check against the planned split, and CUPED when a pre-period covariate
 * is given. Workspace: an experiment's assignments joined to the outcome of each unit in the
 * experiment window (valid orders only), with the same outcome over the equally long window
 * before it as the CUPED covariate. File: JSON of per-variant sufficient statistics.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { compileFactQuery, num, str } from '../io/fact-query.js';
import type { Diagnostic, Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import type { BayesComparison } from './bayesian-tests.js';
import { compareMeans, compareRates } from './bayesian-tests.js';
import type { CovariateStats } from './cuped.js';
import { cuped } from './cuped.js';
import type { ArmStats, Comparison } from './frequentist-tests.js';
import {
  armMean,
  armVariance,
  sampleRatioMismatch,
  twoProportionTest,
  welchTest,
} from './frequentist-tests.js';

export const abtestParams = z.object({
  confidence: z.coerce
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.95)
    .meta({ arg: 'x', description: 'confidence level of intervals and tests' }),
  metric: z
    .enum(['auto', 'proportion', 'mean'])
    .default('auto')
    .meta({ arg: 'kind', description: 'auto, proportion or mean' }),
  control: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ arg: 'name', description: 'control variant (default: "control", else the first)' }),
  split: z
    .string()
    .max(1000)
    .regex(/^\s*\d*\.?\d+(\s*,\s*\d*\.?\d+)+\s*$/, 'expected shares such as 0.5,0.5')
    .optional()
    .meta({
      arg: 'shares',
      description: 'planned split, e.g. 0.5,0.5 (default: the file’s, else equal)',
    }),
  srmThreshold: z.coerce
    .number()
    .gt(0)
    .lt(1)
    .default(0.001)
    .meta({ arg: 'p', description: 'p-value below which the split is declared mismatched' }),
  experiment: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ arg: 'id', description: 'workspace: experiment id (default: the latest)' }),
  outcome: z.enum(['conversion', 'orders', 'revenue']).optional().meta({
    arg: 'kind',
    description: 'workspace: conversion, orders or revenue (default: from the primary KPI)',
  }),
});
export type AbtestParams = z.infer<typeof abtestParams>;

const variantSchema = z.object({
  name: z.string().min(1),
  n: z.number().int().min(0),
  sum: z.number(),
  sum_squares: z.number().min(0).optional(),
  pre_sum: z.number().optional(),
  pre_sum_squares: z.number().min(0).optional(),
  sum_products: z.number().optional(),
});
const inputSchema = z.object({
  variants: z.array(variantSchema).min(2, 'at least two variants (the control and one other)'),
  split: z.array(z.number().positive()).optional(),
});

export interface Arm extends ArmStats {
  readonly name: string;
  readonly sumSquaresKnown: boolean;
  readonly covariate: { preSum: number; preSumSquares: number; sumProducts: number } | null;
}

export interface AbtestData {
  readonly arms: readonly Arm[];
  readonly split: readonly number[] | null;
  readonly experiment: {
    readonly id: string;
    readonly startsOn: string;
    readonly endsOn: string;
    readonly unit: string;
    readonly outcome: string;
  } | null;
  readonly source: string;
  readonly readWarnings: readonly Diagnostic[];
}

export interface VariantOut {
  readonly name: string;
  readonly n: number;
  readonly mean: number | null;
  readonly sd: number | null;
}

export interface ComparisonOut {
  readonly variant: string;
  readonly control: string;
  readonly test: Comparison['test'];
  readonly absolute_effect: number | null;
  readonly relative_effect: number | null;
  readonly ci_absolute: [number, number] | null;
  readonly ci_relative: [number, number] | null;
  readonly p_value: number | null;
  readonly statistic: number | null;
  readonly df: number | null;
  readonly significant: boolean | null;
  readonly bayes: {
    readonly chance_to_beat_control: number;
    readonly expected_loss: number;
    readonly expected_loss_control: number;
    readonly credible_interval: [number, number];
    readonly prior: string;
  } | null;
  readonly cuped: {
    readonly theta: number;
    readonly variance_reduction: number;
    readonly absolute_effect: number | null;
    readonly ci_absolute: [number, number] | null;
    readonly p_value: number | null;
  } | null;
}

export interface AbtestValues {
  readonly metric: 'proportion' | 'mean';
  readonly confidence: number;
  readonly control: string;
  readonly variants: VariantOut[];
  readonly comparisons: ComparisonOut[];
  readonly srm: {
    readonly split: number[];
    readonly expected: number[];
    readonly chi_square: number;
    readonly df: number;
    readonly p_value: number;
    readonly mismatch: boolean;
  } | null;
  readonly experiment: AbtestData['experiment'];
}

export function readAbtestFile(path: string): AbtestData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VitrineError(
      'INPUT_READ',
      `${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot read'}`,
    );
  }
  if (text.trim() === '') {
    throw new VitrineError(
      'INPUT_EMPTY',
      `${path}: the file is empty; abtest expects JSON {"variants": [{"name", "n", "sum", "sum_squares"}], "split": [0.5, 0.5]}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VitrineError('INPUT_JSON', `${path}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || '(root)';
    throw new VitrineError('INPUT_VALUE', `${path}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const { variants, split } = parsed.data;
  const names = new Set<string>();
  for (const v of variants) {
    if (names.has(v.name))
      throw new VitrineError('INPUT_VALUE', `${path}: variant "${v.name}" appears twice`);
    names.add(v.name);
  }
  if (split && split.length !== variants.length) {
    throw new VitrineError(
      'INPUT_VALUE',
      `${path}: split has ${split.length} shares for ${variants.length} variants`,
    );
  }
  return {
    arms: variants.map((v) => {
      const hasCov =
        v.pre_sum !== undefined && v.pre_sum_squares !== undefined && v.sum_products !== undefined;
      return {
        name: v.name,
        n: v.n,
        sum: v.sum,
        sumSquares: v.sum_squares ?? v.sum,
        sumSquaresKnown: v.sum_squares !== undefined,
        covariate: hasCov
          ? {
              preSum: v.pre_sum as number,
              preSumSquares: v.pre_sum_squares as number,
              sumProducts: v.sum_products as number,
            }
          : null,
      };
    }),
    split: split ?? null,
    experiment: null,
    source: path,
    readWarnings: [],
  };
}

const OUTCOME_OF_KPI: Record<string, 'conversion' | 'orders' | 'revenue'> = {
  conversion_rate: 'conversion',
  orders: 'orders',
  net_sales: 'revenue',
  revenue: 'revenue',
  aov: 'revenue',
};

async function readAbtestWorkspace(
  source: WorkspaceSource,
  params: AbtestParams,
): Promise<AbtestData> {
  const engine = source.engine;
  const exp = params.experiment
    ? await engine.run(
        'SELECT experiment_id, CAST(starts_on AS VARCHAR) AS s, CAST(ends_on AS VARCHAR) AS e, unit, primary_kpi FROM experiments WHERE experiment_id = $1',
        [params.experiment],
      )
    : await engine.run(
        'SELECT experiment_id, CAST(starts_on AS VARCHAR) AS s, CAST(ends_on AS VARCHAR) AS e, unit, primary_kpi FROM experiments ORDER BY starts_on DESC, experiment_id LIMIT 1',
      );
  const row = exp.rows[0];
  if (!row) {
    throw new VitrineError(
      'NO_EXPERIMENT',
      params.experiment
        ? `no experiment "${params.experiment}" in the experiments table`
        : 'the workspace has no experiment (table experiments is empty)',
    );
  }
  const id = String(row['experiment_id']);
  const startsOn = String(row['s']);
  const endsOn = row['e'] === null ? null : String(row['e']);
  if (!endsOn) {
    throw new VitrineError(
      'EXPERIMENT_OPEN',
      `experiment ${id} has no end date yet; read it out when it ends`,
    );
  }
  const unit = String(row['unit']);
  const kpi = str(row['primary_kpi']);
  const outcome = params.outcome ?? (kpi ? OUTCOME_OF_KPI[kpi] : undefined) ?? 'conversion';
  const start = parseIsoDate(startsOn, 'starts_on');
  const end = parseIsoDate(endsOn, 'ends_on');
  const preStart = start - (end - start + 1);
  const settings = {
    timeZone: source.config.timezone,
    reportingCurrency: source.config.reporting_currency,
  };
  // Outcome rows: one per valid order with its unit and local day, from the facts.
  const orders = compileFactQuery(
    {
      fact: 'orders',
      columns: {
        session_id: 'orders.session_id',
        customer_id: 'orders.customer_id',
        day: 'local_date(orders.ordered_at)',
        value: 'orders.subtotal * fact.fx',
      },
      filters: ['valid_order'],
      from: isoDate(preStart),
      to: isoDate(end + 1),
    },
    { ...settings, paramOffset: 3 },
  );
  let unitOutcomes: string;
  const params0 = [id, isoDate(start), isoDate(end)];
  let allParams: (string | number | boolean | null)[];
  if (unit === 'visitor') {
    const sessions = compileFactQuery(
      {
        fact: 'sessions',
        columns: {
          session_id: 'sessions.session_id',
          unit: 'sessions.visitor_id',
          day: 'local_date(sessions.started_at)',
        },
        filters: ['sessions.order_id IS NOT NULL'],
        from: isoDate(preStart),
        to: isoDate(end),
      },
      { ...settings, paramOffset: 3 + orders.params.length },
    );
    // The session's day decides the window (a visitor converts through a session started in it).
    unitOutcomes = `SELECT s.unit AS unit, s.day AS day, o.value AS value FROM (${sessions.sql}) AS s JOIN (${orders.sql}) AS o ON o.session_id = s.session_id`;
    allParams = [...params0, ...orders.params, ...sessions.params];
  } else {
    unitOutcomes = `SELECT o.customer_id AS unit, o.day AS day, o.value AS value FROM (${orders.sql}) AS o WHERE o.customer_id IS NOT NULL`;
    allParams = [...params0, ...orders.params];
  }
  const y = {
    conversion: (inWindow: string) => `max(CASE WHEN ${inWindow} THEN 1 ELSE 0 END)`,
    orders: (inWindow: string) => `sum(CASE WHEN ${inWindow} THEN 1 ELSE 0 END)`,
    revenue: (inWindow: string) => `sum(CASE WHEN ${inWindow} THEN u.value ELSE 0 END)`,
  }[outcome];
  const during = 'u.day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)';
  const before = 'u.day < CAST($2 AS DATE)';
  const sql = `SELECT a.variant AS variant, count(*) AS n, sum(coalesce(t.y, 0)) AS sy, sum(coalesce(t.y, 0) * coalesce(t.y, 0)) AS syy, sum(coalesce(t.x, 0)) AS sx, sum(coalesce(t.x, 0) * coalesce(t.x, 0)) AS sxx, sum(coalesce(t.x, 0) * coalesce(t.y, 0)) AS sxy, min(a.assigned_at) AS first_assigned
    FROM experiment_assignments AS a
    LEFT JOIN (SELECT u.unit AS unit, ${y(during)} AS y, ${y(before)} AS x FROM (${unitOutcomes}) AS u GROUP BY u.unit) AS t ON t.unit = a.unit_id
    WHERE a.experiment_id = $1 GROUP BY a.variant`;
  const res = await engine.run(sql, allParams);
  if (res.rows.length === 0) {
    throw new VitrineError('NO_DATA', `experiment ${id} has no assignment`);
  }
  // Control first: a variant named control, else the first assigned.
  const rows = [...res.rows].sort((p, q) => {
    const pc = String(p['variant']) === 'control' ? 0 : 1;
    const qc = String(q['variant']) === 'control' ? 0 : 1;
    return pc - qc || String(p['first_assigned']).localeCompare(String(q['first_assigned']));
  });
  const arms: Arm[] = rows.map((r) => ({
    name: String(r['variant']),
    n: num(r['n']) ?? 0,
    sum: num(r['sy']) ?? 0,
    sumSquares: num(r['syy']) ?? 0,
    sumSquaresKnown: true,
    covariate: {
      preSum: num(r['sx']) ?? 0,
      preSumSquares: num(r['sxx']) ?? 0,
      sumProducts: num(r['sxy']) ?? 0,
    },
  }));
  return {
    arms,
    split: null,
    experiment: { id, startsOn, endsOn, unit, outcome },
    source: `workspace experiment ${id}`,
    readWarnings: [],
  };
}

function isProportion(arms: readonly Arm[]): boolean {
  return arms.every(
    (a) =>
      Number.isInteger(a.sum) &&
      a.sum >= 0 &&
      a.sum <= a.n &&
      (!a.sumSquaresKnown || a.sumSquares === a.sum),
  );
}

export function fitAbtest(data: AbtestData, params: AbtestParams): ModelResult<AbtestValues> {
  const d = new DiagnosticsBuilder();
  for (const w of data.readWarnings) d.warn(w.code, w.message);
  const arms = [...data.arms];
  const controlName =
    params.control ?? (arms.some((a) => a.name === 'control') ? 'control' : (arms[0] as Arm).name);
  const control = arms.find((a) => a.name === controlName);
  if (!control) {
    throw new VitrineError(
      'NO_CONTROL',
      `no variant named "${controlName}"; variants are: ${arms.map((a) => a.name).join(', ')}`,
    );
  }
  let metric: 'proportion' | 'mean';
  if (params.metric === 'auto') metric = isProportion(arms) ? 'proportion' : 'mean';
  else metric = params.metric;
  if (metric === 'proportion' && !isProportion(arms)) {
    throw new VitrineError(
      'NOT_PROPORTIONS',
      'with --metric proportion every variant needs 0 ≤ sum ≤ n (sum = conversions) and sum_squares = sum when given',
    );
  }
  if (metric === 'mean' && arms.some((a) => !a.sumSquaresKnown)) {
    throw new VitrineError(
      'NO_SUM_SQUARES',
      'a mean metric needs sum_squares for every variant (the variance of the outcome)',
    );
  }
  d.assume(
    metric === 'proportion'
      ? 'the outcome is a rate (sum = conversions out of n units); two-proportion z-test with the pooled rate, Wald confidence interval'
      : "the outcome is a mean per unit; Welch's t-test (unequal variances), t-based confidence interval",
  );
  d.assume(
    "the relative effect's interval is computed on the log ratio of means (delta method); units are independent and assigned at random",
  );
  if (data.experiment) {
    d.assume(
      `unit = ${data.experiment.unit}; outcome = ${data.experiment.outcome} of the unit in ${data.experiment.startsOn} – ${data.experiment.endsOn} (valid orders; for visitors, through sessions started in the window); CUPED covariate = the same outcome over the equally long window before`,
    );
  }
  for (const a of arms) {
    if (a.n === 0)
      d.warn('EMPTY_VARIANT', `variant ${a.name} has n = 0: no effect can be estimated for it`);
  }
  if (metric === 'proportion' && arms.every((a) => a.sum === 0)) {
    d.warn(
      'ZERO_CONVERSIONS',
      'no variant has any conversion: rates are all 0 and tests have no power',
    );
  }
  const variants: VariantOut[] = arms.map((a) => {
    const v = armVariance(a);
    return { name: a.name, n: a.n, mean: armMean(a), sd: v === null ? null : Math.sqrt(v) };
  });
  const cup =
    arms.every((a) => a.covariate !== null) && arms.length >= 2
      ? cuped(
          arms.map((a): CovariateStats => ({
            n: a.n,
            sum: a.sum,
            sumSquares: a.sumSquares,
            preSum: a.covariate?.preSum ?? 0,
            preSumSquares: a.covariate?.preSumSquares ?? 0,
            sumProducts: a.covariate?.sumProducts ?? 0,
          })),
        )
      : null;
  if (arms.every((a) => a.covariate !== null) && !cup) {
    d.warn(
      'CUPED_UNAVAILABLE',
      'CUPED needs at least 2 units per arm and a covariate that varies; results are unadjusted',
    );
  }
  if (cup) {
    d.assume(
      `CUPED: y − θ(x − x̄), θ = ${fmt(cup.theta, 4)} pooled within arms; variance reduced by ${pct(cup.varianceReduction)}`,
    );
  }
  const comparisons: ComparisonOut[] = [];
  for (const a of arms) {
    if (a === control) continue;
    const freq =
      metric === 'proportion'
        ? twoProportionTest(control, a, params.confidence)
        : welchTest(control, a, params.confidence);
    if (freq.pValue === null && control.n > 0 && a.n > 0) {
      d.warn(
        'NO_VARIANCE',
        `${a.name} vs ${control.name}: the outcome does not vary (or too few units), no test statistic`,
      );
    }
    let bayes: BayesComparison | null = null;
    if (control.n > 0 && a.n > 0) {
      if (metric === 'proportion') {
        bayes = compareRates(
          { n: control.n, conversions: control.sum },
          { n: a.n, conversions: a.sum },
          params.confidence,
        );
      } else {
        const vc = armVariance(control);
        const vv = armVariance(a);
        if (vc !== null && vv !== null) {
          bayes = compareMeans(
            { mean: control.sum / control.n, variance: vc, n: control.n },
            { mean: a.sum / a.n, variance: vv, n: a.n },
            params.confidence,
          );
        }
      }
    }
    let cupedOut: ComparisonOut['cuped'] = null;
    if (cup) {
      const ci = cup.arms[arms.indexOf(control)];
      const vi = cup.arms[arms.indexOf(a)];
      if (ci && vi) {
        const w = welchTest(ci, vi, params.confidence);
        cupedOut = {
          theta: cup.theta,
          variance_reduction: cup.varianceReduction,
          absolute_effect: w.absolute,
          ci_absolute: w.ciAbsolute,
          p_value: w.pValue,
        };
      }
    }
    comparisons.push({
      variant: a.name,
      control: control.name,
      test: freq.test,
      absolute_effect: freq.absolute,
      relative_effect: freq.relative,
      ci_absolute: freq.ciAbsolute,
      ci_relative: freq.ciRelative,
      p_value: freq.pValue,
      statistic: freq.statistic,
      df: freq.df,
      significant: freq.pValue === null ? null : freq.pValue < 1 - params.confidence,
      bayes: bayes && {
        chance_to_beat_control: bayes.chanceToBeatControl,
        expected_loss: bayes.expectedLoss,
        expected_loss_control: bayes.expectedLossControl,
        credible_interval: bayes.credibleInterval,
        prior: bayes.prior,
      },
      cuped: cupedOut,
    });
  }
  // Sample ratio mismatch against the planned split.
  let split: number[];
  if (params.split) split = params.split.split(',').map((s) => Number(s.trim()));
  else if (data.split) split = [...data.split];
  else {
    split = arms.map(() => 1 / arms.length);
    d.assume('planned split not given: an equal split is assumed for the sample-ratio check');
  }
  if (split.length !== arms.length) {
    throw new VitrineError(
      'BAD_SPLIT',
      `--split has ${split.length} shares for ${arms.length} variants (${arms.map((a) => a.name).join(', ')})`,
    );
  }
  const srmCheck = sampleRatioMismatch(
    arms.map((a) => a.n),
    split,
  );
  const srm = srmCheck && {
    split,
    expected: srmCheck.expected,
    chi_square: srmCheck.chiSquare,
    df: srmCheck.df,
    p_value: srmCheck.pValue,
    mismatch: srmCheck.pValue < params.srmThreshold,
  };
  if (srm?.mismatch) {
    d.warn(
      'SRM',
      `sample ratio mismatch: arm sizes ${arms.map((a) => a.n).join(' / ')} against a planned split ${split.join(' / ')} (p = ${srm.p_value.toExponential(2)}); the assignment may be broken and the effects biased`,
    );
  }
  return {
    values: {
      metric,
      confidence: params.confidence,
      control: control.name,
      variants,
      comparisons,
      srm,
      experiment: data.experiment,
    },
    diagnostics: d.build(),
  };
}

function summarizeAbtest(result: ModelResult<AbtestValues>): string {
  const v = result.values;
  const f = (x: number | null) => (v.metric === 'proportion' ? pct(x, 2) : fmt(x, 4));
  const lines = [
    `A/B test — ${v.metric === 'proportion' ? 'rate' : 'mean'} per unit, ${pct(v.confidence, 0)} intervals, control = ${v.control}${v.experiment ? ` (experiment ${v.experiment.id}, ${v.experiment.startsOn} – ${v.experiment.endsOn}, outcome ${v.experiment.outcome})` : ''}`,
    '',
  ];
  for (const a of v.variants)
    lines.push(
      `  ${a.name.padEnd(16)} n = ${fmt(a.n, 0).padStart(10)}   ${v.metric === 'proportion' ? 'rate' : 'mean'} ${f(a.mean)}`,
    );
  for (const c of v.comparisons) {
    lines.push('', `${c.variant} vs ${c.control}:`);
    lines.push(
      `  effect ${f(c.absolute_effect)} [${c.ci_absolute ? `${f(c.ci_absolute[0])}, ${f(c.ci_absolute[1])}` : '—'}], relative ${pct(c.relative_effect)} [${c.ci_relative ? `${pct(c.ci_relative[0])}, ${pct(c.ci_relative[1])}` : '—'}], p = ${c.p_value === null ? '—' : c.p_value < 1e-4 ? c.p_value.toExponential(2) : c.p_value.toFixed(4)}${c.significant ? ' (significant)' : ''}`,
    );
    if (c.bayes) {
      lines.push(
        `  Bayesian: chance to beat control ${pct(c.bayes.chance_to_beat_control)}, expected loss ${f(c.bayes.expected_loss)}, credible interval [${f(c.bayes.credible_interval[0])}, ${f(c.bayes.credible_interval[1])}]`,
      );
    }
    if (c.cuped) {
      lines.push(
        `  CUPED: effect ${f(c.cuped.absolute_effect)} [${c.cuped.ci_absolute ? `${f(c.cuped.ci_absolute[0])}, ${f(c.cuped.ci_absolute[1])}` : '—'}], variance −${pct(c.cuped.variance_reduction)}`,
      );
    }
  }
  if (v.srm) {
    lines.push(
      '',
      `Sample ratio: χ² = ${fmt(v.srm.chi_square, 3)} (df ${v.srm.df}), p = ${v.srm.p_value.toFixed(4)}${v.srm.mismatch ? ' — MISMATCH' : ' — consistent with the planned split'}`,
    );
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const abtestModel: Model<AbtestParams, AbtestData, AbtestValues> = {
  name: 'abtest',
  description:
    "A/B test read-out: Welch's t-test or two-proportion z-test, Bayesian chance to beat control and expected loss, sample-ratio mismatch, CUPED",
  params: abtestParams,
  needs: [
    { fact: 'experiment_assignments', filters: [], reads: 'unit and variant of the experiment' },
    {
      fact: 'orders',
      filters: ['valid_order'],
      reads: 'orders in the window and the window before',
    },
    {
      fact: 'sessions',
      filters: ['sessions.order_id IS NOT NULL'],
      reads: 'visitor of each ordering session',
    },
  ],
  fromWorkspace: readAbtestWorkspace,
  fromFile: (path) => readAbtestFile(path),
  fit: fitAbtest,
  summarize: (result) => summarizeAbtest(result),
};
