// The "sales and margin pack" by day × channel over the whole demo, three ways in one run:
// through Vitrine (plan → one compiled statement), as the best single hand-written SQL query,
// and as one hand-written query per KPI. Results of Vitrine and the hand-written query are
// checked equal before anything is timed.
import { loadDictionary } from '../dist/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../dist/semantic/query/query-runner.js';
import { race } from './timing.js';

export const PACK = [
  'net_sales',
  'orders',
  'units_sold',
  'aov',
  'upt',
  'discount_rate',
  'gross_margin',
  'gross_margin_rate',
  'return_rate',
  'active_customers',
];

const TZ = `'Europe/Paris'`;
const VALID = `o.status NOT IN ('cancelled', 'fraud')`;
const FX = (cur, day) => `LEFT JOIN fx_rates f ON f.currency = ${cur} AND f.rate_on = ${day}`;
const RATE = (cur) => `CASE WHEN ${cur} = 'EUR' THEN 1 ELSE f.rate_to_reporting END`;
const ODAY = `CAST(timezone(${TZ}, o.ordered_at) AS DATE)`;
const RDAY = `CAST(timezone(${TZ}, r.returned_at) AS DATE)`;
const RANGE = (col) => `${col} BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`;

const LINES = `SELECT ${ODAY} AS day, o.channel_id,
    sum(l.quantity * l.unit_list_price * ${RATE('o.currency')}) AS gross,
    sum(l.discount_amount * ${RATE('o.currency')}) AS disc,
    sum(l.quantity) AS units,
    sum(l.quantity * l.unit_cost * ${RATE('o.currency')}) AS cogs
  FROM order_lines l JOIN orders o ON o.order_id = l.order_id ${FX('o.currency', ODAY)}
  WHERE ${VALID} AND ${RANGE(ODAY)} GROUP BY 1, 2`;
const ORDERS = `SELECT ${ODAY} AS day, o.channel_id, count(*) AS orders, count(DISTINCT o.customer_id) AS customers
  FROM orders o WHERE ${VALID} AND ${RANGE(ODAY)} GROUP BY 1, 2`;
// Returned goods go back into stock at the cost they left it: the order-day rate (see returned_cogs).
const RETURNS = `SELECT ${RDAY} AS day, coalesce(r.channel_id, o.channel_id) AS channel_id,
    sum(r.refund_amount * ${RATE('o.currency')}) AS refunds,
    sum(r.quantity) AS runits,
    sum(r.quantity * l.unit_cost * CASE WHEN o.currency = 'EUR' THEN 1 ELSE fo.rate_to_reporting END) AS rcogs
  FROM returns r JOIN orders o ON o.order_id = r.order_id
  LEFT JOIN order_lines l ON l.order_id = r.order_id AND l.line_no = r.line_no ${FX('o.currency', RDAY)}
  LEFT JOIN fx_rates fo ON fo.currency = o.currency AND fo.rate_on = ${ODAY}
  WHERE ${RANGE(RDAY)} GROUP BY 1, 2`;

export const HAND_WRITTEN = `WITH li AS (${LINES}), od AS (${ORDERS}), rt AS (${RETURNS})
SELECT day, channel_id,
  coalesce(gross, 0) - coalesce(disc, 0) - coalesce(refunds, 0) AS net_sales,
  coalesce(orders, 0) AS orders,
  coalesce(units, 0) AS units_sold,
  (coalesce(gross, 0) - coalesce(disc, 0)) / NULLIF(orders, 0) AS aov,
  units / NULLIF(orders, 0) AS upt,
  disc / NULLIF(gross, 0) AS discount_rate,
  coalesce(gross, 0) - coalesce(disc, 0) - coalesce(refunds, 0) - (coalesce(cogs, 0) - coalesce(rcogs, 0)) AS gross_margin,
  (coalesce(gross, 0) - coalesce(disc, 0) - coalesce(refunds, 0) - (coalesce(cogs, 0) - coalesce(rcogs, 0)))
    / NULLIF(coalesce(gross, 0) - coalesce(disc, 0) - coalesce(refunds, 0), 0) AS gross_margin_rate,
  runits / NULLIF(units, 0) AS return_rate,
  customers AS active_customers
FROM li FULL JOIN od USING (day, channel_id) FULL JOIN rt USING (day, channel_id)`;

