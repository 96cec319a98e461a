import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRequest } from '../semantic/query/query-types.js';
import { appendServerFile, serverDir } from './auth/token-store.js';

export const AUDIT_FILE = 'audit.ndjson';

export interface AuditEntry {
  readonly at: string;
  /** Token id, or null for anonymous calls (health) and refused tokens. */
  readonly token: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  /** What was asked: KPIs, split, model name… (never a token). */
  readonly detail?: unknown;
}

/**
 * Who ran what, when: one JSON line per API call in DIR/server/audit.ndjson, only ever appended
 * (rotation and retention belong to the operator's log tooling).
 */
export function writeAudit(workspaceDir: string, entry: AuditEntry): void {
  appendServerFile(workspaceDir, AUDIT_FILE, `${JSON.stringify(entry)}\n`);
}

/**
 * The queries asked most often (per token) in the last lines of the audit log, most frequent
 * first: what the boards ask every morning, replayed into the cache when the server starts.
 */
export function frequentQueries(
  workspaceDir: string,
  limit: number,
  lines = 5000,
): { tokenId: string; request: QueryRequest }[] {
  const path = join(serverDir(workspaceDir), AUDIT_FILE);
  if (!existsSync(path)) return [];
  const counts = new Map<string, { tokenId: string; request: QueryRequest; n: number }>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(-lines)) {
    let e: AuditEntry;
    try {
      e = JSON.parse(line) as AuditEntry;
    } catch {
      continue;
    }
    if (e.status !== 200 || !e.token) continue;
    const detail = e.detail as { request?: QueryRequest; requests?: QueryRequest[] } | undefined;
    // A board's batch counts each of its queries as asked once.
    const requests =
      e.path === '/api/query' && detail?.request
        ? [detail.request]
        : e.path === '/api/query/batch' && Array.isArray(detail?.requests)
          ? detail.requests
          : [];
    for (const request of requests) {
      const key = JSON.stringify([e.token, request]);
      const c = counts.get(key) ?? { tokenId: e.token, request, n: 0 };
      c.n++;
      counts.set(key, c);
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, limit)
    .map(({ tokenId, request }) => ({ tokenId, request }));
}
