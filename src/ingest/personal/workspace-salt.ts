import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VitrineError } from '../../util/errors.js';

/**
 * The per-workspace salt of personal-data hashes. It lives in a file beside the database, not in
 * it: a copy of the database handed to an analyst holds hashes that cannot be matched against a
 * list of e-mail addresses without this file. Losing it means new hashes no longer match old
 * ones (identity resolution restarts), so it belongs in the workspace backups.
 */
export const SALT_FILE = 'vitrine.salt';

export function saltPath(dir: string): string {
  return join(dir, SALT_FILE);
}

/** Reads the workspace salt, creating it (readable by its owner only) on first use. */
export function workspaceSalt(dir: string): string {
  const path = saltPath(dir);
  if (existsSync(path)) {
    const salt = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(salt)) {
      throw new VitrineError('SALT_INVALID', `${path}: line 1: not a 64-character hex salt`);
    }
    return salt;
  }
  const salt = randomBytes(32).toString('hex');
  // Written then renamed: a crash never leaves a half-written salt.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${salt}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return salt;
}
