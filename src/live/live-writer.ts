import { join } from 'node:path';
import type { Engine } from '../backends/engine.js';
import { workspaceSalt } from '../ingest/personal/workspace-salt.js';
import { oneLine } from '../util/errors.js';
import type { AppliedBatch, JournalRecord } from './event-applier.js';
import { applyBatch } from './event-applier.js';
import type { JournalEntry } from '../util/append-journal.js';
import { EventJournal } from '../util/append-journal.js';
import type { EventProblem, Scopes } from './event-intake.js';
import { checkEvents } from './event-intake.js';
import type { LiveDatabase } from './live-database.js';
import { readState } from './live-tables.js';

/** The journal's directory in a workspace. */
export function journalDir(workspaceDir: string): string {
  return join(workspaceDir, 'live', 'journal');
}

/** Records applied per transaction at most (a backlog after a restart goes in several). */
const MAX_BATCH = 5000;
/** An accepted event waits this long at most for others to share its transaction. */
const BATCH_WINDOW_MS = 100;
/** After a failed batch (the database refused it), the applier tries again after this. */
const RETRY_MS = 1000;

export interface EventsAnswer {
  /** Events journaled by this request (they will be rows within a second). */
  readonly accepted: number;
  /** Events whose id was sent before: nothing changes. */
  readonly duplicates: number;
  readonly rejected: readonly EventProblem[];
  /** Journal seq of the last record this request wrote (0: none). */
  readonly seq: number;
}

export interface LiveStatus {
  readonly data_version: number;
  readonly journal_seq: number;
  readonly applied_seq: number;
  readonly pending: number;
  readonly last_error: string | null;
}

/**
 * Live events of a served workspace: intake (check, journal, answer) and the micro-batch applier
 * that turns journaled events into model rows, in one transaction per batch with the journal seq
 * applied.
 */
export class LiveWriter {
  private pending: JournalEntry<JournalRecord>[] = [];
  private readonly pendingIds = {
    orders: new Set<string>(),
    sessions: new Set<string>(),
    events: new Set<string>(),
  };
  private appliedSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private applying: Promise<void> | null = null;
  private intakeTurn: Promise<unknown> = Promise.resolve();
  private lastError: string | null = null;
  private closed = false;
  private drainedWaiters: (() => void)[] = [];

  private constructor(
    private readonly db: LiveDatabase,
    private readonly journal: EventJournal<JournalRecord>,
    private readonly intakeEngine: Engine,
    private readonly salt: string,
  ) {}

  /**
   * Opens the journal and applies what the model is missing (after a crash, the records after
   * the last seq committed) before the server answers anything.
   */
  static async start(db: LiveDatabase): Promise<LiveWriter> {
    const { appliedSeq } = await db.read((e) => readState(e));
    const { journal, pending } = EventJournal.open<JournalRecord>(journalDir(db.dir), appliedSeq);
    const writer = new LiveWriter(db, journal, await db.connection(), workspaceSalt(db.dir));
    writer.appliedSeq = appliedSeq;
    writer.remember(pending);
    while (writer.pending.length > 0) await writer.applyOnce();
    return writer;
  }

  private remember(entries: readonly JournalEntry<JournalRecord>[]): void {
    for (const e of entries) {
      this.pending.push(e);
      if (e.rec.k !== 'event') continue;
      const { event } = e.rec;
      this.pendingIds.events.add(event.id);
      const v = (k: string) => {
        const x = event.data[k];
        return typeof x === 'string' || typeof x === 'number' ? String(x) : null;
      };
      if (event.type === 'order' || event.type === 'pos_ticket') {
        const id = v('order_id');
        if (id) this.pendingIds.orders.add(id);
      }
      if (event.type === 'session') {
        const id = v('session_id');
        if (id) this.pendingIds.sessions.add(id);
      }
    }
  }

