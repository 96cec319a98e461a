import { readFileSync } from 'node:fs';
import { isVitrineError } from '../../util/errors.js';
import type { Expr } from '../expression/expression-ast.js';
import { collectRefs } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';
import { DIMENSIONS, FACTS } from '../facts/fact-catalogue.js';
import { fanOutTables, resolveFactExpression, resolveFilter } from '../facts/fact-resolver.js';
import type { RecipeSpec } from './computation-catalogue.js';
import {
  getModel,
  getRecipe,
  KNOWN_MODELS,
  KNOWN_RECIPES,
  listParam,
} from './computation-catalogue.js';
import type { Diagnostic, LoadedKpi } from './dictionary-loader.js';
import type { KpiDictionary } from './kpi-dictionary.js';
import type { Aggregation, KpiDefinition } from './kpi-schema.js';

export { KNOWN_MODELS, KNOWN_RECIPES };

type Additivity = KpiDefinition['additivity'];

/**
 * Semantic checks of a loaded dictionary: what the schema cannot know. Every measure resolves
 * against the semantic model, every derived formula names existing KPIs without cycles, every
 * recipe and model is one Vitrine knows, and unit and additivity agree (a ratio is never summed).
 * Problems come back as diagnostics naming the file, line and KPI; nothing is thrown.
 */
export function validateKpis(dict: KpiDictionary): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of dict.list()) out.push(...validateKpi(dict, entry));
  out.push(...findCycles(dict));
  return out;
}

const FACT_BY_NAME = new Map(FACTS.map((f) => [f.name, f]));
const DIMENSION_IDS = new Set(DIMENSIONS.map((d) => d.id));

/** Additivity an aggregation gives a measure (avg_daily: additive across segments, not time). */
const AGG_ADDITIVITY: Record<Aggregation, Additivity> = {
  sum: 'additive',
  count: 'additive',
  count_distinct: 'non_additive',
  avg: 'non_additive',
  min: 'non_additive',
  max: 'non_additive',
  median: 'non_additive',
  p75: 'non_additive',
  p90: 'non_additive',
  last: 'semi_additive',
  avg_daily: 'semi_additive',
};

const STRICTNESS: Record<Additivity, number> = { additive: 0, semi_additive: 1, non_additive: 2 };

