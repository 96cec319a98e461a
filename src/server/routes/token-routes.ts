import { tokenCreateSchema } from '../api-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { createToken, listTokens, parseScopes, revokeToken } from '../auth/token-store.js';
import { jsonBody, parseBody } from '../http-errors.js';

/** API tokens: list, create, revoke (admins). */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace } = deps;

  app.get('/api/tokens', (c) => {
    requireRole(c, 'admin');
    return c.json({ tokens: listTokens(workspace.dir) });
  });

  app.post('/api/tokens', async (c) => {
    requireRole(c, 'admin');
    const body = parseBody(tokenCreateSchema, await jsonBody(c));
    const created = createToken(
      workspace.dir,
      body.role,
      parseScopes(body.scopes ?? []),
      body.label ?? null,
    );
    c.set('detail', { created: created.info.id, role: body.role, scopes: created.info.scopes });
    return c.json(created, 201);
  });

  app.delete('/api/tokens/:id', (c) => {
    requireRole(c, 'admin');
    c.set('detail', { revoked: c.req.param('id') });
    return c.json(revokeToken(workspace.dir, c.req.param('id')));
  });
}
