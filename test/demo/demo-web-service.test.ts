import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AbsorbingChain } from '../../src/analytics/attribution/absorbing-chain.js';
import {
  outcomeProbability,
  removalShares,
} from '../../src/analytics/attribution/absorbing-chain.js';
import { GROUND_TRUTH_FILE } from '../../src/demo/demo-generator.js';
import type { Row } from '../../src/backends/engine.js';
import { getTable, references } from '../../src/model/model.js';
import { CAMPAIGN_CHANNELS } from '../../src/model/tables.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/**
 * The marketing, web, customer-service, planning and tech tables of the small demo (seed 7, built
 * once by test/global-setup.ts): integrity checks are exact; effects are compared with the
 * ground-truth manifest within tolerances derived from the sample sizes (mostly 4 standard
 * errors, so a correct generator fails with probability well under 1e-4 per check, while a wrong
 * parameter or a broken mechanism moves the estimate by far more).
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the manifest is JSON read back */
let ws: Workspace;
let truth: Record<string, any>;

const MY_TABLES = [
  'campaigns',
  'ad_spend',
  'sessions',
  'web_events',
  'touchpoints',
  'experiments',
  'experiment_assignments',
  'support_contacts',
  'surveys',
  'reviews',
  'targets',
  'market_size',
  'competitor_prices',
  'audience',
  'range_targets',
  'product_fitments',
  'releases',
  'bugs',
];

const LOCAL_DATE = (col: string): string => `(${col} AT TIME ZONE 'Europe/Paris')::DATE`;

async function rows(sql: string): Promise<readonly Row[]> {
  return (await ws.engine.run(sql)).rows;
}

async function scalar(sql: string): Promise<number> {
  const r = (await ws.engine.run(sql)).rows[0];
  return Number(Object.values(r ?? {})[0] ?? NaN);
}

/** Standard error of a proportion p estimated from n trials. */
function se(p: number, n: number): number {
  return Math.sqrt((p * (1 - p)) / Math.max(n, 1));
}

function num(v: unknown): number {
  return Number(v);
}

beforeAll(async () => {
  const dir = inject('smallDemoDir');
  ws = await openWorkspace(dir, { readOnly: true });
  truth = JSON.parse(readFileSync(join(dir, GROUND_TRUTH_FILE), 'utf8')) as Record<string, any>;
});

afterAll(async () => {
  await ws.close();
});

