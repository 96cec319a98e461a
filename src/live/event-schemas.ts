import { z } from 'zod';
import { getTable } from '../model/model.js';
import type { ColumnDef, TableDef } from '../model/model-types.js';

/**
 * Live events as they arrive on POST /api/events, and the rows of the canonical model they
 * become. The fields of `data` are the model's own column names (docs/data-model.md), so an
 * event reads like a row of the export it replaces; values are JSON strings, numbers or
 * booleans (amounts are best sent as strings: "19.90" stays exact).
 */

export const EVENT_TYPES = [
  'order',
  'pos_ticket',
  'order_status',
  'return',
  'session',
  'web_event',
  'support_contact',
  'survey_answer',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The model table each event type writes (an order also writes its lines). */
export const EVENT_TABLE: Readonly<Record<EventType, string>> = {
  order: 'orders',
  pos_ticket: 'orders',
  order_status: 'orders',
  return: 'returns',
  session: 'sessions',
  web_event: 'web_events',
  support_contact: 'support_contacts',
  survey_answer: 'surveys',
};

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const eventSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  type: z.enum(EVENT_TYPES),
  data: z.record(z.string(), z.union([scalar, z.array(z.record(z.string(), scalar))])),
});
export type LiveEvent = z.infer<typeof eventSchema>;

/** One row of a model table (or the status pseudo-table) taken from an event, as text. */
export interface StagedRow {
  /** Staging relation: a model table, or `order_status`. */
  readonly table: string;
  /** Where in the event the values are, for errors: `data` or `data.lines[2]`. */
  readonly path: string;
  readonly values: Readonly<Record<string, string | null>>;
}

/** An event's problem found before any SQL runs: which field, and why. */
export interface ShapeProblem {
  readonly field: string;
  readonly reason: string;
}

/** The status change of an order: a subset of `orders` read by the same column rules. */
export function statusTable(): TableDef {
  const orders = getTable('orders');
  const pick = (n: string): ColumnDef => {
    const c = orders.columns.find((x) => x.name === n);
    if (!c) throw new Error(`orders.${n} is missing from the model`);
    return c;
  };
  return {
    ...orders,
    name: 'order_status',
    key: ['order_id'],
    columns: [pick('order_id'), pick('status')],
  };
}

/**
 * The table a staging relation is read with: web events may omit event_no (the applier numbers
 * them after the session's last one), everything else is the model's table as it is.
 */
export function stagingTable(name: string): TableDef {
  if (name === 'order_status') return statusTable();
  const t = getTable(name);
  if (name !== 'web_events') return t;
  return {
    ...t,
    columns: t.columns.map((c) => (c.name === 'event_no' ? { ...c, required: false } : c)),
  };
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function rowOf(
  table: TableDef,
  path: string,
  data: Readonly<Record<string, unknown>>,
  problems: ShapeProblem[],
  extra: Readonly<Record<string, string | null>> = {},
  skip: readonly string[] = [],
): StagedRow {
  const known = new Set(table.columns.map((c) => c.name));
  const values: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(data)) {
    if (skip.includes(k)) continue;
    if (!known.has(k)) {
      problems.push({
        field: `${path}.${k}`,
        reason: `not a column of ${table.name} (columns: ${[...known].join(', ')})`,
      });
      continue;
    }
    if (Array.isArray(v)) {
      problems.push({ field: `${path}.${k}`, reason: 'expected a single value, not a list' });
      continue;
    }
    values[k] = text(v);
  }
  return { table: table.name, path, values: { ...values, ...extra } };
}

/**
 * The rows an event writes, or the problems of its shape. POS tickets are orders of a store
 * (location required, status `delivered` and fulfilment `carry_out` unless given).
 */
export function stageEvent(event: LiveEvent): { rows: StagedRow[]; problems: ShapeProblem[] } {
  const problems: ShapeProblem[] = [];
  const rows: StagedRow[] = [];
  const data = event.data;
  switch (event.type) {
    case 'order':
    case 'pos_ticket': {
      const orders = getTable('orders');
      const defaults: Record<string, string | null> = {};
      if (event.type === 'pos_ticket') {
        if (data['status'] === undefined) defaults['status'] = 'delivered';
        if (data['fulfilment'] === undefined) defaults['fulfilment'] = 'carry_out';
        if (data['location_id'] === undefined || data['location_id'] === null) {
          problems.push({ field: 'data.location_id', reason: 'a POS ticket names its store' });
        }
      }
      const order = rowOf(orders, 'data', data, problems, {}, ['lines']);
      rows.push({ ...order, values: { ...defaults, ...order.values } });
      const lines = data['lines'];
      if (!Array.isArray(lines) || lines.length === 0) {
        problems.push({ field: 'data.lines', reason: 'an order has at least one line' });
        break;
      }
      const orderId = text(data['order_id']);
      const lineTable = getTable('order_lines');
      for (const [i, line] of lines.entries()) {
        const path = `data.lines[${i}]`;
        if (line['order_id'] !== undefined && text(line['order_id']) !== orderId) {
          problems.push({ field: `${path}.order_id`, reason: `differs from data.order_id` });
        }
        const row = rowOf(lineTable, path, line, problems, { order_id: orderId });
        rows.push({
          ...row,
          values: { line_no: String(i + 1), ...row.values },
        });
      }
      break;
    }
    case 'order_status':
      rows.push(rowOf(statusTable(), 'data', data, problems));
      break;
    default:
      rows.push(rowOf(getTable(EVENT_TABLE[event.type]), 'data', data, problems));
  }
  if (event.type !== 'order' && event.type !== 'pos_ticket' && data['lines'] !== undefined) {
    problems.push({ field: 'data.lines', reason: `a ${event.type} event has no lines` });
  }
  return { rows, problems };
}

/** Splits a request body (a JSON array, `{events: [...]}`, one event, or NDJSON) into items. */
export function splitBody(
  body: string,
  contentType: string,
): { items: unknown[]; problems: { index: number; reason: string }[] } {
  const trimmed = body.trim();
  const ndjson = /ndjson|jsonl|json-seq/i.test(contentType);
  if (!ndjson) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed)) return { items: parsed, problems: [] };
      if (
        parsed &&
        typeof parsed === 'object' &&
        Array.isArray((parsed as { events?: unknown }).events)
      ) {
        return { items: (parsed as { events: unknown[] }).events, problems: [] };
      }
      return { items: [parsed], problems: [] };
    } catch {
      // Not one JSON document: read it as NDJSON, line by line.
    }
  }
  const items: unknown[] = [];
  const problems: { index: number; reason: string }[] = [];
  for (const line of trimmed.split('\n')) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (e) {
      problems.push({ index: items.length, reason: `not JSON: ${(e as Error).message}` });
      items.push(undefined);
    }
  }
  return { items, problems };
}
