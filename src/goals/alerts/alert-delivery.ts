/**
 * Sending a message: e-mail over SMTP and webhooks (Vitrine's JSON or a Slack-compatible body,
 * signed with HMAC-SHA256). Each send carries the delivery's stable id (Message-ID header,
 * X-Vitrine-Delivery), so a receiver can drop the rare repeat a crash between "sent" and its
 * record would cause. Failures are thrown with a one-line reason; retrying is the queue's job.
 */
import { createHmac } from 'node:crypto';
import { createMailer } from '../notify/smtp-mailer.js';
import type { DeliverySettings } from '../notify/notify-settings.js';
import { VitrineError } from '../../util/errors.js';
import type { AlertChannel } from './alert-rule.js';
import type { AlertMessage } from './alert-message.js';

export interface Deliverer {
  send(deliveryId: string, channel: AlertChannel, message: AlertMessage): Promise<void>;
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
  const mailer = createMailer(settings, 'alerts');
  return {
    async send(deliveryId, channel, message) {
      if (channel.kind === 'email') {
        await mailer.send({
          to: channel.to,
          subject: message.subject,
          text: message.lines.join('\n'),
          id: deliveryId,
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
