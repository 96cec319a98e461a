/**
 * Fixed-window request counting per key (token id, client address). A window, not a token
 * bucket: the limit a user reads in the 429 answer ("N per minute") is then exactly what is
 * enforced.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    /** Keys held before ended windows are dropped: many client addresses cost no more memory. */
    private readonly maxKeys = 10_000,
  ) {}

  /**
   * Counts a request; `firstRefusal` is true for the one request that crossed the limit in this
   * window (what is worth a line in the audit log; the ones after it are not).
   */
  hit(key: string): {
    allowed: boolean;
    remaining: number;
    retryAfterSeconds: number;
    firstRefusal: boolean;
  } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (!w && this.windows.size >= this.maxKeys) this.sweep(t);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const retryAfterSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
    return {
      allowed: w.count <= this.limit,
      remaining: Math.max(0, this.limit - w.count),
      retryAfterSeconds,
      firstRefusal: w.count === this.limit + 1,
    };
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
