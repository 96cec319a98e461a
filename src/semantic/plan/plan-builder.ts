import type { Calendar } from '../../time/calendar.js';
import { parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import type { KpiDictionary, KpiEntry } from '../dictionary/kpi-dictionary.js';
import { collectRefs } from '../expression/expression-ast.js';
import type { Expr } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';
import {
  dimensionExpression,
  getDimension,
  getFact,
  resolveFactExpression,
  resolveFilter,
} from '../facts/fact-resolver.js';
import type { FactDef, TimeRole } from '../facts/fact-types.js';
import type { Grain, QueryRequest } from '../query/query-types.js';
import { planPeriods } from './period-plan.js';
import { getRecipe } from '../recipes/recipe-registry.js';
import type {
  BaseMeasure,
  PlannedDimension,
  PlannedFilter,
  PlannedKpi,
  QueryPlan,
  Scan,
} from './query-plan.js';
import { deepFreeze } from './query-plan.js';

export interface PlanContext {
  readonly dictionary: KpiDictionary;
  readonly calendar: Calendar;
  /** Row-level scopes of the caller (dimension → allowed values), enforced on every scan. */
  readonly scopes?: Readonly<Record<string, readonly string[]>>;
}

function measureOf(entry: KpiEntry): {
  fact: FactDef;
  measure: BaseMeasure;
  timeRoleName: string;
  time: TimeRole | null;
} {
  const f = entry.def.formula;
  if (!('measure' in f)) throw new Error('not a measure');
  const m = f.measure;
  const what = `KPI ${entry.def.id}`;
  const fact = getFact(m.fact);
  let time: TimeRole | null = fact.time;
  const timeRoleName = m.time ?? 'default';
  if (m.time) {
    const t = fact.times?.[m.time];
    if (!t) {
      throw new VitrineError(
        'UNKNOWN_TIME_ROLE',
        `${what}: fact ${fact.name} has no time role "${m.time}" (it has: ${Object.keys(fact.times ?? {}).join(', ') || 'none'})`,
      );
    }
    time = t;
  }
  if (!m.expr && m.agg !== 'count') {
    throw new VitrineError('MEASURE_EXPR', `${what}: aggregation ${m.agg} needs an expr`);
  }
  const filters = m.filter === undefined ? [] : Array.isArray(m.filter) ? m.filter : [m.filter];
  const resolvedFilters = filters.map((t) => resolveFilter(fact, t, `${what} filter`));
  let filter = resolvedFilters[0] ?? null;
  for (const extra of resolvedFilters.slice(1)) {
    filter = {
      expr: { kind: 'binary', op: 'and', left: (filter as { expr: Expr }).expr, right: extra.expr },
      tables: [...new Set([...(filter?.tables ?? []), ...extra.tables])],
    };
  }
  return {
    fact,
    timeRoleName,
    time,
    measure: {
      id: entry.def.id,
      agg: m.agg,
      expr: m.expr ? resolveFactExpression(fact, m.expr, `${what} expr`) : null,
      filter,
    },
  };
}

/** Parses `dim=value,dim=value2,other=x` into dimension → values. */
export function parseWhere(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new VitrineError(
        'BAD_WHERE',
        `--where "${part}" is not dimension=value (e.g. --where "channel=web,region=Ouest")`,
      );
    }
    const dim = part.slice(0, eq).trim();
    getDimension(dim);
    (out[dim] ??= []).push(part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Builds the immutable plan of a request. Every name in it is checked against the dictionary
 * and the semantic model; errors are one line naming the bad KPI, dimension, grain or date and
 * what would be valid.
 */
export function buildPlan(request: QueryRequest, ctx: PlanContext): QueryPlan {
  if (request.kpis.length === 0) throw new VitrineError('NO_KPI', 'no KPI requested (--kpi a,b,c)');
  const from = parseIsoDate(request.from, '--from');
  const to = parseIsoDate(request.to, '--to');
  if (from > to) {
    throw new VitrineError('BAD_RANGE', `--from ${request.from} is after --to ${request.to}`);
  }
  const warnings: string[] = [];
  const planned = new Map<string, PlannedKpi>();
  const compiles = new Map<string, readonly string[]>();
  const visiting = new Set<string>();

  const plan = (id: string, path: string[]): void => {
    if (planned.has(id)) return;
    if (visiting.has(id)) {
      throw new VitrineError(
        'KPI_CYCLE',
        `KPI formulas refer to each other in a cycle: ${[...path, id].join(' → ')}`,
      );
    }
    const entry = ctx.dictionary.get(id);
    const def = entry.def;
    if (def.status === 'deprecated') {
      warnings.push(`KPI ${id} is deprecated${def.replaced_by ? `; use ${def.replaced_by}` : ''}`);
    }
    const f = def.formula;
    if ('model' in f) {
      throw new VitrineError(
        'KPI_IS_MODEL',
        `KPI ${id} is computed by a model: run "vitrine model ${f.model}"`,
      );
    }
    if ('recipe' in f) {
      // The one time a query asks the recipe registry: what the recipe needs goes in the plan.
      const recipe = getRecipe(f.recipe, id);
      const params = { ...(f.params ?? {}) };
      const dependencies = [...(recipe.dependencies?.(params) ?? [])];
      for (const dep of dependencies) plan(dep, [...path, id]);
      compiles.set(id, recipe.compiles?.(params) ?? []);
      planned.set(id, {
        id,
        entry,
        kind: 'recipe',
        recipe: f.recipe,
        params,
        needs: {
          dependencies,
          dimensions: [...(recipe.dimensions?.(params) ?? [])],
          grain: recipe.grain?.(params) ?? null,
          compiled: {},
        },
      });
      return;
    }
    if ('measure' in f) {
      planned.set(id, { id, entry, kind: 'measure', measure: measureOf(entry).measure });
      return;
    }
    visiting.add(id);
    let expr: Expr;
    try {
      expr = parseExpression(f.expr);
    } catch (e) {
      throw new VitrineError('EXPR_SYNTAX', `KPI ${id}: ${(e as Error).message}`);
    }
    const deps = [...new Set(collectRefs(expr).map((r) => r.name))];
    for (const r of collectRefs(expr)) {
      if (r.table !== null) {
        throw new VitrineError(
          'EXPR_DERIVED',
          `KPI ${id}: a derived formula names KPIs, not columns (${r.table}.${r.name})`,
        );
      }
    }
    for (const dep of deps) plan(dep, [...path, id]);
    visiting.delete(id);
    planned.set(id, { id, entry, kind: 'derived', expr, deps });
  };
  for (const id of request.kpis) plan(id, []);
  const grain = recipeGrain(request, planned);

  // Dimensions of the answer.
  const by = request.by ?? [];
  const dims: PlannedDimension[] = by.map((id, i) => {
    const dim = getDimension(id);
    return { id, column: `d${i}`, expr: null, timePart: dim.timePart ?? null };
  });
  if (grain === 'hour' && by.includes('hour')) {
    throw new VitrineError(
      'BAD_DIMENSION',
      'the hour grain already splits by hour; drop --by hour',
    );
  }

  const comparisons = request.compare ?? [];
  const periodPlan = planPeriods({
    from,
    to,
    grain,
    calendar: ctx.calendar,
    comparisons: comparisons.filter((c): c is Exclude<typeof c, 'target'> => c !== 'target'),
    cumulative: request.cumulative ?? null,
  });
  const minDay = Math.min(...periodPlan.ranges.map((r) => r.start));
  const maxDay = Math.max(...periodPlan.ranges.map((r) => r.end));

  // Group base measures by (fact, time role): one scan each.
  const scans = new Map<
    string,
    {
      fact: FactDef;
      timeRoleName: string;
      time: TimeRole | null;
      measures: BaseMeasure[];
      kpis: string[];
    }
  >();
  for (const k of planned.values()) {
    if (k.kind !== 'measure') continue;
    const m = measureOf(k.entry);
    const key = `${m.fact.name}@${m.timeRoleName}`;
    let s = scans.get(key);
    if (!s) {
      s = { fact: m.fact, timeRoleName: m.timeRoleName, time: m.time, measures: [], kpis: [] };
      scans.set(key, s);
    }
    s.measures.push(m.measure);
    s.kpis.push(k.id);
  }

  const where = request.where ?? {};
  const scopes = ctx.scopes ?? {};
  const builtScans: Scan[] = [...scans.values()].map((s) => {
    const kpiList = s.kpis.join(', ');
    const scanDims = dims.map((x) => {
      const dim = getDimension(x.id);
      if (dim.timePart) {
        if (dim.timePart === 'hour' && s.time?.kind !== 'timestamp') {
          throw new VitrineError(
            'DIMENSION_NOT_APPLICABLE',
            `dimension hour does not apply to KPI ${kpiList}: it counts on a date, not a time`,
          );
        }
        return x;
      }
      const resolved = dimensionExpression(s.fact, dim);
      if (!resolved) {
        throw new VitrineError(
          'DIMENSION_NOT_APPLICABLE',
          `dimension ${x.id} does not apply to KPI ${kpiList} (fact ${s.fact.name})`,
        );
      }
      return { ...x, expr: resolved };
    });
    const filters: PlannedFilter[] = [];
    const addFilter = (dimId: string, values: readonly string[], scope: boolean) => {
      const dim = getDimension(dimId);
      if (dim.timePart) {
        throw new VitrineError(
          'BAD_WHERE',
          `cannot filter on ${dimId}; restrict dates with --from and --to`,
        );
      }
      const resolved = dimensionExpression(s.fact, dim);
      if (!resolved) {
        throw new VitrineError(
          scope ? 'SCOPE_NOT_APPLICABLE' : 'DIMENSION_NOT_APPLICABLE',
          scope
            ? `KPI ${kpiList} cannot be restricted to your scope (${dimId}): it is not available to this token`
            : `cannot filter KPI ${kpiList} by ${dimId}: the dimension does not apply to fact ${s.fact.name}`,
        );
      }
      filters.push({ dimension: dimId, expr: resolved, values, scope });
    };
    for (const [dimId, values] of Object.entries(where)) addFilter(dimId, values, false);
    for (const [dimId, values] of Object.entries(scopes)) addFilter(dimId, values, true);
    let lfl: Scan['lfl'] = null;
    if (request.lfl) {
      if (s.fact.location) lfl = { openedBy: minDay, openUntil: maxDay };
      else
        warnings.push(
          `like-for-like does not restrict KPI ${kpiList}: fact ${s.fact.name} has no location`,
        );
    }
    return {
      fact: s.fact,
      timeRoleName: s.timeRoleName,
      time: s.time,
      measures: s.measures,
      dims: scanDims,
      filters,
      lfl,
    };
  });

  // The main statement reads what the answer reads directly; what only a recipe needs, the
  // recipe reads at its own windows and split (computing it here too would double the work).
  const direct = directMeasures(request.kpis, planned);
  const mainScans = builtScans
    .map((s) => ({ ...s, measures: s.measures.filter((m) => direct.has(m.id)) }))
    .filter((s) => s.measures.length > 0);

  // KPIs recipes compile into their own statement, planned with the request's split, filters,
  // like-for-like and scopes; the recipe sets the days.
  const kpis = [...planned.values()].map((k): PlannedKpi => {
    if (k.kind !== 'recipe') return k;
    const compiled: Record<string, QueryPlan> = {};
    for (const kpi of compiles.get(k.id) ?? []) {
      compiled[kpi] = buildPlan(
        {
          kpis: [kpi],
          from: request.from,
          to: request.to,
          ...(request.by ? { by: request.by } : {}),
          ...(request.where ? { where: request.where } : {}),
          ...(request.calendar ? { calendar: request.calendar } : {}),
          ...(request.lfl ? { lfl: true } : {}),
        },
        ctx,
      );
    }
    return { ...k, needs: { ...k.needs, compiled } };
  });

  const planDims = new Set(by);
  const added: string[] = [];
  for (const k of kpis) {
    if (k.kind !== 'recipe') continue;
    for (const d of k.needs.dimensions) if (!planDims.has(d) && !added.includes(d)) added.push(d);
  }

  return deepFreeze({
    request: grain && !request.grain ? { ...request, grain } : request,
    kpis,
    requested: [...request.kpis],
    scans: mainScans,
    dims,
    answerBy: [...by, ...added],
    grain,
    calendar: request.calendar ?? ctx.calendar.kind,
    cumulative: request.cumulative ?? null,
    comparisons: [...comparisons],
    periods: periodPlan.periods,
    ranges: periodPlan.ranges,
    from,
    to,
    warnings,
  });
}

/**
 * The grain of the request, or when it names none the one its recipe KPIs name (sales by hour);
 * KPIs naming different grains need one given explicitly.
 */
function recipeGrain(
  request: QueryRequest,
  planned: ReadonlyMap<string, PlannedKpi>,
): Grain | null {
  if (request.grain) return request.grain;
  const grains = new Map<string, Grain>();
  for (const id of request.kpis) {
    const k = planned.get(id);
    if (k?.kind === 'recipe' && k.needs.grain) grains.set(id, k.needs.grain);
  }
  const distinct = [...new Set(grains.values())];
  if (distinct.length > 1) {
    throw new VitrineError(
      'BAD_GRAIN',
      `KPIs ${[...grains].map(([k, g]) => `${k} (${g})`).join(', ')} answer at different grains by default; choose one with --grain`,
    );
  }
  return distinct[0] ?? null;
}

/** Base measures of the requested KPIs and of their formulas, not those only recipes read. */
function directMeasures(
  requested: readonly string[],
  planned: ReadonlyMap<string, PlannedKpi>,
): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const k = planned.get(id);
    if (k?.kind === 'measure') out.add(id);
    else if (k?.kind === 'derived') k.deps.forEach(visit);
  };
  requested.forEach(visit);
  return out;
}
