import { z } from 'zod';
import { sniffCsv } from '../../csv/csv-dialect.js';
import { stageCsvText } from '../../csv/csv-staging.js';
import type { RecordBatch, SourceContext, SourceDef, SourceFile } from '../../source.js';
import { ident } from '../../sql-text.js';
import {
  Binder,
  ExportColumns,
  asText,
  createRelation,
  emailHash,
  phoneHash,
  relationColumns,
} from '../connector-sql.js';

/**
 * The Shopify orders export (Orders → Export → CSV): one row per line item, the order's fields
 * on the first row of each order. Feeds orders, order_lines, customers (e-mail hashed) and
 * returns.
 *
 * Conventions, since the export is not the model:
 * - `Subtotal` is the goods after discounts; the product discount of the order is Σ line items
 *   − Subtotal (what `Discount Amount` holds beyond it was a shipping discount). It is spread on
 *   the lines: `Lineitem discount` where the export has it, the rest in proportion of their value.
 * - Prices including tax (`prices_include_tax: true`, most EU shops) are brought to tax-excluded
 *   amounts with the order's own rate: amount × (Total − Taxes) / Total.
 * - Status: `Cancelled at` (or voided) → cancelled; fulfilled → shipped; paid, refunded,
 *   partially paid or refunded → paid; pending, authorized → placed.
 * - Refunds: the export has only the order's `Refunded Amount` (tax and shipping included), no
 *   date and no lines. A full refund returns every line at its net value; a partial one returns
 *   one unit of the line of highest value for the refunded amount excluding tax (capped at the
 *   subtotal). Both are dated at the order's `Created at`; cancelled orders make no returns.
 * - Customers are keyed `shopify:<e-mail hash>`: identity resolution links them to the CRM.
 * - An order repeated in the file (two exports pasted together) is a duplicate; repeated with
 *   different values, every copy is quarantined.
 */

