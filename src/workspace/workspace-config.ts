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

export const workspaceConfigSchema = z.object({
  name: z.string().min(1),
  reporting_currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  locale: z.enum(['en-GB', 'en-US', 'fr-FR']).default('fr-FR'),
  timezone: z.string().min(1).default('Europe/Paris'),
  week_start: z.enum(['monday', 'sunday']).default('monday'),
  fiscal_calendar: z
    .object({
      kind: z.enum(['civil', 'retail-454']).default('civil'),
      /** First month of the fiscal year (1 = January). */
      year_start_month: z.number().int().min(1).max(12).default(1),
    })
    .default({ kind: 'civil', year_start_month: 1 }),
  engine: engineSchema.default({ kind: 'duckdb', path: 'vitrine.duckdb' }),
});

export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

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
