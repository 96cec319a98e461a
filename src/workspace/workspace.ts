import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Engine } from '../backends/engine.js';
import { createCanonicalTables } from '../backends/backend-registry.js';
import { openEngine } from '../backends/backend-registry.js';
import { VitrineError } from '../util/errors.js';
import type { WorkspaceConfig } from './workspace-config.js';
import {
  CONFIG_FILE,
  defaultConfig,
  readConfig,
  workspaceConfigSchema,
  writeConfig,
} from './workspace-config.js';

export interface Workspace {
  readonly dir: string;
  readonly config: WorkspaceConfig;
  readonly engine: Engine;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /**
   * Run on this engine (a URL: postgres://…, clickhouse://…, duckdb:PATH) instead of the one
   * vitrine.yaml names; the workspace's config and dictionary still come from its directory.
   */
  readonly engine?: string;
  /** For a user's SQL: a read-only sandbox (see OpenEngineOptions.sandbox). */
  readonly sandbox?: boolean;
}

/** --workspace, else $VITRINE_WORKSPACE, else the current directory. */
export function resolveWorkspaceDir(flag: string | undefined, env = process.env): string {
  return resolve(flag ?? env['VITRINE_WORKSPACE'] ?? process.cwd());
}

export function isWorkspace(dir: string): boolean {
  return existsSync(join(dir, CONFIG_FILE));
}

/** Creates a workspace: its config file and its database with every table of the model. */
export interface InitOptions {
  readonly name?: string | undefined;
  /** Reporting currency, ISO 4217 (EUR by default). */
  readonly currency?: string | undefined;
  /** IANA time zone of the business: local days, and timestamps written without an offset. */
  readonly timezone?: string | undefined;
  readonly locale?: string | undefined;
  readonly force?: boolean | undefined;
}

/**
 * The config of a new workspace, each option checked before anything is written: a wrong time
 * zone would silently move orders between days and months.
 */
function initialConfig(name: string, options: InitOptions): WorkspaceConfig {
  const config = defaultConfig(name);
  if (options.currency !== undefined) {
    const code = options.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code)) {
      throw new VitrineError(
        'BAD_OPTION',
        `--currency: '${options.currency}' is not an ISO 4217 code such as EUR`,
      );
    }
    config.reporting_currency = code;
  }
  if (options.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: options.timezone });
    } catch {
      throw new VitrineError(
        'BAD_OPTION',
        `--timezone: unknown time zone '${options.timezone}'; expected an IANA name such as Europe/Paris or America/New_York`,
      );
    }
    config.timezone = options.timezone;
  }
  if (options.locale !== undefined) {
    const parsed = workspaceConfigSchema.safeParse({
      name,
      reporting_currency: config.reporting_currency,
      locale: options.locale,
    });
    if (!parsed.success) {
      throw new VitrineError(
        'BAD_OPTION',
        `--locale: '${options.locale}': ${parsed.error.issues[0]?.message ?? 'not supported'}`,
      );
    }
    config.locale = parsed.data.locale;
  }
  return config;
}

export async function initWorkspace(dir: string, options: InitOptions = {}): Promise<Workspace> {
  const abs = resolve(dir);
  const config = initialConfig(options.name ?? basename(resolve(dir)), options);
  if (isWorkspace(abs) && !options.force) {
    throw new VitrineError('WORKSPACE_EXISTS', `${abs} is already a Vitrine workspace`);
  }
  if (existsSync(abs) && !isWorkspace(abs) && readdirSync(abs).length > 0 && !options.force) {
    throw new VitrineError(
      'WORKSPACE_NOT_EMPTY',
      `${abs} is not empty; choose an empty or new directory`,
    );
  }
  mkdirSync(abs, { recursive: true });
  writeConfig(join(abs, CONFIG_FILE), config);
  const ws = await openWorkspace(abs);
  await createCanonicalTables(ws.engine);
  return ws;
}

export async function openWorkspace(dir: string, options: OpenOptions = {}): Promise<Workspace> {
  const abs = resolve(dir);
  if (!isWorkspace(abs)) {
    throw new VitrineError(
      'NOT_A_WORKSPACE',
      `${abs} is not a Vitrine workspace (no ${CONFIG_FILE}); create one with "vitrine init ${dir}" or pass --workspace DIR`,
    );
  }
  const config = readConfig(join(abs, CONFIG_FILE));
  // The engine of vitrine.yaml (embedded DuckDB by default, or PostgreSQL / ClickHouse), or
  // the one asked for; ground truth, dictionary and config stay in the directory either way.
  const engine = await openEngine(options.engine ?? config.engine, {
    baseDir: abs,
    readOnly: options.readOnly ?? false,
    ...(options.sandbox ? { sandbox: true } : {}),
  });
  return {
    dir: abs,
    config,
    engine,
    close: () => engine.close(),
  };
}
