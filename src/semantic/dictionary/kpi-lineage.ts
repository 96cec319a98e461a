import { isTableName, getTable } from '../../model/model.js';
import type { Expr } from '../expression/expression-ast.js';
import { collectRefs } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';
import { DIMENSIONS, FACTS } from '../facts/fact-catalogue.js';
import {
  getDerivedRelation,
  requiredJoins,
  resolveFactExpression,
  underlyingTable,
} from '../facts/fact-resolver.js';
import type { FactDef } from '../facts/fact-types.js';
import { getModel, getRecipe, listParam } from './computation-catalogue.js';
import type { KpiDictionary } from './kpi-dictionary.js';
import type { KpiDefinition } from './kpi-schema.js';
import { kpiDependencies } from './kpi-validation.js';

/**
 * Which canonical tables a KPI needs, found from its formula: the fact's base table, the tables
 * its expression, filter and time role read, and the joins those depend on; recursively through
 * derived formulas and recipe parameters. `vitrine kpi sources` uses it to say which KPIs a
 * workspace cannot compute and why.
 *
 * Conversion rates are the one exception: `fact.fx` reads fx_rates only for amounts in another
 * currency than the reporting one, so an empty fx_rates never blocks a KPI by itself (the
 * data-quality checks report missing rates instead).
 */

const FACT_BY_NAME = new Map(FACTS.map((f) => [f.name, f]));
const OPTIONAL_COMPUTED = new Set(['fx', 'order_fx']);

/** Canonical tables a KPI reads itself (not through the KPIs it names). */
export function directTables(def: KpiDefinition): string[] {
  const f = def.formula;
  if ('measure' in f) {
    const fact = FACT_BY_NAME.get(f.measure.fact);
    if (!fact) return [];
    const texts: string[] = [];
    if (f.measure.expr) texts.push(f.measure.expr);
    const filters = f.measure.filter === undefined ? [] : [f.measure.filter].flat();
    for (const name of filters) texts.push(fact.filters?.[name] ?? name);
    const time = f.measure.time ? fact.times?.[f.measure.time] : fact.time;
    if (time) texts.push(time.column);
    const tables = new Set<string>();
    for (const text of texts) for (const t of expressionTables(fact, text)) tables.add(t);
    let joined: string[] = [];
    try {
      joined = requiredJoins(fact, tables).map((j) => j.table);
    } catch {
      // An unresolvable measure is reported by validation; lineage shows what it can.
    }
    return canonical([fact.base, ...tables, ...joined]);
  }
  if ('recipe' in f) return canonical([...(getRecipe(f.recipe)?.reads ?? [])]);
  if ('model' in f) return canonical([...(getModel(f.model)?.reads ?? [])]);
  return [];
}

function expressionTables(fact: FactDef, text: string): string[] {
  try {
    const out: string[] = [];
    for (const ref of collectRefs(parseExpression(text))) {
      if (ref.table === 'fact') {
        if (OPTIONAL_COMPUTED.has(ref.name)) continue;
        for (const t of resolveFactExpression(fact, `fact.${ref.name}`, 'lineage').tables) {
          out.push(underlyingTable(fact, t));
        }
      } else if (ref.table !== null) {
        out.push(underlyingTable(fact, ref.table));
      }
    }
    return out;
  } catch {
    return [];
  }
}

/** Derived relations (first_orders) stand for the canonical table they are computed from. */
function canonical(tables: readonly string[]): string[] {
  return [...new Set(tables.map((t) => getDerivedRelation(t)?.base ?? t))];
}

/**
 * A KPI and the components it is computed from, each once, depth first in the order first met
 * (unknown ids are passed over).
 */
function kpiClosure(dict: KpiDictionary, id: string): { id: string; def: KpiDefinition }[] {
  const out: { id: string; def: KpiDefinition }[] = [];
  const seen = new Set<string>();
  const walk = (kpi: string) => {
    if (seen.has(kpi)) return;
    seen.add(kpi);
    const entry = dict.entries.get(kpi);
    if (!entry) return;
    out.push({ id: kpi, def: entry.def });
    for (const dep of kpiDependencies(entry.def)) walk(dep);
  };
  walk(id);
  return out;
}

/**
 * Every table a KPI needs, each with the KPI that reads it directly (the KPI itself, or the
 * component it gets it through), in the order first met.
 */
