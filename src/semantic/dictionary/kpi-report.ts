import type { SourceSystem } from '../../model/model-types.js';
import { SOURCE_SYSTEMS } from '../../model/model-types.js';
import { getTable } from '../../model/model.js';
import { getModel, getRecipe } from './computation-catalogue.js';
import type { LoadedKpi } from './dictionary-loader.js';
import type { KpiDictionary } from './kpi-dictionary.js';
import { tablesReadBy } from './kpi-lineage.js';
import type { KpiDefinition, KpiFormula } from './kpi-schema.js';
import { kpiDependencies } from './kpi-validation.js';
import type { SourceSystemInfo } from './source-systems.js';
import { SOURCE_SYSTEM_INFO } from './source-systems.js';

/**
 * What `vitrine kpi list / show / sources` (and the HTTP API) report about the dictionary, as
 * plain data: the CLI only renders it.
 */

export type FormulaKind = 'measure' | 'derived' | 'recipe' | 'model';

export interface KpiSummary {
  readonly id: string;
  readonly area: string;
  readonly name: { readonly en: string; readonly fr: string };
  readonly description: { readonly en: string; readonly fr: string };
  readonly unit: string;
  readonly unit_detail: string | null;
  readonly polarity: string;
  readonly owner: string;
  readonly sources: readonly string[];
  readonly additivity: string;
  readonly version: number;
  readonly status: string;
  readonly formula_kind: FormulaKind;
  readonly variant_of: string | null;
  readonly replaced_by: string | null;
  readonly tags: readonly string[];
  readonly origin: 'shipped' | 'workspace';
  readonly file: string;
  readonly line: number;
}

export function formulaKind(f: KpiFormula): FormulaKind {
  if ('measure' in f) return 'measure';
  if ('recipe' in f) return 'recipe';
  if ('model' in f) return 'model';
  return 'derived';
}

/** The formula on one line, as a reader would write it. */
export function formulaText(def: KpiDefinition): string {
  const f = def.formula;
  if ('measure' in f) {
    const m = f.measure;
    const filters = m.filter === undefined ? [] : [m.filter].flat();
    return [
      `${m.agg}(${m.expr ?? '*'}) over ${m.fact}`,
      filters.length ? ` where ${filters.join(' and ')}` : '',
      m.time ? ` on time ${m.time}` : '',
    ].join('');
  }
  if ('recipe' in f) {
    const params = Object.entries(f.params ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    return `recipe ${f.recipe}(${params.join(', ')})`;
  }
  if ('model' in f) return `model ${f.model}${f.output ? ` → ${f.output}` : ''}`;
  return f.expr;
}

function computationText(f: KpiFormula): string | null {
  if ('recipe' in f) return getRecipe(f.recipe)?.definition ?? null;
  if ('model' in f) return getModel(f.model)?.description ?? null;
  return null;
}

export function kpiSummary(entry: LoadedKpi): KpiSummary {
  const d = entry.def;
  return {
    id: d.id,
    area: entry.area,
    name: d.name,
    description: d.description,
    unit: d.unit,
    unit_detail: d.unit_detail ?? null,
    polarity: d.polarity,
    owner: d.owner,
    sources: d.sources,
    additivity: d.additivity,
    version: d.version,
    status: d.status,
    formula_kind: formulaKind(d.formula),
    variant_of: d.variant_of ?? null,
    replaced_by: d.replaced_by ?? null,
    tags: d.tags ?? [],
    origin: entry.origin,
    file: entry.file,
    line: entry.line,
  };
}

export interface KpiDetail extends KpiSummary {
  readonly formula: KpiFormula;
  readonly formula_text: string;
  /** What a recipe or model computes (its contract), null for measures and derived formulas. */
  readonly computation: string | null;
  readonly rules: Readonly<Record<string, string>>;
  readonly changelog: KpiDefinition['changelog'];
  /** KPIs this one's formula names. */
  readonly depends_on: readonly string[];
  /** KPIs whose formula names this one. */
  readonly used_by: readonly string[];
  /** Named variants of this KPI. */
  readonly variants: readonly string[];
  /** Canonical tables it reads, directly or through its components. */
  readonly tables: readonly string[];
}

export function kpiDetail(dict: KpiDictionary, id: string): KpiDetail {
  const entry = dict.get(id);
  const all = dict.list();
  return {
    ...kpiSummary(entry),
    formula: entry.def.formula,
    formula_text: formulaText(entry.def),
    computation: computationText(entry.def.formula),
    rules: entry.def.rules,
    changelog: entry.def.changelog,
    depends_on: kpiDependencies(entry.def),
    used_by: all.filter((e) => kpiDependencies(e.def).includes(id)).map((e) => e.def.id),
    variants: all.filter((e) => e.def.variant_of === id).map((e) => e.def.id),
    tables: [...tablesReadBy(dict, id).keys()],
  };
}

export interface MissingInput {
  readonly table: string;
  readonly fed_by: readonly SourceSystem[];
  /** The KPI that reads the table directly (this KPI, or one of its components). */
  readonly via: string;
}

export interface KpiSources {
  readonly id: string;
  readonly area: string;
  readonly sources: readonly string[];
  readonly tables: readonly string[];
  /** With a workspace: the empty tables that keep it from being computed (empty when it can). */
  readonly missing?: readonly MissingInput[];
}

export interface SourceMatrix {
  readonly systems: readonly SourceSystemInfo[];
  readonly kpis: readonly KpiSources[];
}

/**
 * The KPI × source-system matrix; given the row counts of a workspace, each KPI also says which
 * of the tables it needs are empty (and which system would feed them).
 */
export function sourceMatrix(
  dict: KpiDictionary,
  rowCounts?: ReadonlyMap<string, number>,
): SourceMatrix {
  const kpis = dict.list().map((entry): KpiSources => {
    const reads = tablesReadBy(dict, entry.def.id);
    const base: KpiSources = {
      id: entry.def.id,
      area: entry.area,
      sources: entry.def.sources,
      tables: [...reads.keys()],
    };
    if (!rowCounts) return base;
    const missing = [...reads]
      .filter(([table]) => (rowCounts.get(table) ?? 0) === 0)
      .map(([table, via]) => ({ table, fed_by: getTable(table).sources, via }));
    return { ...base, missing };
  });
  return { systems: SOURCE_SYSTEM_INFO, kpis };
}

/** One line saying why a KPI cannot be computed. */
export function missingText(k: KpiSources): string {
  return (k.missing ?? [])
    .map(
      (m) =>
        `${m.table} is empty (fed by ${m.fed_by.join(' ')})${m.via === k.id ? '' : ` via ${m.via}`}`,
    )
    .join('; ');
}

export { SOURCE_SYSTEMS };
