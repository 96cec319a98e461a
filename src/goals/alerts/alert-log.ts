/**
 * The alert log (DIR/alerts/log/): one append-only, checksummed journal that is the single
 * truth for alert state and deliveries. A transition (a rule starts firing, or recovers) is
 * written with the deliveries it owes in one fsynced record, so a crash never leaves a
 * notification owed but unrecorded, nor recorded twice; every attempt is a record too, so the
 * log answers "sent, failed, retried" and a restart resumes exactly the deliveries not sent.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventJournal } from '../../util/append-journal.js';
import type { AlertChannel } from './alert-rule.js';
import type { AlertEvaluation } from './alert-evaluator.js';

export interface DeliveryOwed {
  /** Stable across retries: receivers may de-duplicate on it (webhook header, Message-ID). */
  readonly id: string;
  readonly channel: AlertChannel;
}

export type AlertLogRecord =
  | {
      readonly t: 'transition';
      readonly id: string;
      readonly rule: string;
      readonly status: 'firing' | 'recovered';
      readonly at: string;
      readonly evaluation: AlertEvaluation;
      readonly deliveries: readonly DeliveryOwed[];
    }
  | {
      readonly t: 'attempt';
      readonly delivery: string;
      readonly ok: boolean;
      readonly at: string;
      readonly error?: string;
      /** When the next try is due; absent once sent or given up. */
      readonly next_at?: string;
      readonly gave_up?: boolean;
    }
  | { readonly t: 'rule-removed'; readonly rule: string; readonly at: string }
  | { readonly t: 'read'; readonly reader: string; readonly upto: string; readonly at: string };

export interface DeliveryState {
  readonly id: string;
  readonly transition: string;
  readonly rule: string;
  readonly channel: AlertChannel;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly lastError: string | null;
  /** Epoch ms the next attempt is due (pending only). */
  readonly dueAt: number;
}

export interface Notification {
  readonly id: string;
  readonly rule: string;
  readonly status: 'firing' | 'recovered';
  readonly at: string;
  readonly evaluation: AlertEvaluation;
}

/** The state the log describes, rebuilt on open and kept current on append. */
export class AlertLog {
  private readonly firingRules = new Map<string, string>();
  private readonly deliveries = new Map<string, DeliveryState>();
  private readonly transitions: Notification[] = [];
  private readonly readMarks = new Map<string, string>();
  private readonly history: AlertLogRecord[] = [];

  private constructor(private readonly journal: EventJournal<AlertLogRecord>) {}

  static open(workspaceDir: string): AlertLog {
    const { journal, pending } = EventJournal.open<AlertLogRecord>(
      join(workspaceDir, 'alerts', 'log'),
      0,
    );
    const log = new AlertLog(journal);
    for (const e of pending) log.apply(e.rec);
    return log;
  }

  close(): void {
    this.journal.close();
  }

  private apply(r: AlertLogRecord): void {
    this.history.push(r);
    switch (r.t) {
      case 'transition':
        if (r.status === 'firing') this.firingRules.set(r.rule, r.id);
        else this.firingRules.delete(r.rule);
        this.transitions.push({
          id: r.id,
          rule: r.rule,
          status: r.status,
          at: r.at,
          evaluation: r.evaluation,
        });
        for (const d of r.deliveries) {
          this.deliveries.set(d.id, {
            id: d.id,
            transition: r.id,
            rule: r.rule,
            channel: d.channel,
            status: 'pending',
            attempts: 0,
            lastError: null,
            dueAt: Date.parse(r.at),
          });
        }
        break;
      case 'attempt': {
        const d = this.deliveries.get(r.delivery);
        if (!d) break;
        this.deliveries.set(r.delivery, {
          ...d,
          attempts: d.attempts + 1,
          status: r.ok ? 'sent' : r.gave_up ? 'failed' : 'pending',
          lastError: r.ok ? null : (r.error ?? 'failed'),
          dueAt: r.next_at ? Date.parse(r.next_at) : d.dueAt,
        });
        break;
      }
      case 'rule-removed':
        this.firingRules.delete(r.rule);
        for (const [id, d] of this.deliveries) {
          if (d.rule === r.rule && d.status === 'pending') {
            this.deliveries.set(id, { ...d, status: 'failed', lastError: 'rule removed' });
          }
        }
        break;
      case 'read':
        this.readMarks.set(r.reader, r.upto);
        break;
    }
  }

  private append(records: AlertLogRecord[]): void {
    this.journal.append(records);
    for (const r of records) this.apply(r);
  }

  isFiring(rule: string): boolean {
    return this.firingRules.has(rule);
  }

  /**
   * Records a rule's change of state with the deliveries it owes, durably, and returns them.
   * Each channel gets its own delivery, so one receiver down does not hold the others back.
   */
  recordTransition(
    rule: string,
    status: 'firing' | 'recovered',
    evaluation: AlertEvaluation,
    channels: readonly AlertChannel[],
    at: Date,
  ): string {
    const id = randomUUID();
    const deliveries = channels
      .filter((c) => c.kind !== 'dashboard')
      .map((channel, i) => ({ id: `${id}.${i + 1}`, channel }));
    this.append([
      { t: 'transition', id, rule, status, at: at.toISOString(), evaluation, deliveries },
    ]);
    return id;
  }

  recordAttempt(
    delivery: string,
    outcome: { ok: true } | { ok: false; error: string; nextAt: Date | null },
    at: Date,
  ): void {
    this.append([
      outcome.ok
        ? { t: 'attempt', delivery, ok: true, at: at.toISOString() }
        : {
            t: 'attempt',
            delivery,
            ok: false,
            at: at.toISOString(),
            error: outcome.error.slice(0, 500),
            ...(outcome.nextAt ? { next_at: outcome.nextAt.toISOString() } : { gave_up: true }),
          },
    ]);
  }

  recordRuleRemoved(rule: string, at: Date): void {
    this.append([{ t: 'rule-removed', rule, at: at.toISOString() }]);
  }

  markRead(reader: string, upto: string, at: Date): void {
    this.append([{ t: 'read', reader, upto, at: at.toISOString() }]);
  }

  /** Deliveries still owed whose next attempt is due by `now`. */
  due(now: number): DeliveryState[] {
    return [...this.deliveries.values()].filter((d) => d.status === 'pending' && d.dueAt <= now);
  }

  /** The earliest time a pending delivery is due, or null. */
  nextDue(): number | null {
    let min: number | null = null;
    for (const d of this.deliveries.values()) {
      if (d.status === 'pending' && (min === null || d.dueAt < min)) min = d.dueAt;
    }
    return min;
  }

  /** Every delivery, in the order they were owed. */
  allDeliveries(): DeliveryState[] {
    return [...this.deliveries.values()];
  }

  delivery(id: string): DeliveryState | undefined {
    return this.deliveries.get(id);
  }

  notification(transitionId: string): Notification | undefined {
    return this.transitions.find((t) => t.id === transitionId);
  }

  /** The dashboard's feed: newest first, with what a reader has not seen yet. */
  feed(
    reader: string,
    visibleRules: ReadonlySet<string>,
    limit = 50,
  ): { items: Notification[]; unread: number } {
    const mine = this.transitions.filter((t) => visibleRules.has(t.rule));
    const mark = this.readMarks.get(reader);
    const unread = mark === undefined ? mine.length : mine.filter((t) => t.at > mark).length;
    return { items: mine.slice(-limit).reverse(), unread };
  }

  /** Every record, oldest first (`vitrine alert log`). */
  records(): readonly AlertLogRecord[] {
    return this.history;
  }
}
