import type { Context } from 'hono';
import type { AlertService } from '../../goals/alerts/alert-service.js';
import type { AlertRule } from '../../goals/alerts/alert-rule.js';
import type { AppDeps, AppEnv, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import type { Scopes, TokenInfo } from '../auth/token-store.js';
import { HttpError, jsonBody } from '../http-errors.js';

/**
 * A rule belongs to the scope it was made under: a token sees (and may remove or test) the
 * rules whose scope lies inside its own, so a store manager's alerts stay theirs and a
 * region's admin never reads another region's.
 */
export function ruleWithinScope(rule: Pick<AlertRule, 'scope'>, scopes: Scopes): boolean {
  return Object.entries(scopes).every(([dim, allowed]) => {
    const own = rule.scope[dim];
    return own !== undefined && own.length > 0 && own.every((v) => allowed.includes(v));
  });
}

function visibleRule(c: Context<AppEnv>, alerts: AlertService, id: string): AlertRule {
  const auth = c.get('auth');
  const rule = alerts.rules().find((r) => r.id === id && ruleWithinScope(r, auth.scopes));
  if (!rule) throw new HttpError(404, 'NOT_FOUND', `no alert rule "${id}" in your scope`);
  return rule;
}

/** A read-only server beside the workspace's writer: alerts and reports are the writer's. */
export function notTheWriter(): never {
  throw new HttpError(
    409,
    'NOT_THE_WRITER',
    'alerts and reports are run by the server that writes this workspace; use that server',
  );
}

function visibleIds(alerts: AlertService, scopes: Scopes): Set<string> {
  return new Set(
    alerts
      .rules()
      .filter((r) => ruleWithinScope(r, scopes))
      .map((r) => r.id),
  );
}

const readerOf = (auth: TokenInfo) => `token:${auth.id}`;

/**
 * Alert rules (analysts and admins manage them; every role reads its notification feed) and
 * the delivery log. Writes go to the one alert service of the server, so a rule's changes of
 * state are recorded once.
 */
export function register(
  app: VitrineHono,
  deps: AppDeps & { readonly alerts: AlertService | null },
): void {
  if (!deps.alerts) {
    app.all('/api/alerts/*', () => notTheWriter());
    app.all('/api/alerts', () => notTheWriter());
    app.all('/api/notifications/*', () => notTheWriter());
    app.all('/api/notifications', () => notTheWriter());
    return;
  }
  const alerts = deps.alerts;

  app.get('/api/alerts', (c) => {
    const auth = requireRole(c, 'analyst');
    return c.json({ rules: alerts.rules().filter((r) => ruleWithinScope(r, auth.scopes)) });
  });

  app.post('/api/alerts', async (c) => {
    const auth = requireRole(c, 'analyst');
    const { rule, evaluation } = await alerts.add(await jsonBody(c), {
      id: auth.id,
      scope: auth.scopes,
    });
    c.set('detail', { rule: rule.id, kpi: rule.kpi });
    return c.json({ rule, evaluation }, 201);
  });

  app.delete('/api/alerts/:id', (c) => {
    requireRole(c, 'analyst');
    const rule = visibleRule(c, alerts, c.req.param('id'));
    alerts.remove(rule.id);
    c.set('detail', { rule: rule.id });
    return c.json({ removed: rule.id });
  });

  app.post('/api/alerts/:id/test', async (c) => {
    requireRole(c, 'analyst');
    const rule = visibleRule(c, alerts, c.req.param('id'));
    return c.json({ rule, evaluation: await alerts.test(rule.id) });
  });

  app.get('/api/alerts/log', (c) => {
    const auth = requireRole(c, 'analyst');
    return c.json({ deliveries: alerts.deliveryLog(visibleIds(alerts, auth.scopes)) });
  });

  app.get('/api/notifications', (c) => {
    const auth = c.get('auth');
    const names = new Map(alerts.rules().map((r) => [r.id, r]));
    const feed = alerts.log.feed(readerOf(auth), visibleIds(alerts, auth.scopes));
    return c.json({
      unread: feed.unread,
      items: feed.items.map((n) => {
        const rule = names.get(n.rule);
        return {
          id: n.id,
          rule: n.rule,
          name: rule?.name ?? null,
          kpi: rule?.kpi ?? null,
          status: n.status,
          at: n.at,
          window: n.evaluation.window,
          value: n.evaluation.value,
          compared: n.evaluation.compared,
          where: rule?.where ?? {},
        };
      }),
    });
  });

  app.post('/api/notifications/read', (c) => {
    const auth = c.get('auth');
    alerts.log.markRead(readerOf(auth), new Date().toISOString(), new Date());
    return c.json({ unread: 0 });
  });
}
