import { z } from 'zod';
import { sniffCsv } from '../../csv/csv-dialect.js';
import { stageCsvText } from '../../csv/csv-staging.js';
import type {
  RecordBatch,
  SourceContext,
  SourceDef,
  SourceFile,
  SourceProblem,
} from '../../source.js';
import { ident } from '../../sql-text.js';
import {
  Binder,
  ExportColumns,
  asText,
  createRelation,
  emailHash,
  relationColumns,
} from '../connector-sql.js';

/**
 * A Magento 2 table export: `sales_order` and `sales_order_item` as CSV (both files in the same
 * load: an item names its order by entity_id, the model by increment_id). Feeds orders,
 * order_lines, customers and returns.
 *
 * Conventions:
 * - order_id is the increment_id customers see; created_at is UTC.
 * - Magento's discount_amount is negative; subtotal is before discount: the model's subtotal
 *   is subtotal + discount_amount, its discount_total −discount_amount.
 * - Items of a configurable product come twice: the parent (priced, carrying the chosen SKU)
 *   and its child (parent_item_id set, price 0). The child is the same line: not loaded.
 * - qty_refunded and amount_refunded (tax excluded) of an item are its return, dated at the
 *   order's updated_at (the export has no credit-memo date).
 * - Status: pending, pending_payment, holded, payment_review → placed; processing → paid;
 *   complete → delivered; closed (refunded) → paid; canceled → cancelled; fraud → fraud.
 * - Customers: `magento:<customer_id>` (the web account), `magento:<e-mail hash>` for guests.
 */

export const magentoConfigSchema = z
  .object({
    channel_id: z.string().min(1).default('web'),
  })
  .strict();

export type MagentoConfig = z.infer<typeof magentoConfigSchema>;

const ORDER_COLUMNS = [
  'entity_id',
  'increment_id',
  'status',
  'created_at',
  'order_currency_code',
  'subtotal',
  'discount_amount',
  'shipping_amount',
  'tax_amount',
  'grand_total',
];
const ITEM_COLUMNS = ['item_id', 'order_id', 'sku', 'qty_ordered', 'price'];

type Kind = 'orders' | 'items';

function kindOf(header: readonly string[]): Kind | null {
  if (header.includes('increment_id') && header.includes('grand_total')) return 'orders';
  if (header.includes('item_id') && header.includes('qty_ordered')) return 'items';
  return null;
}

interface Staged {
  readonly file: SourceFile;
  readonly relation: string;
  readonly columns: ExportColumns;
}

interface Pending {
  readonly orders: Staged[];
  readonly items: Staged[];
}

/** The files of the run, staged by read() and joined by finish(). */
function pendingOf(ctx: SourceContext): Pending {
  let p = ctx.runState.get('magento') as Pending | undefined;
  if (!p) {
    p = { orders: [], items: [] };
    ctx.runState.set('magento', p);
  }
  return p;
}

