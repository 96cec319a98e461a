import { VitrineError } from '../../util/errors.js';
import { tokenCreateSchema } from '../api-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { roleWithin, scopeExcess, scopeText, scopeWithin } from '../auth/scope-rules.js';
import { createToken, listTokens, parseScopes, revokeToken } from '../auth/token-store.js';
import { HttpError, jsonBody, parseBody } from '../http-errors.js';

/**
 * API tokens: list, create, revoke (admins). A token manages only tokens inside its own scope
 * and role (docs/security.md): a store's admin cannot mint a chain-wide one, see the others, or
 * revoke them.
 */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace } = deps;

  app.get('/api/tokens', (c) => {
    const auth = requireRole(c, 'admin');
    return c.json({
      tokens: listTokens(workspace.dir).filter((t) => scopeWithin(t.scopes, auth.scopes)),
    });
  });

  app.post('/api/tokens', async (c) => {
    const auth = requireRole(c, 'admin');
    const body = parseBody(tokenCreateSchema, await jsonBody(c));
    const scopes = parseScopes(body.scopes ?? []);
    if (!roleWithin(body.role, auth.role)) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        `field role: a ${auth.role} token cannot create a ${body.role} token`,
      );
    }
    const excess = scopeExcess(scopes, auth.scopes);
    if (excess !== null) {
      throw new HttpError(
        403,
        'SCOPE_EXCEEDED',
        `field scopes: your token is limited to ${scopeText(auth.scopes)}; a token it creates must be too (it would see ${excess})`,
      );
    }
    const created = createToken(workspace.dir, body.role, scopes, body.label ?? null);
    c.set('detail', { created: created.info.id, role: body.role, scopes: created.info.scopes });
    return c.json(created, 201);
  });

  app.delete('/api/tokens/:id', (c) => {
    const auth = requireRole(c, 'admin');
    const id = c.req.param('id');
    c.set('detail', { revoked: id });
    // A token outside the caller's scope is answered as an unknown one: its existence is not
    // the caller's business either.
    const target = listTokens(workspace.dir).find((t) => t.id === id);
    if (target && !scopeWithin(target.scopes, auth.scopes)) {
      throw new VitrineError('TOKEN_UNKNOWN', `no token with id ${id} (vitrine token list)`);
    }
    return c.json(revokeToken(workspace.dir, id));
  });
}
