import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-deps.js';
import type { AuditLog } from './audit-log.js';
import type { TokenInfo } from './auth/token-store.js';
import { HttpError } from './http-errors.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * The server's bounds on what one client can make it do (docs/security.md): malformed paths
 * refused, requests per client address (before any token is checked), body size, and an audit
 * line of bounded size at the start and the end of every API call.
 */
export interface RequestLimits {
  /** Largest request body, in bytes (413 beyond). */
  readonly bodyBytes: number;
  /** API requests per client address per minute, whatever their token (429 beyond). */
  readonly addressPerMinute: number;
  /** Requests without a valid token per client address per minute (429 beyond, not audited). */
  readonly unauthenticatedPerMinute: number;
}

export const DEFAULT_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_UNAUTHENTICATED_PER_MINUTE = 120;

/**
 * The client's address as the socket gives it. Behind a reverse proxy every client shares the
 * proxy's address: X-Forwarded-For is not read, since any client can write it.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** A path whose percent-encoding does not decode (`/%s`, `/%x%x%x`) is a 400, not a 500. */
export function rejectMalformedPath(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = new URL(c.req.url).pathname;
    try {
      decodeURIComponent(raw);
    } catch {
      throw new HttpError(
        400,
        'BAD_PATH',
        `path: malformed percent-encoding (a % must be followed by two hex digits of UTF-8): ${raw.slice(0, 80)}`,
      );
    }
    await next();
  };
}

/** Writes the audit line of a request refused before it is audited: the first of a window only. */
function auditRefusal(audit: AuditLog, c: Context, address: string, what: string): void {
  audit.write({
    at: new Date().toISOString(),
    phase: 'end',
    token: null,
    role: null,
    method: c.req.method,
    path: c.req.path,
    status: 429,
    ms: 0,
    detail: { address, refused: `${what}; further refusals in this minute are not audited` },
  });
}

function tooMany(c: Context, limiter: RateLimiter, retryAfter: number, what: string): never {
  c.header('Retry-After', String(retryAfter));
  throw new HttpError(
    429,
    'RATE_LIMITED',
    `${what}: limit of ${limiter.limit} per minute reached; retry in ${retryAfter} s`,
  );
}

/** Counts every API request per client address, before anything else is done for it. */
export function limitByAddress(limiter: RateLimiter, audit: AuditLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = clientAddress(c);
    const rate = limiter.hit(address);
    if (!rate.allowed) {
      if (rate.firstRefusal) auditRefusal(audit, c, address, 'requests from this address');
      tooMany(c, limiter, rate.retryAfterSeconds, `requests from ${address}`);
    }
    await next();
  };
}

/**
 * Reads the bearer token, if any, and keeps its holder for the handlers and the audit. A client
 * sending requests without a valid token is limited per address here, before its requests are
 * audited: a flood of refused requests cannot grow the audit log.
 */
export function identify(
  verify: (token: string) => TokenInfo | null,
  failures: RateLimiter,
  audit: AuditLog,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const auth = m?.[1] ? verify(m[1]) : null;
    if (auth) c.set('auth', auth);
    else if (c.req.path !== '/api/health') {
      const address = clientAddress(c);
      const rate = failures.hit(address);
      if (!rate.allowed) {
        if (rate.firstRefusal) {
          auditRefusal(audit, c, address, 'requests without a valid token from this address');
        }
        tooMany(
          c,
          failures,
          rate.retryAfterSeconds,
          `requests without a valid token from ${address}`,
        );
      }
    }
    await next();
  };
}

/**
 * Audits an API call twice: when it starts (a request that brings the process down still leaves
 * its line) and when it is answered or refused, with status, duration and what was asked.
 */
export function auditRequests(audit: AuditLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = Date.now();
    const id = randomBytes(6).toString('hex');
    const who = () => {
      const auth = c.get('auth') as TokenInfo | undefined;
      return { token: auth?.id ?? null, role: auth?.role ?? null };
    };
    const base = { id, method: c.req.method, path: c.req.path };
    audit.write({ at: new Date(start).toISOString(), phase: 'start', ...who(), ...base });
    try {
      await next();
    } finally {
      audit.write({
        at: new Date(start).toISOString(),
        phase: 'end',
        ...who(),
        ...base,
        status: c.res.status,
        ms: Date.now() - start,
        ...(c.get('detail') !== undefined ? { detail: c.get('detail') } : {}),
      });
    }
  };
}

/** Refuses a body past `maxBytes` with 413, before it is read whole. */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(
        413,
        'PAYLOAD_TOO_LARGE',
        `body: larger than the server's limit of ${maxBytes} bytes`,
      );
    },
  });
}
