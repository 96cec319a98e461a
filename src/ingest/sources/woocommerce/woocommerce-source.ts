import { z } from 'zod';
import { jsonArray, jsonText, readJsonArray } from '../../json/json-records.js';
import type { RecordBatch, SourceContext, SourceDef, SourceFile } from '../../source.js';
import { ident } from '../../sql-text.js';
import {
  Binder,
  asText,
  createRelation,
  emailHash,
  phoneHash,
  relationColumns,
} from '../connector-sql.js';

/**
 * WooCommerce orders as its REST API returns them (`GET /wp-json/wc/v3/orders`, a JSON array;
 * one file per page is fine). Money is in decimal strings; refunds are child objects. Feeds
 * orders, order_lines, customers and returns.
 *
 * Conventions:
 * - Line amounts of the API exclude tax whatever the shop's display: unit_list_price =
 *   subtotal / quantity, discount_amount = subtotal − total, unit_price = total / quantity.
 * - The order's subtotal is total − total_tax − shipping_total (goods after discounts); the
 *   checks compare it with its lines.
 * - Status: pending, on-hold, checkout-draft → placed; processing → paid; completed → delivered;
 *   cancelled, failed → cancelled; refunded → paid (its refunds are returns).
 * - A refund with line items returns those items (matched by `_refunded_item_id`, else SKU) at
 *   their tax-excluded total; without, one unit of the line of highest value for the refund
 *   without tax. A refund is dated by its own `date_created_gmt`, else the order's.
 * - Customers: `woocommerce:<account id>` (also the web account id, which GA4's user_id
 *   carries), or `woocommerce:<e-mail hash>` for guests.
 */

export const woocommerceConfigSchema = z
  .object({
    channel_id: z.string().min(1).default('web'),
  })
  .strict();

export type WoocommerceConfig = z.infer<typeof woocommerceConfigSchema>;

const ORDER_FIELDS = [
  'id',
  'number',
  'status',
  'currency',
  'date_created_gmt',
  'date_modified_gmt',
  'discount_total',
  'shipping_total',
  'total',
  'total_tax',
  'customer_id',
  'billing.email',
  'billing.phone',
  'billing.country',
  'billing.state',
  'payment_method_title',
];

async function stage(
  ctx: SourceContext,
  prefix: string,
  columns: readonly string[],
  rows: Array<Array<string | number | null>>,
): Promise<string> {
  const name = ctx.tempName(prefix);
  await ctx.engine.exec(
    `CREATE TEMPORARY TABLE ${ident(name)} (_line BIGINT, ${columns.map((c) => `${ident(c)} VARCHAR`).join(', ')})`,
  );
  if (rows.length > 0) await ctx.engine.appendRows(name, ['_line', ...columns], rows);
  return name;
}

function refundedItemId(item: unknown): string | null {
  const direct = jsonText(item, 'refunded_item_id');
  if (direct) return direct;
  for (const m of jsonArray(item, 'meta_data')) {
    if (jsonText(m, 'key') === '_refunded_item_id') return jsonText(m, 'value');
  }
  return null;
}