async function* finishRun(ctx: SourceContext, config: MagentoConfig): AsyncIterable<RecordBatch> {
  const run = pendingOf(ctx);
  const salt = ctx.salt;
  const union = (parts: readonly Staged[], cols: (s: Staged) => string) =>
    parts
      .map((p) => `SELECT ${p.file.index} AS _file, ${cols(p)} FROM ${ident(p.relation)} s`)
      .join(' UNION ALL ');
  const b = new Binder();
  const oSelect = (p: Staged) => {
    const c = p.columns;
    return `s._line, ${c.text('entity_id')} AS entity_id, ${c.text('increment_id')} AS increment_id, lower(${c.text('status')}) AS status,
      ${c.text('created_at')} AS created_at, ${c.text('updated_at')} AS updated_at, upper(${c.text('order_currency_code')}) AS currency,
      ${c.num('subtotal')} AS subtotal, ${c.num('discount_amount')} AS discount, ${c.num('shipping_amount')} AS shipping,
      ${c.text('shipping_amount')} AS shipping_t, ${c.text('tax_amount')} AS tax_t, ${c.text('grand_total')} AS total_t, ${c.text('subtotal')} AS subtotal_t,
      ${c.text('customer_id')} AS customer_id, ${c.text('customer_email')} AS email, ${c.text('coupon_code')} AS coupon,
      upper(${c.text('customer_country')}) AS country`;
  };
  const iSelect = (p: Staged) => {
    const c = p.columns;
    return `s._line, ${c.text('item_id')} AS item_id, ${c.text('order_id')} AS order_entity, ${c.text('parent_item_id')} AS parent_item_id,
      ${c.text('sku')} AS sku, ${c.text('name')} AS name, ${c.text('qty_ordered')} AS qty_t, ${c.num('qty_ordered')} AS qty,
      ${c.num('price')} AS price, ${c.text('price')} AS price_t, coalesce(${c.num('discount_amount')}, 0) AS discount,
      ${c.text('tax_amount')} AS tax_t, ${c.num('qty_refunded')} AS qty_refunded, ${c.num('amount_refunded')} AS amount_refunded`;
  };
  const orders = await createRelation(
    ctx,
    'magento_orders',
    run.orders.length > 0
      ? `SELECT *, CASE WHEN email IS NOT NULL THEN ${emailHash('email', salt)} END AS email_hash,
           CASE WHEN customer_id IS NOT NULL THEN 'magento:' || customer_id
                WHEN email IS NOT NULL THEN 'magento:' || left(${emailHash('email', salt)}, 20) END AS customer_key
         FROM (${union(run.orders, oSelect)})`
      : `SELECT CAST(NULL AS INTEGER) AS _file, CAST(NULL AS BIGINT) AS _line, CAST(NULL AS VARCHAR) AS entity_id, CAST(NULL AS VARCHAR) AS increment_id, CAST(NULL AS VARCHAR) AS updated_at, CAST(NULL AS VARCHAR) AS created_at WHERE false`,
  );
  const status = `CASE o.status WHEN 'pending' THEN 'placed' WHEN 'pending_payment' THEN 'placed' WHEN 'holded' THEN 'placed'
      WHEN 'payment_review' THEN 'placed' WHEN 'processing' THEN 'paid' WHEN 'complete' THEN 'delivered' WHEN 'closed' THEN 'paid'
      WHEN 'canceled' THEN 'cancelled' WHEN 'fraud' THEN 'fraud' ELSE o.status END`;
  // With the items file in the load, an order none of whose items could be read (a truncated or
  // mis-encoded line) would be loaded without lines: it is refused with them instead.
  const noItems =
    run.items.length > 0
      ? `CASE WHEN NOT EXISTS (SELECT 1 FROM (${union(run.items, iSelect)}) i WHERE i.order_entity = o.entity_id) THEN 'no item of this order could be read from the sales_order_item file of this load' END`
      : 'NULL';
  if (run.orders.length > 0) {
    const out = await createRelation(
      ctx,
      'magento_orders_out',
      `SELECT o._file, o._line, o.increment_id AS order_id, ${b.bind(config.channel_id)} AS channel_id, o.customer_key AS customer_id,
          o.created_at AS ordered_at, ${status} AS status, o.currency,
          coalesce(${asText('CAST(o.subtotal + coalesce(o.discount, 0) AS DECIMAL(18,2))')}, o.subtotal_t) AS subtotal,
          ${asText('CAST(-coalesce(o.discount, 0) AS DECIMAL(18,2))')} AS discount_total,
          coalesce(o.shipping_t, '0') AS shipping_amount, coalesce(o.tax_t, '0') AS tax_total, o.total_t AS total,
          o.coupon AS promo_code, 'ship' AS fulfilment,
          nullif(concat_ws('; ',
            CASE WHEN ${status} NOT IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'fraud') THEN 'status ''' || coalesce(o.status, '') || ''' is not a Magento order status' END,
            ${noItems}), '') AS _src_reason
       FROM ${ident(orders)} o`,
      b.params,
    );
    for (const p of run.orders)
      yield* perFile(ctx, 'orders', p.file, out, '_src_reason', 'replace');
    const customers = await createRelation(
      ctx,
      'magento_customers',
      `SELECT min(_file) AS _file, min(_line) AS _line, customer_key AS customer_id,
          CAST(min(TRY_CAST(created_at AS TIMESTAMPTZ)) AS VARCHAR) AS created_at,
          arg_min(email_hash, _line) FILTER (WHERE email_hash IS NOT NULL) AS email_hash,
          max(customer_id) AS web_account_id,
          arg_min(country, _line) FILTER (WHERE country IS NOT NULL) AS country
       FROM ${ident(orders)} WHERE customer_key IS NOT NULL GROUP BY customer_key`,
    );
    for (const p of run.orders)
      yield* perFile(ctx, 'customers', p.file, customers, undefined, 'patch', ['created_at']);
  }
  if (run.items.length > 0) {
    // Children of configurable items are the parent's line; lines are numbered per order. An order
    // sent twice (refused as a duplicate) must not multiply its items: one copy is joined.
    const items = await createRelation(
      ctx,
      'magento_items',
      `SELECT i.*, o.increment_id, o.updated_at, o.created_at AS order_created,
          row_number() OVER (PARTITION BY i.order_entity ORDER BY TRY_CAST(i.item_id AS BIGINT), i.item_id) AS line_no
       FROM (${union(run.items, iSelect)}) i
       LEFT JOIN (SELECT * FROM ${ident(orders)} QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY _file, _line) = 1) o
         ON o.entity_id = i.order_entity
       WHERE i.parent_item_id IS NULL
       ORDER BY i._file, i._line`,
    );
    const lines = await createRelation(
      ctx,
      'magento_lines_out',
      `SELECT _file, _line, increment_id AS order_id, CAST(line_no AS VARCHAR) AS line_no, sku, qty_t AS quantity,
          coalesce(${asText('CAST(price AS DECIMAL(18,4))')}, price_t) AS unit_list_price,
          coalesce(${asText('CAST(round((qty * price - discount) / nullif(qty, 0), 4) AS DECIMAL(18,4))')}, price_t) AS unit_price,
          ${asText('CAST(discount AS DECIMAL(18,2))')} AS discount_amount, tax_t AS tax_amount,
          CASE WHEN increment_id IS NULL THEN 'order entity_id ' || coalesce(order_entity, '?') || ' is not in the sales_order file of this load (load both files together)' END AS _src_reason
       FROM ${ident(items)}`,
    );
    for (const p of run.items)
      yield* perFile(ctx, 'order_lines', p.file, lines, '_src_reason', 'replace');
    const returns = await createRelation(
      ctx,
      'magento_returns',
      `SELECT _file, _line, increment_id || '-' || item_id AS return_id, increment_id AS order_id, CAST(line_no AS VARCHAR) AS line_no, sku,
          ${asText('CAST(qty_refunded AS INTEGER)')} AS quantity, ${asText('CAST(amount_refunded AS DECIMAL(18,2))')} AS refund_amount,
          coalesce(updated_at, order_created) AS returned_at, 'credit memo (Magento export)' AS reason
       FROM ${ident(items)} WHERE qty_refunded > 0 AND increment_id IS NOT NULL`,
    );
    for (const p of run.items)
      yield* perFile(ctx, 'returns', p.file, returns, undefined, 'replace');
  }
}

