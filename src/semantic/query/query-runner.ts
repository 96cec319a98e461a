import type { Engine, Row } from '../../backends/engine.js';
import type { Calendar } from '../../time/calendar.js';
import { calendarFromConfig } from '../../time/calendar.js';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import type { WorkspaceConfig } from '../../workspace/workspace-config.js';
import { measureColumn, compilePlan } from '../compiler/sql-compiler.js';
import { dialectFor } from '../../backends/backend-registry.js';
import type { Dialect } from '../../backends/dialect.js';
import type { KpiDictionary } from '../dictionary/kpi-dictionary.js';
import type { Expr } from '../expression/expression-ast.js';
import { CURRENT_ROLE } from '../plan/period-plan.js';
import { buildPlan } from '../plan/plan-builder.js';
import { getRecipe } from '../recipes/recipe-registry.js';
import type { PlannedKpi, QueryPlan } from '../plan/query-plan.js';
import type {
  ComparisonValue,
  Grain,
  QueryRequest,
  QueryResponse,
  QueryRow,
} from './query-types.js';
import { VitrineError } from '../../util/errors.js';

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
}

/** Evaluates a derived formula over KPI values; a division by zero or a missing input is null. */
export function evaluateDerived(e: Expr, value: (id: string) => number | null): number | null {
  const rec = (x: Expr) => evaluateDerived(x, value);
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'ref':
      return value(e.name);
    case 'unary': {
      const v = rec(e.arg);
      return e.op === '-' && v !== null ? -v : null;
    }
    case 'binary': {
      const l = rec(e.left);
      const r = rec(e.right);
      if (l === null || r === null) return null;
      switch (e.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return r === 0 ? null : l / r;
        default:
          return null;
      }
    }
    case 'call': {
      const args = e.args.map(rec);
      switch (e.fn) {
        case 'coalesce':
          return args.find((a) => a !== null) ?? null;
        case 'abs':
          return args[0] == null ? null : Math.abs(args[0]);
        case 'greatest':
          return args.some((a) => a === null) ? null : Math.max(...(args as number[]));
        case 'least':
          return args.some((a) => a === null) ? null : Math.min(...(args as number[]));
        case 'nullif':
          return args[0] === args[1] ? null : (args[0] ?? null);
        default:
          return null;
      }
    }
    default:
      return null;
  }
}

interface Cell {
  period: string;
  hour: number | null;
  dims: Record<string, string | number | null>;
  byRole: Map<string, Row>;
}

/** A dimension value as rows carry it (numbers stay numbers, everything else is text). */
export function dimValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : String(v);
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Values of every planned KPI for one role of a cell, from the row of base measures the
 * compiled statement returned for it (recipes that compile KPIs into their own statement
 * evaluate them with it too).
 */
export function kpiValues(
  plan: QueryPlan,
  row: Row | undefined,
  recipeValue: (kpi: string) => number | null,
): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const get = (k: PlannedKpi): number | null => {
    if (out.has(k.id)) return out.get(k.id) ?? null;
    let v: number | null;
    if (k.kind === 'measure') {
      v = toNumber(row?.[measureColumn(k.id)]);
      // No row at all means nothing happened: sums and counts are 0, other aggregates unknown.
      if (
        v === null &&
        (k.measure.agg === 'sum' || k.measure.agg === 'count' || k.measure.agg === 'count_distinct')
      )
        v = 0;
    } else if (k.kind === 'recipe') {
      v = recipeValue(k.id);
    } else {
      v = evaluateDerived(k.expr, (id) => {
        const dep = plan.kpis.find((x) => x.id === id);
        return dep ? get(dep) : null;
      });
    }
    out.set(k.id, v);
    return v;
  };
  for (const k of plan.kpis) get(k);
  return out;
}

