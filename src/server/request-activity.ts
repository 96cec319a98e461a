/** The background warm-up waits for this long without any request before each query. */
const QUIET_MS = 1500;

/**
 * Requests being answered (pages, files and API calls): the background warm-up starts each of
 * its queries only when none is, and none was for a moment (a page asks for its script, then
 * for its data: a gap that is not idleness), so that a person opening a board never queues
 * behind the boards nobody opened yet.
 */
export class RequestActivity {
  private inFlight = 0;
  private lastActivity = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly quietMs = QUIET_MS) {}

  /** A request starts (or work that outlives its handler, like a streamed batch). */
  begin(): void {
    this.inFlight++;
    this.lastActivity = Date.now();
  }

  end(): void {
    this.inFlight--;
    this.lastActivity = Date.now();
    if (this.inFlight === 0) {
      const waiting = this.idle;
      this.idle = [];
      for (const r of waiting) r();
    }
  }

  /** Resolves once nothing is in flight and nothing was for the quiet time. */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.inFlight > 0) await new Promise<void>((r) => this.idle.push(r));
      const quiet = this.lastActivity + this.quietMs - Date.now();
      if (this.inFlight === 0 && quiet <= 0) return;
      if (quiet > 0) await new Promise((r) => setTimeout(r, quiet));
    }
  }
}