describe('integrity of the marketing, web, service and planning tables', () => {
  it('fills every table of these parts', async () => {
    for (const t of MY_TABLES)
      expect(await scalar(`SELECT count(*) FROM "${t}"`), t).toBeGreaterThan(0);
  });

  it.each(
    references()
      .filter(
        (r) => MY_TABLES.includes(r.table) || (r.table === 'orders' && r.column === 'session_id'),
      )
      .map((r) => [`${r.table}.${r.column} → ${r.to.table}.${r.to.column}`, r] as const),
  )('reference %s resolves', async (_name, r) => {
    const dangling = await rows(
      `SELECT "${r.column}" AS v FROM "${r.table}" c WHERE "${r.column}" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "${r.to.table}" p WHERE p."${r.to.column}" = c."${r.column}")
       LIMIT 5`,
    );
    expect(dangling).toEqual([]);
  });

  it.each(MY_TABLES)('key of %s is unique', async (name) => {
    const cols = getTable(name)
      .key.map((k) => `"${k}"`)
      .join(', ');
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT ${cols} FROM "${name}" GROUP BY ALL HAVING count(*) > 1)`,
      ),
    ).toBe(0);
  });

  it('every timestamp and date lies inside the period (targets may plan to the end of the year)', async () => {
    const { start, end } = truth['meta'];
    for (const name of MY_TABLES) {
      for (const c of getTable(name).columns) {
        if (c.type !== 'timestamp' && c.type !== 'date') continue;
        const value = c.type === 'timestamp' ? LOCAL_DATE(`"${c.name}"`) : `"${c.name}"`;
        // The plan covers the whole of the last year, months after the last day included.
        const last = name === 'targets' ? `${end.slice(0, 4)}-12-31` : end;
        const outside = await scalar(
          `SELECT count(*) FROM "${name}" WHERE ${value} < DATE '${start}' OR ${value} > DATE '${last}'`,
        );
        expect(outside, `${name}.${c.name}`).toBe(0);
      }
    }
  });

  it('orders.session_id and sessions.order_id point at each other', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM orders o LEFT JOIN sessions s ON s.session_id = o.session_id
         WHERE o.session_id IS NOT NULL AND (s.order_id IS NULL OR s.order_id <> o.order_id)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM sessions s LEFT JOIN orders o ON o.order_id = s.order_id
         WHERE s.order_id IS NOT NULL AND (o.session_id IS NULL OR o.session_id <> s.session_id)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM sessions s JOIN orders o ON o.order_id = s.order_id
         WHERE s.channel_id <> o.channel_id OR s.started_at > o.ordered_at
            OR s.customer_id IS DISTINCT FROM o.customer_id`,
      ),
    ).toBe(0);
  });

  it('session flags, pageviews, start and duration agree with the session’s events', async () => {
    const bad = await rows(
      `WITH e AS (
         SELECT session_id, count(*) AS n, max(event_no) AS last_no, min(event_no) AS first_no,
                count(*) FILTER (WHERE event_name = 'page_view') AS pv,
                bool_or(event_name = 'add_to_cart') AS cart,
                bool_or(event_name = 'begin_checkout') AS checkout,
                count(*) FILTER (WHERE event_name = 'purchase') AS purchases,
                min(event_at) AS first_at, max(event_at) AS last_at,
                arg_max(event_name, event_no) AS last_event,
                arg_min(event_name, event_no) AS first_event
         FROM web_events GROUP BY session_id)
       SELECT s.session_id FROM sessions s LEFT JOIN e USING (session_id)
       WHERE e.n IS NULL OR e.first_no <> 1 OR e.last_no <> e.n OR e.first_event <> 'page_view'
          OR s.pageviews <> e.pv OR s.bounced <> (e.pv = 1)
          OR s.added_to_cart <> e.cart OR s.began_checkout <> e.checkout
          OR s.started_at <> e.first_at
          OR abs(s.duration_s - epoch(e.last_at - e.first_at)) > 1
          OR (s.order_id IS NOT NULL) <> (e.purchases = 1)
          OR (s.order_id IS NOT NULL AND e.last_event <> 'purchase')
       LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });

  it('events are in time order, the purchase is at ordered_at, view and cart events name a product', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT event_at < lag(event_at) OVER (PARTITION BY session_id ORDER BY event_no) AS back
                               FROM web_events) WHERE back`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM web_events e JOIN sessions s USING (session_id) JOIN orders o ON o.order_id = s.order_id
         WHERE e.event_name = 'purchase' AND e.event_at <> o.ordered_at`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM web_events WHERE (event_name IN ('view_item', 'add_to_cart')) <> (sku IS NOT NULL)`,
      ),
    ).toBe(0);
    // The products added to the cart of a converting session are the products of its order.
    expect(
      await scalar(
        `SELECT count(*) FROM web_events e JOIN sessions s USING (session_id)
         WHERE s.order_id IS NOT NULL AND e.event_name = 'add_to_cart'
           AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = s.order_id AND l.sku = e.sku)`,
      ),
    ).toBe(0);
  });

  it('campaigns of sessions, touchpoints and ad spend run on that day and match the channel', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM sessions s JOIN campaigns c USING (campaign_id)
         WHERE ${LOCAL_DATE('s.started_at')} NOT BETWEEN c.starts_on AND c.ends_on`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM touchpoints t JOIN campaigns c USING (campaign_id)
         WHERE ${LOCAL_DATE('t.touched_at')} NOT BETWEEN c.starts_on AND c.ends_on OR t.channel <> c.channel`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM ad_spend a JOIN campaigns c USING (campaign_id)
         WHERE a.spend_on NOT BETWEEN c.starts_on AND c.ends_on OR a.channel <> c.channel`,
      ),
    ).toBe(0);
    // One ad_spend row per campaign and day it runs.
    expect(
      await scalar(
        `SELECT (SELECT sum(ends_on - starts_on + 1) FROM campaigns) - (SELECT count(*) FROM ad_spend)`,
      ),
    ).toBe(0);
  });

  it('ad clicks cover the tracked sessions of the campaign that day', async () => {
    expect(
      await scalar(
        `WITH s AS (SELECT campaign_id, ${LOCAL_DATE('started_at')} AS d, count(*) AS n FROM sessions
                    WHERE campaign_id IS NOT NULL GROUP BY ALL)
         SELECT count(*) FROM s LEFT JOIN ad_spend a ON a.campaign_id = s.campaign_id AND a.spend_on = s.d
         WHERE a.clicks IS NULL OR (a.channel <> 'tv' AND a.clicks < s.n)`,
      ),
    ).toBe(0);
  });

  it('every online order has touchpoints before it, after the visitor’s previous online order', async () => {
    const missing = await scalar(
      `WITH o AS (SELECT s.visitor_id, o.order_id, o.ordered_at,
                         lag(o.ordered_at) OVER (PARTITION BY s.visitor_id ORDER BY o.ordered_at) AS prev_at
                  FROM orders o JOIN sessions s ON s.session_id = o.session_id)
       SELECT count(*) FROM o WHERE NOT EXISTS (
         SELECT 1 FROM touchpoints t WHERE t.visitor_id = o.visitor_id AND t.touched_at < o.ordered_at
           AND (o.prev_at IS NULL OR t.touched_at > o.prev_at))`,
    );
    expect(missing).toBe(0);
    // No touchpoint after a visitor’s last online order: every converting journey ends in an order.
    expect(
      await scalar(
        `WITH last AS (SELECT s.visitor_id, max(o.ordered_at) AS at FROM orders o
                       JOIN sessions s ON s.session_id = o.session_id GROUP BY 1)
         SELECT count(*) FROM touchpoints t JOIN last USING (visitor_id) WHERE t.touched_at >= last.at`,
      ),
    ).toBe(0);
  });

  it('experiment assignments are exactly the visitors with a session in the window, at their first one', async () => {
    const e = truth['experiment'];
    const w = `${LOCAL_DATE('started_at')} BETWEEN DATE '${e.startsOn}' AND DATE '${e.endsOn}'`;
    expect(
      await scalar(
        `WITH v AS (SELECT visitor_id, min(started_at) AS first_at FROM sessions WHERE ${w} GROUP BY 1)
         SELECT count(*) FROM v FULL JOIN experiment_assignments a ON a.unit_id = v.visitor_id
         WHERE a.unit_id IS NULL OR v.visitor_id IS NULL OR a.assigned_at <> v.first_at
            OR a.variant NOT IN ('control', 'variant') OR a.experiment_id <> '${e.experimentId}'`,
      ),
    ).toBe(0);
  });

  it('unanswered contacts have no response; only chat and email carry the page before contact', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM support_contacts WHERE NOT answered
           AND (first_response_at IS NOT NULL OR resolved_at IS NOT NULL OR handle_time_s IS NOT NULL)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM support_contacts
         WHERE (page_before_contact IS NOT NULL) <> (channel IN ('chat', 'email'))
            OR first_response_at < opened_at OR resolved_at < first_response_at`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM support_contacts c JOIN orders o USING (order_id)
         WHERE c.opened_at < o.ordered_at OR c.customer_id IS DISTINCT FROM o.customer_id`,
      ),
    ).toBe(0);
  });

  it('surveys and reviews follow an order of theirs, with scores in range', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM surveys s JOIN orders o USING (order_id)
         WHERE s.responded_at <= o.ordered_at OR s.channel_id <> o.channel_id
            OR s.customer_id IS DISTINCT FROM o.customer_id OR o.status IN ('cancelled', 'fraud')
            OR (s.kind = 'csat' AND s.score NOT BETWEEN 1 AND 5) OR (s.kind = 'nps' AND s.score NOT BETWEEN 0 AND 10)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM reviews r WHERE r.rating NOT BETWEEN 1 AND 5 OR NOT EXISTS (
           SELECT 1 FROM orders o JOIN order_lines l USING (order_id)
           WHERE o.customer_id = r.customer_id AND l.sku = r.sku AND o.ordered_at < r.created_at)`,
      ),
    ).toBe(0);
  });
});