function change(value: number | null, base: number | null): ComparisonValue {
  if (value === null || base === null) return { value: base, change: null, change_pct: null };
  return {
    value: base,
    change: value - base,
    change_pct: base === 0 ? null : (value - base) / Math.abs(base),
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

async function loadTargets(engine: Engine, d: Dialect, plan: QueryPlan): Promise<TargetRow[]> {
  const placeholders = plan.requested.map((_, i) => d.param(i + 3)).join(', ');
  const res = await engine.run(
    `SELECT kpi_id, CAST(period_start AS VARCHAR) AS s, CAST(period_end AS VARCHAR) AS e, segment_key, segment_value, ${d.toDouble('target_value')} AS v FROM targets WHERE period_end >= ${d.dateParam(d.param(1))} AND period_start <= ${d.dateParam(d.param(2))} AND kpi_id IN (${placeholders})`,
    [isoDate(plan.from), isoDate(plan.to), ...plan.requested],
  );
  return res.rows.map((r) => ({
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
 * The request with the grain its recipe KPIs name (`Recipe.grain`) when it names none; KPIs
 * naming different grains need one given explicitly.
 */
function withRecipeGrain(dictionary: KpiDictionary, request: QueryRequest): QueryRequest {
  if (request.grain) return request;
  const grains = new Map<string, string>();
  for (const id of request.kpis) {
    if (!dictionary.has(id)) continue;
    const f = dictionary.get(id).def.formula;
    if (!('recipe' in f)) continue;
    const g = getRecipe(f.recipe, id).grain?.(f.params ?? {});
    if (g) grains.set(id, g);
  }
  const distinct = [...new Set(grains.values())];
  if (distinct.length === 0) return request;
  if (distinct.length > 1) {
    throw new VitrineError(
      'BAD_GRAIN',
      `KPIs ${[...grains].map(([k, g]) => `${k} (${g})`).join(', ')} answer at different grains by default; choose one with --grain`,
    );
  }
  return { ...request, grain: distinct[0] as Grain };
}

/** Base measures of the requested KPIs and of their formulas, not those only recipes read. */
function directMeasures(plan: QueryPlan): Set<string> {
  const byId = new Map(plan.kpis.map((k) => [k.id, k]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const k = byId.get(id);
    if (k?.kind === 'measure') out.add(id);
    else if (k?.kind === 'derived') k.deps.forEach(visit);
  };
  plan.requested.forEach(visit);
  return out;
}

/** Runs a query request: plan, one compiled statement, assembly of values and comparisons. */
export async function runQuery(ctx: QueryContext, asked: QueryRequest): Promise<QueryResponse> {
  // A recipe may name the grain of its answer when the request names none (sales by hour).
  const request = withRecipeGrain(ctx.dictionary, asked);
  const calendar: Calendar = calendarFromConfig(ctx.config, request.calendar);
  const dialect = ctx.dialect ?? dialectFor(ctx.engine.kind);
  const plan = buildPlan(request, {
    dictionary: ctx.dictionary,
    calendar,
    ...(ctx.scopes ? { scopes: ctx.scopes } : {}),
  });
  // The statement computes what the answer reads directly; what a recipe needs, it reads
  // through its own queries (at its own windows and split), so computing it here too would
  // only double the work.
  const direct = directMeasures(plan);
  const mainPlan: QueryPlan = {
    ...plan,
    scans: plan.scans
      .map((s) => ({ ...s, measures: s.measures.filter((m) => direct.has(m.id)) }))
      .filter((s) => s.measures.length > 0),
  };
  const compiled = compilePlan(mainPlan, {
    dialect,
    timeZone: ctx.config.timezone,
    reportingCurrency: ctx.config.reporting_currency,
  });
  const planDims = new Set(plan.dims.map((x) => x.id));
  // Dimensions each recipe adds to the split (breakdowns).
  const addedDims = new Map<string, readonly string[]>();
  for (const k of plan.kpis) {
    if (k.kind !== 'recipe') continue;
    const dims = getRecipe(k.recipe, k.id).dimensions?.(k.params) ?? [];
    addedDims.set(
      k.id,
      dims.filter((x) => !planDims.has(x)),
    );
  }
  const ownSplitOnly =
    plan.requested.length > 0 && plan.requested.every((id) => (addedDims.get(id) ?? []).length > 0);
  const runMain = mainPlan.scans.length > 0;
  const result = runMain ? await ctx.engine.run(compiled.sql, compiled.params) : { rows: [] };
  const targets = plan.comparisons.includes('target')
    ? await loadTargets(ctx.engine, dialect, plan)
    : [];

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
  for (const row of result.rows) {
    const dims: Record<string, string | number | null> = {};
    for (const x of plan.dims) dims[x.id] = dimValue(row[x.column]);
    const hour = hourly ? toNumber(row['hr']) : null;
    cellOf(String(row['pkey']), hour, dims).byRole.set(String(row['role']), row);
  }

  // Recipes answer for the same periods, roles and dimensions; their values join the cells.
  const recipeValues = new Map<string, number | null>();
  const warnings = [...plan.warnings];
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
      timeZone: ctx.config.timezone,
      reportingCurrency: ctx.config.reporting_currency,
      calendar,
      dictionary: ctx.dictionary,
      scopes: ctx.scopes ?? {},
      subQuery: (sub) => runQuery(ctx, sub),
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
  const added = [...new Set([...addedDims.values()].flat())];
  return {
    request: added.length > 0 ? { ...request, by: [...(request.by ?? []), ...added] } : request,
    rows,
    warnings,
    sql: runMain ? [compiled.sql] : [],
  };
}
