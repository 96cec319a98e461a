/**
 * The computations a KPI may name instead of a formula: recipes (code in src/semantic/recipes,
 * answered by `vitrine query` like any KPI) and analytics models (src/analytics, run by
 * `vitrine model <name>`). The dictionary validator checks every KPI against these lists, and
 * each definition below is the contract the implementation follows.
 */

/** How a recipe parameter is checked: KPI ids and dimension ids must exist. */
export type RecipeParamKind =
  'kpi' | 'kpis' | 'dimensions' | 'grain' | 'enum' | 'int' | 'bool' | 'string';

export interface RecipeParamSpec {
  readonly kind: RecipeParamKind;
  readonly required: boolean;
  /** Accepted values of an enum parameter. */
  readonly values?: readonly string[];
  readonly description: string;
}

export interface RecipeSpec {
  readonly name: string;
  /** The exact computation, at the requested grain and split. */
  readonly definition: string;
  readonly params: Readonly<Record<string, RecipeParamSpec>>;
  /** Canonical tables the recipe reads itself, besides the KPIs named in its params. */
  readonly reads: readonly string[];
}

export interface ModelSpec {
  readonly name: string;
  readonly description: string;
  /** Outputs a KPI may name (`output:`); the first is the default. */
  readonly outputs: readonly string[];
  /** Canonical tables the model reads. */
  readonly reads: readonly string[];
}

const kpi = (description: string, required = true): RecipeParamSpec => ({
  kind: 'kpi',
  required,
  description,
});

const GRAINS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;

