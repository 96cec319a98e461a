import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { HttpError } from '../http-errors.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { TokenInfo } from './token-store.js';

/**
 * Every API call past this point carries a live token (read by `identify`,
 * src/server/request-limits.ts), and counts against its rate limit.
 */
export function authenticate(limiter: RateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth') as TokenInfo | undefined;
    if (!auth) {
      const sent = /^Bearer\s+\S+$/i.test(c.req.header('authorization') ?? '');
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        sent
          ? 'unknown or revoked token'
          : 'missing token: send "Authorization: Bearer <token>" (vitrine token create)',
      );
    }
    const rate = limiter.hit(auth.id);
    c.header('RateLimit-Limit', String(limiter.limit));
    c.header('RateLimit-Remaining', String(rate.remaining));
    if (!rate.allowed) {
      c.header('Retry-After', String(rate.retryAfterSeconds));
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `rate limit of ${limiter.limit} requests per minute reached; retry in ${rate.retryAfterSeconds} s`,
      );
    }
    await next();
  };
}
