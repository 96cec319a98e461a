import { extname } from 'node:path';
import { z } from 'zod';
import { stageLines } from '../../csv/csv-staging.js';
import { NO_FILE, detectEncoding } from '../../file-scan.js';
import { INTERNAL } from '../../internal-tables.js';
import type { RecordBatch, SourceContext, SourceDef, SourceFile } from '../../source.js';
import { constant, ident } from '../../sql-text.js';
import { Binder, createRelation, relationColumns } from '../connector-sql.js';

/**
 * The GA4 BigQuery export (`events_YYYYMMDD`), as NDJSON or Parquet: one event per row with
 * repeated `event_params`, `items` and the `device`, `geo`, `traffic_source`,
 * `collected_traffic_source` and `ecommerce` records. Feeds sessions, web_events, touchpoints,
 * customers (user_id) and, as a fallback, online orders.
 *
 * GA4 rewrites a day's table for up to three days (late hits). Events are therefore kept as
 * exported in an event store (`_vitrine_ga4_events`): a load replaces the days its files hold,
 * and the sessions those days touch are rebuilt from the store — a session spanning midnight
 * is whole again, a rewritten day leaves no duplicate and no stale event.
 *
 * Conventions:
 * - session_id = user_pseudo_id.ga_session_id; visitor_id = user_pseudo_id; customer `ga4:<user_id>`
 *   with web_account_id = user_id (identity resolution links it to the e-shop account).
 * - Source, medium and campaign: collected_traffic_source (session scope), else the event's
 *   source / medium / campaign params; none → (direct) / (none).
 * - Bounced: no event of the session says session_engaged = 1.
 * - web_events: the model's events only (page_view, view_item, add_to_cart, begin_checkout,
 *   purchase), numbered in time order within the session; page_type from the page path.
 * - touchpoints: a visit per session whose medium is a marketing channel (cpc → sea, organic →
 *   seo, email, social, display, affiliate, sms).
 * - Orders from purchase events never overwrite an order the e-shop export gave
 *   (`insert-missing`): GA4 fills the gaps of a shop without an export, no more.
 */

export const ga4ConfigSchema = z
  .object({
    channel_id: z.string().min(1).default('web'),
    /** Orders from purchase events (off when the e-shop export is loaded). */
    orders: z.boolean().default(true),
  })
  .strict();

export type Ga4Config = z.infer<typeof ga4ConfigSchema>;

const SCHEMA = JSON.stringify({
  event_date: 'VARCHAR',
  event_timestamp: 'VARCHAR',
  event_name: 'VARCHAR',
  event_params: [
    {
      key: 'VARCHAR',
      value: {
        string_value: 'VARCHAR',
        int_value: 'VARCHAR',
        float_value: 'VARCHAR',
        double_value: 'VARCHAR',
      },
    },
  ],
  user_pseudo_id: 'VARCHAR',
  user_id: 'VARCHAR',
  device: { category: 'VARCHAR' },
  traffic_source: { source: 'VARCHAR', medium: 'VARCHAR', name: 'VARCHAR' },
  collected_traffic_source: {
    manual_source: 'VARCHAR',
    manual_medium: 'VARCHAR',
    manual_campaign_name: 'VARCHAR',
    manual_campaign_id: 'VARCHAR',
  },
  ecommerce: {
    transaction_id: 'VARCHAR',
    purchase_revenue: 'VARCHAR',
    tax_value: 'VARCHAR',
    shipping_value: 'VARCHAR',
  },
  items: [{ item_id: 'VARCHAR', item_name: 'VARCHAR', price: 'VARCHAR', quantity: 'VARCHAR' }],
});

const MODEL_EVENTS = ['page_view', 'view_item', 'add_to_cart', 'begin_checkout', 'purchase'];

function param(key: string): string {
  const v = `(list_filter(e.event_params, x -> x.key = ${constant(key)}))[1].value`;
  return `coalesce(${v}.string_value, ${v}.int_value, ${v}.double_value, ${v}.float_value)`;
}