  private forget(entries: readonly JournalEntry<JournalRecord>[]): void {
    const done = new Set(entries.map((e) => e.seq));
    this.pending = this.pending.filter((e) => !done.has(e.seq));
    // Rebuilt from what is still pending: an id may be pending twice (an order sent again).
    this.pendingIds.orders.clear();
    this.pendingIds.sessions.clear();
    this.pendingIds.events.clear();
    const still = this.pending;
    this.pending = [];
    this.remember(still);
  }

  /** Checks a batch, journals the sound events (fsync) and the refused ones, and answers. */
  async intake(
    items: readonly unknown[],
    auth: { id: string; scopes: Scopes },
  ): Promise<EventsAnswer> {
    // One intake at a time: duplicate ids are judged against everything journaled before.
    const turn = this.intakeTurn.then(async () => {
      const check = await checkEvents(
        {
          engine: this.intakeEngine,
          salt: this.salt,
          scopes: auth.scopes,
          pending: this.pendingIds,
        },
        items,
      );
      const at = new Date().toISOString();
      const records: JournalRecord[] = [];
      for (const c of check.accepted)
        records.push({ k: 'event', event: c.event, token: auth.id, at });
      // One quarantine record per refused event, with all its reasons.
      const byIndex = new Map<number, EventProblem[]>();
      for (const p of check.rejected) byIndex.set(p.index, [...(byIndex.get(p.index) ?? []), p]);
      for (const [index, problems] of byIndex) {
        const item = check.rejectedItems.get(index);
        const type =
          item && typeof item === 'object' && typeof (item as { type?: unknown }).type === 'string'
            ? (item as { type: string }).type
            : null;
        records.push({
          k: 'reject',
          id: problems[0]?.id ?? null,
          type,
          reason: problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
          item: item ?? null,
          token: auth.id,
          at,
        });
      }
      const written = this.journal.append(records);
      this.remember(written);
      if (written.length > 0) this.schedule();
      return {
        accepted: check.accepted.length,
        duplicates: check.duplicates.length,
        rejected: check.rejected,
        seq: written.at(-1)?.seq ?? 0,
      };
    });
    this.intakeTurn = turn.catch(() => undefined);
    return turn;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, BATCH_WINDOW_MS);
  }

  private async drain(): Promise<void> {
    if (this.applying) return this.applying;
    this.applying = (async () => {
      try {
        while (this.pending.length > 0) await this.applyOnce();
        this.lastError = null;
      } catch (e) {
        this.lastError = oneLine(e);
        console.error(`vitrine serve: applying live events failed (retrying): ${this.lastError}`);
        if (!this.closed) setTimeout(() => void this.drain(), RETRY_MS);
      } finally {
        this.applying = null;
        if (this.pending.length === 0) {
          const w = this.drainedWaiters;
          this.drainedWaiters = [];
          for (const r of w) r();
        }
      }
    })();
    return this.applying;
  }

  private async applyOnce(): Promise<AppliedBatch> {
    const batch = this.pending.slice(0, MAX_BATCH);
    const res = await this.db.write((engine) =>
      engine.transaction(() => applyBatch(engine, batch, this.salt)),
    );
    this.appliedSeq = res.lastSeq;
    this.forget(batch);
    return res;
  }

  /** Resolves once every journaled record is in the model. */
  async flush(): Promise<void> {
    if (this.pending.length === 0 && !this.applying) return;
    await new Promise<void>((r) => {
      this.drainedWaiters.push(r);
      void this.drain();
    });
  }

  status(): LiveStatus {
    return {
      data_version: this.db.dataVersion,
      journal_seq: this.journal.next - 1,
      applied_seq: this.appliedSeq,
      pending: this.pending.length,
      last_error: this.lastError,
    };
  }

  /** Applies what is journaled, then stops (a clean exit leaves nothing to replay). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.intakeTurn;
    if (this.pending.length > 0) await this.drain().catch(() => undefined);
    this.closed = true;
    this.journal.close();
    await this.intakeEngine.close();
  }
}