/** One statement per KPI, each computing only what that KPI needs. */
export const PER_KPI = {
  net_sales: `WITH li AS (${LINES}), rt AS (${RETURNS}) SELECT day, channel_id, coalesce(gross,0) - coalesce(disc,0) - coalesce(refunds,0) AS v FROM li FULL JOIN rt USING (day, channel_id)`,
  orders: `SELECT day, channel_id, orders AS v FROM (${ORDERS})`,
  units_sold: `SELECT day, channel_id, units AS v FROM (${LINES})`,
  aov: `WITH li AS (${LINES}), od AS (${ORDERS}) SELECT day, channel_id, (gross - disc) / NULLIF(orders, 0) AS v FROM li FULL JOIN od USING (day, channel_id)`,
  upt: `WITH li AS (${LINES}), od AS (${ORDERS}) SELECT day, channel_id, units / NULLIF(orders, 0) AS v FROM li FULL JOIN od USING (day, channel_id)`,
  discount_rate: `SELECT day, channel_id, disc / NULLIF(gross, 0) AS v FROM (${LINES})`,
  gross_margin: `WITH li AS (${LINES}), rt AS (${RETURNS}) SELECT day, channel_id, coalesce(gross,0) - coalesce(disc,0) - coalesce(refunds,0) - (coalesce(cogs,0) - coalesce(rcogs,0)) AS v FROM li FULL JOIN rt USING (day, channel_id)`,
  gross_margin_rate: `WITH li AS (${LINES}), rt AS (${RETURNS}) SELECT day, channel_id, (coalesce(gross,0) - coalesce(disc,0) - coalesce(refunds,0) - (coalesce(cogs,0) - coalesce(rcogs,0))) / NULLIF(coalesce(gross,0) - coalesce(disc,0) - coalesce(refunds,0), 0) AS v FROM li FULL JOIN rt USING (day, channel_id)`,
  return_rate: `WITH li AS (${LINES}), rt AS (${RETURNS}) SELECT day, channel_id, runits / NULLIF(units, 0) AS v FROM li FULL JOIN rt USING (day, channel_id)`,
  active_customers: `SELECT day, channel_id, customers AS v FROM (${ORDERS})`,
};

function close(a, b) {
  if (a === null || b === null || a === undefined || b === undefined)
    return (a ?? null) === (b ?? null) || Math.abs(Number(a ?? 0) - Number(b ?? 0)) < 1e-6;
  const x = Number(a);
  const y = Number(b);
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

export async function salesPackBench(ws, runs) {
  const meta = await ws.engine.run(
    'SELECT CAST(min(CAST(timezone($1, ordered_at) AS DATE)) AS VARCHAR) AS a, CAST(max(CAST(timezone($1, ordered_at) AS DATE)) AS VARCHAR) AS b, count(*) AS n FROM orders',
    ['Europe/Paris'],
  );
  const from = String(meta.rows[0].a);
  const to = String(meta.rows[0].b);
  const lines = (await ws.engine.run('SELECT count(*) AS n FROM order_lines')).rows[0].n;
  const dictionary = loadDictionary({ workspaceDir: ws.dir });
  const request = { kpis: PACK, by: ['channel'], grain: 'day', from, to };
  const viaVitrine = () => runQuery({ engine: ws.engine, dictionary, config: ws.config }, request);
  const handWritten = () => ws.engine.run(HAND_WRITTEN, [from, to]);
  const perKpi = async () => {
    for (const sql of Object.values(PER_KPI)) await ws.engine.run(sql, [from, to]);
  };

  // Same numbers first: a fast wrong answer is not a result.
  const v = await viaVitrine();
  const h = await handWritten();
  const hand = new Map(h.rows.map((r) => [`${r.day}|${r.channel_id}`, r]));
  let compared = 0;
  for (const row of v.rows) {
    const hr = hand.get(`${row.period_start}|${row.dims.channel}`);
    if (!hr)
      throw new Error(`hand-written query has no row for ${row.period_start} ${row.dims.channel}`);
    for (const k of PACK) {
      if (!close(row.values[k], hr[k])) {
        throw new Error(
          `${k} differs on ${row.period_start} ${row.dims.channel}: vitrine ${row.values[k]}, hand-written ${hr[k]}`,
        );
      }
      compared++;
    }
  }
  console.log(
    `sales and margin pack: ${PACK.length} KPIs by day × channel, ${from} → ${to}, ${Number(lines).toLocaleString('en-US')} order lines; ${v.rows.length} rows, ${compared} values equal to the hand-written query`,
  );

  const t = await race(
    [
      { name: 'vitrine', run: viaVitrine },
      { name: 'hand-written single query', run: handWritten },
      { name: 'one query per KPI', run: perKpi },
    ],
    runs,
  );
  const tv = t.get('vitrine');
  const th = t.get('hand-written single query');
  const tp = t.get('one query per KPI');
  console.log(`  vitrine                    ${tv.toFixed(0).padStart(7)} ms (median of ${runs})`);
  console.log(`  hand-written single query  ${th.toFixed(0).padStart(7)} ms`);
  console.log(`  one query per KPI          ${tp.toFixed(0).padStart(7)} ms`);
  console.log(
    `  vitrine / hand-written = ${(tv / th).toFixed(2)}× (goal ≤ 1.3×); one-query-per-KPI / vitrine = ${(tp / tv).toFixed(2)}× (goal ≥ 2×)`,
  );
}