/** The page type of a URL: the model's landing pages and event pages are types, not URLs. */
function pageType(url: string): string {
  const path = `lower(regexp_extract(${url}, '^(?:[a-z]+://[^/]+)?(/[^?#]*)', 1))`;
  return `CASE WHEN ${url} IS NULL THEN NULL
    WHEN ${path} IN ('', '/') THEN 'home'
    WHEN regexp_matches(${path}, '/(products?|p)/') THEN 'product'
    WHEN regexp_matches(${path}, '/(collections?|category|categories|c)(/|$)') THEN 'category'
    WHEN regexp_matches(${path}, '^/cart') THEN 'cart'
    WHEN regexp_matches(${path}, '^/checkout') THEN 'checkout'
    WHEN regexp_matches(${path}, '^/contact') THEN 'contact'
    WHEN regexp_matches(${path}, '^/search') THEN 'search'
    ELSE 'other' END`;
}

const CHANNEL_OF_MEDIUM = `CASE
    WHEN lower(medium) IN ('cpc', 'ppc', 'paidsearch', 'paid_search', 'sea') THEN 'sea'
    WHEN lower(medium) = 'organic' THEN 'seo'
    WHEN lower(medium) IN ('email', 'e-mail', 'newsletter') THEN 'email'
    WHEN lower(medium) IN ('social', 'paid_social', 'social-paid', 'paidsocial', 'social_network') THEN 'social'
    WHEN lower(medium) IN ('display', 'cpm', 'banner') THEN 'display'
    WHEN lower(medium) = 'affiliate' THEN 'affiliate'
    WHEN lower(medium) = 'sms' THEN 'sms' END`;

interface Pending {
  readonly parts: Array<{ file: SourceFile; relation: string }>;
}

function pendingOf(ctx: SourceContext): Pending {
  let p = ctx.runState.get('ga4') as Pending | undefined;
  if (!p) {
    p = { parts: [] };
    ctx.runState.set('ga4', p);
  }
  return p;
}

