import type { Engine, Row } from '../../backends/engine.js';
import type { Calendar } from '../../time/calendar.js';
import { calendarFromConfig } from '../../time/calendar.js';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import type { WorkspaceConfig } from '../../workspace/workspace-config.js';
import { compilePlan } from '../compiler/sql-compiler.js';
import { dialectFor } from '../../backends/backend-registry.js';
import type { Dialect, SqlValue } from '../../backends/dialect.js';
import type { KpiDictionary } from '../dictionary/kpi-dictionary.js';
import { CURRENT_ROLE } from '../plan/period-plan.js';
import { buildPlan } from '../plan/plan-builder.js';
import { getRecipe } from '../recipes/recipe-registry.js';
import type { PlannedKpi, QueryPlan } from '../plan/query-plan.js';
import { dimValue, kpiValues, toNumber } from './kpi-values.js';
import { resolveFilterValues } from './filter-values.js';
import { withExactMoney } from './money-values.js';
import { periodCoverageWarnings } from './period-coverage.js';
import type { MoneyPrecision } from './money-values.js';
import type { ComparisonValue, QueryRequest, QueryResponse, QueryRow } from './query-types.js';

export interface QueryContext {
  readonly engine: Engine;
  readonly dictionary: KpiDictionary;
  readonly config: Pick<
    WorkspaceConfig,
    'week_start' | 'fiscal_calendar' | 'timezone' | 'reporting_currency'
  >;
  /** The engine's dialect unless given (`dialectFor(engine.kind)`). */
  readonly dialect?: Dialect;
  /** Row-level scopes of the caller, enforced inside the plan. */
  readonly scopes?: Readonly<Record<string, readonly string[]>>;
  /** Money in the answer: at the currency's minor unit (default) or the engine's doubles. */
  readonly money?: MoneyPrecision;
}

interface Cell {
  period: string;
  hour: number | null;
  dims: Record<string, string | number | null>;
  byRole: Map<string, Row>;
}

function change(value: number | null, base: number | null): ComparisonValue {
  if (value === null || base === null) return { value: base, change: null, change_ratio: null };
  return {
    value: base,
    change: value - base,
    change_ratio: base === 0 ? null : (value - base) / Math.abs(base),
  };
}

interface TargetRow {
  kpi: string;
  start: number;
  end: number;
  segmentKey: string | null;
  segmentValue: string | null;
  value: number;
}

async function loadTargets(
  run: (sql: string, params: readonly SqlValue[]) => Promise<readonly Row[]>,
  d: Dialect,
  plan: QueryPlan,
): Promise<TargetRow[]> {
  const placeholders = plan.requested.map((_, i) => d.param(i + 3)).join(', ');
  const rows = await run(
    `SELECT kpi_id, CAST(period_start AS VARCHAR) AS s, CAST(period_end AS VARCHAR) AS e, segment_key, segment_value, ${d.toDouble('target_value')} AS v FROM targets WHERE period_end >= ${d.dateParam(d.param(1))} AND period_start <= ${d.dateParam(d.param(2))} AND kpi_id IN (${placeholders})`,
    [isoDate(plan.from), isoDate(plan.to), ...plan.requested],
  );
  return rows.map((r) => ({
    kpi: String(r['kpi_id']),
    start: parseIsoDate(String(r['s'])),
    end: parseIsoDate(String(r['e'])),
    segmentKey:
      r['segment_key'] === null || r['segment_key'] === '' ? null : String(r['segment_key']),
    segmentValue: r['segment_value'] === null ? null : String(r['segment_value']),
    value: Number(r['v']),
  }));
}

/**
 * The target of a KPI over [start, end]: additive targets are prorated by days of overlap and
 * summed; other KPIs take the day-weighted average of the targets in force. A row split by one
 * dimension uses the targets set for that segment; a row with no split, the whole-business ones.
 */
function targetFor(
  targets: readonly TargetRow[],
  kpi: PlannedKpi,
  start: number,
  end: number,
  dims: Record<string, string | number | null>,
  where: QueryRequest['where'],
): number | null {
  // The segment a row stands for: its split plus the single-valued filters of the request. A
  // filtered answer never compares with the whole business's target.
  const segment: Record<string, string | number | null> = { ...dims };
  for (const [dim, values] of Object.entries(where ?? {})) {
    if (values.length !== 1) return null;
    segment[dim] = values[0] ?? null;
  }
  const dimKeys = Object.keys(segment);
  const applicable = targets.filter((t) => {
    if (t.kpi !== kpi.id) return false;
    if (dimKeys.length === 0) return t.segmentKey === null;
    if (dimKeys.length !== 1) return false;
    return t.segmentKey === dimKeys[0] && t.segmentValue === String(segment[dimKeys[0] as string]);
  });
  if (applicable.length === 0) return null;
  const additive = kpi.entry.def.additivity === 'additive';
  let total = 0;
  let weight = 0;
  for (const t of applicable) {
    const overlap = Math.min(end, t.end) - Math.max(start, t.start) + 1;
    if (overlap <= 0) continue;
    const share = overlap / (t.end - t.start + 1);
    if (additive) total += t.value * share;
    else {
      total += t.value * overlap;
      weight += overlap;
    }
  }
  if (additive) return total;
  return weight === 0 ? null : total / weight;
}

