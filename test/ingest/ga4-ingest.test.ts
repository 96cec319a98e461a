import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  load,
  modelFingerprint,
  quarantined,
  rows,
  tableOf,
  tempWorkspace,
  workspacePerTest,
} from './ingest-helpers.js';

let ws: Workspace;
workspacePerTest((w) => (ws = w));

const A = '1741590000.1234567';
const B = '1741600000.7654321';
const DAYS = ['ga4/events_20250310.ndjson', 'ga4/events_20250311.parquet'];

const SESSIONS = `SELECT session_id, visitor_id, customer_id, channel_id, CAST(started_at AS VARCHAR) AS started, source, medium, device,
    landing_page, pageviews, duration_s, bounced, added_to_cart, began_checkout, order_id FROM sessions ORDER BY started_at`;
const EVENTS = `SELECT session_id, event_no, CAST(event_at AS VARCHAR) AS at, event_name, page_type, sku FROM web_events ORDER BY session_id, event_no`;

describe('GA4 BigQuery export', () => {
  it('builds sessions, events, touchpoints, the customer and the online order field by field (NDJSON and Parquet)', async () => {
    const r = await load(ws, 'ga4', DAYS);
    expect(r.tables.map((t) => [t.table, t.read, t.loaded, t.quarantined])).toEqual([
      ['customers', 1, 1, 0],
      ['orders', 1, 1, 0],
      ['order_lines', 1, 1, 0],
      ['sessions', 4, 4, 0],
      ['web_events', 9, 9, 0],
      ['touchpoints', 3, 3, 0],
    ]);
    expect(r.notes).toEqual([
      "ga4 events: 15 new, 0 already stored, 0 no longer in GA4's export (days replaced: 2025-03-10, 2025-03-11)",
    ]);
    expect(await rows(ws, SESSIONS)).toEqual([
      // 08:00:00 → 08:05:30; engaged; an add to cart, a checkout, the purchase T-GA-1.
      {
        session_id: `${A}.1001`,
        visitor_id: A,
        customer_id: 'ga4:U-77',
        channel_id: 'web',
        started: '2025-03-10 08:00:00+00',
        source: 'google',
        medium: 'cpc',
        device: 'desktop',
        landing_page: 'home',
        pageviews: 1,
        duration_s: 330,
        bounced: false,
        added_to_cart: true,
        began_checkout: true,
        order_id: 'T-GA-1',
      },
      {
        session_id: `${B}.2001`,
        visitor_id: B,
        customer_id: null,
        channel_id: 'web',
        started: '2025-03-10 09:00:00+00',
        source: 'google',
        medium: 'organic',
        device: 'mobile',
        landing_page: 'category',
        pageviews: 1,
        duration_s: 30,
        bounced: true,
        added_to_cart: false,
        began_checkout: false,
        order_id: null,
      },
      // Across midnight: one page view in each daily table, one session.
      {
        session_id: `${B}.2002`,
        visitor_id: B,
        customer_id: null,
        channel_id: 'web',
        started: '2025-03-10 23:59:00+00',
        source: '(direct)',
        medium: '(none)',
        device: 'mobile',
        landing_page: 'contact',
        pageviews: 2,
        duration_s: 120,
        bounced: false,
        added_to_cart: false,
        began_checkout: false,
        order_id: null,
      },
      {
        session_id: `${A}.1002`,
        visitor_id: A,
        customer_id: 'ga4:U-77',
        channel_id: 'web',
        started: '2025-03-11 18:00:00+00',
        source: 'newsletter',
        medium: 'email',
        device: 'desktop',
        landing_page: 'cart',
        pageviews: 1,
        duration_s: 1,
        bounced: true,
        added_to_cart: false,
        began_checkout: false,
        order_id: null,
      },
    ]);
    expect(await rows(ws, EVENTS)).toEqual([
      {
        session_id: `${A}.1001`,
        event_no: 1,
        at: '2025-03-10 08:00:01+00',
        event_name: 'page_view',
        page_type: 'home',
        sku: null,
      },
      {
        session_id: `${A}.1001`,
        event_no: 2,
        at: '2025-03-10 08:01:00+00',
        event_name: 'view_item',
        page_type: 'product',
        sku: 'BG-FIG',
      },
      {
        session_id: `${A}.1001`,
        event_no: 3,
        at: '2025-03-10 08:02:00+00',
        event_name: 'add_to_cart',
        page_type: 'product',
        sku: 'BG-FIG',
      },
      {
        session_id: `${A}.1001`,
        event_no: 4,
        at: '2025-03-10 08:03:00+00',
        event_name: 'begin_checkout',
        page_type: 'checkout',
        sku: null,
      },
      {
        session_id: `${A}.1001`,
        event_no: 5,
        at: '2025-03-10 08:05:00+00',
        event_name: 'purchase',
        page_type: 'checkout',
        sku: 'BG-FIG',
      },
      {
        session_id: `${A}.1002`,
        event_no: 1,
        at: '2025-03-11 18:00:01+00',
        event_name: 'page_view',
        page_type: 'cart',
        sku: null,
      },
      {
        session_id: `${B}.2001`,
        event_no: 1,
        at: '2025-03-10 09:00:02+00',
        event_name: 'page_view',
        page_type: 'category',
        sku: null,
      },
      {
        session_id: `${B}.2002`,
        event_no: 1,
        at: '2025-03-10 23:59:01+00',
        event_name: 'page_view',
        page_type: 'contact',
        sku: null,
      },
      {
        session_id: `${B}.2002`,
        event_no: 2,
        at: '2025-03-11 00:01:00+00',
        event_name: 'page_view',
        page_type: 'product',
        sku: null,
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT touchpoint_id, visitor_id, customer_id, CAST(touched_at AS VARCHAR) AS at, channel, kind FROM touchpoints ORDER BY touched_at`,
      ),
    ).toEqual([
      {
        touchpoint_id: `${A}.1001`,
        visitor_id: A,
        customer_id: 'ga4:U-77',
        at: '2025-03-10 08:00:00+00',
        channel: 'sea',
        kind: 'visit',
      },
      {
        touchpoint_id: `${B}.2001`,
        visitor_id: B,
        customer_id: null,
        at: '2025-03-10 09:00:00+00',
        channel: 'seo',
        kind: 'visit',
      },
      {
        touchpoint_id: `${A}.1002`,
        visitor_id: A,
        customer_id: 'ga4:U-77',
        at: '2025-03-11 18:00:00+00',
        channel: 'email',
        kind: 'visit',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, customer_id, session_id, CAST(ordered_at AS VARCHAR) AS at, status, currency, CAST(subtotal AS VARCHAR) AS sub, CAST(shipping_amount AS VARCHAR) AS ship, CAST(tax_total AS VARCHAR) AS tax, CAST(total AS VARCHAR) AS total FROM orders`,
      ),
    ).toEqual([
      // 2 × 24.00 + 4.90 shipping + 9.60 tax = 62.50, GA4's purchase_revenue.
      {
        order_id: 'T-GA-1',
        customer_id: 'ga4:U-77',
        session_id: `${A}.1001`,
        at: '2025-03-10 08:05:00+00',
        status: 'paid',
        currency: 'EUR',
        sub: '48.00',
        ship: '4.90',
        tax: '9.60',
        total: '62.50',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity, CAST(unit_price AS VARCHAR) AS up FROM order_lines`,
      ),
    ).toEqual([{ order_id: 'T-GA-1', line_no: 1, sku: 'BG-FIG', quantity: 2, up: '24.0000' }]);
    expect(
      await rows(
        ws,
        `SELECT customer_id, web_account_id, CAST(created_at AS VARCHAR) AS created FROM customers`,
      ),
    ).toEqual([
      { customer_id: 'ga4:U-77', web_account_id: 'U-77', created: '2025-03-10 08:00:00+00' },
    ]);
  });

  it('a day GA4 rewrote replaces the stored day: late events added, dropped ones removed, no duplicates', async () => {
    await load(ws, 'ga4', DAYS);
    const r = await load(ws, 'ga4', [
      'ga4/events_20250310_rewritten.ndjson',
      'ga4/events_20250311.parquet',
    ]);
    expect(r.files.map((f) => f.status)).toEqual(['loaded', 'already loaded']);
    expect(r.notes).toEqual([
      "ga4 events: 1 new, 11 already stored, 1 no longer in GA4's export (days replaced: 2025-03-10)",
    ]);
    // The sessions of 10 March are rebuilt: 1001 lost its checkout, 2001 gained a page view.
    expect(tableOf(r, 'sessions')).toEqual({
      read: 3,
      loaded: 0,
      updated: 2,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(tableOf(r, 'web_events')).toEqual({
      read: 8,
      loaded: 1,
      updated: 1,
      duplicates: 6,
      quarantined: 0,
      held: 0,
    });
    expect(r.tables.find((t) => t.table === 'web_events')?.removed).toBe(1);
    expect(tableOf(r, 'orders')).toMatchObject({ read: 1, loaded: 0, duplicates: 1 });
    expect(
      await rows(
        ws,
        `SELECT session_id, pageviews, bounced, began_checkout FROM sessions WHERE session_id IN ('${A}.1001', '${B}.2001') ORDER BY 1`,
      ),
    ).toEqual([
      { session_id: `${A}.1001`, pageviews: 1, bounced: false, began_checkout: false },
      { session_id: `${B}.2001`, pageviews: 2, bounced: false, began_checkout: false },
    ]);
    expect(
      await rows(
        ws,
        `SELECT event_no, event_name FROM web_events WHERE session_id = '${A}.1001' ORDER BY event_no`,
      ),
    ).toEqual([
      { event_no: 1, event_name: 'page_view' },
      { event_no: 2, event_name: 'view_item' },
      { event_no: 3, event_name: 'add_to_cart' },
      { event_no: 4, event_name: 'purchase' },
    ]);
    expect(
      await rows(
        ws,
        `SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM web_events) AS e, (SELECT count(*) FROM touchpoints) AS t`,
      ),
    ).toEqual([{ s: 4, e: 9, t: 3 }]);
  });

  it('the last three days rewritten by GA4 replace the stored days, without duplicates', async () => {
    await load(ws, 'ga4', [
      'ga4/events_20250310.ndjson',
      'ga4/events_20250311.ndjson',
      'ga4/events_20250312.ndjson',
    ]);
    const REWRITTEN = [
      'ga4/events_20250310_rewritten.ndjson',
      'ga4/events_20250311_rewritten.ndjson',
      'ga4/events_20250312_rewritten.ndjson',
    ];
    const r = await load(ws, 'ga4', REWRITTEN);
    // 10 March: 1001's begin_checkout dropped, a page view of 2001 added (12 events either way).
    // 11 March: an add_to_cart of 1002 arrived late (3 → 4). 12 March: 1004's product page view
    // dropped (3 → 2). New: 1 + 1; kept: 11 + 3 + 2; gone: 1 + 1.
    expect(r.notes).toEqual([
      "ga4 events: 2 new, 16 already stored, 2 no longer in GA4's export (days replaced: 2025-03-10, 2025-03-11, 2025-03-12)",
    ]);
    // Model events after the rewrite: 1001 page_view, view_item, add_to_cart, purchase (4);
    // 2001 two page views (2); 2002 the contact page on the 10th and a product on the 11th (2);
    // 1002 page_view and add_to_cart (2); 1004 the home page (1): 11, each once.
    expect(
      await rows(
        ws,
        `SELECT count(*) AS n, count(DISTINCT (session_id, event_no)) AS keys FROM web_events`,
      ),
    ).toEqual([{ n: 11, keys: 11 }]);
    expect(
      await rows(
        ws,
        `SELECT session_id, pageviews, added_to_cart, began_checkout FROM sessions ORDER BY started_at`,
      ),
    ).toEqual([
      { session_id: `${A}.1001`, pageviews: 1, added_to_cart: true, began_checkout: false },
      { session_id: `${B}.2001`, pageviews: 2, added_to_cart: false, began_checkout: false },
      { session_id: `${B}.2002`, pageviews: 2, added_to_cart: false, began_checkout: false },
      { session_id: `${A}.1002`, pageviews: 1, added_to_cart: true, began_checkout: false },
      { session_id: `${A}.1004`, pageviews: 1, added_to_cart: false, began_checkout: false },
    ]);
    expect(await rows(ws, `SELECT order_id FROM orders`)).toEqual([{ order_id: 'T-GA-1' }]);
    // The same tables as loading the rewritten days alone into an empty workspace.
    const fresh = await tempWorkspace();
    try {
      await load(fresh, 'ga4', REWRITTEN);
      expect(await modelFingerprint(ws)).toEqual(await modelFingerprint(fresh));
    } finally {
      await fresh.close();
    }
  });

  it('quarantines events without a session, a user, a timestamp, and a broken line', async () => {
    const r = await load(ws, 'ga4', ['ga4/events_20250312_broken.ndjson']);
    expect(tableOf(r, 'web_events')).toEqual({
      read: 5,
      loaded: 1,
      updated: 0,
      duplicates: 0,
      quarantined: 4,
      held: 0,
    });
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [2, "event_timestamp: not microseconds ('soon')"],
      [3, 'the line is not a JSON object (GA4 event)'],
      [4, 'no ga_session_id param: the event belongs to no session'],
      [5, 'user_pseudo_id missing'],
    ]);
    expect(await rows(ws, `SELECT session_id, pageviews FROM sessions`)).toEqual([
      { session_id: `${A}.1003`, pageviews: 1 },
    ]);
  });

  it('re-ingesting the export leaves every table unchanged, even when forced', async () => {
    await load(ws, 'ga4', DAYS);
    const before = await modelFingerprint(ws);
    await load(ws, 'ga4', DAYS);
    const forced = await load(ws, 'ga4', DAYS, { force: true });
    expect(forced.tables.every((t) => t.loaded === 0 && t.updated === 0 && t.removed === 0)).toBe(
      true,
    );
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