/** One file's events, parsed and checked (the store takes only the good ones). */
async function* readEvents(ctx: SourceContext, file: SourceFile): AsyncIterable<RecordBatch> {
  let lines: string;
  let unreadable: Array<{ line: number; reason: string; text: string | null }> = [];
  if (extname(file.path).toLowerCase() === '.parquet') {
    lines = ctx.tempName('ga4_lines');
    await ctx.engine.insertFromFile(
      lines,
      (from) =>
        `SELECT src.file_row_number + 1 AS _line, CAST(to_json(src) AS VARCHAR) AS line FROM ${from}`,
      { path: file.path, format: 'parquet' },
      { create: true },
    );
  } else {
    const staged = await stageLines(
      ctx,
      file,
      ctx.csv.encoding ?? detectEncoding(file.facts),
      'ga4_lines',
    );
    lines = staged.relation;
    unreadable = [...staged.unreadable];
  }
  const objects = `CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END`;
  const bad = await ctx.engine.run(
    `SELECT _line FROM ${ident(lines)} WHERE line IS NOT NULL AND trim(line) <> '' AND NOT (${objects}) ORDER BY _line`,
  );
  for (const r of bad.rows) {
    const line = Number(r['_line']);
    const cut = line === file.facts.lines && file.facts.unterminatedLastLine;
    unreadable.push({
      line,
      reason: cut
        ? 'the last line is cut off: not a JSON object (a truncated file?)'
        : 'the line is not a JSON object (GA4 event)',
      text: null,
    });
  }
  const parsed = await createRelation(
    ctx,
    'ga4_parsed',
    `SELECT _line, from_json(line, ${constant(SCHEMA)}) AS e FROM (SELECT * FROM ${ident(lines)} WHERE line IS NOT NULL AND trim(line) <> '' AND ${objects})`,
  );
  const b = new Binder();
  const events = await createRelation(
    ctx,
    'ga4_events',
    `SELECT _line, ${b.bind(file.path)} AS file,
        try_strptime(e.event_date, '%Y%m%d')::DATE AS event_date, e.event_date AS event_date_t,
        TRY_CAST(e.event_timestamp AS BIGINT) AS event_timestamp, e.event_timestamp AS event_timestamp_t,
        e.event_name, e.user_pseudo_id, e.user_id, ${param('ga_session_id')} AS ga_session_id,
        ${param('page_location')} AS page_location,
        ${param('session_engaged')} AS engaged,
        coalesce(e.collected_traffic_source.manual_source, ${param('source')}) AS source,
        coalesce(e.collected_traffic_source.manual_medium, ${param('medium')}) AS medium,
        coalesce(e.collected_traffic_source.manual_campaign_name, ${param('campaign')}) AS campaign,
        e.device.category AS device_category,
        e.ecommerce.transaction_id AS transaction_id,
        upper(${param('currency')}) AS currency,
        TRY_CAST(e.ecommerce.purchase_revenue AS DOUBLE) AS purchase_revenue,
        TRY_CAST(e.ecommerce.tax_value AS DOUBLE) AS tax_value,
        TRY_CAST(e.ecommerce.shipping_value AS DOUBLE) AS shipping_value,
        CASE WHEN len(e.items) > 0 THEN CAST(to_json(e.items) AS VARCHAR) END AS items,
        e.items[1].item_id AS item_id
     FROM ${ident(parsed)}`,
    b.params,
  );
  const invalid = await ctx.engine.run(
    `SELECT _line, concat_ws('; ',
        CASE WHEN user_pseudo_id IS NULL THEN 'user_pseudo_id missing' END,
        CASE WHEN event_name IS NULL THEN 'event_name missing' END,
        CASE WHEN event_timestamp IS NULL THEN 'event_timestamp: not microseconds (''' || coalesce(event_timestamp_t, '') || ''')' END,
        CASE WHEN event_date IS NULL THEN 'event_date: not YYYYMMDD (''' || coalesce(event_date_t, '') || ''')' END,
        CASE WHEN ga_session_id IS NULL THEN 'no ga_session_id param: the event belongs to no session' END) AS reason
     FROM ${ident(events)}
     WHERE user_pseudo_id IS NULL OR event_name IS NULL OR event_timestamp IS NULL OR event_date IS NULL OR ga_session_id IS NULL
     ORDER BY _line`,
  );
  for (const r of invalid.rows) {
    unreadable.push({ line: Number(r['_line']), reason: String(r['reason']), text: null });
  }
  if (unreadable.length > 0) {
    unreadable.sort((a, c) => a.line - c.line);
    yield { kind: 'unreadable', table: 'web_events', file, records: unreadable };
  }
  pendingOf(ctx).parts.push({ file, relation: events });
}

const STORE_COLUMNS = [
  'event_date',
  'event_timestamp',
  'event_name',
  'user_pseudo_id',
  'user_id',
  'ga_session_id',
  'page_location',
  'engaged',
  'source',
  'medium',
  'campaign',
  'device_category',
  'transaction_id',
  'currency',
  'purchase_revenue',
  'tax_value',
  'shipping_value',
  'items',
  'item_id',
];

const hashOf = (a: string) => `hash(${STORE_COLUMNS.map((c) => `${a}.${c}`).join(', ')})`;

