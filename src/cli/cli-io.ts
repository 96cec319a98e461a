import type { Progress } from '../util/progress.js';

/** Where a command writes: data to `out` (stdout), everything else to `err` (stderr). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  progress: Progress;
}
