import { VitrineError } from '../../util/errors.js';
import type { KpiDictionary } from '../dictionary/kpi-dictionary.js';
import { collectRefs } from '../expression/expression-ast.js';
import { parseExpression } from '../expression/expression-parser.js';

/**
 * Driver trees: identities that write a KPI as a sum of products of drivers, each driver an
 * expression over KPIs computed on a slice of the business. The explain step reports what the
 * identity leaves out as "other", so contributions always add up to the change.
 */

export interface DriverFactor {
  readonly label: string;
  /** Expression over KPI ids of the dictionary. */
  readonly expr: string;
  /** What the factor's value is: a count (traffic), a ratio (conversion), money (a ticket). */
  readonly unit: 'count' | 'ratio' | 'currency';
}

export interface DriverTerm {
  readonly label: string;
  /** The slice the factors are computed on. */
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /** KPIs that are of that slice by nature and cannot be filtered by it (footfall of stores). */
  readonly unfiltered?: readonly string[];
  readonly factors: readonly DriverFactor[];
  /** −1 for a term that is subtracted (refunds). */
  readonly sign?: 1 | -1;
}

export interface DriverTree {
  readonly terms: readonly DriverTerm[];
  readonly otherLabel: string;
}

const ONLINE = ['web', 'app'];

const onlineTraffic: DriverFactor = {
  label: 'traffic (sessions)',
  expr: 'sessions',
  unit: 'count',
};
const storeTraffic: DriverFactor = {
  label: 'traffic (store footfall)',
  expr: 'store_visitors',
  unit: 'count',
};
const onlineConversion: DriverFactor = {
  label: 'conversion (orders / sessions)',
  expr: 'orders / sessions',
  unit: 'ratio',
};
const storeConversion: DriverFactor = {
  label: 'conversion (tickets / footfall)',
  expr: 'orders / store_visitors',
  unit: 'ratio',
};
const ticket: DriverFactor = {
  label: 'average ticket (sales after discounts / orders)',
  expr: '(gross_sales - discounts) / orders',
  unit: 'currency',
};
const onlineSlice = { label: 'online (web and app)', where: { channel_kind: ONLINE } } as const;
// Footfall is counted at the door of a store: it has no channel to filter on.
const storeSlice = {
  label: 'stores',
  where: { channel_kind: ['store'] },
  unfiltered: ['store_visitors'],
} as const;

export const DRIVER_TREES: Readonly<Record<string, DriverTree>> = {
  /**
   * net_sales = sessions × (orders / sessions) × ((gross − discounts) / orders) on the e-shop and
   * app + footfall × (orders / footfall) × ticket in stores − refunds + other channels
   * (marketplace, phone) and orders without a session.
   */
  net_sales: {
    terms: [
      { ...onlineSlice, factors: [onlineTraffic, onlineConversion, ticket] },
      { ...storeSlice, factors: [storeTraffic, storeConversion, ticket] },
      {
        label: 'returns',
        sign: -1,
        factors: [{ label: 'refunds', expr: 'refunds', unit: 'currency' }],
      },
    ],
    otherLabel: 'marketplace, phone and orders outside the two families',
  },
  /** gross_sales: the same families, with the ticket before discounts. */
  gross_sales: {
    terms: [
      {
        ...onlineSlice,
        factors: [
          onlineTraffic,
          onlineConversion,
          {
            label: 'average ticket before discounts',
            expr: 'gross_sales / orders',
            unit: 'currency',
          },
        ],
      },
      {
        ...storeSlice,
        factors: [
          storeTraffic,
          storeConversion,
          {
            label: 'average ticket before discounts',
            expr: 'gross_sales / orders',
            unit: 'currency',
          },
        ],
      },
    ],
    otherLabel: 'marketplace, phone and orders outside the two families',
  },
  /** orders = sessions × conversion online + footfall × conversion in stores + other channels. */
  orders: {
    terms: [
      { ...onlineSlice, factors: [onlineTraffic, onlineConversion] },
      { ...storeSlice, factors: [storeTraffic, storeConversion] },
    ],
    otherLabel: 'marketplace, phone and orders outside the two families',
  },
  /**
   * The web funnel: sessions with a valid order / sessions = (carts / sessions) × (checkouts /
   * carts) × (sessions with a valid order / checkouts); the product telescopes to the rate.
   */
  conversion_rate: {
    terms: [
      {
        label: 'web and app funnel',
        factors: [
          {
            label: 'add to cart (carts / sessions)',
            expr: 'carts_created / sessions',
            unit: 'ratio',
          },
          {
            label: 'checkout (checkouts / carts)',
            expr: 'checkouts_completed / carts_created',
            unit: 'ratio',
          },
          {
            label: 'valid orders (sessions with a valid order / checkouts)',
            expr: 'sessions_with_order / checkouts_completed',
            unit: 'ratio',
          },
        ],
      },
    ],
    otherLabel: 'a funnel step at zero in one of the periods',
  },
};

/** The KPI ids a factor reads, from its expression (never listed by hand, so never out of step). */
export function factorKpis(f: DriverFactor): string[] {
  return [...new Set(collectRefs(parseExpression(f.expr)).map((r) => r.name))];
}

/**
 * Problems of the driver trees against a dictionary, one line each naming the tree, term and
 * factor: a KPI explained or read by a factor that the dictionary does not define.
 */
export function driverTreeProblems(
  dictionary: Pick<KpiDictionary, 'has'>,
  trees: Readonly<Record<string, DriverTree>> = DRIVER_TREES,
): string[] {
  const out: string[] = [];
  for (const [kpi, tree] of Object.entries(trees)) {
    if (!dictionary.has(kpi)) out.push(`driver tree ${kpi}: the dictionary has no KPI ${kpi}`);
    for (const term of tree.terms) {
      for (const f of term.factors) {
        for (const id of factorKpis(f)) {
          if (!dictionary.has(id))
            out.push(
              `driver tree ${kpi}, term "${term.label}", factor "${f.label}": the dictionary has no KPI ${id}`,
            );
        }
      }
      for (const id of term.unfiltered ?? []) {
        if (!term.factors.some((f) => factorKpis(f).includes(id)))
          out.push(
            `driver tree ${kpi}, term "${term.label}": unfiltered KPI ${id} is read by none of its factors`,
          );
      }
    }
  }
  return out;
}

/**
 * The driver tree of a KPI, checked against the dictionary it will be computed with: a tree
 * reading a KPI the dictionary lacks fails here, naming the factor, rather than as an unknown
 * KPI deep in a query.
 */
export function driverTreeFor(
  kpi: string,
  dictionary: Pick<KpiDictionary, 'has'>,
): DriverTree | null {
  const tree = DRIVER_TREES[kpi];
  if (!tree) return null;
  const problems = driverTreeProblems(dictionary, { [kpi]: tree });
  if (problems.length > 0)
    throw new VitrineError('BAD_DRIVER_TREE', problems.join('; '), { kpi, problems });
  return tree;
}
