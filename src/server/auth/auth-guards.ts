import type { Context } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { HttpError } from '../http-errors.js';
import type { Role } from './roles.js';
import { roleAtLeast } from './roles.js';
import type { TokenInfo } from './token-store.js';

export function requireRole(c: Context<AppEnv>, needed: Role): TokenInfo {
  const auth = c.get('auth');
  if (!roleAtLeast(auth.role, needed)) {
    throw new HttpError(
      403,
      'FORBIDDEN',
      `this needs the ${needed} role; your token is ${auth.role}`,
    );
  }
  return auth;
}

/** Paths that read data outside the semantic layer's scope filters are closed to scoped tokens. */
export function requireUnscoped(c: Context<AppEnv>, what: string): void {
  if (Object.keys(c.get('auth').scopes).length > 0) {
    throw new HttpError(
      403,
      'SCOPED_TOKEN',
      `${what} reads the whole business; a scoped token cannot use it`,
    );
  }
}
