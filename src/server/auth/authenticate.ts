import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { HttpError } from '../http-errors.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { TokenVerifier } from './token-store.js';

/** Every API call past this point carries a live token, and counts against its rate limit. */
export function authenticate(
  verifier: TokenVerifier,
  limiter: RateLimiter,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) {
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        'missing token: send "Authorization: Bearer <token>" (vitrine token create)',
      );
    }
    const auth = verifier.verify(m[1]);
    if (!auth) throw new HttpError(401, 'UNAUTHENTICATED', 'unknown or revoked token');
    c.set('auth', auth);
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
