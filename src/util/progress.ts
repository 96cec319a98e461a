/**
 * Progress of long work, reported by library code and rendered by whoever runs it: a bar in a
 * terminal, plain lines in CI and logs, nothing in tests.
 */
export interface Progress {
  /** Starts a step of `total` units (0 when unknown). */
  start(label: string, total: number): void;
  /** Sets the units done in the current step. */
  update(done: number): void;
  /** Ends the current step with an optional summary. */
  done(summary?: string): void;
  /** A one-off informational line. */
  info(message: string): void;
}

export const silentProgress: Progress = {
  start() {},
  update() {},
  done() {},
  info() {},
};
