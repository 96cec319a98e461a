import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { getDimension } from '../../semantic/facts/fact-resolver.js';
import { VitrineError } from '../../util/errors.js';
import type { Role } from './roles.js';
import { ROLES } from './roles.js';

/**
 * API tokens of a workspace, in DIR/server/: `secret` (the per-workspace salt, 0600) and
 * `tokens.json` (id, role, scopes and sha256(secret ∥ token) — never the token itself, so a
 * copy of the workspace does not leak usable credentials).
 */

export const SERVER_DIR = 'server';
const SECRET_FILE = 'secret';
const TOKENS_FILE = 'tokens.json';
const TOKEN_PREFIX = 'vt_';

/** Secrets that ship in examples and tutorials; a server keyed by one of them is open to all. */
const DEFAULT_SECRETS = new Set([
  'secret',
  'changeme',
  'change-me',
  'default',
  'password',
  'vitrine',
]);
const MIN_SECRET_LENGTH = 32;

export type Scopes = Readonly<Record<string, readonly string[]>>;

const tokenRecordSchema = z.object({
  id: z.string(),
  hash: z.string(),
  role: z.enum(ROLES),
  scopes: z.record(z.string(), z.array(z.string())),
  label: z.string().nullable(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;
const tokensFileSchema = z.object({ tokens: z.array(tokenRecordSchema) });

/** A token as listed: everything but its hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

export function serverDir(workspaceDir: string): string {
  return join(workspaceDir, SERVER_DIR);
}

/** Throws unless the secret is long, random-looking and not a well-known default. */
export function checkSecret(secret: string | undefined, where: string): string {
  const s = (secret ?? '').trim();
  if (s === '') {
    throw new VitrineError(
      'SERVER_SECRET_MISSING',
      `${where}: no server secret; create a first token with "vitrine token create --role admin" (it generates one)`,
    );
  }
  if (DEFAULT_SECRETS.has(s.toLowerCase()) || s.length < MIN_SECRET_LENGTH || new Set(s).size < 8) {
    throw new VitrineError(
      'SERVER_SECRET_WEAK',
      `${where}: the server secret is a default or too weak (at least ${MIN_SECRET_LENGTH} random characters); refusing to start`,
    );
  }
  return s;
}

/** The workspace's secret: $VITRINE_SERVER_SECRET, else DIR/server/secret. */
export function readSecret(workspaceDir: string, env = process.env): string {
  const fromEnv = env['VITRINE_SERVER_SECRET'];
  if (fromEnv !== undefined) return checkSecret(fromEnv, 'VITRINE_SERVER_SECRET');
  const path = join(serverDir(workspaceDir), SECRET_FILE);
  return checkSecret(existsSync(path) ? readFileSync(path, 'utf8') : undefined, path);
}

function ensureSecret(workspaceDir: string): string {
  const dir = serverDir(workspaceDir);
  const path = join(dir, SECRET_FILE);
  if (!existsSync(path) && process.env['VITRINE_SERVER_SECRET'] === undefined) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readSecret(workspaceDir);
}

export function hashToken(secret: string, token: string): string {
  return createHash('sha256').update(secret).update('\0').update(token).digest('hex');
}

function readRecords(workspaceDir: string): TokenRecord[] {
  const path = join(serverDir(workspaceDir), TOKENS_FILE);
  if (!existsSync(path)) return [];
  const parsed = tokensFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VitrineError(
      'TOKENS_FILE_INVALID',
      `${path}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data.tokens;
}

/**
 * Days a revoked token stays in tokens.json (its id still explains the audit log's lines and
 * `vitrine token list` shows it as revoked); it is dropped at the first token write after that,
 * so the file, read by every server start and change, does not grow with every token ever made.
 */
export const REVOKED_RETENTION_DAYS = 30;

function writeRecords(
  workspaceDir: string,
  tokens: readonly TokenRecord[],
  now: number = Date.now(),
): void {
  const dir = serverDir(workspaceDir);
  mkdirSync(dir, { recursive: true });
  const cutoff = now - REVOKED_RETENTION_DAYS * 86_400_000;
  const kept = tokens.filter((t) => !t.revoked_at || Date.parse(t.revoked_at) >= cutoff);
  // Written aside and renamed: a server reading the file never sees half of it.
  const path = join(dir, TOKENS_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ tokens: kept }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Parses "region=Ouest" (several --scope flags or comma-separated values OR within a dimension). */
export function parseScopes(specs: readonly string[]): Scopes {
  const out: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const dim = spec.slice(0, eq).trim();
    const values = spec
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (eq <= 0 || values.length === 0) {
      throw new VitrineError(
        'BAD_SCOPE',
        `scope "${spec}": expected dimension=value, e.g. region=Ouest`,
      );
    }
    const def = getDimension(dim);
    if (def.timePart)
      throw new VitrineError('BAD_SCOPE', `scope "${spec}": cannot scope on ${dim}`);
    out[dim] = [...(out[dim] ?? []), ...values];
  }
  return out;
}

export interface CreatedToken {
  readonly token: string;
  readonly info: TokenInfo;
}

export function createToken(
  workspaceDir: string,
  role: Role,
  scopes: Scopes = {},
  label: string | null = null,
): CreatedToken {
  const secret = ensureSecret(workspaceDir);
  const id = randomBytes(4).toString('hex');
  // The id is part of the token so that a lookup never has to try every hash.
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(24).toString('base64url')}`;
  const record: TokenRecord = {
    id,
    hash: hashToken(secret, token),
    role,
    scopes: Object.fromEntries(Object.entries(scopes).map(([k, v]) => [k, [...v]])),
    label,
    created_at: new Date().toISOString(),
    revoked_at: null,
  };
  writeRecords(workspaceDir, [...readRecords(workspaceDir), record]);
  const { hash: _hash, ...info } = record;
  return { token, info };
}

export function listTokens(workspaceDir: string): TokenInfo[] {
  return readRecords(workspaceDir).map(({ hash: _hash, ...info }) => info);
}

export function revokeToken(workspaceDir: string, id: string): TokenInfo {
  const records = readRecords(workspaceDir);
  const found = records.find((r) => r.id === id);
  if (!found)
    throw new VitrineError('TOKEN_UNKNOWN', `no token with id ${id} (vitrine token list)`);
  if (!found.revoked_at) found.revoked_at = new Date().toISOString();
  writeRecords(workspaceDir, records);
  const { hash: _hash, ...info } = found;
  return info;
}

/**
 * Credentials of the CLI on the serving machine (DIR/server/live.json, src/live/live-lock.ts):
 * held in memory by the server that made them, never in tokens.json, gone when it stops.
 */
const LOCAL_TOKENS = new Map<string, { dir: string; info: TokenInfo }>();

/**
 * Lets `token` act on this workspace until the returned function is called: as an admin (the
 * CLI's hand-over), or as the role and scope given (a report printed as its creator sees it).
 */
export function allowLocalToken(
  workspaceDir: string,
  token: string,
  as: { readonly role: Role; readonly scopes: Scopes; readonly label: string } | null = null,
): () => void {
  const key = hashToken('local', token);
  LOCAL_TOKENS.set(key, {
    dir: workspaceDir,
    info: {
      id: 'local',
      role: as?.role ?? 'admin',
      scopes: Object.fromEntries(Object.entries(as?.scopes ?? {}).map(([k, v]) => [k, [...v]])),
      label: as?.label ?? `vitrine CLI on this machine (pid ${process.pid})`,
      created_at: new Date().toISOString(),
      revoked_at: null,
    },
  });
  return () => {
    LOCAL_TOKENS.delete(key);
  };
}

/** Checks presented tokens against the file, re-reading it when it changes (revocations apply at once). */
export class TokenVerifier {
  private cache: { stamp: string; records: TokenRecord[] } | null = null;

  constructor(
    private readonly workspaceDir: string,
    private readonly secret: string,
  ) {}

  /**
   * The file's records, parsed again only when its identity, size or modification time changed
   * (a stat per request instead of a read and a parse: 9 ms with 1,131 tokens).
   */
  private records(): TokenRecord[] {
    const path = join(serverDir(this.workspaceDir), TOKENS_FILE);
    let stamp = '';
    try {
      const st = statSync(path, { bigint: true });
      stamp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      // No file: no tokens.
    }
    if (this.cache?.stamp !== stamp) {
      this.cache = { stamp, records: stamp === '' ? [] : readRecords(this.workspaceDir) };
    }
    return this.cache.records;
  }

  verify(token: string): TokenInfo | null {
    const local = LOCAL_TOKENS.get(hashToken('local', token));
    if (local && local.dir === this.workspaceDir) return local.info;
    const m = /^vt_([0-9a-f]{8})_[A-Za-z0-9_-]+$/.exec(token);
    if (!m) return null;
    const record = this.records().find((r) => r.id === m[1]);
    if (!record || record.revoked_at) return null;
    const a = Buffer.from(hashToken(this.secret, token), 'hex');
    const b = Buffer.from(record.hash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const { hash: _hash, ...info } = record;
    return info;
  }
}

/** Appends one line to a workspace file under server/ (the audit log). */
export function appendServerFile(workspaceDir: string, name: string, line: string): void {
  const dir = serverDir(workspaceDir);
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, name), line);
}
