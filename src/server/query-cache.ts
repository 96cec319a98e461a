/**
 * Results of reads, keyed by the caller's scopes and the request: two tokens with different
 * scopes never share an entry, whatever they ask. Least recently used entries go first; the
 * cache is cleared on every admin write (targets change query answers).
 */
export class QueryCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(
    private readonly maxEntries = 500,
    /**
     * The workspace's data version (src/live): part of every key, so an answer computed before
     * a load or an event batch is never served after it; old entries age out.
     */
    private readonly version: () => number = () => 0,
  ) {}

  static key(kind: string, scopes: unknown, request: unknown): string {
    return JSON.stringify([kind, canonical(scopes), canonical(request)]);
  }

  /** The cached answer, or one computation shared by every caller asking while it runs. */
  async get<T>(plainKey: string, compute: () => Promise<T>): Promise<T> {
    const key = this.versioned(plainKey);
    const hit = this.entries.get(key) as Promise<T> | undefined;
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = compute();
    this.entries.set(key, p);
    // A failure is not cached: the next caller tries again.
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return p;
  }

  has(key: string): boolean {
    return this.entries.has(this.versioned(key));
  }

  private versioned(key: string): string {
    return `${this.version()}:${key}`;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Object keys sorted at every level, so that equal requests make equal keys. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
