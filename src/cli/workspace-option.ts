import type { Command } from 'commander';
import { findLiveServer } from '../live/live-lock.js';
import { remoteWorkspace } from '../live/remote-engine.js';
import type { OpenOptions, Workspace } from '../workspace/workspace.js';
import { openWorkspace, resolveWorkspaceDir } from '../workspace/workspace.js';

export const WORKSPACE_HELP =
  'workspace directory (default: $VITRINE_WORKSPACE, then the current directory)';

export function addWorkspaceOption(cmd: Command): Command {
  return cmd.option('-w, --workspace <dir>', WORKSPACE_HELP);
}

/** Opens the workspace named by --workspace, runs fn, and always closes it. */
export async function withWorkspace<T>(
  flag: string | undefined,
  options: OpenOptions,
  fn: (ws: Workspace) => Promise<T>,
): Promise<T> {
  const dir = resolveWorkspaceDir(flag);
  // A server owns the database while it runs: reads go through it (src/live/remote-engine.ts).
  const server = options.readOnly && !options.engine ? findLiveServer(dir) : null;
  const ws = server ? remoteWorkspace(dir, server) : await openWorkspace(dir, options);
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}
