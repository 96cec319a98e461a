/**
 * Where alerts and reports are sent from: the SMTP server and the webhook key, from vitrine.yaml
 * and, for secrets, from the environment variables it names (never from the file).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WorkspaceConfig } from '../../workspace/workspace-config.js';

export interface DeliverySettings {
  readonly smtp: NonNullable<NonNullable<WorkspaceConfig['notifications']>['smtp']> | null;
  readonly smtpPassword: string | null;
  readonly webhookSecret: string | null;
  /** Per-attempt time limit. */
  readonly timeoutMs: number;
}

/**
 * Settings from the workspace file and, for secrets, the environment it names. Without a
 * webhook secret in the environment, the workspace's own (DIR/alerts/webhook-secret, 0600,
 * made on first use) signs, so a webhook is never sent unsigned.
 */
export function deliverySettings(
  config: Pick<WorkspaceConfig, 'notifications'>,
  workspaceDir: string,
  env: NodeJS.ProcessEnv = process.env,
): DeliverySettings {
  const n = config.notifications;
  const smtp = n?.smtp ?? null;
  return {
    smtp,
    smtpPassword: smtp ? (env[smtp.password_env] ?? null) : null,
    webhookSecret:
      env[n?.webhook_secret_env ?? 'VITRINE_WEBHOOK_SECRET'] ??
      workspaceWebhookSecret(workspaceDir),
    timeoutMs: 15_000,
  };
}

export function workspaceWebhookSecretPath(workspaceDir: string): string {
  return join(workspaceDir, 'alerts', 'webhook-secret');
}

function workspaceWebhookSecret(workspaceDir: string): string {
  const path = workspaceWebhookSecretPath(workspaceDir);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process made it first: read theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return readFileSync(path, 'utf8').trim();
}
