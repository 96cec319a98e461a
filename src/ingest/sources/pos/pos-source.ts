import { z } from 'zod';
import { sniffCsv } from '../../csv/csv-dialect.js';
import { stageCsvText } from '../../csv/csv-staging.js';
import type { RecordBatch, SourceContext, SourceDef, SourceFile } from '../../source.js';
import { ident } from '../../sql-text.js';
import {
  Binder,
  ExportColumns,
  amount,
  asText,
  createRelation,
  relationColumns,
} from '../connector-sql.js';

/**
 * A point-of-sale item-sales export (Square style): one row per item of a ticket —
 * `Date, Time, Category, Item, Qty, SKU, Gross Sales, Discounts, Net Sales, Tax, Transaction ID,
 * Device Name, Location`, optionally `Time Zone`, `Event Type` (Payment / Refund) and a loyalty
 * card column. Feeds orders (one per ticket), order_lines, returns and customers (loyalty).
 *
 * Conventions:
 * - Amounts are read whatever their look (€12.50, -4,80 €, (2.00)); Discounts are negative.
 *   Gross Sales are tax-excluded; unit_list_price = Gross Sales / Qty, unit_price = Net / Qty.
 * - Date and Time are the store's wall clock: the row's Time Zone, else the location's time zone
 *   in the model, else the `timezone` option, else the workspace's.
 * - A refund row (Event Type Refund, or a negative Qty when the export has no Event Type) is a
 *   return of the ticket named in Transaction ID, on the line of that ticket with the same SKU.
 *   A negative Qty on a Payment row is refused (negative quantities only on returns).
 * - A loyalty card number makes the ticket's customer `pos:<card>` (identity resolution links it
 *   to the CRM customer with that loyalty_id).
 */

export const posConfigSchema = z
  .object({
    channel_id: z.string().min(1).default('store'),
    /** Currency of the amounts (default: the workspace's reporting currency). */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    /** IANA zone of Date and Time when the export and the model do not say. */
    timezone: z.string().min(1).optional(),
    /** strptime format of the Date column. */
    date_format: z.string().min(1).default('%Y-%m-%d'),
    /** POS location name → location_id of the model. */
    locations: z.record(z.string(), z.string()).default({}),
    /** Column holding the loyalty card number. */
    loyalty_column: z.string().min(1).default('Customer Reference ID'),
  })
  .strict();

export type PosConfig = z.infer<typeof posConfigSchema>;

const REQUIRED = [
  'Date',
  'Time',
  'Qty',
  'SKU',
  'Gross Sales',
  'Discounts',
  'Net Sales',
  'Tax',
  'Transaction ID',
  'Location',
];

