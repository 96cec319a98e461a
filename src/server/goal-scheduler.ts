import type { AlertService } from '../goals/alerts/alert-service.js';
import type { ReportService } from '../goals/reports/report-service.js';
import { oneLine } from '../util/errors.js';

export interface GoalScheduler {
  /** Evaluates at the next tick (a load or an event batch just committed). */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * Runs the alerts and scheduled reports of the server's workspace. Reports due are run at each
 * tick (one missed while the server was down runs once, at start). Alerts: rules are evaluated when the data version moves
 * (loads, event batches) and at least every `evaluateEveryMs` (a "today" rule turns over at
 * midnight without new data), and owed deliveries are sent as they fall due. One tick at a
 * time; a failing tick is reported once per distinct error, then retried at the next.
 */
export function startGoalScheduler(
  alerts: AlertService,
  reports: ReportService,
  dataVersion: () => number,
  options: { readonly tickMs?: number; readonly evaluateEveryMs?: number } = {},
): GoalScheduler {
  const tickMs = options.tickMs ?? 5_000;
  const evaluateEveryMs = options.evaluateEveryMs ?? 15 * 60_000;
  let lastVersion = -1;
  let lastEvaluation = 0;
  let lastError = '';
  let forced = false;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    try {
      const version = dataVersion();
      const now = Date.now();
      if (forced || version !== lastVersion || now - lastEvaluation >= evaluateEveryMs) {
        forced = false;
        lastVersion = version;
        lastEvaluation = now;
        if (alerts.rules().length > 0) await alerts.evaluateAll();
      }
      await alerts.deliverDue();
      for (const run of await reports.runDue()) {
        if (!run.ok)
          console.error(`vitrine serve: report ${run.schedule}: ${run.error ?? 'failed'}`);
      }
      lastError = '';
    } catch (e) {
      const msg = oneLine(e);
      if (msg !== lastError) console.error(`vitrine serve: alerts and reports: ${msg}`);
      lastError = msg;
    }
  };
  let busy = false;
  const schedule = () => {
    // A slow tick (a long evaluation) is not queued behind: the next interval finds it busy.
    if (stopped || busy) return;
    busy = true;
    running = tick().finally(() => (busy = false));
  };
  const timer = setInterval(schedule, tickMs);
  timer.unref();
  schedule();
  return {
    poke() {
      forced = true;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
