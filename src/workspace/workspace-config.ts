import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { VitrineError } from '../util/errors.js';

export const CONFIG_FILE = 'vitrine.yaml';

const engineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duckdb'), path: z.string().min(1).default('vitrine.duckdb') }),
  z.object({ kind: z.literal('postgres'), url: z.string().min(1) }),
  z.object({
    kind: z.literal('clickhouse'),
    url: z.string().min(1),
    cluster: z.string().min(1).optional(),
  }),
]);

/**
 * Where alerts and reports are sent from. Secrets never sit in the file: each is read from the
 * environment variable the file names (defaults shown), so vitrine.yaml can be shared.
 */
const notificationsSchema = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        user: z.string().min(1).optional(),
        password_env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .default('VITRINE_SMTP_PASSWORD'),
        from: z.string().min(3),
      })
      .strict()
      .optional(),
    /** The HMAC key signing webhook bodies (X-Vitrine-Signature). */
    webhook_secret_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('VITRINE_WEBHOOK_SECRET'),
    /** The dashboard's address as recipients reach it, for links in messages. */
    dashboard_url: z.url().optional(),
  })
  .strict();

/**
 * Week start and fiscal year start have no fixed default: a civil workspace weeks from Monday
 * (ISO 8601) with a January year; a retail-454 workspace that says no more follows the NRF
 * calendar, Sunday weeks and a year nominally starting in February (ending on the Saturday
 * nearest the end of January). Values written in the file always win.
 */
export const workspaceConfigSchema = z
  .object({
    name: z.string().min(1),
    reporting_currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
    locale: z.enum(['en-GB', 'en-US', 'fr-FR']).default('fr-FR'),
    timezone: z.string().min(1).default('Europe/Paris'),
    week_start: z.enum(['monday', 'sunday']).optional(),
    fiscal_calendar: z
      .object({
        kind: z.enum(['civil', 'retail-454']).default('civil'),
        /** First month of the fiscal year (1 = January). */
        year_start_month: z.number().int().min(1).max(12).optional(),
      })
      .default({ kind: 'civil' }),
    engine: engineSchema.default({ kind: 'duckdb', path: 'vitrine.duckdb' }),
    notifications: notificationsSchema.optional(),
  })
  .transform((c) => {
    const retail = c.fiscal_calendar.kind === 'retail-454';
    return {
      ...c,
      week_start: c.week_start ?? (retail ? ('sunday' as const) : ('monday' as const)),
      fiscal_calendar: {
        kind: c.fiscal_calendar.kind,
        year_start_month: c.fiscal_calendar.year_start_month ?? (retail ? 2 : 1),
      },
    };
  });

export type WorkspaceConfig = z.output<typeof workspaceConfigSchema>;

export function defaultConfig(name: string): WorkspaceConfig {
  return workspaceConfigSchema.parse({ name, reporting_currency: 'EUR' });
}

export function readConfig(path: string): WorkspaceConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new VitrineError('CONFIG_READ', `${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = workspaceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new VitrineError(
      'CONFIG_INVALID',
      `${path}: field ${field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export function writeConfig(path: string, config: WorkspaceConfig): void {
  const header =
    '# Vitrine workspace. engine: duckdb (embedded, default), postgres { url } or clickhouse { url, cluster }.\n';
  writeFileSync(path, header + stringify(config));
}
