import { getRecipe, listParam } from '../../semantic/dictionary/computation-catalogue.js';
import type { KpiDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { kpiDependencies } from '../../semantic/dictionary/kpi-validation.js';
import { VIEWER_DIMENSIONS } from './roles.js';

/**
 * One rule for what a viewer may break figures down by (issue 15.10): the dashboard's
 * dimensions (VIEWER_DIMENSIONS), whether the request splits by a dimension (`by`), filters on
 * it (`where`: a filter is a split read one member at a time), or asks for a KPI that splits
 * itself by it (a breakdown recipe, `new_vs_returning_orders`). Anything else is an ad-hoc
 * analysis, for analysts.
 */
export function viewerDimensionRefusal(
  request: {
    readonly kpis: readonly string[];
    readonly by?: readonly string[] | undefined;
    readonly where?: Readonly<Record<string, unknown>> | undefined;
  },
  dictionary: KpiDictionary,
): string | null {
  const allowed = `viewers split and filter by ${VIEWER_DIMENSIONS.join(', ')}`;
  const split = (request.by ?? []).find((d) => !VIEWER_DIMENSIONS.includes(d));
  if (split) {
    return `splitting by ${split} is an ad-hoc analysis and needs the analyst role; ${allowed}`;
  }
  const filter = Object.keys(request.where ?? {}).find((d) => !VIEWER_DIMENSIONS.includes(d));
  if (filter) {
    return `field where.${filter}: filtering by ${filter} is an ad-hoc analysis and needs the analyst role; ${allowed}`;
  }
  for (const kpi of request.kpis) {
    const inner = internalSplits(dictionary, kpi).find((d) => !VIEWER_DIMENSIONS.includes(d));
    if (inner) {
      return `KPI ${kpi} is split by ${inner}, an ad-hoc analysis that needs the analyst role; ${allowed}`;
    }
  }
  return null;
}

const SPLITS = new WeakMap<KpiDictionary, Map<string, readonly string[]>>();

/** Dimensions a KPI splits itself by, through the KPIs it is computed from too. */
export function internalSplits(dictionary: KpiDictionary, id: string): readonly string[] {
  let memo = SPLITS.get(dictionary);
  if (!memo) SPLITS.set(dictionary, (memo = new Map()));
  const known = memo.get(id);
  if (known) return known;
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (kpi: string) => {
    if (seen.has(kpi) || !dictionary.has(kpi)) return;
    seen.add(kpi);
    const def = dictionary.get(kpi).def;
    const f = def.formula;
    if ('recipe' in f) {
      const spec = getRecipe(f.recipe);
      for (const [name, p] of Object.entries(spec?.params ?? {})) {
        if (p.kind === 'dimensions') for (const d of listParam(f.params?.[name])) out.add(d);
      }
    }
    for (const dep of kpiDependencies(def)) walk(dep);
  };
  walk(id);
  const res = [...out];
  memo.set(id, res);
  return res;
}
