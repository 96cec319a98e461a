import type { Engine } from '../backends/engine.js';
import { INTERNAL, ensureInternalTables } from '../ingest/internal-tables.js';
import { ident } from '../ingest/sql-text.js';
import { getTable } from '../model/model.js';
import type { JournalEntry } from '../util/append-journal.js';
import type { LiveEvent } from './event-schemas.js';
import { EVENT_TABLE, stageEvent } from './event-schemas.js';
import type { IndexedRow } from './event-staging.js';
import { dropStaged, stageRows, typedSelect } from './event-staging.js';
import { LIVE_TABLES, STATE_KEYS, writeState } from './live-tables.js';

/** A journal record: an accepted event, or a refused one kept for the quarantine. */
export type JournalRecord =
  | {
      readonly k: 'event';
      readonly event: LiveEvent;
      readonly token: string | null;
      readonly at: string;
    }
  | {
      readonly k: 'reject';
      readonly id: string | null;
      readonly type: string | null;
      readonly reason: string;
      readonly item: unknown;
      readonly token: string | null;
      readonly at: string;
    };

export interface AppliedBatch {
  readonly lastSeq: number;
  readonly applied: number;
  /** Events already in the model (sent twice): skipped. */
  readonly skipped: number;
  readonly quarantined: number;
  /** Rows written per model table. */
  readonly tables: Readonly<Record<string, number>>;
}

/** Where quarantined events say they came from (the quarantine's `file`). */
export const EVENTS_SOURCE = 'events';
const EVENTS_FILE = 'POST /api/events';

/**
 * Applies journal records to the model in one transaction with the seq of the last one, so that
 * a replay after a crash applies exactly what is missing. The transaction is the caller's
 * (`engine.transaction`), which also serialises it with loads.
 *
 * Within a batch, a later event for the same key wins (an order sent again replaces the earlier
 * one with its lines); a status change applies unless the batch holds a later order event for
 * the same order.
 */
