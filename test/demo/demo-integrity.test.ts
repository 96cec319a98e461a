import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUND_TRUTH_FILE } from '../../src/demo/demo-generator.js';
import type { CommerceManifest } from '../../src/demo/sim/commerce-manifest.js';
import type { Row } from '../../src/backends/engine.js';
import { references, TABLES } from '../../src/model/model.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/**
 * Structural integrity of the small demo (seed 7, built once by test/global-setup.ts). Every
 * check is exact: a single row breaking a rule fails the test and the query names it.
 */

let ws: Workspace;
let truth: CommerceManifest;

const LOCAL = (col: string): string => `(${col} AT TIME ZONE 'Europe/Paris')`;
const LOCAL_DATE = (col: string): string => `${LOCAL(col)}::DATE`;

async function rows(sql: string): Promise<readonly Row[]> {
  return (await ws.engine.run(sql)).rows;
}

async function scalar(sql: string): Promise<number> {
  const r = (await ws.engine.run(sql)).rows[0];
  return Number(Object.values(r ?? {})[0] ?? NaN);
}

beforeAll(async () => {
  const dir = inject('smallDemoDir');
  ws = await openWorkspace(dir, { readOnly: true });
  truth = JSON.parse(readFileSync(join(dir, GROUND_TRUTH_FILE), 'utf8')) as CommerceManifest;
});

afterAll(async () => {
  await ws.close();
});