async function* finishRun(ctx: SourceContext, config: Ga4Config): AsyncIterable<RecordBatch> {
  const run = pendingOf(ctx);
  if (run.parts.length === 0) return;
  const store = INTERNAL.ga4Events;
  const fresh = await createRelation(
    ctx,
    'ga4_fresh',
    run.parts
      .map(
        (p) =>
          `SELECT ${STORE_COLUMNS.join(', ')}, file, _line AS line FROM ${ident(p.relation)} WHERE user_pseudo_id IS NOT NULL AND event_name IS NOT NULL AND event_timestamp IS NOT NULL AND event_date IS NOT NULL AND ga_session_id IS NOT NULL`,
      )
      .join(' UNION ALL '),
  );
  const f = ident(fresh);
  const days = await createRelation(ctx, 'ga4_days', `SELECT DISTINCT event_date AS d FROM ${f}`);
  const old = await createRelation(
    ctx,
    'ga4_old',
    `SELECT * FROM ${store} WHERE event_date IN (SELECT d FROM ${ident(days)})`,
  );
  // Multisets of identical events: GA4 may send the same event twice, and so may a rewrite.
  const counts = await ctx.engine.run(
    `WITH n AS (SELECT ${hashOf('x')} AS h, count(*) AS c FROM ${f} x GROUP BY 1),
          o AS (SELECT ${hashOf('x')} AS h, count(*) AS c FROM ${ident(old)} x GROUP BY 1)
     SELECT coalesce(sum(greatest(coalesce(n.c, 0) - coalesce(o.c, 0), 0)), 0) AS added,
            coalesce(sum(least(coalesce(n.c, 0), coalesce(o.c, 0))), 0) AS kept,
            coalesce(sum(greatest(coalesce(o.c, 0) - coalesce(n.c, 0), 0)), 0) AS gone
     FROM n FULL JOIN o ON n.h = o.h`,
  );
  const c = counts.rows[0] ?? {};
  const dayList = await ctx.engine.run(
    `SELECT CAST(d AS VARCHAR) AS d FROM ${ident(days)} ORDER BY d`,
  );
  ctx.note(
    `ga4 events: ${Number(c['added'])} new, ${Number(c['kept'])} already stored, ${Number(c['gone'])} no longer in GA4's export (days replaced: ${dayList.rows.map((r) => String(r['d'])).join(', ')})`,
  );
  await ctx.engine.run(`DELETE FROM ${store} WHERE event_date IN (SELECT d FROM ${ident(days)})`);
  await ctx.engine.run(
    `INSERT INTO ${store} (${STORE_COLUMNS.join(', ')}, file, line, run_id) SELECT ${STORE_COLUMNS.join(', ')}, file, line, ${ctx.runId} FROM ${f}`,
  );
  const sessionKey = (a: string) => `${a}.user_pseudo_id || '.' || ${a}.ga_session_id`;
  const affected = await createRelation(
    ctx,
    'ga4_affected',
    `SELECT DISTINCT ${sessionKey('x')} AS k FROM (SELECT user_pseudo_id, ga_session_id FROM ${f} UNION ALL SELECT user_pseudo_id, ga_session_id FROM ${ident(old)}) x`,
  );
  const ev = await createRelation(
    ctx,
    'ga4_session_events',
    `SELECT s.*, ${sessionKey('s')} AS session_id, CAST(CAST(make_timestamp(s.event_timestamp) AS TIMESTAMPTZ) AS VARCHAR) AS at_text
     FROM ${store} s WHERE ${sessionKey('s')} IN (SELECT k FROM ${ident(affected)})`,
  );
  const e = ident(ev);
  const b = new Binder();
  const channel = b.bind(config.channel_id);
  const sessions = await createRelation(
    ctx,
    'ga4_sessions',
    `SELECT session_id, arg_min(file, event_timestamp) AS _file, arg_min(line, event_timestamp) AS _line,
        any_value(user_pseudo_id) AS visitor_id,
        CASE WHEN max(user_id) IS NOT NULL THEN 'ga4:' || max(user_id) END AS customer_id,
        ${channel} AS channel_id,
        CAST(CAST(make_timestamp(min(event_timestamp)) AS TIMESTAMPTZ) AS VARCHAR) AS started_at,
        coalesce(arg_min(source, event_timestamp) FILTER (WHERE source IS NOT NULL), '(direct)') AS source,
        coalesce(arg_min(medium, event_timestamp) FILTER (WHERE medium IS NOT NULL), '(none)') AS medium,
        arg_min(device_category, event_timestamp) FILTER (WHERE device_category IS NOT NULL) AS device,
        ${pageType("arg_min(page_location, event_timestamp) FILTER (WHERE event_name = 'page_view')")} AS landing_page,
        CAST(count(DISTINCT ${hashOf(e)}) FILTER (WHERE event_name = 'page_view') AS VARCHAR) AS pageviews,
        CAST((max(event_timestamp) - min(event_timestamp)) // 1000000 AS VARCHAR) AS duration_s,
        CAST(NOT coalesce(bool_or(engaged = '1'), false) AS VARCHAR) AS bounced,
        CAST(bool_or(event_name = 'add_to_cart') AS VARCHAR) AS added_to_cart,
        CAST(bool_or(event_name = 'begin_checkout') AS VARCHAR) AS began_checkout,
        arg_min(transaction_id, event_timestamp) FILTER (WHERE event_name = 'purchase' AND transaction_id IS NOT NULL) AS order_id
     FROM ${e} GROUP BY session_id`,
    b.params,
  );
  const scope = (column: string) => ({ column, keys: affected });
  yield* batch(ctx, 'sessions', sessions, 'replace', { replaceScope: scope('session_id') });
  const customers = await createRelation(
    ctx,
    'ga4_customers',
    `SELECT 'ga4:' || user_id AS customer_id, arg_min(file, event_timestamp) AS _file, arg_min(line, event_timestamp) AS _line,
        user_id AS web_account_id, CAST(CAST(make_timestamp(min(event_timestamp)) AS TIMESTAMPTZ) AS VARCHAR) AS created_at
     FROM ${e} WHERE user_id IS NOT NULL GROUP BY user_id`,
  );
  yield* batch(ctx, 'customers', customers, 'patch', { keepEarliest: ['created_at'] });
  // GA4 may export the same event twice: an exact copy gets the same event number, so the load
  // counts it as a duplicate instead of a second page view.
  const webEvents = await createRelation(
    ctx,
    'ga4_web_events',
    `SELECT session_id, file AS _file, line AS _line, at_text AS event_at, event_name, ${pageType('page_location')} AS page_type,
        CASE WHEN event_name IN ('view_item', 'add_to_cart', 'purchase') THEN item_id END AS sku,
        CAST(dense_rank() OVER (PARTITION BY session_id ORDER BY event_timestamp, event_name, page_location, ${hashOf(e)}) AS VARCHAR) AS event_no
     FROM ${e} WHERE event_name IN (${MODEL_EVENTS.map(constant).join(', ')})`,
  );
  yield* batch(ctx, 'web_events', webEvents, 'replace', { replaceScope: scope('session_id') });
  const touchpoints = await createRelation(
    ctx,
    'ga4_touchpoints',
    `SELECT session_id AS touchpoint_id, _file, _line, visitor_id, customer_id, started_at AS touched_at,
        ${CHANNEL_OF_MEDIUM} AS channel, 'visit' AS kind
     FROM ${ident(sessions)} WHERE ${CHANNEL_OF_MEDIUM} IS NOT NULL`,
  );
  yield* batch(ctx, 'touchpoints', touchpoints, 'replace', {
    replaceScope: scope('touchpoint_id'),
  });
  if (config.orders) {
    const b2 = new Binder();
    const purchases = await createRelation(
      ctx,
      'ga4_purchases',
      `SELECT transaction_id, session_id, file, line, at_text, user_id, currency, tax_value, shipping_value,
          unnest(from_json(items, '[{"item_id":"VARCHAR","price":"VARCHAR","quantity":"VARCHAR"}]')) AS item,
          generate_subscripts(from_json(items, '[{"item_id":"VARCHAR"}]'), 1) AS line_no
       FROM (SELECT *, row_number() OVER (PARTITION BY transaction_id ORDER BY event_timestamp) AS rn FROM ${e}
             WHERE event_name = 'purchase' AND transaction_id IS NOT NULL AND items IS NOT NULL) WHERE rn = 1`,
    );
    const p = ident(purchases);
    const orders = await createRelation(
      ctx,
      'ga4_orders',
      `SELECT transaction_id AS order_id, any_value(file) AS _file, min(line) AS _line, ${b2.bind(config.channel_id)} AS channel_id,
          CASE WHEN max(user_id) IS NOT NULL THEN 'ga4:' || max(user_id) END AS customer_id, any_value(session_id) AS session_id,
          min(at_text) AS ordered_at, 'paid' AS status, coalesce(any_value(currency), ${b2.bind(ctx.config.reporting_currency)}) AS currency,
          CAST(CAST(sum(TRY_CAST(item.price AS DECIMAL(18,4)) * TRY_CAST(item.quantity AS DECIMAL(18,3))) AS DECIMAL(18,2)) AS VARCHAR) AS subtotal,
          '0.00' AS discount_total,
          CAST(CAST(coalesce(any_value(shipping_value), 0) AS DECIMAL(18,2)) AS VARCHAR) AS shipping_amount,
          CAST(CAST(coalesce(any_value(tax_value), 0) AS DECIMAL(18,2)) AS VARCHAR) AS tax_total,
          CAST(CAST(sum(TRY_CAST(item.price AS DECIMAL(18,4)) * TRY_CAST(item.quantity AS DECIMAL(18,3))) + coalesce(any_value(shipping_value), 0) + coalesce(any_value(tax_value), 0) AS DECIMAL(18,2)) AS VARCHAR) AS total,
          'ship' AS fulfilment
       FROM ${p} GROUP BY transaction_id`,
      b2.params,
    );
    yield* batch(ctx, 'orders', orders, 'insert-missing', {});
    const lines = await createRelation(
      ctx,
      'ga4_lines',
      `SELECT transaction_id AS order_id, file AS _file, line AS _line, CAST(line_no AS VARCHAR) AS line_no, item.item_id AS sku,
          item.quantity AS quantity, item.price AS unit_list_price, item.price AS unit_price, '0.00' AS discount_amount
       FROM ${p}`,
    );
    yield* batch(ctx, 'order_lines', lines, 'insert-missing', {});
  }
}

