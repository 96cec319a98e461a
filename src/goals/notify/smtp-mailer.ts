/**
 * E-mail over SMTP (nodemailer), one transport per sender. Each message carries a stable id
 * (Message-ID and X-Vitrine-Delivery), so a receiver can drop the rare repeat a crash between
 * "sent" and its record would cause.
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { VitrineError } from '../../util/errors.js';
import type { DeliverySettings } from './notify-settings.js';

export interface Mail {
  readonly id: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** `what` names the feature in the error a missing configuration gives ("alerts", "reports"). */
export function createMailer(settings: DeliverySettings, what: string): Mailer {
  let transport: Transporter | null = null;
  const open = (): Transporter => {
    const smtp = settings.smtp;
    if (!smtp) {
      throw new VitrineError(
        'NO_SMTP',
        `e-mail ${what} need notifications.smtp (host, port, from) in vitrine.yaml`,
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
    async send(mail) {
      await open().sendMail({
        from: settings.smtp?.from ?? '',
        to: mail.to.join(', '),
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        ...(mail.attachments ? { attachments: mail.attachments.map((a) => ({ ...a })) } : {}),
        messageId: `<${mail.id}@vitrine>`,
        headers: { 'X-Vitrine-Delivery': mail.id },
      });
    },
  };
}