describe('model-level integrity of every table', () => {
  it.each(
    references().map((r) => [`${r.table}.${r.column} → ${r.to.table}.${r.to.column}`, r] as const),
  )('reference %s resolves', async (_name, r) => {
    const dangling = await rows(
      `SELECT "${r.column}" AS v, count(*) AS n FROM "${r.table}" c
         WHERE "${r.column}" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "${r.to.table}" p WHERE p."${r.to.column}" = c."${r.column}")
         GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
    );
    expect(dangling).toEqual([]);
  });

  it.each(TABLES.map((t) => [t.name, t] as const))('key of %s is unique', async (_name, t) => {
    const cols = t.key.map((k) => `"${k}"`).join(', ');
    const dup = await scalar(
      `SELECT count(*) FROM (SELECT ${cols} FROM "${t.name}" GROUP BY ${cols} HAVING count(*) > 1)`,
    );
    expect(dup).toBe(0);
  });

  it('fills every table the sales, customers and catalogue parts own', async () => {
    for (const t of [
      'locations',
      'channels',
      'suppliers',
      'products',
      'product_costs',
      'promotions',
      'promotion_products',
      'fx_rates',
      'customers',
      'orders',
      'order_lines',
      'returns',
      'payments',
      'chargebacks',
      'shipments',
      'inventory_snapshots',
      'inventory_counts',
      'purchase_orders',
      'footfall',
    ]) {
      expect(await scalar(`SELECT count(*) FROM "${t}"`), t).toBeGreaterThan(0);
    }
  });
});

describe('order amounts', () => {
  it('unit_price = (quantity × unit_list_price − discount_amount) / quantity exactly', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM order_lines
         WHERE quantity <= 0 OR unit_price * quantity <> quantity * unit_list_price - discount_amount`,
      ),
    ).toBe(0);
  });

  it('subtotal, discount_total and total add up exactly', async () => {
    const bad = await rows(
      `SELECT o.order_id FROM orders o
       JOIN (SELECT order_id, sum(quantity * unit_price) AS s, sum(discount_amount) AS d,
                    sum(tax_amount) AS t FROM order_lines GROUP BY 1) l USING (order_id)
       WHERE o.subtotal <> l.s OR o.discount_total <> l.d
          OR o.total <> o.subtotal + o.shipping_amount + o.tax_total
          OR o.tax_total < l.t
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
    expect(
      await scalar(
        `SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.order_id)`,
      ),
    ).toBe(0);
  });

  it('amounts exclude tax: tax is the VAT of the lines and shipping, rounded per line', async () => {
    const vat = Number(truth.catalogue.vatRate);
    // Per-line rounding: each line and the shipping may be off by half a cent.
    const bad = await scalar(
      `SELECT count(*) FROM orders o
       JOIN (SELECT order_id, count(*) AS n FROM order_lines GROUP BY 1) l USING (order_id)
       WHERE abs(o.tax_total - ${vat} * (o.subtotal + o.shipping_amount)) > 0.005 * (l.n + 1) + 0.000001`,
    );
    expect(bad).toBe(0);
  });

  it('payments of paid orders sum to their total; unpaid and cancelled orders have none', async () => {
    const bad = await rows(
      `SELECT o.order_id, o.status, o.total, p.paid FROM orders o
       LEFT JOIN (SELECT order_id, sum(amount) AS paid, count(DISTINCT currency) AS cur,
                         min(currency) AS currency FROM payments GROUP BY 1) p USING (order_id)
       WHERE (o.status IN ('paid', 'shipped', 'delivered', 'fraud')
               AND (p.paid IS NULL OR p.paid <> o.total OR p.cur <> 1 OR p.currency <> o.currency))
          OR (o.status IN ('placed', 'cancelled') AND p.paid IS NOT NULL)
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });

  it('marketplace orders are in GBP with a rate for their day; every other order is in EUR', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM orders WHERE currency <> CASE channel_id WHEN 'CH-MKT-UK' THEN 'GBP' ELSE 'EUR' END`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM orders o WHERE currency = 'GBP' AND NOT EXISTS (
           SELECT 1 FROM fx_rates f WHERE f.currency = 'GBP' AND f.rate_on = ${LOCAL_DATE('o.ordered_at')})`,
      ),
    ).toBe(0);
    const [r] = await rows(
      `SELECT min(rate_to_reporting)::DOUBLE AS lo, max(rate_to_reporting)::DOUBLE AS hi, count(*) AS n,
              count(DISTINCT rate_on) AS days FROM fx_rates WHERE currency = 'GBP'`,
    );
    const fx = truth.fx.walk;
    expect(Number(r!['lo'])).toBeGreaterThanOrEqual(fx.min);
    expect(Number(r!['hi'])).toBeLessThanOrEqual(fx.max);
    expect(Number(r!['n'])).toBe(Number(r!['days']));
  });

  it('order_lines.unit_cost is the product cost valid on the local order date', async () => {
    const bad = await rows(
      `WITH l AS (
         SELECT l.order_id, l.line_no, l.sku, l.unit_cost, o.currency, ${LOCAL_DATE('o.ordered_at')} AS d
         FROM order_lines l JOIN orders o USING (order_id))
       SELECT l.order_id, l.line_no, l.unit_cost, c.unit_cost AS expected, f.rate_to_reporting AS rate
       FROM l
       ASOF JOIN product_costs c ON c.sku = l.sku AND l.d >= c.valid_from
       LEFT JOIN fx_rates f ON f.currency = l.currency AND f.rate_on = l.d
       WHERE (l.currency = 'EUR' AND l.unit_cost <> c.unit_cost)
          OR (l.currency = 'GBP' AND abs(l.unit_cost * f.rate_to_reporting - c.unit_cost) > 0.0001 * f.rate_to_reporting)
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
    // Costs do change over the period.
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT sku FROM product_costs GROUP BY 1 HAVING count(*) > 1)`,
      ),
    ).toBeGreaterThan(10);
  });

  it('promoted lines fall inside their promotion and on its SKUs', async () => {
    const bad = await rows(
      `SELECT l.order_id, l.line_no FROM order_lines l JOIN orders o USING (order_id)
       JOIN promotions p USING (promotion_id)
       WHERE l.promotion_id IS NOT NULL AND (
         ${LOCAL_DATE('o.ordered_at')} NOT BETWEEN p.starts_on AND p.ends_on
         OR NOT EXISTS (SELECT 1 FROM promotion_products pp WHERE pp.promotion_id = l.promotion_id AND pp.sku = l.sku)
         OR l.discount_amount <= 0)
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });
});

describe('returns, shipments and chargebacks', () => {
  it('returns never exceed the units of their line, match its SKU and come after the order', async () => {
    const bad = await rows(
      `SELECT r.order_id, r.line_no FROM (
         SELECT order_id, line_no, sku, sum(quantity) AS q, min(returned_at) AS first_at, count(DISTINCT sku) AS skus
         FROM returns GROUP BY order_id, line_no, sku) r
       JOIN order_lines l USING (order_id, line_no) JOIN orders o USING (order_id)
       WHERE r.q > l.quantity OR r.sku <> l.sku OR r.first_at <= o.ordered_at
          OR o.status IN ('cancelled', 'fraud', 'placed')
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
    expect(
      await scalar(
        `SELECT count(*) FROM returns r LEFT JOIN order_lines l USING (order_id, line_no) WHERE l.order_id IS NULL`,
      ),
    ).toBe(0);
  });

  it('refunds are the returned units at the realised unit price', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM returns r JOIN order_lines l USING (order_id, line_no)
         WHERE r.refund_amount <> round(r.quantity * l.unit_price, 2)`,
      ),
    ).toBe(0);
  });

  it('shipments belong to shipped orders and their steps are in order', async () => {
    const bad = await rows(
      `SELECT s.shipment_id FROM shipments s JOIN orders o USING (order_id)
       WHERE o.fulfilment <> 'ship' OR o.status NOT IN ('paid', 'shipped', 'delivered')
          OR s.picked_at < o.ordered_at OR s.packed_at < s.picked_at OR s.shipped_at < s.packed_at
          OR s.delivered_at <= s.shipped_at OR s.units_shipped > s.units_ordered
          OR (o.status = 'delivered') <> (s.delivered_at IS NOT NULL)
          OR s.promised_at <> o.promised_delivery_at
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
    expect(
      await scalar(
        `SELECT count(*) FROM shipments s JOIN (SELECT order_id, sum(quantity) AS u FROM order_lines GROUP BY 1) l
         USING (order_id) WHERE s.units_ordered <> l.u`,
      ),
    ).toBe(0);
  });

  it('chargebacks have an outcome, and a closing date unless pending', async () => {
    const bad = await rows(
      `SELECT c.chargeback_id FROM chargebacks c JOIN orders o USING (order_id)
       WHERE c.outcome NOT IN ('won', 'lost', 'pending') OR (c.outcome = 'pending') <> (c.closed_at IS NULL)
          OR c.opened_at <= o.ordered_at OR c.closed_at <= c.opened_at OR c.amount > o.total
          OR c.currency <> o.currency
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
    const outcomes = await rows(`SELECT DISTINCT outcome FROM chargebacks ORDER BY 1`);
    expect(outcomes.map((r) => r['outcome'])).toEqual(['lost', 'pending', 'won']);
  });
});

describe('stock', () => {
  // The manifest's convention, tested over every snapshot: with C(d) the cumulated movements
  // of a (location, SKU) up to and including local day d, on_hand(d) − C(d) never changes.
  const MOVES = `
    SELECT location_id, sku, received_on AS d, quantity AS q FROM purchase_orders WHERE received_on IS NOT NULL
    UNION ALL
    SELECT o.location_id, l.sku, ${LOCAL_DATE('o.ordered_at')}, -l.quantity
      FROM order_lines l JOIN orders o USING (order_id) WHERE o.status NOT IN ('cancelled', 'fraud')
    UNION ALL
    SELECT location_id, sku, ${LOCAL_DATE('returned_at')}, quantity FROM returns WHERE restocked
    UNION ALL
    SELECT location_id, sku, count_on, -(book_quantity - counted_quantity) FROM inventory_counts`;

  it('on_hand balances between snapshots with receipts, sales, restocked returns and counts', async () => {
    const drift = await rows(
      `WITH moves AS (SELECT location_id, sku, d, sum(q) AS q FROM (${MOVES}) GROUP BY ALL),
       events AS (
         SELECT location_id, sku, d, q, NULL::INTEGER AS on_hand FROM moves
         UNION ALL SELECT location_id, sku, snapshot_on, 0, on_hand FROM inventory_snapshots),
       cum AS (
         SELECT location_id, sku, d, on_hand,
                sum(q) OVER (PARTITION BY location_id, sku ORDER BY d, on_hand IS NOT NULL
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c
         FROM events)
       SELECT location_id, sku, min(on_hand - c) AS lo, max(on_hand - c) AS hi
       FROM cum WHERE on_hand IS NOT NULL GROUP BY 1, 2 HAVING min(on_hand - c) <> max(on_hand - c)
       LIMIT 5`,
    );
    expect(drift).toEqual([]);
    // Nothing moves before a (location, SKU) is first snapshotted.
    const early = await scalar(
      `WITH first AS (SELECT location_id, sku, min(snapshot_on) AS f FROM inventory_snapshots GROUP BY 1, 2)
       SELECT count(*) FROM (${MOVES}) m LEFT JOIN first USING (location_id, sku)
       WHERE first.f IS NULL OR m.d < first.f`,
    );
    expect(early).toBe(0);
  });

  it('pairs carried after the first day start from their opening receipt', async () => {
    const start = truth.meta.start;
    const bad = await rows(
      `WITH moves AS (SELECT location_id, sku, d, sum(q) AS q FROM (${MOVES}) GROUP BY ALL),
       first AS (SELECT location_id, sku, min(snapshot_on) AS f FROM inventory_snapshots GROUP BY 1, 2)
       SELECT s.location_id, s.sku, s.on_hand, m.q FROM inventory_snapshots s JOIN first
         ON s.location_id = first.location_id AND s.sku = first.sku AND s.snapshot_on = first.f
       LEFT JOIN moves m ON m.location_id = s.location_id AND m.sku = s.sku AND m.d = s.snapshot_on
       WHERE first.f > DATE '${start}' AND s.on_hand <> coalesce(m.q, 0)
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });

  it('stock is never negative and counts never find more than the book', async () => {
    expect(await scalar(`SELECT count(*) FROM inventory_snapshots WHERE on_hand < 0`)).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM inventory_counts WHERE counted_quantity < 0 OR counted_quantity > book_quantity`,
      ),
    ).toBe(0);
  });

  it('snapshots are daily at small scale and follow openings and launches', async () => {
    const bad = await rows(
      `SELECT s.location_id, s.sku, min(s.snapshot_on) AS first, count(*) AS n,
              max(s.snapshot_on) - min(s.snapshot_on) + 1 AS span
       FROM inventory_snapshots s JOIN locations l USING (location_id) JOIN products p USING (sku)
       GROUP BY 1, 2, l.opened_on, p.launched_on
       HAVING n <> span OR first < l.opened_on OR first < p.launched_on OR max(s.snapshot_on) <> DATE '${truth.meta.end}'
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });
});

