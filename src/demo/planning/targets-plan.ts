import { civil, daysInMonth, epochDay, isoDate } from '../../time/civil-date.js';
import { ParisClock } from '../clock/paris-clock.js';
import type { DemoContext } from '../demo-context.js';
import { money } from '../table-writer.js';

/**
 * The commercial plan: a target per KPI and month, from the same month of the year before times
 * a stated growth (or plus stated points for scores and rates). Months are those of the years
 * after the first one, up to the end of the last year (the plan covers the rest of the year).
 *
 * Bases come from ctx.orders with the definitions of the KPI catalogue: orders not cancelled or
 * fraud, on the local (Europe/Paris) day of ordered_at, amounts converted at the day's rate.
 * The plan cannot see returns or line costs, so net sales are planned as (gross − discounts)
 * less a stated return allowance, and the margin rate from the products' current unit costs.
 */
export const PLAN = {
  /** Relative growth over the same month a year before. */
  growth: { net_sales: 0.08, orders: 0.05, aov: 0.03, sessions: 0.06, conversion_rate: 0.05 },
  /** Points added to the same month a year before. */
  points: { gross_margin_rate: 0.005, nps: 2 },
  returnAllowance: 0.05,
  segmentKey: 'channel',
};

export const TARGET_KPIS = [
  'net_sales',
  'orders',
  'aov',
  'conversion_rate',
  'gross_margin_rate',
  'nps',
  'sessions',
] as const;

interface MonthBase {
  salesCents: number;
  orders: number;
  cogsCents: number;
  sessions: number;
  converted: number;
  npsResponses: number;
  npsNet: number;
  byChannel: Map<string, number>;
}

function emptyBase(): MonthBase {
  return {
    salesCents: 0,
    orders: 0,
    cogsCents: 0,
    sessions: 0,
    converted: 0,
    npsResponses: 0,
    npsNet: 0,
    byChannel: new Map(),
  };
}

