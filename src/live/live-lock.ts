import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The mark a serving process leaves in its workspace (DIR/server/live.json, mode 0600): where it
 * listens on the loopback interface, its pid and a local credential made at start. Write
 * commands find it and hand their work to the server, which is the workspace's one writer while
 * it runs. Only someone who can read the workspace's files can read the credential, the same
 * people who could open the database directly.
 */

export const LIVE_FILE = 'live.json';

const liveSchema = z.object({
  url: z.string(),
  pid: z.number().int(),
  token: z.string().min(32),
  started_at: z.string(),
  version: z.string(),
});
export type LiveServerInfo = z.infer<typeof liveSchema>;

export function liveFilePath(workspaceDir: string): string {
  return join(workspaceDir, 'server', LIVE_FILE);
}

/** A fresh local credential: never written anywhere but live.json. */
export function newLocalToken(): string {
  return `vl_${randomBytes(32).toString('base64url')}`;
}

function processAlive(pid: number): boolean {
  try {
    // Signal 0 checks existence; EPERM means it exists under another user.
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the mark atomically (a reader never sees half a file). */
export function writeLiveFile(workspaceDir: string, info: LiveServerInfo): void {
  const path = liveFilePath(workspaceDir);
  mkdirSync(join(workspaceDir, 'server'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Removes the mark if it is this process's own (a second server must not erase the first's). */
export function removeLiveFile(workspaceDir: string, token: string): void {
  const path = liveFilePath(workspaceDir);
  const found = readLiveFileRaw(path);
  if (found && found.token === token) rmSync(path, { force: true });
}

function readLiveFileRaw(path: string): LiveServerInfo | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = liveSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // Unreadable (being replaced, or damaged by a crash): as if no server ran.
    return null;
  }
}

/**
 * The server running on a workspace, or null: no mark, an unreadable one, or the mark of a
 * process that no longer runs (killed without its clean exit) are all "no server".
 */
export function findLiveServer(workspaceDir: string): LiveServerInfo | null {
  const found = readLiveFileRaw(liveFilePath(workspaceDir));
  if (!found || !processAlive(found.pid)) return null;
  return found;
}