describe('dates and places', () => {
  it('store tickets are rung up within opening hours, local time', async () => {
    const bad = await scalar(
      `SELECT count(*) FROM orders WHERE channel_id = 'CH-STORE'
       AND (hour(${LOCAL('ordered_at')}) < 10 OR ${LOCAL('ordered_at')}::TIME > TIME '19:30:00')`,
    );
    expect(bad).toBe(0);
  });

  it('no sale, stock or footfall at a store before it opened', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM orders o JOIN locations l USING (location_id)
         WHERE ${LOCAL_DATE('o.ordered_at')} < l.opened_on`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM footfall f JOIN locations l USING (location_id) WHERE f.counted_on < l.opened_on OR l.kind <> 'store'`,
      ),
    ).toBe(0);
  });

  it('fulfilment matches the channel and the location', async () => {
    const bad = await rows(
      `SELECT o.fulfilment, o.channel_id, l.kind, count(*) AS n FROM orders o JOIN locations l USING (location_id)
       GROUP BY ALL
       HAVING NOT ((o.fulfilment = 'carry_out' AND o.channel_id = 'CH-STORE' AND l.kind = 'store')
                OR (o.fulfilment = 'click_collect' AND o.channel_id IN ('CH-WEB', 'CH-APP') AND l.kind = 'store')
                OR (o.fulfilment = 'ship' AND o.channel_id <> 'CH-STORE' AND l.kind = 'warehouse'))`,
    );
    expect(bad).toEqual([]);
  });

  it('each member’s first order is its acquisition, at exactly created_at', async () => {
    const bad = await rows(
      `SELECT c.customer_id FROM customers c
       LEFT JOIN (SELECT customer_id, min(ordered_at) AS first FROM orders WHERE customer_id IS NOT NULL GROUP BY 1) o
       USING (customer_id)
       WHERE o.first IS NULL OR o.first <> c.created_at
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });

  it('web and app orders carry a session, store and marketplace orders none', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM orders WHERE (session_id IS NOT NULL) <> (channel_id IN ('CH-WEB', 'CH-APP'))`,
      ),
    ).toBe(0);
  });
});