function validateKpi(dict: KpiDictionary, entry: LoadedKpi): Diagnostic[] {
  const out: Diagnostic[] = [];
  const def = entry.def;
  const f = def.formula;
  const diag = (
    code: string,
    field: string,
    message: string,
    severity: Diagnostic['severity'] = 'error',
  ) => out.push(at(entry, code, field, message, severity));

  if ('measure' in f) {
    const m = f.measure;
    const fact = FACT_BY_NAME.get(m.fact);
    if (!fact) {
      diag(
        'UNKNOWN_FACT',
        'fact',
        `measure reads fact "${m.fact}", which does not exist; facts are: ${FACTS.map((x) => x.name).join(', ')}`,
      );
    } else {
      if (!m.expr && m.agg !== 'count') {
        diag(
          'MEASURE_NEEDS_EXPR',
          'agg',
          `aggregation ${m.agg} needs an expr (only count counts rows)`,
        );
      }
      const fanned = fanOutTables(fact);
      const checkFanOut = (tables: readonly string[], field: string) => {
        for (const t of tables) {
          if (fanned.has(t)) {
            diag(
              'FANOUT_MEASURE',
              field,
              `reads ${t}, which is one-to-many from fact ${fact.name} and would multiply its rows; use a recipe or a fact based on ${t}`,
            );
          }
        }
      };
      if (m.expr) {
        try {
          checkFanOut(resolveFactExpression(fact, m.expr, 'measure expr').tables, 'expr');
        } catch (e) {
          diag(isVitrineError(e) ? e.code : 'MEASURE_EXPR', 'expr', oneMessage(e));
        }
      }
      const filters = m.filter === undefined ? [] : Array.isArray(m.filter) ? m.filter : [m.filter];
      for (const text of filters) {
        try {
          checkFanOut(resolveFilter(fact, text, 'measure filter').tables, 'filter');
        } catch (e) {
          diag(isVitrineError(e) ? e.code : 'MEASURE_FILTER', 'filter', oneMessage(e));
        }
      }
      if (m.time !== undefined && !fact.times?.[m.time]) {
        const roles = Object.keys(fact.times ?? {});
        diag(
          'UNKNOWN_TIME_ROLE',
          'time',
          `fact ${fact.name} has no time role "${m.time}"; ${roles.length ? `it has: ${roles.join(', ')}` : 'it has none besides its default'}`,
        );
      }
    }
    checkAdditivity(entry, AGG_ADDITIVITY[m.agg], `aggregation ${m.agg}`, out);
    if (m.agg === 'count' && def.unit !== 'count') {
      diag(
        'UNIT_MISMATCH',
        'unit',
        `counts rows but its unit is ${def.unit}, not count`,
        'warning',
      );
    }
  } else if ('expr' in f) {
    let expr: Expr | null = null;
    try {
      expr = parseExpression(f.expr);
    } catch (e) {
      diag('EXPR_SYNTAX', 'expr', oneMessage(e));
    }
    if (expr) {
      let resolved = true;
      for (const ref of collectRefs(expr)) {
        if (ref.table !== null) {
          diag(
            'DERIVED_COLUMN',
            'expr',
            `a derived formula names KPIs, not columns: ${ref.table}.${ref.name} (use a measure)`,
          );
          resolved = false;
          continue;
        }
        const target = dict.entries.get(ref.name);
        if (!target) {
          diag(
            'UNKNOWN_KPI',
            'expr',
            `names "${ref.name}", which is not a KPI; ${closeIds(dict, ref.name)}`,
          );
          resolved = false;
        } else if ('model' in target.def.formula) {
          diag(
            'DERIVED_USES_MODEL',
            'expr',
            `names ${ref.name}, computed by the model ${target.def.formula.model}, which a query cannot compute`,
          );
        } else if (target.def.status === 'deprecated') {
          diag(
            'USES_DEPRECATED',
            'expr',
            `names the deprecated KPI ${ref.name}; use ${target.def.replaced_by ?? 'its replacement'}`,
            'warning',
          );
        }
      }
      if (resolved) checkAdditivity(entry, derivedAdditivity(dict, expr), 'its formula', out);
    }
  } else if ('recipe' in f) {
    const spec = getRecipe(f.recipe);
    if (!spec) {
      diag(
        'UNKNOWN_RECIPE',
        'recipe',
        `recipe "${f.recipe}" does not exist; recipes are: ${KNOWN_RECIPES.map((r) => r.name).join(', ')}`,
      );
    } else {
      out.push(...checkRecipeParams(dict, entry, spec, f.params ?? {}));
    }
  } else {
    const spec = getModel(f.model);
    if (!spec) {
      diag(
        'UNKNOWN_MODEL',
        'model',
        `model "${f.model}" does not exist; models are: ${KNOWN_MODELS.map((x) => x.name).join(', ')}`,
      );
    } else if (f.output !== undefined && !spec.outputs.includes(f.output)) {
      diag(
        'UNKNOWN_MODEL_OUTPUT',
        'output',
        `model ${spec.name} has no output "${f.output}"; outputs are: ${spec.outputs.join(', ')}`,
      );
    }
  }

  if ((def.unit === 'ratio' || def.unit === 'score') && def.additivity !== 'non_additive') {
    diag(
      'UNIT_ADDITIVITY',
      'additivity',
      `a ${def.unit} is never summed across periods or segments: additivity must be non_additive, not ${def.additivity}`,
    );
  }
  if (def.status === 'deprecated') {
    if (def.replaced_by && !dict.has(def.replaced_by)) {
      diag(
        'UNKNOWN_REPLACEMENT',
        'replaced_by',
        `replaced_by names "${def.replaced_by}", which is not a KPI`,
      );
    } else {
      diag(
        'DEPRECATED',
        'status',
        `is deprecated and still computed; use ${def.replaced_by ?? 'its replacement'}`,
        'warning',
      );
    }
  } else if (def.replaced_by !== undefined) {
    diag(
      'REPLACED_NOT_DEPRECATED',
      'replaced_by',
      `has replaced_by but its status is ${def.status}, not deprecated`,
      'warning',
    );
  }
  if (def.variant_of !== undefined) {
    if (def.variant_of === def.id) {
      diag('UNKNOWN_VARIANT_OF', 'variant_of', 'is declared a variant of itself');
    } else if (!dict.has(def.variant_of)) {
      diag(
        'UNKNOWN_VARIANT_OF',
        'variant_of',
        `variant_of names "${def.variant_of}", which is not a KPI; ${closeIds(dict, def.variant_of)}`,
      );
    }
  }
  return out;
}

