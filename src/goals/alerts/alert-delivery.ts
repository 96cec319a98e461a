/**
 * Sending a message: e-mail over SMTP and webhooks (Vitrine's JSON or a Slack-compatible body,
 * signed with HMAC-SHA256). Each send carries the delivery's stable id (Message-ID header,
 * X-Vitrine-Delivery), so a receiver can drop the rare repeat a crash between "sent" and its
 * record would cause. Failures are thrown with a one-line reason; retrying is the queue's job.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { WorkspaceConfig } from '../../workspace/workspace-config.js';
import { VitrineError } from '../../util/errors.js';
import type { AlertChannel } from './alert-rule.js';
import type { AlertMessage } from './alert-message.js';

export interface Deliverer {
  send(deliveryId: string, channel: AlertChannel, message: AlertMessage): Promise<void>;
}

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

/**
 * The X-Vitrine-Signature header: `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`, the
 * timestamp being the X-Vitrine-Timestamp header (seconds), so a receiver can refuse a replay.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function slackBody(m: AlertMessage): unknown {
  return {
    text: m.subject,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${m.subject}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: m.lines.join('\n') } },
    ],
  };
}

export function createDeliverer(settings: DeliverySettings): Deliverer {
  let transport: Transporter | null = null;
  const mailer = (): Transporter => {
    const smtp = settings.smtp;
    if (!smtp) {
      throw new VitrineError(
        'NO_SMTP',
        'e-mail alerts need notifications.smtp (host, port, from) in vitrine.yaml',
      );
    }
    transport ??= nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: settings.smtpPassword ?? '' } } : {}),
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    });
    return transport;
  };
  return {
    async send(deliveryId, channel, message) {
      if (channel.kind === 'email') {
        const from = settings.smtp?.from ?? '';
        await mailer().sendMail({
          from,
          to: channel.to.join(', '),
          subject: message.subject,
          text: message.lines.join('\n'),
          messageId: `<${deliveryId}@vitrine.alerts>`,
          headers: { 'X-Vitrine-Delivery': deliveryId },
        });
        return;
      }
      if (channel.kind === 'webhook') {
        const body = JSON.stringify(
          channel.format === 'slack'
            ? slackBody(message)
            : {
                delivery: deliveryId,
                subject: message.subject,
                text: message.lines.join('\n'),
                ...message.facts,
              },
        );
        const timestamp = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'vitrine-alerts',
          'x-vitrine-delivery': deliveryId,
          'x-vitrine-timestamp': timestamp,
        };
        if (!settings.webhookSecret) {
          throw new VitrineError('NO_WEBHOOK_SECRET', 'webhooks are signed: no secret is set');
        }
        headers['x-vitrine-signature'] = webhookSignature(settings.webhookSecret, timestamp, body);
        const res = await fetch(channel.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(settings.timeoutMs),
          redirect: 'error',
        });
        if (!res.ok) {
          throw new VitrineError(
            'WEBHOOK_FAILED',
            `${channel.url} answered ${res.status} ${res.statusText}`,
          );
        }
        await res.body?.cancel();
        return;
      }
      // The dashboard reads the log itself: nothing to send.
    },
  };
}