async function* batch(
  ctx: SourceContext,
  table: string,
  relation: string,
  mode: 'replace' | 'patch' | 'insert-missing',
  extra: { replaceScope?: { column: string; keys: string }; keepEarliest?: string[] },
): AsyncIterable<RecordBatch> {
  yield {
    kind: 'relation',
    table,
    // Records name their own file (`_file`): a session rebuilt from the store may come from
    // events of several files and several loads.
    file: { path: '(ga4 event store)', index: -1, facts: NO_FILE },
    fileColumn: '_file',
    relation,
    columns: await relationColumns(ctx, relation),
    mode,
    parse: {},
    ...(extra.replaceScope ? { replaceScope: extra.replaceScope } : {}),
    ...(extra.keepEarliest ? { keepEarliest: extra.keepEarliest } : {}),
  };
}

export const ga4Source: SourceDef<Ga4Config> = {
  name: 'ga4',
  description: 'the GA4 BigQuery export (NDJSON or Parquet, one event per row)',
  configSchema: ga4ConfigSchema,
  tables: ['customers', 'orders', 'order_lines', 'sessions', 'web_events', 'touchpoints'],
  primaryTable: 'web_events',
  personalInput: false,
  async check(ctx, file) {
    if (extname(file.path).toLowerCase() === '.parquet') {
      const res = await ctx.engine.run('SELECT name FROM parquet_schema($1)', [file.path]);
      const names = new Set(res.rows.map((r) => String(r['name'])));
      const missing = ['event_date', 'event_timestamp', 'event_name', 'user_pseudo_id'].filter(
        (n) => !names.has(n),
      );
      return missing.map((m) => ({
        severity: 'error' as const,
        file: file.path,
        field: m,
        message: `column ${m} of the GA4 export is missing`,
      }));
    }
    const head = file.facts.head.toString('utf8').trimStart();
    if (!head.startsWith('{')) {
      return [
        {
          severity: 'error',
          file: file.path,
          line: 1,
          message: 'not GA4 events as NDJSON (one JSON object per line)',
        },
      ];
    }
    return [];
  },
  read(ctx, file) {
    return readEvents(ctx, file);
  },
  finish(ctx, config) {
    return finishRun(ctx, config);
  },
};
