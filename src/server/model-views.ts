/**
 * The dashboard's view of a model result: what a board draws, not every row the model computed.
 * A CLV fit carries one row per customer and attribution one per campaign; the browser needs a
 * distribution, the segments and the head of the ranking. The full result stays available with
 * `"view": "full"` (the default of POST /api/models/{name}), computed once and cached: a view is
 * cut from the cached full result.
 */

const HEAD = 50;
const CLV_BINS = 20;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface Histogram {
  /** Lower edges of the bins; the last bin is closed on `max`. */
  readonly edges: number[];
  readonly counts: number[];
  readonly max: number;
  /** Values at or above the 99th percentile are gathered in the last bin (long tail). */
  readonly capped: boolean;
}

/** Equal-width bins from 0 (or the minimum when negative) to the 99th percentile. */
export function histogram(values: readonly number[], bins = CLV_BINS): Histogram | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const lo = Math.min(0, xs[0] ?? 0);
  const p99 = xs[Math.min(xs.length - 1, Math.floor(0.99 * (xs.length - 1)))] ?? 0;
  const top = xs[xs.length - 1] ?? 0;
  const hi = p99 > lo ? p99 : top > lo ? top : lo + 1;
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return {
    edges: counts.map((_, i) => lo + i * width),
    counts,
    max: hi,
    capped: top > hi,
  };
}

function clvView(values: Obj): Obj {
  const customers = Array.isArray(values['customers']) ? (values['customers'] as Obj[]) : [];
  const clv = customers.map((c) => num(c['clv'])).filter((v): v is number => v !== null);
  const byClv = [...customers].sort((a, b) => (num(b['clv']) ?? -1) - (num(a['clv']) ?? -1));
  const { customers: _all, ...rest } = values;
  return {
    ...rest,
    distribution: histogram(clv),
    customers_total: customers.length,
    top_customers: byClv.slice(0, 20),
  };
}

function promoView(values: Obj): Obj {
  const promotions = Array.isArray(values['promotions']) ? (values['promotions'] as Obj[]) : [];
  // SKU lists are long; a board shows how many SKUs each group holds.
  const group = (g: unknown): unknown => {
    if (!isObj(g)) return g;
    const { skus, ...rest } = g;
    return { ...rest, sku_count: Array.isArray(skus) ? skus.length : 0 };
  };
  return {
    ...values,
    promotions: promotions.map((p) => ({
      ...p,
      promoted: group(p['promoted']),
      cannibalised: group(p['cannibalised']),
      halo: group(p['halo']),
    })),
  };
}

function attributionView(values: Obj): Obj {
  const eff = values['efficiency'];
  if (!isObj(eff)) return values;
  const campaigns = Array.isArray(eff['campaigns']) ? (eff['campaigns'] as Obj[]) : [];
  return {
    ...values,
    efficiency: {
      ...eff,
      campaigns_total: campaigns.length,
      campaigns: [...campaigns]
        .sort((a, b) => (num(b['spend']) ?? 0) - (num(a['spend']) ?? 0))
        .slice(0, HEAD),
    },
  };
}

/** Cuts a model's full values down to what its analysis board draws. */
export function dashboardView(model: string, values: unknown): unknown {
  if (!isObj(values)) return values;
  switch (model) {
    case 'clv':
      return clvView(values);
    case 'promo':
      return promoView(values);
    case 'attribution':
      return attributionView(values);
    case 'basket': {
      const rules = Array.isArray(values['rules']) ? values['rules'] : [];
      return { ...values, rules: rules.slice(0, HEAD), rules_total: rules.length };
    }
    default:
      return values;
  }
}
