/**
 * Fixed-window request counting per key (token id). A window, not a token bucket: the limit a
 * user reads in the 429 answer ("N per minute") is then exactly what is enforced.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; returns the seconds to wait when over the limit, else null. */
  hit(key: string): { allowed: boolean; remaining: number; retryAfterSeconds: number } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const retryAfterSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
    return {
      allowed: w.count <= this.limit,
      remaining: Math.max(0, this.limit - w.count),
      retryAfterSeconds,
    };
  }
}
