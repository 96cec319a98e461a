import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import type { QueryRequest } from '../semantic/query/query-types.js';
import { serverDir } from './auth/token-store.js';

export const AUDIT_FILE = 'audit.ndjson';

export interface AuditEntry {
  readonly at: string;
  /** `start` is written when a request arrives, `end` when it is answered (same `id`). */
  readonly phase?: 'start' | 'end';
  /** Pairs the start and end lines of one request. */
  readonly id?: string;
  /** Token id, or null for anonymous calls (health) and refused tokens. */
  readonly token: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly path: string;
  /** The answer's status and duration (end lines only). */
  readonly status?: number;
  readonly ms?: number;
  /** What was asked: KPIs, split, model name… (never a token). */
  readonly detail?: unknown;
}

export interface AuditLimits {
  /** The file is rotated when the next line would take it past this size. */
  readonly maxBytes: number;
  /** Rotated files kept: audit.ndjson.1 (newest) … audit.ndjson.N. */
  readonly keep: number;
}

export const DEFAULT_AUDIT_LIMITS: AuditLimits = { maxBytes: 64 * 1024 * 1024, keep: 5 };
/** Longest path written; a longer one is cut (with its length), as a hostile client sends 8 KB. */
const MAX_PATH_CHARS = 512;
/** Largest `detail` written (a board's batch of 40 queries fits); a larger one is summarised. */
const MAX_DETAIL_CHARS = 16 * 1024;

/**
 * Who ran what, when: JSON lines in DIR/server/audit.ndjson (mode 0600: it names tokens and
 * what they asked), one when a request starts — so that a request that brings the process down
 * still leaves its trace — and one when it ends. Each line is bounded (path and detail cut) and
 * the file is rotated by size, so that no client can fill the disk through it.
 */
export class AuditLog {
  private readonly path: string;
  private size: number;

  constructor(
    workspaceDir: string,
    private readonly limits: AuditLimits = DEFAULT_AUDIT_LIMITS,
  ) {
    const dir = serverDir(workspaceDir);
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, AUDIT_FILE);
    this.size = existsSync(this.path) ? statSync(this.path).size : 0;
    // A file made by an older version (or by hand) is closed to other users too.
    if (existsSync(this.path)) chmodSync(this.path, 0o600);
  }

  write(entry: AuditEntry): void {
    const line = `${JSON.stringify(bounded(entry))}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.limits.maxBytes) this.rotate();
    appendFileSync(this.path, line, { mode: 0o600 });
    this.size += bytes;
  }

  private rotate(): void {
    const keep = Math.max(1, this.limits.keep);
    rmSync(`${this.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }
}

/** The entry with its path and detail cut to their bounds. */
function bounded(entry: AuditEntry): AuditEntry {
  let out = entry;
  if (entry.path.length > MAX_PATH_CHARS) {
    out = {
      ...out,
      path: `${entry.path.slice(0, MAX_PATH_CHARS)}…`,
      detail: { ...(asObject(out.detail) ?? {}), path_chars: entry.path.length },
    };
  }
  if (out.detail !== undefined) {
    const text = JSON.stringify(out.detail) ?? '';
    if (text.length > MAX_DETAIL_CHARS) {
      out = { ...out, detail: { truncated: true, chars: text.length } };
    }
  }
  return out;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : null;
}

/** The end of the audit log read at start: its recent lines, not a whole 64 MiB file. */
const TAIL_BYTES = 8 * 1024 * 1024;

/** The last `maxBytes` of a file, from its first whole line. */
function tailText(path: string, maxBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
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
  for (const line of tailText(path, TAIL_BYTES).trim().split('\n').slice(-lines)) {
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