/** The part of a relation that came from one file (records name their own file). */
async function* perFile(
  ctx: SourceContext,
  table: string,
  file: SourceFile,
  relation: string,
  reasonColumn: string | undefined,
  mode: 'replace' | 'patch',
  keepEarliest?: string[],
): AsyncIterable<RecordBatch> {
  const part = await createRelation(
    ctx,
    `${table}_part`,
    `SELECT * EXCLUDE (_file) FROM ${ident(relation)} WHERE _file = ${file.index}`,
  );
  yield {
    kind: 'relation',
    table,
    file,
    relation: part,
    columns: await relationColumns(ctx, part),
    ...(reasonColumn ? { reasonColumn } : {}),
    mode,
    parse: {},
    ...(keepEarliest ? { keepEarliest } : {}),
  };
}

export const magentoSource: SourceDef<MagentoConfig> = {
  name: 'magento',
  description: 'a Magento 2 sales_order / sales_order_item table export (CSV)',
  configSchema: magentoConfigSchema,
  tables: ['customers', 'orders', 'order_lines', 'returns'],
  primaryTable: 'orders',
  personalInput: true,
  async check(ctx, file) {
    const header = sniffCsv(file.facts, ctx.csv).header;
    const kind = kindOf(header);
    if (!kind) {
      return [
        {
          severity: 'error',
          file: file.path,
          line: 1,
          message:
            'neither a sales_order export (increment_id, grand_total…) nor a sales_order_item export (item_id, qty_ordered…)',
        },
      ];
    }
    const cols = new ExportColumns(header);
    const problems: SourceProblem[] =
      kind === 'orders'
        ? cols.missing(file.path, ORDER_COLUMNS, 'sales_order export')
        : cols.missing(file.path, ITEM_COLUMNS, 'sales_order_item export');
    return problems;
  },
  async *read(ctx, file): AsyncIterable<RecordBatch> {
    const sniffed = sniffCsv(file.facts, ctx.csv);
    const kind = kindOf(sniffed.header) as Kind;
    const staged = await stageCsvText(ctx, file, sniffed.dialect, `magento_${kind}`);
    if (staged.unreadable.length > 0) {
      yield {
        kind: 'unreadable',
        table: kind === 'orders' ? 'orders' : 'order_lines',
        file,
        records: staged.unreadable,
      };
    }
    pendingOf(ctx)[kind].push({
      file,
      relation: staged.relation,
      columns: new ExportColumns(sniffed.header),
    });
  },
  finish(ctx, config) {
    return finishRun(ctx, config);
  },
};
