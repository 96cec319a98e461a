import type { DimensionDef, FactDef, JoinDef } from './fact-types.js';

/**
 * Facts of the semantic model. Measures refer to a fact by name and to columns as
 * `table.column` (tables reachable through the fact's joins) or `fact.<computed>`.
 *
 * Money is converted to the reporting currency with `fact.fx` (1 for rows already in it, the
 * day's rate from fx_rates otherwise, NULL when the rate is missing so that a missing rate is
 * visible in data-quality checks rather than silently counted at par).
 */

const m2o = (table: string, on: string): JoinDef => ({ table, on, kind: 'many_to_one' });
const o2m = (table: string, on: string): JoinDef => ({ table, on, kind: 'one_to_many' });

const VALID_ORDER = "orders.status NOT IN ('cancelled', 'fraud')";
const ORDER_FX = `CASE WHEN orders.currency = reporting_currency() THEN 1 ELSE fx_rates.rate_to_reporting END`;
const orderFxJoin = m2o(
  'fx_rates',
  'fx_rates.currency = orders.currency AND fx_rates.rate_on = local_date(orders.ordered_at)',
);

export const FACTS: readonly FactDef[] = [
  {
    name: 'sales_lines',
    description: 'Order lines with their order (one row per line). Counts on the order date.',
    base: 'order_lines',
    key: ['order_lines.order_id', 'order_lines.line_no'],
    joins: [
      m2o('orders', 'orders.order_id = order_lines.order_id'),
      m2o('products', 'products.sku = order_lines.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
      m2o('channels', 'channels.channel_id = orders.channel_id'),
      m2o('locations', 'locations.location_id = orders.location_id'),
      m2o('customers', 'customers.customer_id = orders.customer_id'),
      m2o('campaigns', 'campaigns.campaign_id = orders.campaign_id'),
      m2o('promotions', 'promotions.promotion_id = order_lines.promotion_id'),
      m2o('first_orders', 'first_orders.customer_id = orders.customer_id'),
      orderFxJoin,
    ],
    time: { column: 'orders.ordered_at', kind: 'timestamp' },
    filters: { valid_order: VALID_ORDER },
    computed: { fx: ORDER_FX },
    location: 'orders.location_id',
  },
  {
    name: 'orders',
    description: 'Orders and POS tickets (one row per order). Counts on the order date.',
    base: 'orders',
    key: ['orders.order_id'],
    joins: [
      m2o('channels', 'channels.channel_id = orders.channel_id'),
      m2o('locations', 'locations.location_id = orders.location_id'),
      m2o('customers', 'customers.customer_id = orders.customer_id'),
      m2o('campaigns', 'campaigns.campaign_id = orders.campaign_id'),
      m2o('first_orders', 'first_orders.customer_id = orders.customer_id'),
      orderFxJoin,
      // Product attributes of an order are those of its lines: splitting orders by category
      // counts an order once in each category it contains (fan-out protected).
      o2m('order_lines', 'order_lines.order_id = orders.order_id'),
      m2o('products', 'products.sku = order_lines.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
      m2o('promotions', 'promotions.promotion_id = order_lines.promotion_id'),
    ],
    time: { column: 'orders.ordered_at', kind: 'timestamp' },
    filters: { valid_order: VALID_ORDER },
    computed: { fx: ORDER_FX },
    location: 'orders.location_id',
  },
  {
    name: 'returns',
    description:
      'Returned lines. Count on the return date, on the channel and location that received them.',
    base: 'returns',
    key: ['returns.return_id'],
    joins: [
      m2o('orders', 'orders.order_id = returns.order_id'),
      m2o(
        'order_lines',
        'order_lines.order_id = returns.order_id AND order_lines.line_no = returns.line_no',
      ),
      m2o('products', 'products.sku = returns.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
      m2o('channels', 'channels.channel_id = coalesce(returns.channel_id, orders.channel_id)'),
      m2o('locations', 'locations.location_id = coalesce(returns.location_id, orders.location_id)'),
      m2o('customers', 'customers.customer_id = orders.customer_id'),
      m2o('campaigns', 'campaigns.campaign_id = orders.campaign_id'),
      m2o(
        'fx_rates',
        'fx_rates.currency = orders.currency AND fx_rates.rate_on = local_date(returns.returned_at)',
      ),
      // The rate of the order day: a returned unit's cost goes back at the value it entered COGS.
      {
        table: 'fx_rates',
        as: 'order_fx_rates',
        on: 'order_fx_rates.currency = orders.currency AND order_fx_rates.rate_on = local_date(orders.ordered_at)',
        kind: 'many_to_one',
      },
    ],
    time: { column: 'returns.returned_at', kind: 'timestamp' },
    computed: {
      fx: ORDER_FX,
      order_fx:
        'CASE WHEN orders.currency = reporting_currency() THEN 1 ELSE order_fx_rates.rate_to_reporting END',
    },
    location: 'coalesce(returns.location_id, orders.location_id)',
  },
  {
    name: 'payments',
    description: 'Captured payments. Count on the capture date.',
    base: 'payments',
    key: ['payments.payment_id'],
    joins: [
      m2o('orders', 'orders.order_id = payments.order_id'),
      m2o('channels', 'channels.channel_id = orders.channel_id'),
      m2o('locations', 'locations.location_id = orders.location_id'),
      m2o(
        'fx_rates',
        'fx_rates.currency = payments.currency AND fx_rates.rate_on = local_date(payments.captured_at)',
      ),
    ],
    time: { column: 'payments.captured_at', kind: 'timestamp' },
    computed: {
      fx: 'CASE WHEN payments.currency = reporting_currency() THEN 1 ELSE fx_rates.rate_to_reporting END',
    },
    location: 'orders.location_id',
  },
  {
    name: 'chargebacks',
    description: 'Chargebacks. Count on the date the dispute opened.',
    base: 'chargebacks',
    key: ['chargebacks.chargeback_id'],
    joins: [
      m2o('orders', 'orders.order_id = chargebacks.order_id'),
      m2o('channels', 'channels.channel_id = orders.channel_id'),
      m2o('locations', 'locations.location_id = orders.location_id'),
      m2o(
        'fx_rates',
        'fx_rates.currency = chargebacks.currency AND fx_rates.rate_on = local_date(chargebacks.opened_at)',
      ),
    ],
    time: { column: 'chargebacks.opened_at', kind: 'timestamp' },
    computed: {
      fx: 'CASE WHEN chargebacks.currency = reporting_currency() THEN 1 ELSE fx_rates.rate_to_reporting END',
    },
    location: 'orders.location_id',
  },
  {
    name: 'shipments',
    description:
      'Shipments from warehouses. Count on the ship date, or on the delivery date (`delivered`).',
    base: 'shipments',
    key: ['shipments.shipment_id'],
    joins: [
      m2o('orders', 'orders.order_id = shipments.order_id'),
      m2o('channels', 'channels.channel_id = orders.channel_id'),
      m2o('locations', 'locations.location_id = shipments.warehouse_id'),
      m2o('customers', 'customers.customer_id = orders.customer_id'),
    ],
    time: { column: 'shipments.shipped_at', kind: 'timestamp' },
    times: {
      delivered: { column: 'shipments.delivered_at', kind: 'timestamp' },
      ordered: { column: 'orders.ordered_at', kind: 'timestamp' },
      // The day a shipment falls due: the customer's promise, else the carrier's.
      promised: {
        column: 'coalesce(orders.promised_delivery_at, shipments.promised_at)',
        kind: 'timestamp',
      },
    },
    location: 'shipments.warehouse_id',
  },
  {
    name: 'inventory',
    description:
      'End-of-day book stock per location and SKU (semi-additive: last snapshot of a period).',
    base: 'inventory_snapshots',
    key: [
      'inventory_snapshots.snapshot_on',
      'inventory_snapshots.location_id',
      'inventory_snapshots.sku',
    ],
    joins: [
      m2o('products', 'products.sku = inventory_snapshots.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
      m2o('locations', 'locations.location_id = inventory_snapshots.location_id'),
    ],
    time: { column: 'inventory_snapshots.snapshot_on', kind: 'date' },
    computed: {
      sellable:
        'greatest(inventory_snapshots.on_hand - coalesce(inventory_snapshots.reserved, 0) - coalesce(inventory_snapshots.damaged, 0) - coalesce(inventory_snapshots.in_transit, 0), 0)',
    },
    location: 'inventory_snapshots.location_id',
  },
  {
    name: 'inventory_counts',
    description: 'Physical counts against book stock. Count on the count date.',
    base: 'inventory_counts',
    key: ['inventory_counts.count_on', 'inventory_counts.location_id', 'inventory_counts.sku'],
    joins: [
      m2o('products', 'products.sku = inventory_counts.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
      m2o('locations', 'locations.location_id = inventory_counts.location_id'),
    ],
    time: { column: 'inventory_counts.count_on', kind: 'date' },
    location: 'inventory_counts.location_id',
  },
  {
    name: 'purchase_orders',
    description: 'Purchase order lines. Count on the order date, or on receipt (`received`).',
    base: 'purchase_orders',
    key: ['purchase_orders.po_id'],
    joins: [
      m2o('products', 'products.sku = purchase_orders.sku'),
      m2o('suppliers', 'suppliers.supplier_id = purchase_orders.supplier_id'),
      m2o('locations', 'locations.location_id = purchase_orders.location_id'),
    ],
    time: { column: 'purchase_orders.ordered_on', kind: 'date' },
    times: { received: { column: 'purchase_orders.received_on', kind: 'date' } },
    location: 'purchase_orders.location_id',
  },
  {
    name: 'sessions',
    description: 'Web and app sessions. Count on the session start.',
    base: 'sessions',
    key: ['sessions.session_id'],
    joins: [
      m2o('channels', 'channels.channel_id = sessions.channel_id'),
      m2o('customers', 'customers.customer_id = sessions.customer_id'),
      m2o('campaigns', 'campaigns.campaign_id = sessions.campaign_id'),
      m2o('orders', 'orders.order_id = sessions.order_id'),
    ],
    time: { column: 'sessions.started_at', kind: 'timestamp' },
    // A session's page type is its landing page: page load time is measured per session.
    dims: { marketing_channel: 'sessions.medium', page_type: 'sessions.landing_page' },
  },
  {
    name: 'web_events',
    description: 'Events within sessions. Count on the event time.',
    base: 'web_events',
    key: ['web_events.session_id', 'web_events.event_no'],
    joins: [
      m2o('sessions', 'sessions.session_id = web_events.session_id'),
      m2o('channels', 'channels.channel_id = sessions.channel_id'),
      m2o('products', 'products.sku = web_events.sku'),
      m2o('campaigns', 'campaigns.campaign_id = sessions.campaign_id'),
    ],
    time: { column: 'web_events.event_at', kind: 'timestamp' },
    dims: { marketing_channel: 'sessions.medium' },
  },
  {
    name: 'touchpoints',
    description: 'Marketing touchpoints. Count on the touch time.',
    base: 'touchpoints',
    key: ['touchpoints.touchpoint_id'],
    joins: [
      m2o('campaigns', 'campaigns.campaign_id = touchpoints.campaign_id'),
      m2o('customers', 'customers.customer_id = touchpoints.customer_id'),
    ],
    time: { column: 'touchpoints.touched_at', kind: 'timestamp' },
    dims: { marketing_channel: 'touchpoints.channel' },
  },
  {
    name: 'ad_spend',
    description: 'Advertising delivery and spend per campaign and day.',
    base: 'ad_spend',
    key: ['ad_spend.spend_on', 'ad_spend.campaign_id'],
    joins: [
      m2o('campaigns', 'campaigns.campaign_id = ad_spend.campaign_id'),
      m2o(
        'fx_rates',
        'fx_rates.currency = ad_spend.currency AND fx_rates.rate_on = ad_spend.spend_on',
      ),
    ],
    time: { column: 'ad_spend.spend_on', kind: 'date' },
    computed: {
      fx: 'CASE WHEN ad_spend.currency = reporting_currency() THEN 1 ELSE fx_rates.rate_to_reporting END',
    },
    dims: { marketing_channel: 'ad_spend.channel' },
  },
  {
    name: 'customers',
    description: 'Known customers. Count on the date they became known (new customers).',
    base: 'customers',
    key: ['customers.customer_id'],
    joins: [m2o('campaigns', 'campaigns.campaign_id = customers.acquisition_campaign_id')],
    time: { column: 'customers.created_at', kind: 'timestamp' },
    dims: { marketing_channel: 'customers.acquisition_channel' },
  },
  {
    name: 'surveys',
    description: 'Survey answers (CSAT 1–5, NPS 0–10). Count on the answer date.',
    base: 'surveys',
    key: ['surveys.response_id'],
    joins: [
      m2o('channels', 'channels.channel_id = surveys.channel_id'),
      m2o('customers', 'customers.customer_id = surveys.customer_id'),
      m2o('orders', 'orders.order_id = surveys.order_id'),
      m2o('locations', 'locations.location_id = orders.location_id'),
    ],
    time: { column: 'surveys.responded_at', kind: 'timestamp' },
    location: 'orders.location_id',
  },
  {
    name: 'support_contacts',
    description: 'Customer service contacts. Count on the date the contact came in.',
    base: 'support_contacts',
    key: ['support_contacts.contact_id'],
    joins: [
      m2o('customers', 'customers.customer_id = support_contacts.customer_id'),
      m2o('orders', 'orders.order_id = support_contacts.order_id'),
      m2o('channels', 'channels.channel_id = orders.channel_id'),
    ],
    time: { column: 'support_contacts.opened_at', kind: 'timestamp' },
  },
  {
    name: 'footfall',
    description: 'Store visitors per day.',
    base: 'footfall',
    key: ['footfall.counted_on', 'footfall.location_id'],
    joins: [m2o('locations', 'locations.location_id = footfall.location_id')],
    time: { column: 'footfall.counted_on', kind: 'date' },
    location: 'footfall.location_id',
  },
  {
    name: 'products',
    description:
      'The catalogue. Counts on the launch date; timeless measures read the current state.',
    base: 'products',
    key: ['products.sku'],
    joins: [m2o('suppliers', 'suppliers.supplier_id = products.supplier_id')],
    time: { column: 'products.launched_on', kind: 'date' },
  },
  {
    name: 'suppliers',
    description: 'Suppliers. Count on the onboarding date.',
    base: 'suppliers',
    key: ['suppliers.supplier_id'],
    joins: [],
    time: { column: 'suppliers.onboarded_on', kind: 'date' },
  },
  {
    name: 'promotions',
    description: 'Promotions. Count on their first day.',
    base: 'promotions',
    key: ['promotions.promotion_id'],
    joins: [],
    time: { column: 'promotions.starts_on', kind: 'date' },
  },
  {
    name: 'reviews',
    description: 'Product reviews. Count on the review date.',
    base: 'reviews',
    key: ['reviews.review_id'],
    joins: [
      m2o('products', 'products.sku = reviews.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
      m2o('customers', 'customers.customer_id = reviews.customer_id'),
    ],
    time: { column: 'reviews.created_at', kind: 'timestamp' },
  },
  {
    name: 'audience',
    description: 'Owned-media audience per network and day (followers are semi-additive).',
    base: 'audience',
    key: ['audience.observed_on', 'audience.network'],
    joins: [],
    time: { column: 'audience.observed_on', kind: 'date' },
  },
  {
    name: 'market_size',
    description: 'Market size per region, category and period. Counts on the period start.',
    base: 'market_size',
    key: ['market_size.period_start', 'market_size.region', 'market_size.category'],
    joins: [],
    time: { column: 'market_size.period_start', kind: 'date' },
    dims: { region: 'market_size.region', category: 'market_size.category' },
  },
  {
    name: 'competitor_prices',
    description: 'Competitor prices of matched items. Count on the observation date.',
    base: 'competitor_prices',
    key: ['competitor_prices.observed_on', 'competitor_prices.sku', 'competitor_prices.competitor'],
    joins: [
      m2o('products', 'products.sku = competitor_prices.sku'),
      m2o('suppliers', 'suppliers.supplier_id = products.supplier_id'),
    ],
    time: { column: 'competitor_prices.observed_on', kind: 'date' },
  },
  {
    name: 'range_coverage',
    description: 'Target range keys and the products that fit them (timeless: current catalogue).',
    base: 'range_targets',
    key: ['range_targets.range_key'],
    joins: [
      o2m('product_fitments', 'product_fitments.range_key = range_targets.range_key'),
      m2o('products', 'products.sku = product_fitments.sku'),
    ],
    time: null,
  },
  {
    name: 'releases',
    description: 'Software releases. Count on the planned date.',
    base: 'releases',
    key: ['releases.release_id'],
    joins: [],
    time: { column: 'releases.planned_on', kind: 'date' },
  },
  {
    name: 'bugs',
    description: 'Bugs. Count on the opening date, or on closing (`closed`).',
    base: 'bugs',
    key: ['bugs.bug_id'],
    joins: [],
    time: { column: 'bugs.opened_at', kind: 'timestamp' },
    times: { closed: { column: 'bugs.closed_at', kind: 'timestamp' } },
  },
];

/**
 * Relations derived from the canonical tables, joinable by facts like tables. Each is one
 * grouped aggregate, which every engine computes without window functions.
 */
export interface DerivedRelationDef {
  readonly name: string;
  readonly base: string;
  readonly where: string | null;
  readonly groupBy: Readonly<Record<string, string>>;
  /** first_by: the value of `expr` on the row with the smallest `by` (ties: smallest expr). */
  readonly aggregates: Readonly<
    Record<
      string,
      { readonly agg: 'min' | 'max' | 'first_by'; readonly expr: string; readonly by?: string }
    >
  >;
}

export const DERIVED_RELATIONS: readonly DerivedRelationDef[] = [
  {
    name: 'first_orders',
    base: 'orders',
    where: `${VALID_ORDER} AND orders.customer_id IS NOT NULL`,
    groupBy: { customer_id: 'orders.customer_id' },
    aggregates: {
      first_order_id: { agg: 'first_by', expr: 'orders.order_id', by: 'orders.ordered_at' },
      first_ordered_at: { agg: 'min', expr: 'orders.ordered_at' },
    },
  },
];

/** Dimensions a query can split by (`--by`) or filter on (`--where`). */
export const DIMENSIONS: readonly DimensionDef[] = [
  { id: 'date', label: { en: 'Date', fr: 'Date' }, expr: null, timePart: 'date' },
  { id: 'hour', label: { en: 'Hour of day', fr: 'Heure' }, expr: null, timePart: 'hour' },
  {
    id: 'weekday',
    label: { en: 'Weekday', fr: 'Jour de semaine' },
    expr: null,
    timePart: 'weekday',
  },
  {
    id: 'month_of_year',
    label: { en: 'Month of year', fr: "Mois de l'année" },
    expr: null,
    timePart: 'month_of_year',
  },
  { id: 'channel', label: { en: 'Channel', fr: 'Canal' }, expr: 'channels.channel_id' },
  { id: 'channel_kind', label: { en: 'Channel kind', fr: 'Type de canal' }, expr: 'channels.kind' },
  { id: 'location', label: { en: 'Location', fr: 'Site' }, expr: 'locations.location_id' },
  { id: 'region', label: { en: 'Region', fr: 'Région' }, expr: 'locations.region' },
  {
    id: 'store_type',
    label: { en: 'Store type', fr: 'Format de magasin' },
    expr: 'locations.store_type',
  },
  { id: 'country', label: { en: 'Country', fr: 'Pays' }, expr: 'locations.country' },
  { id: 'product', label: { en: 'Product', fr: 'Produit' }, expr: 'products.sku' },
  { id: 'category', label: { en: 'Category', fr: 'Catégorie' }, expr: 'products.category' },
  {
    id: 'subcategory',
    label: { en: 'Subcategory', fr: 'Sous-catégorie' },
    expr: 'products.subcategory',
  },
  { id: 'brand', label: { en: 'Brand', fr: 'Marque' }, expr: 'products.brand' },
  { id: 'supplier', label: { en: 'Supplier', fr: 'Fournisseur' }, expr: 'products.supplier_id' },
  {
    id: 'customer_segment',
    label: { en: 'Customer segment', fr: 'Segment client' },
    expr: 'customers.segment',
  },
  {
    id: 'acquisition_channel',
    label: { en: 'Acquisition channel', fr: "Canal d'acquisition" },
    expr: 'customers.acquisition_channel',
  },
  {
    id: 'new_vs_returning',
    label: { en: 'New vs returning', fr: 'Nouveau ou fidèle' },
    expr: "CASE WHEN orders.customer_id IS NULL THEN 'anonymous' WHEN first_orders.first_order_id = orders.order_id THEN 'new' ELSE 'returning' END",
  },
  { id: 'campaign', label: { en: 'Campaign', fr: 'Campagne' }, expr: 'campaigns.campaign_id' },
  {
    id: 'marketing_channel',
    label: { en: 'Marketing channel', fr: 'Levier marketing' },
    expr: 'campaigns.channel',
  },
  {
    id: 'source_medium',
    label: { en: 'Source / medium', fr: 'Source / support' },
    expr: "concat(coalesce(sessions.source, '(none)'), ' / ', coalesce(sessions.medium, '(none)'))",
  },
  { id: 'device', label: { en: 'Device', fr: 'Appareil' }, expr: 'sessions.device' },
  { id: 'carrier', label: { en: 'Carrier', fr: 'Transporteur' }, expr: 'shipments.carrier' },
  {
    id: 'return_reason',
    label: { en: 'Return reason', fr: 'Motif de retour' },
    expr: 'returns.reason',
  },
  {
    id: 'contact_channel',
    label: { en: 'Contact channel', fr: 'Canal de contact' },
    expr: 'support_contacts.channel',
  },
  {
    id: 'contact_reason',
    label: { en: 'Contact reason', fr: 'Motif de contact' },
    expr: 'support_contacts.reason',
  },
  {
    id: 'page_before_contact',
    label: { en: 'Last page before contact', fr: 'Dernière page vue avant contact' },
    expr: 'support_contacts.page_before_contact',
  },
  {
    id: 'promotion',
    label: { en: 'Promotion', fr: 'Promotion' },
    expr: 'order_lines.promotion_id',
  },
  {
    id: 'order_status',
    label: { en: 'Order status', fr: 'Statut de commande' },
    expr: 'orders.status',
  },
  {
    id: 'fulfilment',
    label: { en: 'Fulfilment', fr: 'Mode de livraison' },
    expr: 'orders.fulfilment',
  },
  {
    id: 'payment_method',
    label: { en: 'Payment method', fr: 'Moyen de paiement' },
    expr: 'orders.payment_method',
  },
  { id: 'survey_kind', label: { en: 'Survey kind', fr: "Type d'enquête" }, expr: 'surveys.kind' },
  { id: 'page_type', label: { en: 'Page type', fr: 'Type de page' }, expr: 'web_events.page_type' },
  { id: 'network', label: { en: 'Network', fr: 'Réseau' }, expr: 'audience.network' },
  { id: 'severity', label: { en: 'Bug severity', fr: 'Gravité' }, expr: 'bugs.severity' },
];