describe('web effects against the manifest', () => {
  it('conversion rate of each online channel is its planned rate', async () => {
    const byChannel = truth['web'].conversion.byChannel as Record<string, any>;
    for (const [channel, c] of Object.entries(byChannel)) {
      const r = (
        await rows(
          `SELECT count(*) AS n, count(order_id) AS conv FROM sessions WHERE channel_id = '${channel}'`,
        )
      )[0];
      const n = num(r?.['n']);
      const conv = num(r?.['conv']);
      // Converting sessions are the channel's orders, exactly.
      expect(conv).toBe(
        await scalar(
          `SELECT count(*) FROM orders WHERE channel_id = '${channel}' AND session_id IS NOT NULL`,
        ),
      );
      // Sessions without an order are a sum of Poisson draws: within 4 sd of their mean.
      expect(Math.abs(n - conv - c.expectedNonConvertingSessions)).toBeLessThan(
        4 * Math.sqrt(c.expectedNonConvertingSessions),
      );
      // The weekday smoothing of the daily means loses a little at the edges of the period: 2 %.
      expect(conv / n).toBeGreaterThan(c.rate * 0.98);
      expect(conv / n).toBeLessThan(c.rate * 1.02);
    }
  });

  it('keeps about 4 web events per session', async () => {
    const perSession = await scalar(
      `SELECT (SELECT count(*) FROM web_events) / (SELECT count(*) FROM sessions)`,
    );
    expect(perSession).toBeGreaterThan(3.5);
    expect(perSession).toBeLessThan(4.5);
  });

  it('media of sessions without an order follow the planned shares per kind of channel', async () => {
    const shares = truth['web'].media.nonConvertingShares as Record<string, Record<string, number>>;
    const kinds = await rows(`SELECT channel_id, kind FROM channels WHERE kind IN ('web', 'app')`);
    for (const k of kinds) {
      const res = await rows(
        `SELECT medium, count(*) AS n, sum(count(*)) OVER () AS total FROM sessions
         WHERE channel_id = '${String(k['channel_id'])}' AND order_id IS NULL GROUP BY 1`,
      );
      for (const r of res) {
        const p = shares[String(k['kind'])]?.[String(r['medium'])] ?? 0;
        const total = num(r['total']);
        expect(
          Math.abs(num(r['n']) / total - p),
          `${String(k['kind'])} ${String(r['medium'])}`,
        ).toBeLessThan(4 * se(p, total) + 1e-9);
      }
    }
  });

  it('converting sessions come from the chain’s last touch in the planned shares', async () => {
    const shares = truth['web'].media.convertingShares as Record<string, number>;
    const res = await rows(
      `SELECT medium, count(*) AS n, sum(count(*)) OVER () AS total FROM sessions WHERE order_id IS NOT NULL GROUP BY 1`,
    );
    expect(res.length).toBeGreaterThan(4);
    for (const r of res) {
      const p = shares[String(r['medium'])] ?? 0;
      expect(Math.abs(num(r['n']) / num(r['total']) - p), String(r['medium'])).toBeLessThan(
        4 * se(p, num(r['total'])) + 1e-9,
      );
    }
  });

  it('conversion by device is the planned one', async () => {
    const expected = truth['web'].conversion.expectedByDevice as Record<string, number>;
    const res = await rows(
      `SELECT device, count(*) AS n, count(order_id) AS conv FROM sessions GROUP BY 1`,
    );
    for (const r of res) {
      const p = expected[String(r['device'])] ?? 0;
      const n = num(r['n']);
      // Binomial noise of the converting count plus 2 % for the smoothing of daily volumes.
      expect(Math.abs(num(r['conv']) / n - p), String(r['device'])).toBeLessThan(
        4 * se(p, n) + 0.02 * p,
      );
    }
    // Desktop converts better than mobile in the plan, and in the data.
    expect(expected['desktop']).toBeGreaterThan(expected['mobile'] ?? 1);
  });

  it('bounce of sessions without an order is the planned rate of its medium', async () => {
    const bounce = truth['web'].bounce;
    const res = await rows(
      `SELECT c.kind, s.medium, count(*) AS n, avg(s.bounced::INT) AS rate FROM sessions s
       JOIN channels c USING (channel_id) WHERE s.order_id IS NULL GROUP BY ALL`,
    );
    for (const r of res) {
      const p =
        bounce.nonConvertingByMedium[String(r['medium'])] *
        (r['kind'] === 'app' ? bounce.appFactor : 1);
      expect(
        Math.abs(num(r['rate']) - p),
        `${String(r['kind'])} ${String(r['medium'])}`,
      ).toBeLessThan(4 * se(p, num(r['n'])));
    }
    expect(
      await scalar(`SELECT count(*) FROM sessions WHERE order_id IS NOT NULL AND bounced`),
    ).toBe(0);
  });

  it('add-to-cart rate, cart abandonment and bounce rate overall are the expected ones', async () => {
    const f = truth['web'].funnel;
    const r = (
      await rows(
        `SELECT count(*) AS n, avg(added_to_cart::INT) AS cart, avg(bounced::INT) AS bounce,
                1 - count(order_id) / count(*) FILTER (WHERE added_to_cart) AS abandonment FROM sessions`,
      )
    )[0];
    const n = num(r?.['n']);
    expect(Math.abs(num(r?.['cart']) - f.expectedAddToCartRate)).toBeLessThan(
      4 * se(f.expectedAddToCartRate, n),
    );
    expect(Math.abs(num(r?.['bounce']) - truth['web'].bounce.expectedOverall)).toBeLessThan(
      4 * se(truth['web'].bounce.expectedOverall, n),
    );
    const carts = n * f.expectedAddToCartRate;
    expect(Math.abs(num(r?.['abandonment']) - f.expectedCartAbandonment)).toBeLessThan(
      4 * se(f.expectedCartAbandonment, carts),
    );
  });

  it('page load median and p75 per landing page are the planned ones', async () => {
    const load = truth['web'].pageLoad as Record<
      string,
      { median: number; p75: number; sigma: number }
    >;
    const res = await rows(
      `SELECT landing_page, count(*) AS n, median(page_load_ms) AS med, quantile_cont(page_load_ms, 0.75) AS p75
       FROM sessions GROUP BY 1`,
    );
    for (const r of res) {
      const p = load[String(r['landing_page'])];
      expect(p, String(r['landing_page'])).toBeDefined();
      if (!p) continue;
      // Sample quantiles of a lognormal: sd of log-quantile ≈ 1.25 σ / √n (median), 1.36 σ / √n (p75).
      const n = num(r['n']);
      expect(Math.abs(Math.log(num(r['med']) / p.median))).toBeLessThan(
        (4 * 1.26 * p.sigma) / Math.sqrt(n) + 0.002,
      );
      expect(Math.abs(Math.log(num(r['p75']) / p.p75))).toBeLessThan(
        (4 * 1.37 * p.sigma) / Math.sqrt(n) + 0.002,
      );
    }
  });

  it('sessions without an order come back from earlier visitors at the planned rate', async () => {
    const p = truth['web'].returning.nonConvertingReturningProbability as Record<string, number>;
    const res = await rows(
      `WITH first AS (SELECT visitor_id, min(${LOCAL_DATE('started_at')}) AS d FROM sessions GROUP BY 1)
       SELECT c.kind, count(*) AS n, avg((f.d < ${LOCAL_DATE('s.started_at')})::INT) AS rate
       FROM sessions s JOIN first f USING (visitor_id) JOIN channels c USING (channel_id)
       WHERE s.order_id IS NULL GROUP BY 1`,
    );
    for (const r of res) {
      const q = p[String(r['kind'])] ?? 0;
      expect(Math.abs(num(r['rate']) - q), String(r['kind'])).toBeLessThan(
        4 * se(q, num(r['n'])) + 0.005,
      );
    }
  });
});