function checkRecipeParams(
  dict: KpiDictionary,
  entry: LoadedKpi,
  spec: RecipeSpec,
  params: Readonly<Record<string, string | number | boolean>>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const diag = (code: string, message: string) =>
    out.push(at(entry, code, 'params', `recipe ${spec.name}: ${message}`, 'error'));
  for (const name of Object.keys(params)) {
    if (!spec.params[name]) {
      const known = Object.keys(spec.params);
      diag(
        'UNKNOWN_RECIPE_PARAM',
        `no parameter "${name}"; ${known.length ? `parameters are: ${known.join(', ')}` : 'it takes none'}`,
      );
    }
  }
  for (const [name, p] of Object.entries(spec.params)) {
    const value = params[name];
    if (value === undefined) {
      if (p.required)
        diag('RECIPE_PARAM_MISSING', `parameter ${name} (${p.description}) is required`);
      continue;
    }
    switch (p.kind) {
      case 'kpi':
      case 'kpis':
        for (const id of listParam(value)) {
          const target = dict.entries.get(id);
          if (!target) {
            diag('UNKNOWN_KPI', `${name} names "${id}", which is not a KPI; ${closeIds(dict, id)}`);
          } else if ('model' in target.def.formula && spec.name !== 'decomposition') {
            diag(
              'RECIPE_USES_MODEL',
              `${name} names ${id}, computed by a model, which a query cannot compute`,
            );
          } else if (spec.name === 'cumulative' && target.def.additivity !== 'additive') {
            diag(
              'CUMULATIVE_NOT_ADDITIVE',
              `${id} is ${target.def.additivity}; only additive KPIs are cumulated`,
            );
          }
        }
        break;
      case 'dimensions':
        for (const id of listParam(value)) {
          if (!DIMENSION_IDS.has(id)) {
            diag(
              'UNKNOWN_DIMENSION',
              `${name} names "${id}", which is not a dimension; dimensions are: ${[...DIMENSION_IDS].join(', ')}`,
            );
          }
        }
        break;
      case 'grain':
      case 'enum':
        if (!p.values?.includes(String(value))) {
          diag(
            'BAD_RECIPE_PARAM',
            `${name} is "${String(value)}"; valid values: ${(p.values ?? []).join(', ')}`,
          );
        }
        break;
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          diag(
            'BAD_RECIPE_PARAM',
            `${name} must be a whole number ≥ 0, not ${JSON.stringify(value)}`,
          );
        }
        break;
      case 'bool':
        if (typeof value !== 'boolean')
          diag('BAD_RECIPE_PARAM', `${name} must be true or false, not ${JSON.stringify(value)}`);
        break;
      case 'string':
        break;
    }
  }
  return out;
}

/** Declared additivity must not promise more than the formula gives. */
function checkAdditivity(
  entry: LoadedKpi,
  inferred: Additivity,
  from: string,
  out: Diagnostic[],
): void {
  const declared = entry.def.additivity;
  if (STRICTNESS[declared] < STRICTNESS[inferred]) {
    out.push(
      at(
        entry,
        'ADDITIVITY_MISMATCH',
        'additivity',
        `is declared ${declared} but ${from} makes it ${inferred}; declare it ${inferred}`,
        'error',
      ),
    );
  }
}

type Shape = Additivity | 'constant';

/**
 * Additivity of a derived formula from the KPIs it names: sums and differences of additive KPIs
 * stay additive, scaling by a constant keeps additivity, anything else (a ratio, a constant
 * offset such as `1 - x`, a function) is non-additive.
 */