export async function applyBatch(
  engine: Engine,
  entries: readonly JournalEntry<JournalRecord>[],
  salt: string,
): Promise<AppliedBatch> {
  const lastSeq = entries.reduce((m, e) => Math.max(m, e.seq), 0);
  const events = entries.filter(
    (e): e is JournalEntry<Extract<JournalRecord, { k: 'event' }>> => e.rec.k === 'event',
  );
  const ids = [...new Set(events.map((e) => e.rec.event.id))];
  const done = new Set<string>();
  if (ids.length > 0) {
    const res = await engine.run(
      `SELECT event_id FROM ${LIVE_TABLES.events} WHERE event_id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
      [JSON.stringify(ids)],
    );
    for (const r of res.rows) done.add(String(r['event_id']));
  }
  let skipped = 0;
  const todo: JournalEntry<Extract<JournalRecord, { k: 'event' }>>[] = [];
  for (const e of events) {
    if (done.has(e.rec.event.id)) {
      skipped++;
      continue;
    }
    done.add(e.rec.event.id);
    todo.push(e);
  }
  const rows: IndexedRow[] = todo.flatMap((e) =>
    stageEvent(e.rec.event).rows.map((row) => ({ idx: e.seq, row })),
  );
  const rels = await stageRows(engine, rows, 'apply');
  const typed = new Map<string, string>();
  const tables: Record<string, number> = {};
  const quarantine: { seq: number; table: string | null; reason: string; record: string }[] = [];
  try {
    for (const [name, rel] of rels) {
      const t = `${rel}_typed`;
      const { sql, params } = typedSelect(name, rel, salt);
      await engine.run(`CREATE TEMPORARY TABLE ${ident(t)} AS ${sql}`, params);
      typed.set(name, t);
    }
    // Rules that depend on the day (nothing in the future) are checked again here: an event
    // refused now goes to the quarantine whole, with its reason.
    const bad = new Map<number, string>();
    for (const t of typed.values()) {
      const res = await engine.run(
        `SELECT _line, string_agg(_reason, '; ') AS reason FROM ${ident(t)} WHERE _reason IS NOT NULL GROUP BY _line`,
      );
      for (const r of res.rows) bad.set(Number(r['_line']), String(r['reason']));
    }
    for (const e of todo) {
      const reason = bad.get(e.seq);
      if (reason !== undefined) {
        quarantine.push({
          seq: e.seq,
          table: EVENT_TABLE[e.rec.event.type],
          reason,
          record: JSON.stringify(e.rec.event),
        });
      }
    }
    const badList = `(SELECT unnest(from_json($1, '["BIGINT"]')))`;
    const badParam = [JSON.stringify([...bad.keys()])];
    const count = async (sql: string, params: readonly (string | number)[] = badParam) =>
      Number((await engine.run(sql, params)).rows[0]?.['n'] ?? 0);

    const orders = typed.get('orders');
    const lines = typed.get('order_lines');
    if (orders) {
      // The latest event of each order in the batch, and its lines only.
      const winners = `${orders}_win`;
      await engine.run(
        `CREATE TEMPORARY TABLE ${ident(winners)} AS SELECT order_id, max(_line) AS _line FROM ${ident(orders)} WHERE _line NOT IN ${badList} GROUP BY order_id`,
        badParam,
      );
      await engine.exec(
        `DELETE FROM order_lines WHERE order_id IN (SELECT order_id FROM ${ident(winners)})`,
      );
      await engine.exec(
        `DELETE FROM orders WHERE order_id IN (SELECT order_id FROM ${ident(winners)})`,
      );
      const cols = getTable('orders')
        .columns.map((c) => ident(c.name))
        .join(', ');
      await engine.exec(
        `INSERT INTO orders (${cols}) SELECT ${cols
          .split(', ')
          .map((c) => `o.${c}`)
          .join(
            ', ',
          )} FROM ${ident(orders)} o JOIN ${ident(winners)} w ON w.order_id = o.order_id AND w._line = o._line`,
      );
      tables['orders'] = await count(`SELECT count(*) AS n FROM ${ident(winners)}`, []);
      if (lines) {
        const lcols = getTable('order_lines').columns.map((c) => ident(c.name));
        await engine.exec(
          `INSERT INTO order_lines (${lcols.join(', ')}) SELECT ${lcols.map((c) => `l.${c}`).join(', ')} FROM ${ident(lines)} l JOIN ${ident(winners)} w ON w.order_id = l.order_id AND w._line = l._line`,
        );
        tables['order_lines'] = await count(
          `SELECT count(*) AS n FROM ${ident(lines)} l JOIN ${ident(winners)} w ON w.order_id = l.order_id AND w._line = l._line`,
          [],
        );
      }
    }

    const status = typed.get('order_status');
    if (status) {
      tables['order_status'] = await count(
        `SELECT count(DISTINCT order_id) AS n FROM ${ident(status)} WHERE _line NOT IN ${badList}`,
      );
      const lastOrder = orders
        ? `coalesce((SELECT max(o._line) FROM ${ident(orders)} o WHERE o.order_id = s.order_id AND o._line NOT IN ${badList}), -1)`
        : '-1';
      await engine.run(
        `UPDATE orders SET status = s.status FROM (SELECT order_id, arg_max(status, _line) AS status, max(_line) AS _line FROM ${ident(status)} WHERE _line NOT IN ${badList} GROUP BY order_id) s WHERE orders.order_id = s.order_id AND s._line > ${lastOrder}`,
        badParam,
      );
    }

    for (const name of ['returns', 'sessions', 'web_events', 'support_contacts', 'surveys']) {
      const t = typed.get(name);
      if (!t) continue;
      const def = getTable(name);
      const cols = def.columns.map((c) => ident(c.name));
      let source = `SELECT * FROM ${ident(t)} WHERE _line NOT IN ${badList}`;
      if (name === 'web_events') {
        // Events without a number follow the session's last one, in the order they arrived.
        source = `SELECT * REPLACE (coalesce(event_no, CAST(coalesce((SELECT max(w.event_no) FROM web_events w WHERE w.session_id = b.session_id), 0) + coalesce((SELECT max(x.event_no) FROM ${ident(t)} x WHERE x.session_id = b.session_id), 0) + row_number() OVER (PARTITION BY session_id, event_no IS NULL ORDER BY _line, _ord) AS INTEGER)) AS event_no) FROM (${source}) b`;
      }
      const latest = `${t}_latest`;
      await engine.run(
        `CREATE TEMPORARY TABLE ${ident(latest)} AS SELECT * FROM (${source}) QUALIFY row_number() OVER (PARTITION BY ${def.key.map(ident).join(', ')} ORDER BY _line DESC, _ord DESC) = 1`,
        badParam,
      );
      await engine.exec(
        `DELETE FROM ${ident(name)} USING ${ident(latest)} n WHERE ${def.key.map((k) => `${ident(name)}.${ident(k)} = n.${ident(k)}`).join(' AND ')}`,
      );
      await engine.exec(
        `INSERT INTO ${ident(name)} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${ident(latest)}`,
      );
      tables[name] = await count(`SELECT count(*) AS n FROM ${ident(latest)}`, []);
      await engine.exec(`DROP TABLE IF EXISTS temp.${ident(latest)}`);
    }
    if (orders) await engine.exec(`DROP TABLE IF EXISTS temp.${ident(`${orders}_win`)}`);

    for (const e of entries) {
      if (e.rec.k !== 'reject') continue;
      quarantine.push({
        seq: e.seq,
        table:
          e.rec.type && e.rec.type in EVENT_TABLE
            ? EVENT_TABLE[e.rec.type as keyof typeof EVENT_TABLE]
            : null,
        reason: e.rec.reason,
        record: JSON.stringify(e.rec.item ?? null),
      });
    }
    if (quarantine.length > 0) await writeQuarantine(engine, quarantine);

    const applied = todo.filter((e) => !bad.has(e.seq));
    if (applied.length > 0) {
      await engine.run(
        `INSERT INTO ${LIVE_TABLES.events} SELECT e.id, e.seq, e.type, now() FROM (SELECT unnest(from_json($1, '[{"id":"VARCHAR","seq":"BIGINT","type":"VARCHAR"}]'), recursive := true)) e`,
        [
          JSON.stringify(
            applied.map((e) => ({ id: e.rec.event.id, seq: e.seq, type: e.rec.event.type })),
          ),
        ],
      );
    }
    // Bad events are recorded as applied too: sending one again must not quarantine it twice.
    const refused = todo.filter((e) => bad.has(e.seq));
    if (refused.length > 0) {
      await engine.run(
        `INSERT INTO ${LIVE_TABLES.events} SELECT e.id, e.seq, 'refused:' || e.type, now() FROM (SELECT unnest(from_json($1, '[{"id":"VARCHAR","seq":"BIGINT","type":"VARCHAR"}]'), recursive := true)) e`,
        [
          JSON.stringify(
            refused.map((e) => ({ id: e.rec.event.id, seq: e.seq, type: e.rec.event.type })),
          ),
        ],
      );
    }
    await writeState(engine, { [STATE_KEYS.appliedSeq]: lastSeq });
    return {
      lastSeq,
      applied: applied.length,
      skipped,
      quarantined: quarantine.length,
      tables,
    };
  } finally {
    for (const t of typed.values()) await engine.exec(`DROP TABLE IF EXISTS temp.${ident(t)}`);
    await dropStaged(engine, rels);
  }
}

/** One ingest run per batch with refused events, so `vitrine quarantine` lists them as a load. */
async function writeQuarantine(
  engine: Engine,
  records: readonly { seq: number; table: string | null; reason: string; record: string }[],
): Promise<void> {
  await ensureInternalTables(engine);
  const runId = Number(
    (await engine.run(`SELECT coalesce(max(run_id), 0) + 1 AS id FROM ${INTERNAL.runs}`)).rows[0]?.[
      'id'
    ] ?? 1,
  );
  await engine.run(`INSERT INTO ${INTERNAL.runs} VALUES ($1, $2, now(), now(), 0, 0, $3, NULL)`, [
    runId,
    EVENTS_SOURCE,
    records.length,
  ]);
  for (const [i, r] of records.entries()) {
    await engine.run(
      `INSERT INTO ${INTERNAL.quarantine} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', 'replace', NULL)`,
      [runId, i + 1, EVENTS_SOURCE, r.table, EVENTS_FILE, r.seq, r.reason, r.record],
    );
  }
}
