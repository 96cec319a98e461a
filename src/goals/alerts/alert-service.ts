/**
 * Alerts as a library: manage rules, evaluate them (after each data refresh and on a schedule),
 * record each change of state once, and deliver what is owed with retries and backoff. The CLI,
 * the API and the server's scheduler are thin shells over these calls.
 */
import type { KpiDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import type { QueryContext } from '../../semantic/query/query-runner.js';
import type { WorkspaceConfig } from '../../workspace/workspace-config.js';
import { localDay } from '../../time/zoned-time.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import { createDeliverer } from './alert-delivery.js';
import { deliverySettings } from '../notify/notify-settings.js';
import type { Deliverer } from './alert-delivery.js';
import { evaluateAlert } from './alert-evaluator.js';
import type { AlertEvaluation } from './alert-evaluator.js';
import { AlertLog } from './alert-log.js';
import type { DeliveryState } from './alert-log.js';
import { alertMessage } from './alert-message.js';
import type { MessageContext } from './alert-message.js';
import { parseAlertRuleInput } from './alert-rule.js';
import type { AlertRule } from './alert-rule.js';
import { newAlertId, readAlertRules, writeAlertRules } from './alert-store.js';

/** Backoff between attempts: 30 s doubling to 1 h; given up after a day of tries. */
export interface RetryPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}
export const DEFAULT_RETRY: RetryPolicy = {
  firstDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 30,
};

export interface AlertServiceOptions {
  readonly dir: string;
  readonly config: WorkspaceConfig;
  readonly dictionary: KpiDictionary;
  /**
   * Runs reads on the workspace with an unscoped query context (each rule's scope is applied
   * per rule); a server passes its snapshot reads, the CLI its open workspace.
   */
  readonly read: <T>(fn: (ctx: QueryContext) => Promise<T>) => Promise<T>;
  /** Where messages link to (read when a message is written: a server learns its port late). */
  readonly message: () => Omit<MessageContext, 'dictionary' | 'reportingCurrency' | 'locale'>;
  readonly now?: () => Date;
  readonly retry?: RetryPolicy;
  readonly deliverer?: Deliverer;
}

export interface EvaluationOutcome {
  readonly rule: AlertRule;
  readonly evaluation: AlertEvaluation;
  /** The change of state recorded, if any. */
  readonly transition: 'firing' | 'recovered' | null;
}

export interface DeliveryLogEntry {
  readonly delivery: string;
  readonly rule: string;
  readonly notice: 'firing' | 'recovered';
  readonly at: string;
  readonly channel: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly last_error: string | null;
  readonly next_attempt: string | null;
}

