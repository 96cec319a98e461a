import type { Engine } from '../backends/engine.js';
import { ident } from '../ingest/sql-text.js';
import type { LiveEvent, StagedRow } from './event-schemas.js';
import { eventSchema, stageEvent } from './event-schemas.js';
import type { IndexedRow } from './event-staging.js';
import { dropStaged, stageRows, typedSelect } from './event-staging.js';
import { LIVE_TABLES } from './live-tables.js';

/**
 * What happens to a batch before anything is written: each event is checked on its own (shape,
 * the ingest's column and row rules, the parent it needs, the sender's scope); the sound ones go
 * on to the journal, each bad one comes back with its field and reason.
 */

export interface EventProblem {
  /** Position of the event in the request (0-based). */
  readonly index: number;
  readonly id: string | null;
  /** The field at fault, e.g. `data.lines[1].quantity`, or `(event)`. */
  readonly field: string;
  readonly reason: string;
}

export interface CheckedEvent {
  readonly index: number;
  readonly event: LiveEvent;
  readonly rows: readonly StagedRow[];
}

export interface IntakeCheck {
  readonly accepted: CheckedEvent[];
  readonly duplicates: { index: number; id: string }[];
  readonly rejected: EventProblem[];
  /** The raw item of each rejected event, for the quarantine. */
  readonly rejectedItems: Map<number, unknown>;
}

/** A token's scopes: dimension → the members it may see (src/server/auth). */
export type Scopes = Readonly<Record<string, readonly string[]>>;

export interface IntakeContext {
  /** A connection of the server's own (temporary tables are per connection). */
  readonly engine: Engine;
  readonly salt: string;
  readonly scopes: Scopes;
  /** Ids journaled and not yet applied: orders, sessions and events the model does not have yet. */
  readonly pending: {
    readonly orders: ReadonlySet<string>;
    readonly sessions: ReadonlySet<string>;
    readonly events: ReadonlySet<string>;
  };
}

/** Parents an event needs in the model (or in the journal), as the ingest holds children. */
const PARENTS: readonly { table: string; column: string; parent: 'orders' | 'sessions' }[] = [
  { table: 'returns', column: 'order_id', parent: 'orders' },
  { table: 'order_status', column: 'order_id', parent: 'orders' },
  { table: 'web_events', column: 'session_id', parent: 'sessions' },
];
const PARENT_KEY = { orders: 'order_id', sessions: 'session_id' } as const;
const NOUN = { orders: 'order', sessions: 'session' } as const;

/** Scope dimensions an event can be checked against, by the column that carries them. */
const SCOPE_COLUMNS: Readonly<Record<string, string>> = {
  location: 'location_id',
  channel: 'channel_id',
  region: 'location_id',
};

function fieldOf(reason: string): { column: string | null; text: string } {
  const m = /^([a-z_][a-z0-9_]*): (.*)$/s.exec(reason);
  return m?.[1] && m[2] !== undefined
    ? { column: m[1], text: m[2] }
    : { column: null, text: reason };
}