async function* posBatches(
  ctx: SourceContext,
  file: SourceFile,
  config: PosConfig,
): AsyncIterable<RecordBatch> {
  const sniffed = sniffCsv(file.facts, ctx.csv);
  const staged = await stageCsvText(ctx, file, sniffed.dialect, 'pos_export');
  if (staged.unreadable.length > 0) {
    yield { kind: 'unreadable', table: 'order_lines', file, records: staged.unreadable };
  }
  const c = new ExportColumns(sniffed.header);
  const b = new Binder();
  const location = b.mapped(c.text('Location'), config.locations);
  const refund = c.has('Event Type')
    ? `lower(${c.text('Event Type')}) = 'refund'`
    : `TRY_CAST(${c.text('Qty')} AS DOUBLE) < 0`;
  const zone = `coalesce(${c.text('Time Zone')}, (SELECT l.timezone FROM locations l WHERE l.location_id = ${location}), ${b.bind(config.timezone ?? ctx.config.timezone)})`;
  const money = (name: string) => amount(c.text(name));
  const notAmount = (name: string) =>
    `CASE WHEN ${c.text(name)} IS NOT NULL AND ${money(name)} IS NULL THEN '${name}: not an amount (''' || ${c.text(name)} || ''')' END`;
  const rows = await createRelation(
    ctx,
    'pos_rows',
    `SELECT *, row_number() OVER (PARTITION BY ticket, is_refund ORDER BY _line) AS n FROM (
       SELECT s._line,
         ${c.text('Transaction ID')} AS ticket,
         ${refund} AS is_refund,
         ${c.text('SKU')} AS sku,
         ${c.text('Item')} AS item,
         ${c.text('Qty')} AS q_t,
         TRY_CAST(${c.text('Qty')} AS DECIMAL(18,3)) AS q,
         ${money('Gross Sales')} AS gross,
         ${money('Discounts')} AS discounts,
         ${money('Net Sales')} AS net,
         ${money('Tax')} AS tax,
         ${location} AS location_id,
         ${c.text(config.loyalty_column)} AS loyalty,
         timezone(${zone}, try_strptime(${c.text('Date')} || ' ' || ${c.text('Time')}, ${b.bind(`${config.date_format} %H:%M:%S`)})) AS sold_at,
         ${c.text('Date')} || ' ' || ${c.text('Time')} AS at_t,
         concat_ws('; ', ${notAmount('Gross Sales')}, ${notAmount('Discounts')}, ${notAmount('Net Sales')}, ${notAmount('Tax')},
           CASE WHEN try_strptime(${c.text('Date')} || ' ' || ${c.text('Time')}, ${b.bind(`${config.date_format} %H:%M:%S`)}) IS NULL
             THEN 'Date and Time: not a date and time (''' || coalesce(${c.text('Date')}, '') || ' ' || coalesce(${c.text('Time')}, '') || ''')' END,
           CASE WHEN abs(${money('Gross Sales')} + coalesce(${money('Discounts')}, 0) - ${money('Net Sales')}) > 0.02
             THEN 'Net Sales ' || ${c.text('Net Sales')} || ' differs from Gross Sales ' || ${c.text('Gross Sales')} || ' + Discounts ' || coalesce(${c.text('Discounts')}, '0') END) AS reason
       FROM ${ident(staged.relation)} s)`,
    b.params,
  );
  const r = ident(rows);
  const b2 = new Binder();
  const currency = b2.bind(config.currency ?? ctx.config.reporting_currency);
  const channel = b2.bind(config.channel_id);
  const orders = await createRelation(
    ctx,
    'pos_orders',
    `SELECT min(_line) AS _line, ticket AS order_id, ${channel} AS channel_id,
        arg_min(location_id, _line) AS location_id,
        CASE WHEN max(loyalty) IS NOT NULL THEN 'pos:' || max(loyalty) END AS customer_id,
        CASE WHEN count(sold_at) = count(*) THEN CAST(min(sold_at) AS VARCHAR) ELSE arg_min(at_t, _line) END AS ordered_at,
        'paid' AS status, ${currency} AS currency,
        ${asText('CAST(sum(net) AS DECIMAL(18,2))')} AS subtotal,
        ${asText('CAST(-sum(coalesce(discounts, 0)) AS DECIMAL(18,2))')} AS discount_total,
        '0.00' AS shipping_amount,
        ${asText('CAST(sum(coalesce(tax, 0)) AS DECIMAL(18,2))')} AS tax_total,
        ${asText('CAST(sum(net) + sum(coalesce(tax, 0)) AS DECIMAL(18,2))')} AS total,
        'carry_out' AS fulfilment
     FROM ${r} WHERE NOT is_refund GROUP BY ticket`,
    b2.params,
  );
  yield {
    kind: 'relation',
    table: 'orders',
    file,
    relation: orders,
    columns: await relationColumns(ctx, orders),
    mode: 'replace',
    parse: {},
  };
  const lines = await createRelation(
    ctx,
    'pos_lines',
    `SELECT _line, ticket AS order_id, CAST(n AS VARCHAR) AS line_no, sku, q_t AS quantity,
        ${asText('CAST(round(gross / nullif(q, 0), 4) AS DECIMAL(18,4))')} AS unit_list_price,
        ${asText('CAST(round(net / nullif(q, 0), 4) AS DECIMAL(18,4))')} AS unit_price,
        ${asText('CAST(-coalesce(discounts, 0) AS DECIMAL(18,2))')} AS discount_amount,
        ${asText('CAST(tax AS DECIMAL(18,2))')} AS tax_amount,
        reason AS _src_reason
     FROM ${r} WHERE NOT is_refund`,
  );
  yield {
    kind: 'relation',
    table: 'order_lines',
    file,
    relation: lines,
    columns: await relationColumns(ctx, lines),
    reasonColumn: '_src_reason',
    mode: 'replace',
    parse: {},
  };
  // A refund returns the line of its ticket with the same SKU: in this file, or already loaded.
  const b3 = new Binder();
  const returns = await createRelation(
    ctx,
    'pos_returns',
    `SELECT f._line, f.ticket || '-R' || CAST(f.n AS VARCHAR) AS return_id, f.ticket AS order_id,
        CAST(coalesce(
          (SELECT min(s.n) FROM ${r} s WHERE s.ticket = f.ticket AND NOT s.is_refund AND s.sku = f.sku),
          (SELECT min(l.line_no) FROM order_lines l WHERE l.order_id = f.ticket AND l.sku = f.sku)) AS VARCHAR) AS line_no,
        f.sku, ${asText('CAST(-f.q AS INTEGER)')} AS quantity,
        ${asText('CAST(-f.net AS DECIMAL(18,2))')} AS refund_amount,
        CASE WHEN f.sold_at IS NOT NULL THEN CAST(f.sold_at AS VARCHAR) ELSE f.at_t END AS returned_at,
        'refund at the till' AS reason, ${b3.bind(config.channel_id)} AS channel_id, f.location_id,
        concat_ws('; ', nullif(f.reason, ''),
          CASE WHEN NOT EXISTS (SELECT 1 FROM ${r} s WHERE s.ticket = f.ticket AND NOT s.is_refund AND s.sku = f.sku)
            AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = f.ticket AND l.sku = f.sku)
            THEN 'SKU ' || coalesce(f.sku, '') || ' is not on ticket ' || coalesce(f.ticket, '') END,
          CASE WHEN f.q > 0 THEN 'Qty: a refund row should count units coming back as negative (' || f.q_t || ')' END) AS _src_reason
     FROM ${r} f WHERE f.is_refund`,
    b3.params,
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
  if (c.has(config.loyalty_column)) {
    const customers = await createRelation(
      ctx,
      'pos_customers',
      `SELECT min(_line) AS _line, 'pos:' || loyalty AS customer_id, loyalty AS loyalty_id,
          CAST(min(sold_at) AS VARCHAR) AS created_at
       FROM ${r} WHERE loyalty IS NOT NULL GROUP BY loyalty`,
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
  }
}

export const posSource: SourceDef<PosConfig> = {
  name: 'pos',
  description: 'a point-of-sale item-sales export (Square style, one row per item of a ticket)',
  configSchema: posConfigSchema,
  tables: ['customers', 'orders', 'order_lines', 'returns'],
  primaryTable: 'order_lines',
  personalInput: false,
  async check(ctx, file) {
    const sniffed = sniffCsv(file.facts, ctx.csv);
    return new ExportColumns(sniffed.header).missing(file.path, REQUIRED, 'item-sales export');
  },
  read(ctx, file, config) {
    return posBatches(ctx, file, config);
  },
};