async function* wooBatches(
  ctx: SourceContext,
  file: SourceFile,
  config: WoocommerceConfig,
): AsyncIterable<RecordBatch> {
  const records = readJsonArray(file.path);
  const unreadable = records
    .filter((r) => r.value === null || typeof r.value !== 'object' || Array.isArray(r.value))
    .map((r) => ({ line: r.line, reason: r.error ?? 'not a JSON object', text: null }));
  if (unreadable.length > 0)
    yield { kind: 'unreadable', table: 'orders', file, records: unreadable };
  const orders: Array<Array<string | number | null>> = [];
  const items: Array<Array<string | number | null>> = [];
  const refunds: Array<Array<string | number | null>> = [];
  const refundItems: Array<Array<string | number | null>> = [];
  for (const r of records) {
    if (r.value === null || typeof r.value !== 'object' || Array.isArray(r.value)) continue;
    const o = r.value;
    const coupons = jsonArray(o, 'coupon_lines')
      .map((c) => jsonText(c, 'code'))
      .filter((c): c is string => c !== null);
    orders.push([
      r.line,
      ...ORDER_FIELDS.map((f) => jsonText(o, f)),
      coupons.length > 0 ? coupons.join(',') : null,
    ]);
    for (const it of jsonArray(o, 'line_items')) {
      items.push([
        r.line,
        jsonText(o, 'id'),
        jsonText(it, 'id'),
        jsonText(it, 'sku'),
        jsonText(it, 'name'),
        jsonText(it, 'quantity'),
        jsonText(it, 'subtotal'),
        jsonText(it, 'total'),
        jsonText(it, 'total_tax'),
      ]);
    }
    for (const rf of jsonArray(o, 'refunds')) {
      refunds.push([
        r.line,
        jsonText(o, 'id'),
        jsonText(rf, 'id'),
        jsonText(rf, 'reason'),
        jsonText(rf, 'total') ?? jsonText(rf, 'amount'),
        jsonText(rf, 'date_created_gmt'),
      ]);
      for (const it of jsonArray(rf, 'line_items')) {
        refundItems.push([
          r.line,
          jsonText(o, 'id'),
          jsonText(rf, 'id'),
          refundedItemId(it),
          jsonText(it, 'sku'),
          jsonText(it, 'quantity'),
          jsonText(it, 'total'),
        ]);
      }
    }
  }
  const oRaw = await stage(
    ctx,
    'woo_orders_raw',
    [...ORDER_FIELDS.map((f) => f.replace('.', '_')), 'coupons'],
    orders,
  );
  const iRaw = await stage(
    ctx,
    'woo_items_raw',
    ['woo_order', 'item_id', 'sku', 'name', 'quantity', 'subtotal', 'total', 'total_tax'],
    items,
  );
  const rRaw = await stage(
    ctx,
    'woo_refunds_raw',
    ['woo_order', 'refund_id', 'reason', 'total', 'date_created_gmt'],
    refunds,
  );
  const riRaw = await stage(
    ctx,
    'woo_refund_items_raw',
    ['woo_order', 'refund_id', 'item_id', 'sku', 'quantity', 'total'],
    refundItems,
  );
  const salt = ctx.salt;
  const dec = (x: string) => `TRY_CAST(${x} AS DECIMAL(18,4))`;
  const utc = (x: string) =>
    `CASE WHEN ${x} IS NULL THEN NULL WHEN regexp_matches(${x}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN ${x} ELSE ${x} || 'Z' END`;
  const b = new Binder();
  const o = await createRelation(
    ctx,
    'woo_orders',
    `SELECT *, coalesce(number, id) AS order_id,
        CASE WHEN billing_email IS NOT NULL THEN ${emailHash('billing_email', salt)} END AS email_hash,
        CASE WHEN coalesce(customer_id, '0') <> '0' THEN 'woocommerce:' || customer_id
             WHEN billing_email IS NOT NULL THEN 'woocommerce:' || left(${emailHash('billing_email', salt)}, 20) END AS customer_key
     FROM ${ident(oRaw)}`,
  );
  const status = `CASE lower(o.status)
      WHEN 'pending' THEN 'placed' WHEN 'on-hold' THEN 'placed' WHEN 'checkout-draft' THEN 'placed'
      WHEN 'processing' THEN 'paid' WHEN 'completed' THEN 'delivered' WHEN 'refunded' THEN 'paid'
      WHEN 'cancelled' THEN 'cancelled' WHEN 'failed' THEN 'cancelled' ELSE o.status END`;
  const ordersOut = await createRelation(
    ctx,
    'woo_orders_out',
    `SELECT o._line, o.order_id, ${b.bind(config.channel_id)} AS channel_id, o.customer_key AS customer_id,
        ${utc('o.date_created_gmt')} AS ordered_at, ${status} AS status, upper(o.currency) AS currency,
        coalesce(${asText(`CAST(${dec('o.total')} - ${dec('o.total_tax')} - ${dec('o.shipping_total')} AS DECIMAL(18,2))`)}, o.total) AS subtotal,
        o.discount_total, o.shipping_total AS shipping_amount, o.total_tax AS tax_total, o.total,
        o.coupons AS promo_code, o.payment_method_title AS payment_method, 'ship' AS fulfilment,
        CASE WHEN ${status} NOT IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'fraud') THEN 'status ''' || coalesce(o.status, '') || ''' is not a WooCommerce order status' END AS _src_reason
     FROM ${ident(o)} o`,
    b.params,
  );
  yield {
    kind: 'relation',
    table: 'orders',
    file,
    relation: ordersOut,
    columns: await relationColumns(ctx, ordersOut),
    reasonColumn: '_src_reason',
    mode: 'replace',
    parse: {},
  };
  // Items belong to the record they were read from (its line): an order sent twice must not
  // multiply its items.
  const lines = await createRelation(
    ctx,
    'woo_lines',
    `SELECT i._line, o.order_id, i.item_id, row_number() OVER (PARTITION BY i.woo_order, i._line ORDER BY TRY_CAST(i.item_id AS BIGINT), i.item_id) AS line_no,
        i.sku, i.name, i.quantity, ${dec('i.quantity')} AS q, ${dec('i.subtotal')} AS sub, ${dec('i.total')} AS tot, i.total_tax
     FROM ${ident(iRaw)} i JOIN ${ident(o)} o ON o.id = i.woo_order AND o._line = i._line
     ORDER BY i._line, line_no`,
  );
  const linesOut = await createRelation(
    ctx,
    'woo_lines_out',
    `SELECT _line, order_id, CAST(line_no AS VARCHAR) AS line_no, sku, quantity,
        ${asText('CAST(round(sub / nullif(q, 0), 4) AS DECIMAL(18,4))')} AS unit_list_price,
        ${asText('CAST(round(tot / nullif(q, 0), 4) AS DECIMAL(18,4))')} AS unit_price,
        ${asText('CAST(sub - tot AS DECIMAL(18,2))')} AS discount_amount,
        total_tax AS tax_amount,
        CASE WHEN sku IS NULL THEN 'line item ''' || coalesce(name, '') || ''' has no SKU' END AS _src_reason
     FROM ${ident(lines)} ORDER BY _line, line_no`,
  );
  yield {
    kind: 'relation',
    table: 'order_lines',
    file,
    relation: linesOut,
    columns: await relationColumns(ctx, linesOut),
    reasonColumn: '_src_reason',
    mode: 'replace',
    parse: {},
  };
  const customers = await createRelation(
    ctx,
    'woo_customers',
    `SELECT min(_line) AS _line, customer_key AS customer_id,
        CAST(min(TRY_CAST(${utc('date_created_gmt')} AS TIMESTAMPTZ)) AS VARCHAR) AS created_at,
        arg_min(email_hash, _line) FILTER (WHERE email_hash IS NOT NULL) AS email_hash,
        arg_min(${phoneHash('billing_phone', salt)}, _line) FILTER (WHERE billing_phone IS NOT NULL) AS phone_hash,
        max(CASE WHEN coalesce(customer_id, '0') <> '0' THEN customer_id END) AS web_account_id,
        arg_min(upper(billing_country), _line) FILTER (WHERE billing_country IS NOT NULL) AS country,
        arg_min(billing_state, _line) FILTER (WHERE billing_state IS NOT NULL) AS region
     FROM ${ident(o)} WHERE customer_key IS NOT NULL GROUP BY customer_key`,
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
  // Refund items matched to their line; refunds without items on the line of highest value.
  const returns = await createRelation(
    ctx,
    'woo_returns',
    `WITH r AS (SELECT f.*, o.order_id, o.total AS o_total, o.total_tax AS o_tax, o.date_created_gmt AS o_date
                FROM ${ident(rRaw)} f JOIN ${ident(o)} o ON o.id = f.woo_order AND o._line = f._line
                WHERE lower(coalesce(o.status, '')) NOT IN ('cancelled', 'failed')),
          ri AS (SELECT x.*, row_number() OVER (PARTITION BY x.refund_id, x._line ORDER BY x.item_id) AS n FROM ${ident(riRaw)} x),
          ranked AS (SELECT l.*, row_number() OVER (PARTITION BY l.order_id, l._line ORDER BY l.tot DESC, l.line_no) AS value_rank FROM ${ident(lines)} l)
     SELECT r._line, 'woo-' || r.refund_id || '-' || CAST(ri.n AS VARCHAR) AS return_id, r.order_id,
        CAST(l.line_no AS VARCHAR) AS line_no, coalesce(l.sku, ri.sku) AS sku,
        ${asText('CAST(abs(TRY_CAST(ri.quantity AS DECIMAL(18,3))) AS INTEGER)')} AS quantity,
        ${asText('CAST(abs(TRY_CAST(ri.total AS DECIMAL(18,4))) AS DECIMAL(18,2))')} AS refund_amount,
        ${utc('coalesce(r.date_created_gmt, r.o_date)')} AS returned_at, r.reason,
        CASE WHEN l.line_no IS NULL THEN 'refunded item ' || coalesce(ri.item_id, ri.sku, '?') || ' is not a line of order ' || r.order_id END AS _src_reason
     FROM r JOIN ri ON ri.refund_id = r.refund_id AND ri._line = r._line
     LEFT JOIN ${ident(lines)} l ON l.order_id = r.order_id AND l._line = r._line AND (l.item_id = ri.item_id OR (ri.item_id IS NULL AND l.sku = ri.sku))
     UNION ALL
     SELECT r._line, 'woo-' || r.refund_id || '-1', r.order_id, CAST(l.line_no AS VARCHAR), l.sku, '1',
        ${asText(`CAST(round(abs(${dec('r.total')}) * (1 - ${dec('r.o_tax')} / nullif(${dec('r.o_total')}, 0)), 2) AS DECIMAL(18,2))`)},
        ${utc('coalesce(r.date_created_gmt, r.o_date)')}, r.reason, NULL
     FROM r JOIN ranked l ON l.order_id = r.order_id AND l._line = r._line AND l.value_rank = 1
     WHERE NOT EXISTS (SELECT 1 FROM ri WHERE ri.refund_id = r.refund_id AND ri._line = r._line)`,
  );
  yield {
    kind: 'relation',
    table: 'returns',
    file,
    relation: returns,
    columns: await relationColumns(ctx, returns),
    reasonColumn: '_src_reason',
    mode: 'replace',
    parse: {},
  };
}

export const woocommerceSource: SourceDef<WoocommerceConfig> = {
  name: 'woocommerce',
  description: 'WooCommerce orders from its REST API (JSON array)',
  configSchema: woocommerceConfigSchema,
  tables: ['customers', 'orders', 'order_lines', 'returns'],
  primaryTable: 'orders',
  personalInput: true,
  async check(_ctx, file) {
    const head = file.facts.head.toString('utf8').trimStart();
    if (!head.startsWith('[') && !head.startsWith('{')) {
      return [
        {
          severity: 'error',
          file: file.path,
          line: 1,
          message: 'not a JSON array of WooCommerce orders',
        },
      ];
    }
    return [];
  },
  read(ctx, file, config) {
    return wooBatches(ctx, file, config);
  },
};