export const KNOWN_RECIPES: readonly RecipeSpec[] = [
  {
    name: 'breakdown',
    definition:
      'The value of `kpi` split by the `by` dimensions (added to the split of the request) at the requested grain, or at `grain` when the request names none. With share=true each row is kpi(row) / kpi(all values of the `by` dimensions in the same period and other splits): a mix that sums to 1. Without share it has the additivity of `kpi`.',
    params: {
      kpi: kpi('the KPI broken down'),
      by: { kind: 'dimensions', required: false, description: 'comma-separated dimension ids' },
      grain: { kind: 'grain', required: false, values: GRAINS, description: 'default grain' },
      share: { kind: 'bool', required: false, description: 'report shares of the total' },
    },
    reads: [],
  },
  {
    name: 'cumulative',
    definition:
      'For each period at the requested grain, the sum of `kpi` (an additive KPI) from the first day of the year (ytd), quarter (qtd) or month (mtd) that contains the period end, on the calendar of the request (civil, or retail 4-5-4 whose year is the fiscal year), up to the period end; `all` sums from the first day with data (a state rebuilt from dated events). Comparisons (N-1 at the same date, target) apply to the cumulated value.',
    params: {
      kpi: kpi('the additive KPI cumulated'),
      period: {
        kind: 'enum',
        required: false,
        values: ['ytd', 'qtd', 'mtd', 'all'],
        description: 'start of the accumulation (default ytd)',
      },
    },
    reads: [],
  },
  {
    name: 'lfl_growth',
    definition:
      'kpi(P) / kpi(P one year earlier) − 1, both restricted to the locations (the location column of each fact) open over both full periods: opened_on on or before the first day of the earlier period and closed_on empty or after the last day of P. Rows without a location are left out. The earlier period is the same dates one year before (52 weeks on the retail calendar).',
    params: { kpi: kpi('the KPI compared like for like') },
    reads: ['locations'],
  },
  {
    name: 'per_selling_area',
    definition:
      'kpi restricted to rows whose location is a store (locations.kind = store), divided by the sum of locations.selling_area_sqm of the stores of the slice open at least one day of the period (opened_on ≤ period end, closed_on empty or ≥ period start). Stores without a selling area are left out of both terms. Per period, not annualised.',
    params: { kpi: kpi('the KPI per square metre') },
    reads: ['locations'],
  },
  {
    name: 'returning_visitors',
    definition:
      'Distinct sessions.visitor_id with a session started in the period and at least one session started before the first day of the period (any earlier date in the data).',
    params: {},
    reads: ['sessions'],
  },
  {
    name: 'interacting_customers',
    definition:
      'Distinct identified customers who, in the period, placed a non-cancelled non-fraud order on any channel, had a session with a customer_id, a touchpoint with a customer_id, a support contact or a survey answer with a customer_id.',
    params: {},
    reads: ['orders', 'sessions', 'touchpoints', 'support_contacts', 'surveys'],
  },
  {
    name: 'customers_with_orders',
    definition:
      'Distinct orders.customer_id with at least `min_orders` non-cancelled non-fraud orders placed in the period (anonymous orders left out). Not additive over time or segments.',
    params: {
      min_orders: { kind: 'int', required: true, description: 'minimum number of orders' },
    },
    reads: ['orders'],
  },
  {
    name: 'retention_rate',
    definition:
      'Among the customers with at least one non-cancelled non-fraud order in the previous period of the same grain (P−1; without a grain, the range of the same length just before), the share with at least one such order in P. Segments split by the customer attributes (segment, acquisition channel, region).',
    params: {},
    reads: ['orders', 'customers'],
  },
  {
    name: 'cohort_retention',
    definition:
      'Customers grouped by the `cohort_grain` of their first non-cancelled order (first_orders); for each cohort and age k = 0…max_age, retained(k) = customers of the cohort with an order in the k-th period after the cohort period / customers of the cohort. The KPI value of a period is retained(age) of the cohort of that period (null while the cohort is younger than age); the whole matrix is the recipe output (cohort, k, customers, retained, rate).',
    params: {
      cohort_grain: {
        kind: 'enum',
        required: true,
        values: ['week', 'month', 'quarter'],
        description: 'grain of the cohorts',
      },
      age: { kind: 'int', required: true, description: 'age reported as the KPI value' },
      max_age: { kind: 'int', required: true, description: 'oldest age of the matrix' },
    },
    reads: ['orders'],
  },
  {
    name: 'clv_historical',
    definition:
      'Σ of `kpi` attributed to customers (sales through orders.customer_id, returns through the customer of the returned order) from the first day with data to the period end, divided by the number of customers whose first order is on or before the period end. Segments split by the customer attributes at the period end.',
    params: { kpi: kpi('the value accumulated per customer (margin or revenue)') },
    reads: ['orders', 'customers'],
  },
  {
    name: 'nrr',
    definition:
      'Let C be the customers with at least one non-cancelled non-fraud order in the same period one year earlier. nrr = kpi(P) of customers in C / kpi(P one year earlier) of customers in C, kpi attributed to customers as in clv_historical. New customers of P are left out of the numerator by construction.',
    params: {
      kpi: kpi('the revenue KPI retained'),
      min_days: {
        kind: 'int',
        required: false,
        description:
          'shortest period answered: a shorter one is null with a warning (not enough data)',
      },
    },
    reads: ['orders', 'customers'],
  },
  {
    name: 'recognised_sales',
    definition:
      'Σ over the lines of non-cancelled non-fraud orders of (quantity × unit_list_price − discount_amount) × the rate of the order day, counted on the local date of the latest shipments.delivered_at of the order for orders with fulfilment = ship (not recognised before every shipment of the order is delivered), and on the local date of the order for the others (carry_out, click_collect, or no fulfilment).',
    params: {},
    reads: ['orders', 'order_lines', 'shipments', 'fx_rates'],
  },
  {
    name: 'decomposition',
    definition:
      'Σ of the KPIs in `kpis` at the requested grain and split, each reported as a part (the decomposition by cause). Parts computed by a model read its latest run at the same grain; a part missing is reported as missing and the total is flagged incomplete, never silently summed without it.',
    params: {
      kpis: { kind: 'kpis', required: true, description: 'comma-separated KPI ids (same unit)' },
    },
    reads: [],
  },
  {
    name: 'reorder_signal',
    definition:
      'At the last snapshot day of each period, the number of SKU × location pairs whose sellable stock (on_hand − reserved − damaged − in_transit, floored at 0) is below (suppliers.lead_time_days of the SKU + safety_days) × the average daily units sold of the SKU at that location over the demand_days days before (non-cancelled non-fraud orders, location of the order). Pairs without sales in the window are not signalled.',
    params: {
      safety_days: { kind: 'int', required: true, description: 'safety stock in days of sales' },
      demand_days: { kind: 'int', required: true, description: 'window of the sales rate' },
    },
    reads: ['inventory_snapshots', 'order_lines', 'orders', 'products', 'suppliers'],
  },
  {
    name: 'covered_range_keys',
    definition:
      'Distinct range_targets.range_key with at least one product_fitments row whose product is sellable at the end of the period: products.launched_on empty or on or before the period end, and discontinued_on empty or after it. Without a grain, at the end of the range. (A measure cannot say it: products are one-to-many from range_targets.)',
    params: {},
    reads: ['range_targets', 'product_fitments', 'products'],
  },
  {
    name: 'market_size_prorated',
    definition:
      'Σ over the market_size rows overlapping the period of market_sales × (days of the row inside the period / days of the row from period_start to period_end), split by region and category (market_size columns). Market studies are yearly or quarterly: prorating spreads them evenly over their days.',
    params: {},
    reads: ['market_size'],
  },
];

