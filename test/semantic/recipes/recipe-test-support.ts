import { fileURLToPath } from 'node:url';
import type { Engine } from '../../../src/backends/engine.js';
import { loadDictionary } from '../../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../../src/semantic/query/query-runner.js';
import type {
  QueryRequest,
  QueryResponse,
  QueryRow,
} from '../../../src/semantic/query/query-types.js';
import { defaultConfig } from '../../../src/workspace/workspace-config.js';

/**
 * What the recipe tests share: their private dictionary (kpis/recipes-test.yaml, KPIs named
 * r_…), a builder of orders with their lines, and lookups into an answer.
 */

export const config = defaultConfig('recipes');

export const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('./kpis/', import.meta.url)),
});

export function query(
  engine: Engine,
  request: QueryRequest,
  scopes?: Readonly<Record<string, readonly string[]>>,
): Promise<QueryResponse> {
  return runQuery({ engine, dictionary, config, ...(scopes ? { scopes } : {}) }, request);
}

export interface LineSpec {
  readonly sku?: string;
  readonly qty?: number;
  readonly price: number;
  readonly discount?: number;
}

export interface OrderSpec {
  readonly id?: string;
  /** Local day; orders are placed at 10:00 UTC (11:00 or 12:00 in Paris) unless hourUtc. */
  readonly day: string;
  readonly hourUtc?: number;
  readonly customer?: string;
  readonly channel?: string;
  readonly location?: string;
  readonly status?: string;
  readonly fulfilment?: string;
  readonly currency?: string;
  readonly lines?: readonly LineSpec[];
}

/** Orders and their lines, as fixture rows. */
export class OrderBook {
  readonly orders: Record<string, unknown>[] = [];
  readonly lines: Record<string, unknown>[] = [];

  add(spec: OrderSpec): string {
    const id = spec.id ?? `o${this.orders.length + 1}`;
    const lines = spec.lines ?? [{ price: 10 }];
    const subtotal = lines.reduce((a, l) => a + (l.qty ?? 1) * l.price - (l.discount ?? 0), 0);
    this.orders.push({
      order_id: id,
      channel_id: spec.channel ?? 'web',
      location_id: spec.location ?? null,
      customer_id: spec.customer ?? null,
      ordered_at: `${spec.day}T${String(spec.hourUtc ?? 10).padStart(2, '0')}:00:00Z`,
      status: spec.status ?? 'paid',
      currency: spec.currency ?? 'EUR',
      subtotal,
      total: subtotal,
      fulfilment: spec.fulfilment ?? null,
    });
    lines.forEach((l, i) =>
      this.lines.push({
        order_id: id,
        line_no: i + 1,
        sku: l.sku ?? 'A',
        quantity: l.qty ?? 1,
        unit_list_price: l.price,
        unit_price: l.price - (l.discount ?? 0) / (l.qty ?? 1),
        discount_amount: l.discount ?? 0,
      }),
    );
    return id;
  }
}

/** The row of a period (by its first day) and split, or undefined. */
export function rowAt(
  res: QueryResponse,
  periodStart: string,
  dims: Readonly<Record<string, string | number | null>> = {},
): QueryRow | undefined {
  return res.rows.find(
    (r) =>
      r.period_start === periodStart &&
      Object.keys(r.dims).length === Object.keys(dims).length &&
      Object.entries(dims).every(([k, v]) => r.dims[k] === v),
  );
}

/** A KPI's value in a row (undefined when the row is missing). */
export function valueAt(
  res: QueryResponse,
  kpi: string,
  periodStart: string,
  dims: Readonly<Record<string, string | number | null>> = {},
): number | null | undefined {
  const row = rowAt(res, periodStart, dims);
  return row ? (row.values[kpi] ?? null) : undefined;
}

/** A KPI's value in a comparison of a row. */
export function compared(
  res: QueryResponse,
  kpi: string,
  compare: string,
  periodStart: string,
  dims: Readonly<Record<string, string | number | null>> = {},
): number | null | undefined {
  const row = rowAt(res, periodStart, dims);
  return row ? (row.comparisons[compare]?.[kpi]?.value ?? null) : undefined;
}