function derivedAdditivity(dict: KpiDictionary, expr: Expr): Additivity {
  const worst = (a: Additivity, b: Additivity): Additivity =>
    STRICTNESS[a] >= STRICTNESS[b] ? a : b;
  const shape = (e: Expr): Shape => {
    switch (e.kind) {
      case 'number':
        return 'constant';
      case 'ref':
        return dict.entries.get(e.name)?.def.additivity ?? 'non_additive';
      case 'unary':
        return e.op === '-' ? shape(e.arg) : 'non_additive';
      case 'binary': {
        const l = shape(e.left);
        const r = shape(e.right);
        if (e.op === '+' || e.op === '-') {
          if (l === 'constant' && r === 'constant') return 'constant';
          if (l === 'constant' || r === 'constant') return 'non_additive';
          return worst(l, r);
        }
        if (e.op === '*') {
          if (l === 'constant') return r;
          if (r === 'constant') return l;
          return 'non_additive';
        }
        if (e.op === '/') return r === 'constant' ? l : 'non_additive';
        return 'non_additive';
      }
      default:
        return 'non_additive';
    }
  };
  const s = shape(expr);
  return s === 'constant' ? 'non_additive' : s;
}

/** KPI ids a KPI's formula depends on: names of a derived formula, KPI params of a recipe. */
export function kpiDependencies(def: KpiDefinition): string[] {
  const f = def.formula;
  if ('expr' in f) {
    try {
      return [
        ...new Set(
          collectRefs(parseExpression(f.expr))
            .filter((r) => r.table === null)
            .map((r) => r.name),
        ),
      ];
    } catch {
      return [];
    }
  }
  if ('recipe' in f) {
    const spec = getRecipe(f.recipe);
    if (!spec) return [];
    const ids: string[] = [];
    for (const [name, p] of Object.entries(spec.params)) {
      if (p.kind === 'kpi' || p.kind === 'kpis') ids.push(...listParam(f.params?.[name]));
    }
    return [...new Set(ids)];
  }
  return [];
}

/** Every cycle among formulas, reported once on the KPI where the walk entered it. */
function findCycles(dict: KpiDictionary): Diagnostic[] {
  const out: Diagnostic[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    stack.push(id);
    const entry = dict.entries.get(id);
    for (const dep of entry ? kpiDependencies(entry.def) : []) {
      if (!dict.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'open') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const first = dict.entries.get(dep);
        if (first) {
          out.push(
            at(
              first,
              'KPI_CYCLE',
              'formula',
              `formulas refer to each other in a cycle: ${cycle.join(' → ')}`,
              'error',
            ),
          );
        }
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of [...dict.entries.keys()].sort()) if (!state.has(id)) visit(id);
  return out;
}

function closeIds(dict: KpiDictionary, id: string): string {
  try {
    dict.get(id);
    return '';
  } catch (e) {
    const m = /did you mean ([^?]*)\?/.exec(oneMessage(e));
    return m ? `did you mean ${m[1]}?` : 'vitrine kpi list shows every KPI';
  }
}

function oneMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
}

/**
 * The line of a field inside a KPI's entry (the formula's `expr:`, `additivity:`…), so that an
 * editor jumps to the fault; the entry's first line when the field is not found. Files are read
 * again for each diagnostic: there are few, and a cache would go stale when a file is edited.
 */
export function fieldLine(entry: LoadedKpi, field: string): number {
  let lines: string[];
  try {
    lines = readFileSync(entry.file, 'utf8').split('\n');
  } catch {
    return entry.line;
  }
  const start = entry.line - 1;
  const indent = /^(\s*)-/.exec(lines[start] ?? '')?.[1]?.length ?? 0;
  const key = new RegExp(`^\\s*(- )?${field}:`);
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i > start) {
      const m = /^(\s*)\S/.exec(line);
      if (m && (m[1]?.length ?? 0) <= indent) break;
    }
    if (key.test(i === start ? line.replace(/^(\s*)- /, '$1') : line)) return i + 1;
  }
  return entry.line;
}

function at(
  entry: LoadedKpi,
  code: string,
  field: string,
  message: string,
  severity: Diagnostic['severity'],
): Diagnostic {
  return {
    code,
    severity,
    file: entry.file,
    line: fieldLine(entry, field),
    kpi: entry.def.id,
    message,
  };
}
