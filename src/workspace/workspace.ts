import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Engine } from '../backends/engine.js';
import { createCanonicalTables } from '../backends/backend-registry.js';
import { openEngine } from '../backends/backend-registry.js';
import { VitrineError } from '../util/errors.js';
import type { WorkspaceConfig } from './workspace-config.js';
import { CONFIG_FILE, defaultConfig, readConfig, writeConfig } from './workspace-config.js';

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
export async function initWorkspace(
  dir: string,
  options: { name?: string; currency?: string; force?: boolean } = {},
): Promise<Workspace> {
  const abs = resolve(dir);
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
  const config = defaultConfig(options.name ?? basename(abs));
  if (options.currency) config.reporting_currency = options.currency;
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