export function tablesReadBy(dict: KpiDictionary, id: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { id: kpi, def } of kpiClosure(dict, id)) {
    for (const t of directTables(def)) if (!out.has(t)) out.set(t, kpi);
  }
  return out;
}

/**
 * A column of a canonical table a KPI takes its values from: a measure's amount or count
 * (`value`), or a dimension it is split by (`dimension`). An empty value there makes the KPI
 * incomplete, unlike columns only tested for emptiness or given a fallback (`IS NULL`,
 * `coalesce`), where the formula says what an empty value means.
 */
export interface ColumnInput {
  readonly table: string;
  readonly column: string;
  readonly role: 'value' | 'dimension';
}

const DIMENSION_BY_ID = new Map(DIMENSIONS.map((d) => [d.id, d]));

/** Canonical columns a KPI reads values from itself (not through the KPIs it names). */
export function directColumns(def: KpiDefinition): ColumnInput[] {
  const out = new Map<string, ColumnInput>();
  const add = (table: string, column: string, role: ColumnInput['role']) => {
    const canonicalTable = getDerivedRelation(table) ? null : table;
    if (canonicalTable === null || !isTableName(canonicalTable)) return;
    if (!getTable(canonicalTable).columns.some((c) => c.name === column)) return;
    const key = `${canonicalTable}.${column}`;
    if (!out.has(key)) out.set(key, { table: canonicalTable, column, role });
  };
  const f = def.formula;
  if ('measure' in f && f.measure.expr) {
    const fact = FACT_BY_NAME.get(f.measure.fact);
    if (fact) {
      const walk = (e: Expr) => {
        valueRefs(e, (ref) => {
          if (ref.table === 'fact') {
            if (OPTIONAL_COMPUTED.has(ref.name)) return;
            try {
              walk(resolveFactExpression(fact, `fact.${ref.name}`, 'lineage').expr);
            } catch {
              // Reported by validation.
            }
          } else if (ref.table !== null) {
            add(underlyingTable(fact, ref.table), ref.name, 'value');
          }
        });
      };
      try {
        walk(parseExpression(f.measure.expr));
      } catch {
        // An unparsable measure is reported by validation.
      }
    }
  }
  if ('recipe' in f) {
    const spec = getRecipe(f.recipe);
    for (const [name, p] of Object.entries(spec?.params ?? {})) {
      if (p.kind !== 'dimensions') continue;
      for (const id of listParam(f.params?.[name])) {
        const text = DIMENSION_BY_ID.get(id)?.expr;
        if (!text) continue;
        try {
          valueRefs(parseExpression(text), (ref) => {
            if (ref.table !== null) add(ref.table, ref.name, 'dimension');
          });
        } catch {
          // Dimensions are Vitrine's own expressions.
        }
      }
    }
  }
  return [...out.values()];
}

/** References whose value the expression uses (not under `IS NULL` nor inside `coalesce`). */
function valueRefs(e: Expr, visit: (ref: { table: string | null; name: string }) => void): void {
  switch (e.kind) {
    case 'ref':
      visit(e);
      return;
    case 'isNull':
      return;
    case 'call':
      if (e.fn === 'coalesce') return;
      for (const a of e.args) valueRefs(a, visit);
      return;
    case 'unary':
      valueRefs(e.arg, visit);
      return;
    case 'binary':
      valueRefs(e.left, visit);
      valueRefs(e.right, visit);
      return;
    case 'in':
      valueRefs(e.arg, visit);
      for (const x of e.list) valueRefs(x, visit);
      return;
    case 'case':
      for (const w of e.whens) {
        valueRefs(w.when, visit);
        valueRefs(w.then, visit);
      }
      if (e.otherwise) valueRefs(e.otherwise, visit);
      return;
    default:
      return;
  }
}

/**
 * Every canonical column a KPI takes values from, with the KPI that reads it directly (the KPI
 * itself, or a component), in the order first met; keyed `table.column`.
 */
export function columnsReadBy(
  dict: KpiDictionary,
  id: string,
): Map<string, ColumnInput & { readonly kpi: string }> {
  const out = new Map<string, ColumnInput & { readonly kpi: string }>();
  for (const { id: kpi, def } of kpiClosure(dict, id)) {
    for (const c of directColumns(def)) {
      const key = `${c.table}.${c.column}`;
      if (!out.has(key)) out.set(key, { ...c, kpi });
    }
  }
  return out;
}