describe('attribution, ad spend and the A/B test against the manifest', () => {
  /** Paths rebuilt as an attribution model would: a visitor’s touches up to each online order. */
  async function estimatedChain(): Promise<{
    chain: AbsorbingChain;
    converting: number;
    nulls: number;
  }> {
    const touches = await rows(
      `SELECT visitor_id AS v, epoch_ms(touched_at) AS t, channel AS c FROM touchpoints ORDER BY visitor_id, touched_at, touchpoint_id`,
    );
    const orders = await rows(
      `SELECT s.visitor_id AS v, epoch_ms(o.ordered_at) AS t FROM orders o JOIN sessions s ON s.session_id = o.session_id
       ORDER BY 1, 2`,
    );
    const ordersOf = new Map<string, number[]>();
    for (const o of orders) {
      const list = ordersOf.get(String(o['v'])) ?? [];
      list.push(num(o['t']));
      ordersOf.set(String(o['v']), list);
    }
    const states = [...CAMPAIGN_CHANNELS];
    const idx = new Map<string, number>(states.map((s, i) => [s, i]));
    const n = states.length;
    const start = new Array<number>(n).fill(0);
    const trans = Array.from({ length: n }, () => new Array<number>(n + 2).fill(0));
    let converting = 0;
    let nulls = 0;
    const close = (path: number[], outcome: number) => {
      if (path.length === 0) return;
      const bump = (row: number[] | undefined, j: number) => {
        if (row) row[j] = (row[j] ?? 0) + 1;
      };
      bump(start, path[0] ?? 0);
      for (let i = 1; i < path.length; i++) bump(trans[path[i - 1] ?? 0], path[i] ?? 0);
      bump(trans[path[path.length - 1] ?? 0], outcome);
      if (outcome === n) converting++;
      else nulls++;
    };
    let i = 0;
    while (i < touches.length) {
      const v = String(touches[i]?.['v']);
      const os = ordersOf.get(v) ?? [];
      let k = 0;
      let path: number[] = [];
      for (; i < touches.length && String(touches[i]?.['v']) === v; i++) {
        const t = num(touches[i]?.['t']);
        while (k < os.length && (os[k] ?? 0) <= t) {
          close(path, n);
          path = [];
          k++;
        }
        path.push(idx.get(String(touches[i]?.['c'])) ?? 0);
      }
      close(path, k < os.length ? n : n + 1);
    }
    const startTotal = start.reduce((a, b) => a + b, 0);
    const chain: AbsorbingChain = {
      states,
      outcomes: ['conversion', 'null'],
      start: start.map((x) => x / startTotal),
      transient: trans.map((row) => {
        const tot = row.reduce((a, b) => a + b, 0);
        return row.slice(0, n).map((x) => x / tot);
      }),
      absorbing: trans.map((row) => {
        const tot = row.reduce((a, b) => a + b, 0);
        return row.slice(n).map((x) => x / tot);
      }),
    };
    return { chain, converting, nulls };
  }

  it('journeys rebuilt from touchpoints give back the chain’s removal-effect shares', async () => {
    const a = truth['attribution'];
    const { chain, converting, nulls } = await estimatedChain();
    // One converting path per online order, exactly.
    expect(converting).toBe(
      await scalar(`SELECT count(*) FROM orders WHERE session_id IS NOT NULL`),
    );
    const journeys = converting + nulls;
    const p = a.conversionProbability as number;
    expect(Math.abs(converting / journeys - p)).toBeLessThan(4 * se(p, journeys));
    expect(Math.abs(outcomeProbability(chain, 'conversion') - p)).toBeLessThan(4 * se(p, journeys));
    // ~75k journeys and ~120k transitions: each transition probability is known to ±0.005, and
    // the normalised shares to about that; 0.02 is 4 of those standard errors.
    const shares = removalShares(chain, 'conversion', 'null');
    chain.states.forEach((s, i) => {
      expect(Math.abs((shares[i] ?? 0) - a.shares[s]), s).toBeLessThan(0.02);
    });
    // No channel follows itself in the chain, nor in the rebuilt paths.
    chain.states.forEach((_, i) => expect(chain.transient[i]?.[i]).toBe(0));
  });

  it('CTR, CPC and social engagement per channel are the planned ones', async () => {
    const channels = truth['adSpend'].channels as Record<string, any>;
    const res = await rows(
      `SELECT channel, sum(impressions) AS imp, sum(clicks) AS clk, sum(spend) AS spend, sum(engagements) AS eng
       FROM ad_spend GROUP BY 1`,
    );
    expect(res.length).toBe(CAMPAIGN_CHANNELS.length);
    for (const r of res) {
      const c = channels[String(r['channel'])];
      const imp = num(r['imp']);
      const clk = num(r['clk']);
      // Clicks are conditioned on; impressions − clicks is Poisson: Σ clicks / Σ impressions has
      // a relative sd of about √((1 − ctr) / clicks) — under 1 %; spend noise averages over ≥ 1,400 days.
      expect(Math.abs(clk / imp - c.ctr), String(r['channel'])).toBeLessThan(0.03 * c.ctr + 1e-12);
      if (c.cpc === null) expect(clk).toBe(0);
      else
        expect(Math.abs(num(r['spend']) / clk - c.cpc), String(r['channel'])).toBeLessThan(
          0.03 * c.cpc + 0.005,
        );
      if (c.engagementRate > 0) {
        expect(Math.abs(num(r['eng']) / imp - c.engagementRate)).toBeLessThan(
          0.03 * c.engagementRate,
        );
      } else {
        expect(num(r['eng'])).toBe(0);
      }
    }
    // Clicks ≈ tracked sessions / trackingRate (the untracked share is Poisson).
    const tracked = await scalar(`SELECT count(*) FROM sessions WHERE campaign_id IS NOT NULL`);
    const clicks = await scalar(`SELECT sum(clicks) FROM ad_spend`);
    expect(tracked / clicks).toBeGreaterThan(truth['adSpend'].trackingRate - 0.01);
    expect(tracked / clicks).toBeLessThan(truth['adSpend'].trackingRate + 0.01);
  });

  it('the A/B test splits traffic 50/50 and shows the planned lift in visitor conversion', async () => {
    const e = truth['experiment'];
    const w = `${LOCAL_DATE('s.started_at')} BETWEEN DATE '${e.startsOn}' AND DATE '${e.endsOn}'`;
    const res = await rows(
      `WITH v AS (SELECT s.visitor_id, bool_or(s.order_id IS NOT NULL) AS conv FROM sessions s WHERE ${w} GROUP BY 1)
       SELECT a.variant, count(*) AS n, count(*) FILTER (WHERE v.conv) AS conv
       FROM experiment_assignments a JOIN v ON v.visitor_id = a.unit_id GROUP BY 1`,
    );
    const by = Object.fromEntries(
      res.map((r) => [String(r['variant']), { n: num(r['n']), conv: num(r['conv']) }]),
    );
    const c = by['control'];
    const v = by['variant'];
    expect(c && v).toBeTruthy();
    if (!c || !v) return;
    const total = c.n + v.n;
    expect(Math.abs(v.n / total - e.split.variant)).toBeLessThan(4 * se(0.5, total));
    const pc = c.conv / c.n;
    const pv = v.conv / v.n;
    expect(Math.abs(pc - e.expectedControlRate)).toBeLessThan(4 * se(e.expectedControlRate, c.n));
    const lift = pv / pc - 1;
    // Delta method on the ratio of two proportions. The window holds ~1,900 converting visitors
    // at small scale (sd of the lift ≈ 0.055): 3 sd is the widest band that still rejects a
    // generator without the lift (false alarm 0.3 %).
    const sd = (1 + lift) * Math.sqrt((1 - pv) / (v.n * pv) + (1 - pc) / (c.n * pc));
    expect(Math.abs(lift - e.relativeLift)).toBeLessThan(3 * sd);
    expect(3 * sd).toBeLessThan(e.relativeLift);
  });
});