export class AlertService {
  readonly log: AlertLog;
  private readonly now: () => Date;
  private readonly retry: RetryPolicy;
  private readonly deliverer: Deliverer;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AlertServiceOptions) {
    this.log = AlertLog.open(options.dir);
    this.now = options.now ?? (() => new Date());
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.deliverer =
      options.deliverer ?? createDeliverer(deliverySettings(options.config, options.dir));
  }

  close(): void {
    this.log.close();
  }

  rules(): AlertRule[] {
    return readAlertRules(this.options.dir);
  }

  /** Today in the workspace's time zone. */
  today(): number {
    return localDay(this.now().getTime(), this.options.config.timezone);
  }

  /**
   * Adds a rule after checking it runs: an unknown KPI, a dimension that does not apply or an
   * unknown objective is refused with the reason, not stored to fail silently every night.
   */
  async add(
    input: unknown,
    owner: { readonly id: string; readonly scope: Readonly<Record<string, readonly string[]>> },
  ): Promise<{ rule: AlertRule; evaluation: AlertEvaluation }> {
    const parsed = parseAlertRuleInput(input);
    this.options.dictionary.get(parsed.kpi);
    const rules = this.rules();
    const rule: AlertRule = {
      ...parsed,
      id: newAlertId(rules),
      scope: owner.scope,
      created_by: owner.id,
      created_at: this.now().toISOString(),
    };
    const evaluation = await this.evaluate(rule);
    if (evaluation.status === 'error') {
      throw new VitrineError('BAD_ALERT', `alert rule on ${rule.kpi}: ${evaluation.detail}`);
    }
    writeAlertRules(this.options.dir, [...rules, rule]);
    return { rule, evaluation };
  }

  remove(id: string): AlertRule {
    const rules = this.rules();
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new VitrineError('UNKNOWN_ALERT', `no alert rule "${id}"`);
    writeAlertRules(
      this.options.dir,
      rules.filter((r) => r.id !== id),
    );
    this.log.recordRuleRemoved(id, this.now());
    return rule;
  }

  /** Evaluates a rule without recording anything (`vitrine alert test`). */
  async test(id: string): Promise<AlertEvaluation> {
    const rule = this.rules().find((r) => r.id === id);
    if (!rule) throw new VitrineError('UNKNOWN_ALERT', `no alert rule "${id}"`);
    return this.evaluate(rule);
  }

  private evaluate(rule: AlertRule): Promise<AlertEvaluation> {
    const today = this.today();
    return this.options.read((ctx) =>
      evaluateAlert({ ...ctx, dir: this.options.dir }, rule, today),
    );
  }

  /**
   * Evaluates every rule and records changes of state: a rule that starts firing notifies once,
   * stays quiet while it keeps firing, and sends a recovery notice when it stops. A rule whose
   * data is missing or whose query fails keeps its state (and the error is in its outcome).
   * Calls are serialised, so a refresh and the schedule never record one change twice.
   */
  evaluateAll(): Promise<EvaluationOutcome[]> {
    const run = this.running.then(() => this.evaluateAllNow());
    this.running = run.catch(() => undefined);
    return run;
  }

  private async evaluateAllNow(): Promise<EvaluationOutcome[]> {
    const out: EvaluationOutcome[] = [];
    for (const rule of this.rules()) {
      const evaluation = await this.evaluate(rule);
      const wasFiring = this.log.isFiring(rule.id);
      let transition: EvaluationOutcome['transition'] = null;
      if (evaluation.status === 'firing' && !wasFiring) transition = 'firing';
      if (evaluation.status === 'ok' && wasFiring) transition = 'recovered';
      if (transition)
        this.log.recordTransition(rule.id, transition, evaluation, rule.channels, this.now());
      out.push({ rule, evaluation, transition });
    }
    return out;
  }

  /** What was owed, sent, failed and retried, newest first (`vitrine alert log`). */
  deliveryLog(visibleRules?: ReadonlySet<string>): DeliveryLogEntry[] {
    return this.log
      .allDeliveries()
      .filter((d) => !visibleRules || visibleRules.has(d.rule))
      .map((d) => {
        const n = this.log.notification(d.transition);
        return {
          delivery: d.id,
          rule: d.rule,
          notice: n?.status ?? 'firing',
          at: n?.at ?? '',
          channel:
            d.channel.kind === 'email'
              ? `email ${d.channel.to.join(', ')}`
              : d.channel.kind === 'webhook'
                ? `webhook ${d.channel.url}`
                : 'dashboard',
          status: d.status,
          attempts: d.attempts,
          last_error: d.lastError,
          next_attempt: d.status === 'pending' ? new Date(d.dueAt).toISOString() : null,
        };
      })
      .reverse();
  }

  /** Sends every delivery due now; failures are retried later with backoff, and logged. */
  async deliverDue(): Promise<DeliveryState[]> {
    const rules = new Map(this.rules().map((r) => [r.id, r]));
    const done: DeliveryState[] = [];
    for (const d of this.log.due(this.now().getTime())) {
      const rule = rules.get(d.rule);
      const n = this.log.notification(d.transition);
      if (!rule || !n) continue;
      const message = alertMessage(rule, n, {
        ...this.options.message(),
        dictionary: this.options.dictionary,
        reportingCurrency: this.options.config.reporting_currency,
        locale: this.options.config.locale,
      });
      try {
        await this.deliverer.send(d.id, d.channel, message);
        this.log.recordAttempt(d.id, { ok: true }, this.now());
      } catch (e) {
        const attempts = d.attempts + 1;
        const delay = Math.min(
          this.retry.firstDelayMs * 2 ** (attempts - 1),
          this.retry.maxDelayMs,
        );
        const nextAt =
          attempts >= this.retry.maxAttempts ? null : new Date(this.now().getTime() + delay);
        this.log.recordAttempt(d.id, { ok: false, error: oneLine(e), nextAt }, this.now());
      }
      const after = this.log.delivery(d.id);
      if (after) done.push(after);
    }
    return done;
  }
}