export async function checkEvents(
  ctx: IntakeContext,
  items: readonly unknown[],
): Promise<IntakeCheck> {
  const rejected: EventProblem[] = [];
  const rejectedItems = new Map<number, unknown>();
  const duplicates: { index: number; id: string }[] = [];
  const candidates: CheckedEvent[] = [];
  const seen = new Set<string>();
  const reject = (index: number, id: string | null, field: string, reason: string) => {
    rejected.push({ index, id, field, reason });
    rejectedItems.set(index, items[index]);
  };

  for (const [index, item] of items.entries()) {
    const parsed = eventSchema.safeParse(item);
    const rawId =
      item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string'
        ? (item as { id: string }).id
        : null;
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 3)) {
        reject(index, rawId, issue.path.join('.') || '(event)', issue.message);
      }
      continue;
    }
    const event = parsed.data;
    if (seen.has(event.id) || ctx.pending.events.has(event.id)) {
      duplicates.push({ index, id: event.id });
      continue;
    }
    seen.add(event.id);
    const { rows, problems } = stageEvent(event);
    if (problems.length > 0) {
      for (const p of problems) reject(index, event.id, p.field, p.reason);
      continue;
    }
    candidates.push({ index, event, rows });
  }

  // Ids applied by earlier batches: sending an event twice changes nothing.
  if (candidates.length > 0) {
    const ids = candidates.map((c) => c.event.id);
    // The ids travel as one bound JSON text (a parameter is a scalar).
    const found = await ctx.engine.run(
      `SELECT event_id FROM ${LIVE_TABLES.events} WHERE event_id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
      [JSON.stringify(ids)],
    );
    const applied = new Set(found.rows.map((r) => String(r['event_id'])));
    for (let i = candidates.length - 1; i >= 0; i--) {
      const c = candidates[i];
      if (c && applied.has(c.event.id)) {
        duplicates.push({ index: c.index, id: c.event.id });
        candidates.splice(i, 1);
      }
    }
  }

  const bad = new Set<number>();
  const fail = (c: CheckedEvent, field: string, reason: string) => {
    bad.add(c.index);
    reject(c.index, c.event.id, field, reason);
  };
  const byIndex = new Map(candidates.map((c) => [c.index, c]));

  // The sender's scope: a store's till may only write its own store's tickets.
  const scopeDims = Object.keys(ctx.scopes);
  if (scopeDims.length > 0) {
    const regionOf = new Map<string, string | null>();
    if (ctx.scopes['region']) {
      const res = await ctx.engine.run('SELECT location_id, region FROM locations');
      for (const r of res.rows)
        regionOf.set(String(r['location_id']), (r['region'] as string | null) ?? null);
    }
    for (const c of candidates) {
      const main = c.rows[0]?.values ?? {};
      for (const dim of scopeDims) {
        const allowed = ctx.scopes[dim] ?? [];
        const column = SCOPE_COLUMNS[dim];
        if (!column) {
          fail(
            c,
            '(event)',
            `a token scoped on ${dim} cannot send events (events are scoped by location, region or channel)`,
          );
          break;
        }
        const v = main[column] ?? null;
        const member = dim === 'region' ? (v === null ? null : (regionOf.get(v) ?? null)) : v;
        if (member === null || !allowed.includes(member)) {
          fail(
            c,
            `data.${column}`,
            v === null
              ? `your token is scoped to ${dim}=${allowed.join(',')}; a ${c.event.type} event without ${column} is outside it`
              : `${v}${dim === 'region' ? ` (region ${member ?? 'unknown'})` : ''} is outside your token's scope ${dim}=${allowed.join(',')}`,
          );
          break;
        }
      }
    }
  }

  // The ingest's rules, set-based, over every row of the batch at once.
  const rows: IndexedRow[] = candidates
    .filter((c) => !bad.has(c.index))
    .flatMap((c) => c.rows.map((row) => ({ idx: c.index, row })));
  const paths = new Map<string, string[]>();
  for (const r of rows) {
    const list = paths.get(r.row.table) ?? [];
    list.push(r.row.path);
    paths.set(r.row.table, list);
  }
  const rels = await stageRows(ctx.engine, rows, 'intake');
  try {
    for (const [name, rel] of rels) {
      const { sql, params } = typedSelect(name, rel, ctx.salt);
      const res = await ctx.engine.run(
        `SELECT _line, _ord, _reason FROM (${sql}) WHERE _reason IS NOT NULL ORDER BY _line, _ord`,
        params,
      );
      for (const r of res.rows) {
        const c = byIndex.get(Number(r['_line']));
        if (!c) continue;
        const path = paths.get(name)?.[Number(r['_ord'])] ?? 'data';
        // Reasons are joined with '; ' and each starts with its column; a reason's own text
        // may contain '; ' too, so only a column name after it starts a new one.
        for (const part of String(r['_reason']).split(/; (?=[a-z_][a-z0-9_]*: )/)) {
          const { column, text } = fieldOf(part);
          fail(c, column ? `${path}.${column}` : path, text);
        }
      }
    }
    // Parents: in the model, earlier in this batch, or journaled and about to be applied.
    const batchParents = {
      orders: new Set(
        rows
          .filter((r) => r.row.table === 'orders' && !bad.has(r.idx))
          .map((r) => r.row.values['order_id'] ?? ''),
      ),
      sessions: new Set(
        rows
          .filter((r) => r.row.table === 'sessions' && !bad.has(r.idx))
          .map((r) => r.row.values['session_id'] ?? ''),
      ),
    };
    for (const ref of PARENTS) {
      const rel = rels.get(ref.table);
      if (!rel) continue;
      const key = PARENT_KEY[ref.parent];
      const res = await ctx.engine.run(
        `SELECT src._idx, src.${ident(ref.column)} AS v FROM ${ident(rel)} src WHERE src.${ident(ref.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${ident(ref.parent)} p WHERE p.${ident(key)} = src.${ident(ref.column)})`,
      );
      for (const r of res.rows) {
        const v = String(r['v']);
        if (batchParents[ref.parent].has(v) || ctx.pending[ref.parent].has(v)) continue;
        const c = byIndex.get(Number(r['_idx']));
        if (!c || bad.has(c.index)) continue;
        fail(
          c,
          `data.${ref.column}`,
          `${NOUN[ref.parent]} ${v} is unknown; send the ${NOUN[ref.parent]} first`,
        );
      }
    }
  } finally {
    await dropStaged(ctx.engine, rels);
  }

  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: candidates.filter((c) => !bad.has(c.index)),
    duplicates: duplicates.sort((a, b) => a.index - b.index),
    rejected,
    rejectedItems,
  };
}