export const KNOWN_MODELS: readonly ModelSpec[] = [
  {
    name: 'basket',
    description:
      'Association rules between products or categories (support, confidence, lift) and the top cross-sell pairs.',
    outputs: ['rules', 'pairs'],
    reads: ['order_lines', 'orders', 'products'],
  },
  {
    name: 'product-paths',
    description: 'Transition counts between products viewed consecutively in a session.',
    outputs: ['transitions'],
    reads: ['web_events', 'sessions', 'products'],
  },
  {
    name: 'lost-sales',
    description:
      'Expected demand during out-of-stock days × price, from each item’s in-stock sales rate.',
    outputs: ['lost_sales'],
    reads: ['inventory_snapshots', 'order_lines', 'orders', 'products'],
  },
  {
    name: 'anomalies',
    description:
      'KPIs and segments moving abnormally: anomalies and breaks against each series’ expected range.',
    outputs: ['anomalies'],
    reads: [],
  },
  {
    name: 'clv',
    description:
      'BG/NBD purchase counts × Gamma-Gamma spend over a horizon, discounted; RFM scores and value tiers.',
    outputs: ['predicted_clv', 'rfm_segments', 'ltv_cac'],
    reads: ['orders', 'order_lines', 'customers', 'ad_spend'],
  },
  {
    name: 'attribution',
    description:
      'Revenue credited to channels and campaigns: first touch, last touch, linear, time decay, position based, data-driven (Markov removal effect).',
    outputs: ['attributed_revenue', 'roas'],
    reads: ['touchpoints', 'sessions', 'orders', 'order_lines', 'ad_spend', 'campaigns'],
  },
  {
    name: 'abtest',
    description: 'Treatment vs holdout difference of an experiment or geo test, with its interval.',
    outputs: ['lift'],
    reads: ['experiments', 'experiment_assignments', 'sessions', 'orders'],
  },
  {
    name: 'budget',
    description: 'Recommended spend split across channels by marginal return (response curves).',
    outputs: ['allocation'],
    reads: ['ad_spend', 'campaigns', 'orders', 'order_lines'],
  },
  {
    name: 'promo',
    description:
      'Promotion uplift against a baseline of comparable non-promo periods; cannibalisation of same-category items and halo on basket companions.',
    outputs: ['uplift', 'cannibalisation'],
    reads: ['order_lines', 'orders', 'promotions', 'promotion_products', 'products'],
  },
];

const RECIPE_BY_NAME = new Map(KNOWN_RECIPES.map((r) => [r.name, r]));
const MODEL_BY_NAME = new Map(KNOWN_MODELS.map((m) => [m.name, m]));

export function getRecipe(name: string): RecipeSpec | undefined {
  return RECIPE_BY_NAME.get(name);
}

export function getModel(name: string): ModelSpec | undefined {
  return MODEL_BY_NAME.get(name);
}

/** A list parameter (`a, b, c`) as its items. */
export function listParam(value: string | number | boolean | undefined): string[] {
  if (value === undefined) return [];
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