export const shopifyConfigSchema = z
  .object({
    /** Channel of online orders. */
    channel_id: z.string().min(1).default('web'),
    /** Channel of orders whose Source is pos (Shopify POS). */
    pos_channel_id: z.string().min(1).default('store'),
    /** Prices in the export include tax (Subtotal and Shipping are tax-included). */
    prices_include_tax: z.boolean().default(false),
    /** Shopify location name → location_id of the model. */
    locations: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type ShopifyConfig = z.infer<typeof shopifyConfigSchema>;

const REQUIRED = [
  'Name',
  'Email',
  'Financial Status',
  'Currency',
  'Subtotal',
  'Shipping',
  'Taxes',
  'Total',
  'Created at',
  'Lineitem quantity',
  'Lineitem price',
  'Lineitem sku',
];

/** Shopify writes offsets as +0100 after a space; ISO readers want them glued. */
function shopifyTime(x: string): string {
  return `regexp_replace(${x}, ' ([+-]\\d\\d:?\\d\\d)$', '\\1')`;
}

async function buildRows(
  ctx: SourceContext,
  staged: string,
  cols: ExportColumns,
  config: ShopifyConfig,
): Promise<string> {
  const c = cols;
  // A new order starts where the Name changes, or where a row carries order totals (the same
  // order pasted twice in a row is then two orders, seen as duplicates).
  const select = `SELECT *,
      row_number() OVER (PARTITION BY block ORDER BY _line) AS line_no
    FROM (
      SELECT *, sum(CASE WHEN starts THEN 1 ELSE 0 END) OVER (ORDER BY _line) AS block
      FROM (
        SELECT s._line AS _line,
          ${c.text('Name')} AS name,
          (${c.text('Name')} IS DISTINCT FROM lag(${c.text('Name')}) OVER (ORDER BY s._line)) OR ${c.text('Total')} IS NOT NULL AS starts,
          ${c.text('Email')} AS email,
          ${c.text('Financial Status')} AS fin,
          ${c.text('Fulfillment Status')} AS ful,
          ${c.text('Currency')} AS currency,
          ${c.text('Subtotal')} AS subtotal_t, ${c.num('Subtotal')} AS subtotal,
          ${c.text('Shipping')} AS shipping_t, ${c.num('Shipping')} AS shipping,
          ${c.text('Taxes')} AS taxes_t, ${c.num('Taxes')} AS taxes,
          ${c.text('Total')} AS total_t, ${c.num('Total')} AS total,
          ${c.num('Discount Amount')} AS discount_amount,
          ${c.num('Refunded Amount')} AS refunded,
          ${c.text('Discount Code')} AS discount_code,
          ${shopifyTime(c.text('Created at'))} AS created_t,
          TRY_CAST(${shopifyTime(c.text('Created at'))} AS TIMESTAMPTZ) AS created,
          ${c.text('Cancelled at')} AS cancelled_at,
          ${c.text('Payment Method')} AS payment_method,
          lower(${c.text('Source')}) AS origin,
          ${c.text('Location')} AS location,
          ${c.text('Billing Province')} AS province,
          upper(${c.text('Billing Country')}) AS country,
          coalesce(${c.text('Phone')}, ${c.text('Billing Phone')}, ${c.text('Shipping Phone')}) AS phone,
          ${c.text('Lineitem quantity')} AS q_t, TRY_CAST(${c.text('Lineitem quantity')} AS INTEGER) AS q,
          ${c.text('Lineitem price')} AS p_t, ${c.num('Lineitem price')} AS p,
          coalesce(${c.num('Lineitem discount')}, 0) AS ld,
          ${c.text('Lineitem sku')} AS sku,
          ${c.text('Lineitem name')} AS item_name
        FROM ${ident(staged)} s
      )
    )`;
  void config;
  return createRelation(ctx, 'shopify_rows', select);
}

async function* shopifyBatches(
  ctx: SourceContext,
  file: SourceFile,
  config: ShopifyConfig,
): AsyncIterable<RecordBatch> {
  const sniffed = sniffCsv(file.facts, ctx.csv);
  const staged = await stageCsvText(ctx, file, sniffed.dialect, 'shopify_export');
  if (staged.unreadable.length > 0) {
    yield { kind: 'unreadable', table: 'order_lines', file, records: staged.unreadable };
  }
  const cols = new ExportColumns(sniffed.header);
  const rows = await buildRows(ctx, staged.relation, cols, config);
  const r = ident(rows);
  const salt = ctx.salt;
  const b = new Binder();
  // The order of each block: its first row's fields, the lines' gross value, and the factor
  // bringing tax-included amounts to tax-excluded ones.
  const factor = config.prices_include_tax
    ? `CASE WHEN h.total > 0 THEN (h.total - h.taxes) / h.total ELSE 1 END`
    : '1';
  const orders = await createRelation(
    ctx,
    'shopify_orders',
    `SELECT h.*, g.gross, g.line_discounts, g.n_lines, g.max_line, ${factor} AS f,
        g.gross - h.subtotal AS product_discount,
        CASE WHEN h.email IS NOT NULL THEN ${emailHash('h.email', salt)} END AS email_hash
     FROM (SELECT * FROM ${r} WHERE line_no = 1) h
     JOIN (SELECT block, sum(q * p) AS gross, sum(ld) AS line_discounts, count(*) AS n_lines, max(line_no) AS max_line FROM ${r} GROUP BY block) g USING (block)`,
  );
  const o = ident(orders);
  const status = `CASE
      WHEN o.cancelled_at IS NOT NULL OR lower(o.fin) = 'voided' THEN 'cancelled'
      WHEN lower(o.ful) = 'fulfilled' THEN 'shipped'
      WHEN lower(o.fin) IN ('paid', 'refunded', 'partially_refunded', 'partially_paid') THEN 'paid'
      WHEN lower(o.fin) IN ('pending', 'authorized', 'unpaid', 'expired') THEN 'placed'
      ELSE o.fin END`;
  const customerKey = `CASE WHEN o.email_hash IS NOT NULL THEN 'shopify:' || left(o.email_hash, 20) END`;
  const money = (x: string) => `CAST(round(${x}, 2) AS DECIMAL(18,2))`;
  const ordersRel = await createRelation(
    ctx,
    'shopify_orders_out',
    `SELECT o._line,
        o.name AS order_id,
        CASE WHEN o.origin = 'pos' THEN ${b.bind(config.pos_channel_id)} ELSE ${b.bind(config.channel_id)} END AS channel_id,
        ${b.mapped('o.location', config.locations)} AS location_id,
        ${customerKey} AS customer_id,
        o.created_t AS ordered_at,
        ${status} AS status,
        o.currency,
        coalesce(${asText(money('o.subtotal * o.f'))}, o.subtotal_t) AS subtotal,
        ${asText(money('greatest(o.product_discount, 0) * o.f'))} AS discount_total,
        coalesce(${asText(money('o.shipping * o.f'))}, o.shipping_t) AS shipping_amount,
        o.taxes_t AS tax_total,
        o.total_t AS total,
        o.discount_code AS promo_code,
        o.payment_method,
        CASE WHEN o.origin = 'pos' THEN 'carry_out' ELSE 'ship' END AS fulfilment,
        concat_ws('; ',
          CASE WHEN o.total_t IS NULL THEN 'order fields (Total, Subtotal…) missing on the first row of ' || coalesce(o.name, 'an order without Name') END,
          CASE WHEN o.product_discount < -0.02 THEN 'Subtotal ' || o.subtotal_t || ' exceeds the line items (' || CAST(o.gross AS DECIMAL(18,2)) || ')' END,
          CASE WHEN o.product_discount > coalesce(o.discount_amount, 0) + 0.02 THEN 'Subtotal ' || o.subtotal_t || ' differs from the line items (' || CAST(o.gross AS DECIMAL(18,2)) || ') minus Discount Amount (' || CAST(coalesce(o.discount_amount, 0) AS DECIMAL(18,2)) || ')' END,
          CASE WHEN ${status} NOT IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'fraud') THEN 'Financial Status ''' || coalesce(o.fin, '') || ''' is not a Shopify status' END
        ) AS _src_reason
     FROM ${o} o`,
    b.params,
  );
  yield {
    kind: 'relation',
    table: 'orders',
    file,
    relation: ordersRel,
    columns: await relationColumns(ctx, ordersRel),
    reasonColumn: '_src_reason',
    mode: 'replace',
    parse: {},
  };

  // Lines: Lineitem discount, plus the rest of the product discount spread in proportion of
  // each line's value after its own discount; the last line takes the rounding.
  const lines = await createRelation(
    ctx,
    'shopify_lines',
    `SELECT l.*, o.f, o.product_discount, o.line_discounts,
        greatest(o.product_discount - o.line_discounts, 0) AS rest,
        sum(l.q * l.p - l.ld) OVER (PARTITION BY l.block) AS net_total,
        o.max_line
     FROM ${r} l JOIN ${o} o USING (block)`,
  );
  const share = `CASE WHEN x.net_total > 0 THEN round(x.rest * (x.q * x.p - x.ld) / x.net_total, 2) ELSE 0 END`;
  const allocated = await createRelation(
    ctx,
    'shopify_lines_alloc',
    `SELECT x.*, x.ld + CASE WHEN x.line_no = x.max_line
          THEN x.rest - coalesce(sum(${share}) OVER (PARTITION BY x.block ORDER BY x.line_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
          ELSE ${share} END AS disc
     FROM ${ident(lines)} x`,
  );
  const linesRel = await createRelation(
    ctx,
    'shopify_lines_out',
    `SELECT a._line,
        a.name AS order_id,
        CAST(a.line_no AS VARCHAR) AS line_no,
        a.sku,
        a.q_t AS quantity,
        coalesce(${asText('CAST(round(a.p * a.f, 4) AS DECIMAL(18,4))')}, a.p_t) AS unit_list_price,
        coalesce(${asText('CAST(round((a.q * a.p - a.disc) * a.f / nullif(a.q, 0), 4) AS DECIMAL(18,4))')}, a.p_t) AS unit_price,
        ${asText('CAST(round(a.disc * a.f, 2) AS DECIMAL(18,2))')} AS discount_amount,
        CASE WHEN a.sku IS NULL THEN 'Lineitem sku: empty for ''' || coalesce(a.item_name, '') || ''' (a custom item? give it a SKU)' END AS _src_reason
     FROM ${ident(allocated)} a`,
  );
  yield {
    kind: 'relation',
    table: 'order_lines',
    file,
    relation: linesRel,
    columns: await relationColumns(ctx, linesRel),
    reasonColumn: '_src_reason',
    mode: 'replace',
    parse: {},
  };

  const customers = await createRelation(
    ctx,
    'shopify_customers',
    `SELECT min(o._line) AS _line,
        'shopify:' || left(o.email_hash, 20) AS customer_id,
        CAST(min(o.created) AS VARCHAR) AS created_at,
        o.email_hash,
        arg_min(CASE WHEN o.phone IS NOT NULL THEN ${phoneHash('o.phone', salt)} END, o._line) FILTER (WHERE o.phone IS NOT NULL) AS phone_hash,
        arg_min(o.province, o._line) FILTER (WHERE o.province IS NOT NULL) AS region,
        arg_min(o.country, o._line) FILTER (WHERE o.country IS NOT NULL) AS country
     FROM ${o} o WHERE o.email_hash IS NOT NULL GROUP BY o.email_hash`,
  );
  yield {
    kind: 'relation',
    table: 'customers',
    file,
    relation: customers,
    columns: await relationColumns(ctx, customers),
    mode: 'patch',
    parse: {},
    keepEarliest: ['created_at'],
  };

  // Refunds: the whole order back (every line at its net value), or one unit of the line of
  // highest value for the refunded amount excluding tax, capped at the order's subtotal.
  const tolerance = 0.02;
  const returns = await createRelation(
    ctx,
    'shopify_returns',
    `WITH r AS (
       SELECT a.*, o.refunded AS o_refunded, o.total AS o_total, o.taxes AS o_taxes, o.subtotal AS o_subtotal,
         o.created_t AS o_created_t,
         (lower(o.fin) = 'refunded' OR o.refunded >= o.total - ${tolerance}) AS full_refund,
         row_number() OVER (PARTITION BY a.block ORDER BY (a.q * a.p - a.disc) DESC, a.line_no) AS value_rank
       FROM ${ident(allocated)} a JOIN ${o} o USING (block)
       WHERE o.refunded > 0 AND o.cancelled_at IS NULL AND coalesce(lower(o.fin), '') <> 'voided'
     )
     SELECT _line, name || '-R' || CAST(line_no AS VARCHAR) AS return_id, name AS order_id,
        CAST(line_no AS VARCHAR) AS line_no, sku, q_t AS quantity,
        ${asText('CAST(round((q * p - disc) * f, 2) AS DECIMAL(18,2))')} AS refund_amount,
        o_created_t AS returned_at, 'refund (Shopify export)' AS reason
     FROM r WHERE full_refund
     UNION ALL
     SELECT _line, name || '-R' || CAST(line_no AS VARCHAR), name, CAST(line_no AS VARCHAR), sku, '1',
        ${asText('CAST(round(least(o_refunded * (o_total - o_taxes) / nullif(o_total, 0), o_subtotal * f), 2) AS DECIMAL(18,2))')},
        o_created_t, 'partial refund (Shopify export: lines unknown)'
     FROM r WHERE NOT full_refund AND value_rank = 1`,
  );
  yield {
    kind: 'relation',
    table: 'returns',
    file,
    relation: returns,
    columns: await relationColumns(ctx, returns),
    mode: 'replace',
    parse: {},
  };
}

export const shopifySource: SourceDef<ShopifyConfig> = {
  name: 'shopify',
  description: 'the Shopify orders export (CSV, one row per line item)',
  configSchema: shopifyConfigSchema,
  tables: ['customers', 'orders', 'order_lines', 'returns'],
  primaryTable: 'order_lines',
  personalInput: true,
  async check(ctx, file) {
    const sniffed = sniffCsv(file.facts, ctx.csv);
    return new ExportColumns(sniffed.header).missing(file.path, REQUIRED, 'Shopify orders export');
  },
  read(ctx, file, config) {
    return shopifyBatches(ctx, file, config);
  },
};