describe('customer service effects against the manifest', () => {
  const recent = (col: string) =>
    `${col} < (SELECT max(opened_at) FROM support_contacts) - INTERVAL 14 DAY`;

  it('answers calls and messages at the planned rate of each channel', async () => {
    const timing = truth['service'].contacts.timing as Record<string, any>;
    const res = await rows(
      `SELECT channel, count(*) AS n, avg(answered::INT) AS rate FROM support_contacts GROUP BY 1`,
    );
    expect(res.length).toBe(4);
    for (const r of res) {
      const p = timing[String(r['channel'])].answerRate;
      expect(Math.abs(num(r['rate']) - p), String(r['channel'])).toBeLessThan(
        4 * se(p, num(r['n'])) + 1e-9,
      );
    }
  });

  it('contact reasons and channels have the expected shares', async () => {
    const c = truth['service'].contacts;
    const n = await scalar(`SELECT count(*) FROM support_contacts`);
    const reasons = await rows(`SELECT reason, count(*) AS k FROM support_contacts GROUP BY 1`);
    for (const r of reasons) {
      const p = c.expectedReasonShares[String(r['reason'])];
      expect(Math.abs(num(r['k']) / n - p), String(r['reason'])).toBeLessThan(4 * se(p, n));
    }
    const channels = await rows(`SELECT channel, count(*) AS k FROM support_contacts GROUP BY 1`);
    for (const r of channels) {
      const p = c.channelShares[String(r['channel'])];
      expect(Math.abs(num(r['k']) / n - p), String(r['channel'])).toBeLessThan(4 * se(p, n));
    }
  });

  it('late deliveries raise contacts to the planned rate', async () => {
    const rate = truth['service'].contacts.rate;
    // Orders well before the end, so that their contacts fall inside the period.
    const res = await rows(
      `WITH o AS (
         SELECT o.order_id, ${LOCAL_DATE('sh.delivered_at')} > ${LOCAL_DATE('sh.promised_at')} AS late
         FROM orders o JOIN shipments sh USING (order_id)
         WHERE o.status NOT IN ('cancelled', 'fraud') AND sh.delivered_at IS NOT NULL
           AND o.ordered_at < (SELECT max(ordered_at) FROM orders) - INTERVAL 60 DAY)
       SELECT late, count(*) AS n, avg((EXISTS (SELECT 1 FROM support_contacts c WHERE c.order_id = o.order_id))::INT) AS rate
       FROM o GROUP BY 1`,
    );
    for (const r of res) {
      const p = r['late'] ? rate.late : rate.onTime;
      expect(Math.abs(num(r['rate']) - p), `late ${String(r['late'])}`).toBeLessThan(
        4 * se(p, num(r['n'])),
      );
    }
    expect(res.length).toBe(2);
  });

  it('first response and resolution medians and mean handle time per channel are the planned ones', async () => {
    const timing = truth['service'].contacts.timing as Record<string, any>;
    const meanHandle = truth['service'].contacts.expectedMeanHandleS as Record<string, number>;
    const res = await rows(
      `SELECT channel, count(*) AS n, median(epoch(first_response_at - opened_at)) AS f,
              median(epoch(resolved_at - opened_at)) AS d, avg(handle_time_s) AS h
       FROM support_contacts WHERE answered AND ${recent('opened_at')} GROUP BY 1`,
    );
    for (const r of res) {
      const t = timing[String(r['channel'])];
      const n = num(r['n']);
      // sd of a log-median ≈ 1.25 σ / √n; times are whole milliseconds apart from that.
      const tol = (4 * 1.26 * t.sigma) / Math.sqrt(n) + 0.01;
      expect(
        Math.abs(Math.log(num(r['f']) / t.firstResponseMedianS)),
        String(r['channel']),
      ).toBeLessThan(tol);
      expect(
        Math.abs(Math.log(num(r['d']) / t.resolutionMedianS)),
        String(r['channel']),
      ).toBeLessThan(tol);
      // Lognormal handle time: relative sd of the mean √(e^(σ²) − 1) / √n; the cap at D − F
      // shortens a few percent of the calls: 4 sd + 4 %.
      const cv = Math.sqrt(Math.exp(t.handleSigma ** 2) - 1);
      const h = meanHandle[String(r['channel'])] ?? 0;
      expect(Math.abs(num(r['h']) / h - 1), String(r['channel'])).toBeLessThan(
        (4 * cv) / Math.sqrt(n) + 0.04,
      );
    }
  });

  it('CSAT and NPS of each sales channel are the planned levels', async () => {
    const expected = truth['service'].surveys.expectedByChannel as Record<string, any>;
    const res = await rows(
      `SELECT channel_id, kind, count(*) AS n, avg((score >= 4)::INT) AS sat,
              avg((score >= 9)::INT) AS pro, avg((score <= 6)::INT) AS det
       FROM surveys GROUP BY ALL HAVING count(*) >= 60`,
    );
    expect(res.length).toBeGreaterThanOrEqual(4);
    for (const r of res) {
      const e = expected[String(r['channel_id'])];
      const n = num(r['n']);
      if (r['kind'] === 'csat') {
        const p = e.csatSatisfiedShare;
        expect(Math.abs(num(r['sat']) - p), String(r['channel_id'])).toBeLessThan(4 * se(p, n));
      } else {
        const pro = num(r['pro']);
        const det = num(r['det']);
        // sd of NPS (points) = 100 √((pro + det − (pro − det)²) / n).
        const sd = 100 * Math.sqrt((pro + det - (pro - det) ** 2) / n);
        expect(Math.abs(100 * (pro - det) - e.npsPoints), String(r['channel_id'])).toBeLessThan(
          4 * sd,
        );
      }
    }
  });

  it('review ratings of each product average its expected rating', async () => {
    const bySku = truth['service'].reviews.bySku as Record<string, any>;
    const res = await rows(
      `SELECT sku, count(*) AS n, avg(rating) AS mean FROM reviews GROUP BY 1`,
    );
    let checked = 0;
    let gap = 0;
    let pooledVariance = 0;
    for (const r of res) {
      const e = bySku[String(r['sku'])];
      const n = num(r['n']);
      const p = e.ratingProbabilities as number[];
      const variance = p.reduce((s, x, i) => s + x * (i + 1 - e.expectedRating) ** 2, 0);
      gap += n * (num(r['mean']) - e.expectedRating);
      pooledVariance += n * variance;
      if (n < 20) continue;
      // ~80 products compared: 4.5 sd keeps the family-wise false alarm under 0.1 %.
      expect(Math.abs(num(r['mean']) - e.expectedRating), String(r['sku'])).toBeLessThan(
        4.5 * Math.sqrt(variance / n),
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
    // All reviews pooled: Σ (rating − expected rating of its product) within 4 sd.
    expect(Math.abs(gap)).toBeLessThan(4 * Math.sqrt(pooledVariance));
  });
});

describe('planning, market, range and tech against the manifest', () => {
  /** Last year's monthly bases recomputed from the tables with the plan's stated formulas. */
  async function monthlyBases(): Promise<Map<string, Row>> {
    const res = await rows(
      `WITH o AS (
         SELECT o.order_id, o.channel_id, date_trunc('month', ${LOCAL_DATE('o.ordered_at')}) AS m,
                o.subtotal * coalesce(fx.rate_to_reporting, 1) AS sales
         FROM orders o LEFT JOIN fx_rates fx
           ON fx.currency = o.currency AND fx.rate_on = ${LOCAL_DATE('o.ordered_at')} AND o.currency <> 'EUR'
         WHERE o.status NOT IN ('cancelled', 'fraud')),
       s AS (SELECT date_trunc('month', ${LOCAL_DATE('started_at')}) AS m, count(*) AS sessions,
                    count(order_id) AS converted FROM sessions GROUP BY 1),
       n AS (SELECT date_trunc('month', ${LOCAL_DATE('responded_at')}) AS m,
                    100 * (avg((score >= 9)::INT) - avg((score <= 6)::INT)) AS nps
             FROM surveys WHERE kind = 'nps' GROUP BY 1)
       SELECT strftime(o.m, '%Y-%m') AS month, count(*) AS orders, sum(o.sales)::DOUBLE AS sales,
              any_value(s.sessions) AS sessions, any_value(s.converted) AS converted, any_value(n.nps) AS nps
       FROM o LEFT JOIN s USING (m) LEFT JOIN n USING (m) GROUP BY 1`,
    );
    return new Map(res.map((r) => [String(r['month']), r]));
  }

  it('targets are last year’s same month × the planned growth, for every month of the plan', async () => {
    const plan = truth['planning'].targets;
    const bases = await monthlyBases();
    const targets = await rows(
      `SELECT kpi_id, strftime(period_start, '%Y-%m') AS month, period_end, target_value::DOUBLE AS v
       FROM targets WHERE segment_key IS NULL ORDER BY 1, 2`,
    );
    const first = Number(String(plan.months.first).slice(0, 4));
    const last = Number(String(plan.months.last).slice(0, 4));
    for (const kpi of [
      'net_sales',
      'orders',
      'aov',
      'conversion_rate',
      'sessions',
      'nps',
      'gross_margin_rate',
    ]) {
      expect(targets.filter((t) => t['kpi_id'] === kpi).length, kpi).toBe((last - first + 1) * 12);
    }
    let checked = 0;
    for (const t of targets) {
      const [y, m] = String(t['month']).split('-').map(Number) as [number, number];
      const b = bases.get(`${y - 1}-${String(m).padStart(2, '0')}`);
      if (!b) continue;
      const v = num(t['v']);
      const g = plan.growth;
      switch (t['kpi_id']) {
        case 'orders':
          expect(v).toBe(Math.round(num(b['orders']) * (1 + g.orders)));
          break;
        case 'sessions':
          expect(v).toBe(Math.round(num(b['sessions']) * (1 + g.sessions)));
          break;
        case 'net_sales':
          expect(v).toBeCloseTo(
            num(b['sales']) * (1 - plan.returnAllowance) * (1 + g.net_sales),
            0,
          );
          break;
        case 'aov':
          expect(v).toBeCloseTo((num(b['sales']) / num(b['orders'])) * (1 + g.aov), 1);
          break;
        case 'conversion_rate':
          expect(v).toBeCloseTo(
            (num(b['converted']) / num(b['sessions'])) * (1 + g.conversion_rate),
            5,
          );
          break;
        case 'nps':
          expect(v).toBeCloseTo(num(b['nps']) + plan.points.nps, 1);
          break;
        default:
          continue;
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(12 * 6);
    // The plan is positive and the margin rate a rate.
    expect(
      await scalar(`SELECT count(*) FROM targets WHERE target_value <= 0 AND kpi_id <> 'nps'`),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM targets WHERE kpi_id = 'gross_margin_rate' AND target_value NOT BETWEEN 0.2 AND 0.9`,
      ),
    ).toBe(0);
  });

  it('per-channel net sales targets add up to the whole business', async () => {
    const diff = await scalar(
      `SELECT max(abs(w.target_value - c.total)) FROM (SELECT period_start, target_value FROM targets
         WHERE kpi_id = 'net_sales' AND segment_key IS NULL) w
       JOIN (SELECT period_start, sum(target_value) AS total FROM targets
         WHERE kpi_id = 'net_sales' AND segment_key = 'channel' GROUP BY 1) c USING (period_start)`,
    );
    // Each row is rounded to the cent: at most half a cent per channel.
    expect(diff).toBeLessThan(0.03);
  });

  it('the market is the company’s quarterly sales / national share', async () => {
    const m = truth['planning'].marketSize;
    const res = await rows(
      `WITH own AS (
         SELECT date_trunc('quarter', ${LOCAL_DATE('o.ordered_at')}) AS q, sum(o.subtotal * coalesce(fx.rate_to_reporting, 1))::DOUBLE AS sales
         FROM orders o LEFT JOIN fx_rates fx
           ON fx.currency = o.currency AND fx.rate_on = ${LOCAL_DATE('o.ordered_at')} AND o.currency <> 'EUR'
         WHERE o.status NOT IN ('cancelled', 'fraud') GROUP BY 1)
       SELECT period_start, sum(market_sales)::DOUBLE AS market, any_value(own.sales) AS own, count(*) AS cells
       FROM market_size JOIN own ON own.q = period_start GROUP BY 1`,
    );
    expect(res.length).toBe(m.quarters);
    for (const r of res) {
      // ~100 cells with 5 % lognormal noise, weighted: the quarter’s sum moves by < 1 % sd.
      expect(Math.abs(num(r['own']) / m.nationalShare / num(r['market']) - 1)).toBeLessThan(0.03);
    }
  });

  it('competitor prices sit at their planned ratio to the list price', async () => {
    const c = truth['planning'].competitorPrices;
    const res = await rows(
      `SELECT competitor, count(*) AS n, median(cp.price / p.list_price)::DOUBLE AS ratio
       FROM competitor_prices cp JOIN products p USING (sku) GROUP BY 1`,
    );
    expect(res.length).toBe(Object.keys(c.competitors).length);
    for (const r of res) {
      const ratio = c.competitors[String(r['competitor'])].priceRatio;
      expect(Math.abs(num(r['ratio']) / ratio - 1)).toBeLessThan(
        (4 * 1.26 * c.sigma) / Math.sqrt(num(r['n'])) + 0.001,
      );
    }
  });

  it('audience grows at the planned rate with the planned engagement', async () => {
    const a = truth['planning'].audience;
    const res = await rows(
      `SELECT network, sum(engagements)::DOUBLE AS eng, sum(followers)::DOUBLE AS fol,
              arg_min(followers, observed_on) AS f0, arg_max(followers, observed_on) AS f1,
              max(observed_on) - min(observed_on) AS days, min(observed_on)::VARCHAR AS first
       FROM audience GROUP BY 1`,
    );
    expect(res.length).toBe(8);
    for (const r of res) {
      const p = a.networks[String(r['network'])];
      expect(String(r['first'])).toBe(p.firstDay);
      const eng = num(r['eng']);
      if (p.engagementRate > 0) {
        expect(Math.abs(eng / num(r['fol']) / p.engagementRate - 1)).toBeLessThan(
          4 / Math.sqrt(eng) + 0.002,
        );
      }
      // Two days' noise of followersNoise each around the trend.
      const growth = (1 + p.annualGrowth) ** (num(r['days']) / 365.25);
      expect(Math.abs(num(r['f1']) / num(r['f0']) / growth - 1)).toBeLessThan(
        4 * Math.SQRT2 * a.followersNoise + 0.001,
      );
    }
  });

  it('the target range is covered at the planned share by products still sold', async () => {
    const r = truth['planning'].range;
    const { end } = truth['meta'];
    const covered = await scalar(
      `SELECT count(DISTINCT f.range_key) FROM product_fitments f JOIN products p USING (sku)
       WHERE p.launched_on <= DATE '${end}' AND (p.discontinued_on IS NULL OR p.discontinued_on > DATE '${end}')`,
    );
    const keys = await scalar(`SELECT count(*) FROM range_targets`);
    expect(keys).toBe(r.keys);
    expect(covered).toBe(Math.round(r.coverageShare * keys));
  });

  it('releases ship on time at the planned rate; bugs have the planned severities and closing times', async () => {
    const t = truth['planning'].tech;
    const rel = (
      await rows(
        `SELECT count(*) AS n, avg((released_on = planned_on)::INT) AS on_time,
              count(*) FILTER (WHERE released_on < planned_on) AS early
       FROM releases WHERE released_on IS NOT NULL`,
      )
    )[0];
    expect(num(rel?.['early'])).toBe(0);
    expect(Math.abs(num(rel?.['on_time']) - t.onTimeRate)).toBeLessThan(
      4 * se(t.onTimeRate, num(rel?.['n'])),
    );
    const n = await scalar(`SELECT count(*) FROM bugs`);
    const sev = await rows(`SELECT severity, count(*) AS k FROM bugs GROUP BY 1`);
    for (const r of sev) {
      const p = t.severity[String(r['severity'])];
      expect(Math.abs(num(r['k']) / n - p), String(r['severity'])).toBeLessThan(4 * se(p, n));
    }
    const close = await rows(
      `SELECT severity, count(*) AS n, median(epoch(closed_at - opened_at) / 86400) AS med FROM bugs
       WHERE opened_at < (SELECT max(opened_at) FROM bugs) - INTERVAL 400 DAY GROUP BY 1`,
    );
    for (const r of close) {
      const med = t.closeMedianDays[String(r['severity'])];
      expect(Math.abs(Math.log(num(r['med']) / med)), String(r['severity'])).toBeLessThan(
        (4 * 1.26 * t.closeSigma) / Math.sqrt(num(r['n'])),
      );
    }
  });
});