/**
 * Runs a query request: its plan (built once, never rewritten), the compiled statement, the
 * recipes' statements and sub-queries, then the assembly of values and comparisons. Every
 * statement run is listed in the answer (`sql`).
 */
export async function runQuery(ctx: QueryContext, given: QueryRequest): Promise<QueryResponse> {
  // Filter values may name a member by id or display name; one naming none is warned about
  // (with suggestions, unless the caller is scoped: they could name members outside its scope).
  const statements: string[] = [];
  // Every statement, the lookups of filter values and of data coverage included, is listed.
  const recording: Pick<Engine, 'kind' | 'run'> = {
    kind: ctx.engine.kind,
    run: (sql, params = []) => {
      statements.push(sql);
      return ctx.engine.run(sql, params);
    },
  };
  const filters = given.where
    ? await resolveFilterValues(recording, given.where, Object.keys(ctx.scopes ?? {}).length === 0)
    : null;
  const asked = filters ? { ...given, where: filters.where } : given;
  const calendar: Calendar = calendarFromConfig(ctx.config, asked.calendar);
  const dialect = ctx.dialect ?? dialectFor(ctx.engine.kind);
  const plan = buildPlan(asked, {
    dictionary: ctx.dictionary,
    calendar,
    ...(ctx.scopes ? { scopes: ctx.scopes } : {}),
  });
  const request = plan.request;
  const run = async (sql: string, params: readonly SqlValue[]) =>
    (await recording.run(sql, params)).rows;
  const planDims = new Set(plan.dims.map((x) => x.id));
  // Every KPI asked for adds its own split (breakdowns): a period with rows needs no empty one.
  const ownSplitOnly =
    plan.requested.length > 0 &&
    plan.requested.every((id) => {
      const k = plan.kpis.find((x) => x.id === id);
      return k?.kind === 'recipe' && k.needs.dimensions.some((x) => !planDims.has(x));
    });
  let mainRows: readonly Row[] = [];
  if (plan.scans.length > 0) {
    const compiled = compilePlan(plan, {
      dialect,
      timeZone: ctx.config.timezone,
      reportingCurrency: ctx.config.reporting_currency,
    });
    mainRows = await run(compiled.sql, compiled.params);
  }
  const targets = plan.comparisons.includes('target') ? await loadTargets(run, dialect, plan) : [];

  const cells = new Map<string, Cell>();
  const hourly = plan.grain === 'hour';
  // Dimensions a recipe adds to the split (a breakdown) make rows of their own.
  const extraDims = (dims: Record<string, string | number | null>) =>
    Object.keys(dims)
      .filter((k) => !planDims.has(k))
      .sort()
      .map((k) => [k, dims[k] ?? null]);
  const cellKey = (
    pkey: string,
    hour: number | null,
    dims: Record<string, string | number | null>,
  ) =>
    JSON.stringify([pkey, hour, ...plan.dims.map((x) => dims[x.id] ?? null), ...extraDims(dims)]);
  const cellOf = (
    pkey: string,
    hour: number | null,
    dims: Record<string, string | number | null>,
  ) => {
    const key = cellKey(pkey, hour, dims);
    let cell = cells.get(key);
    if (!cell) {
      cell = { period: pkey, hour, dims, byRole: new Map() };
      cells.set(key, cell);
    }
    return cell;
  };
  for (const row of mainRows) {
    const dims: Record<string, string | number | null> = {};
    for (const x of plan.dims) dims[x.id] = dimValue(row[x.column]);
    const hour = hourly ? toNumber(row['hr']) : null;
    cellOf(String(row['pkey']), hour, dims).byRole.set(String(row['role']), row);
  }

  // Recipes answer for the same periods, roles and dimensions; their values join the cells.
  const recipeValues = new Map<string, number | null>();
  const warnings = [...plan.warnings, ...(filters?.warnings ?? [])];
  for (const k of plan.kpis) {
    if (k.kind !== 'recipe') continue;
    const recipe = getRecipe(k.recipe, k.id);
    const values = await recipe.compute({
      engine: ctx.engine,
      dialect,
      plan,
      request,
      kpi: k.entry,
      params: k.params,
      needs: k.needs,
      timeZone: ctx.config.timezone,
      reportingCurrency: ctx.config.reporting_currency,
      calendar,
      dictionary: ctx.dictionary,
      scopes: ctx.scopes ?? {},
      run,
      subQuery: async (sub) => {
        // A recipe computes on from these values: they keep the engine's precision.
        const res = await runQuery({ ...ctx, money: 'binary' }, sub);
        statements.push(...res.sql);
        return res;
      },
      warn: (message) => {
        if (!warnings.includes(message)) warnings.push(message);
      },
    });
    for (const v of values) {
      const dims = { ...v.dims };
      cellOf(v.periodKey, v.hour, dims);
      recipeValues.set(JSON.stringify([k.id, v.role, cellKey(v.periodKey, v.hour, dims)]), v.value);
    }
  }
  const recipeLookup = (cell: Cell, role: string) => (kpi: string) =>
    recipeValues.get(JSON.stringify([kpi, role, cellKey(cell.period, cell.hour, cell.dims)])) ??
    null;

  // Without a split, every period is answered, even one with no data at all; when every KPI
  // asked for adds its own split (breakdowns), a period with rows needs no empty one.
  if (plan.dims.length === 0 && !hourly) {
    const periodsWithRows = new Set([...cells.values()].map((c) => c.period));
    for (const p of plan.periods) {
      const key = JSON.stringify([p.key, null]);
      if (ownSplitOnly && periodsWithRows.has(p.key)) continue;
      if (!cells.has(key))
        cells.set(key, { period: p.key, hour: null, dims: {}, byRole: new Map() });
    }
  }

  const periodByKey = new Map(plan.periods.map((p) => [p.key, p]));
  const rows: QueryRow[] = [];
  for (const cell of cells.values()) {
    const period = periodByKey.get(cell.period);
    if (!period) continue;
    const current = kpiValues(
      plan,
      cell.byRole.get(CURRENT_ROLE),
      recipeLookup(cell, CURRENT_ROLE),
    );
    const values: Record<string, number | null> = {};
    for (const id of plan.requested) values[id] = current.get(id) ?? null;
    const comparisons: Record<string, Record<string, ComparisonValue>> = {};
    for (const c of plan.comparisons) {
      const out: Record<string, ComparisonValue> = {};
      if (c === 'target') {
        for (const id of plan.requested) {
          const k = plan.kpis.find((x) => x.id === id) as PlannedKpi;
          out[id] = change(
            values[id] ?? null,
            targetFor(targets, k, period.start, period.end, cell.dims, request.where),
          );
        }
      } else {
        const base = kpiValues(plan, cell.byRole.get(c), recipeLookup(cell, c));
        for (const id of plan.requested) out[id] = change(values[id] ?? null, base.get(id) ?? null);
      }
      comparisons[c] = out;
    }
    const label =
      cell.hour === null
        ? period.label
        : `${period.label} ${String(cell.hour).padStart(2, '0')}:00`;
    rows.push({
      period: plan.grain || plan.cumulative ? label : 'all',
      period_start: isoDate(period.start),
      period_end: isoDate(period.end),
      dims: cell.dims,
      values,
      comparisons,
    });
  }
  rows.sort((a, b) => {
    if (a.period_start !== b.period_start) return a.period_start < b.period_start ? -1 : 1;
    if (a.period !== b.period) return a.period < b.period ? -1 : 1;
    const keys = [
      ...plan.dims.map((x) => x.id),
      ...[...new Set([...Object.keys(a.dims), ...Object.keys(b.dims)])]
        .filter((k) => !planDims.has(k))
        .sort(),
    ];
    for (const k of keys) {
      const av = a.dims[k];
      const bv = b.dims[k];
      if (av === bv) continue;
      if (av === null || av === undefined) return 1;
      if (bv === null || bv === undefined) return -1;
      return av < bv ? -1 : 1;
    }
    return 0;
  });
  // The answer echoes the request as answered: with the grain a recipe chose and the
  // dimensions breakdowns added, so that tables show their columns.
  const by = request.by ?? [];
  // An answer of zeros only may be a period without data: say so (checked only then).
  const nothing = rows.every((r) => Object.values(r.values).every((v) => v === null || v === 0));
  if (nothing && ctx.money !== 'binary') {
    for (const w of await periodCoverageWarnings(run, dialect, plan))
      if (!warnings.includes(w)) warnings.push(w);
  }
  const answer: QueryResponse = {
    request: plan.answerBy.length > by.length ? { ...request, by: [...plan.answerBy] } : request,
    rows,
    warnings,
    sql: statements,
  };
  return ctx.money === 'binary'
    ? answer
    : withExactMoney(answer, ctx.dictionary, ctx.config.reporting_currency);
}