export function writeTargets(ctx: DemoContext): Record<string, unknown> {
  const clock = new ParisClock();
  const first = civil(ctx.startDay);
  const last = civil(ctx.endDay);
  const monthKey = (day: number) => {
    const c = civil(day);
    return (c.year - first.year) * 12 + c.month - 1;
  };
  const months = (last.year - first.year + 1) * 12;
  const base = Array.from({ length: months }, emptyBase);
  const currency = new Map(ctx.channels.map((c) => [c.id, c.currency]));
  const cost = new Map(ctx.products.map((p) => [p.sku, p.unitCostCents]));
  for (const o of ctx.orders) {
    if (o.status === 'cancelled' || o.status === 'fraud') continue;
    const day = clock.day(o.orderedAtMs);
    const b = base[monthKey(day)];
    if (!b) continue;
    const cur = currency.get(o.channelId) ?? ctx.reportingCurrency;
    const fx = cur === ctx.reportingCurrency ? 1 : (ctx.fx.get(cur)?.get(day) ?? 1);
    const sales = o.subtotalCents * fx;
    b.salesCents += sales;
    b.orders++;
    // Units spread evenly over the order's distinct SKUs, at today's unit cost.
    const perSku = o.skus.length > 0 ? o.units / o.skus.length : 0;
    for (const sku of o.skus) b.cogsCents += perSku * (cost.get(sku) ?? 0);
    b.byChannel.set(o.channelId, (b.byChannel.get(o.channelId) ?? 0) + sales);
  }
  const web = ctx.webDays;
  const nps = ctx.npsDays;
  for (let i = 0; i < ctx.endDay - ctx.startDay + 1; i++) {
    const b = base[monthKey(ctx.startDay + i)];
    if (!b) continue;
    b.sessions += web?.sessions[i] ?? 0;
    b.converted += web?.converted[i] ?? 0;
    b.npsResponses += nps?.responses[i] ?? 0;
    b.npsNet += (nps?.promoters[i] ?? 0) - (nps?.detractors[i] ?? 0);
  }

  const rows: [string, number, number, string | null, string | null, string][] = [];
  let count = 0;
  for (let m = 12; m < months; m++) {
    const prev = base[m - 12] as MonthBase;
    const year = first.year + Math.floor(m / 12);
    const month = (m % 12) + 1;
    const start = epochDay(year, month, 1);
    const end = epochDay(year, month, daysInMonth(year, month));
    const add = (
      kpi: string,
      value: number | null,
      digits: number,
      segment: string | null = null,
    ) => {
      if (value === null || !Number.isFinite(value)) return;
      rows.push([
        kpi,
        start,
        end,
        segment === null ? null : PLAN.segmentKey,
        segment,
        digits === 2 ? money(Math.round(value * 100)) : value.toFixed(digits),
      ]);
    };
    const g = PLAN.growth;
    const sales = prev.salesCents / 100;
    add('net_sales', sales * (1 - PLAN.returnAllowance) * (1 + g.net_sales), 2);
    add('orders', Math.round(prev.orders * (1 + g.orders)), 0);
    add('aov', prev.orders > 0 ? (sales / prev.orders) * (1 + g.aov) : null, 2);
    add(
      'conversion_rate',
      prev.sessions > 0 ? (prev.converted / prev.sessions) * (1 + g.conversion_rate) : null,
      6,
    );
    add(
      'gross_margin_rate',
      prev.salesCents > 0
        ? 1 - prev.cogsCents / prev.salesCents + PLAN.points.gross_margin_rate
        : null,
      6,
    );
    add(
      'nps',
      prev.npsResponses > 0 ? (100 * prev.npsNet) / prev.npsResponses + PLAN.points.nps : null,
      2,
    );
    add('sessions', prev.sessions > 0 ? Math.round(prev.sessions * (1 + g.sessions)) : null, 0);
    for (const c of ctx.channels) {
      const s = (prev.byChannel.get(c.id) ?? 0) / 100;
      if (s > 0) add('net_sales', s * (1 - PLAN.returnAllowance) * (1 + g.net_sales), 2, c.id);
    }
  }
  for (const [kpi, start, end, key, value, target] of rows) {
    ctx.out.row('targets', [kpi, isoDate(start), isoDate(end), key, value, target]);
    count++;
  }
  return {
    kpis: TARGET_KPIS,
    months: {
      first: isoDate(epochDay(first.year + 1, 1, 1)),
      last: isoDate(epochDay(last.year, 12, 31)),
    },
    rows: count,
    growth: PLAN.growth,
    points: PLAN.points,
    returnAllowance: PLAN.returnAllowance,
    segments: {
      key: PLAN.segmentKey,
      kpis: ['net_sales'],
      rule: 'segment_key and segment_value are empty (NULL) for the whole business; net_sales also has one row per channel (segment_key channel_id)',
    },
    units: {
      net_sales: 'reporting currency',
      aov: 'reporting currency',
      orders: 'count',
      sessions: 'count',
      conversion_rate: 'fraction',
      gross_margin_rate: 'fraction',
      nps: 'points (−100…100)',
    },
    formulas: {
      net_sales:
        'Σ subtotal × fx of orders not cancelled or fraud with local ordered_at in the same month a year before × (1 − returnAllowance) × (1 + growth); per channel the same over that channel’s orders',
      orders: 'round(count of orders not cancelled or fraud a year before × (1 + growth))',
      aov: 'Σ subtotal × fx / orders a year before × (1 + growth)',
      sessions: 'round(sessions started a year before × (1 + growth))',
      conversion_rate: 'sessions with order_id / sessions a year before × (1 + growth)',
      gross_margin_rate:
        '1 − Σ units/distinct SKUs × current unit cost / Σ subtotal × fx a year before + points (an estimate: the plan does not see line costs or returns)',
      nps: 'NPS in points of the answers a year before + points (no target when that month had no answer)',
    },
    basis: {
      source: 'ctx.orders, ctx.webDays, ctx.npsDays',
      storeGuestTicketsIncluded: ctx.params.guestTicketsInContext,
    },
  };
}
