/**
 * The worker thread that fits models for the API (src/analytics/model-worker-pool.ts): the
 * request loop reads a model's data, this thread runs `fit()`, so a heavy fit neither blocks
 * `/api/health` nor, when it runs out of its heap, takes the server with it.
 */
import { parentPort } from 'node:worker_threads';
import { isVitrineError } from '../util/errors.js';
import { fitModel } from './analytic-model.js';
import { findModel } from './model-catalogue.js';

export interface FitJob {
  readonly id: number;
  readonly model: string;
  readonly data: unknown;
  readonly params: unknown;
}

export type FitAnswer =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

const port = parentPort;
if (port) {
  // The pool dispatches only to a worker that has loaded the models: the time limit is the fit's.
  port.postMessage({ ready: true });
  port.on('message', (job: FitJob) => {
    let answer: FitAnswer;
    try {
      const { model } = findModel(job.model);
      answer = { id: job.id, ok: true, result: fitModel(model, job.data, job.params) };
    } catch (e) {
      answer = {
        id: job.id,
        ok: false,
        code: isVitrineError(e) ? e.code : 'MODEL_FAILED',
        message: e instanceof Error ? e.message : String(e),
      };
    }
    port.postMessage(answer);
  });
}
