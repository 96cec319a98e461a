import type { Engine, SqlParam } from '../../backends/engine.js';
import { VitrineError } from '../../util/errors.js';
import { INTERNAL, hasInternalTables } from '../internal-tables.js';

export type QuarantineStatus = 'open' | 'held' | 'released';
export const QUARANTINE_STATUSES: readonly QuarantineStatus[] = ['open', 'held', 'released'];

export interface QuarantineFilter {
  readonly runId?: number;
  readonly table?: string;
  /** One status, or all of them (default: open and held, what still needs attention). */
  readonly status?: QuarantineStatus | 'all';
  readonly limit?: number;
}

export interface QuarantineGroup {
  readonly runId: number;
  readonly source: string;
  readonly table: string | null;
  readonly status: QuarantineStatus;
  readonly records: number;
  /** The most frequent reason of the group, and how many records give it. */
  readonly topReason: string;
  readonly topReasonCount: number;
}

export interface QuarantinedRecord {
  readonly runId: number;
  readonly seq: number;
  readonly source: string;
  readonly table: string | null;
  readonly file: string;
  readonly line: number | null;
  readonly status: QuarantineStatus;
  readonly reason: string;
  /** The record's values as text (personal data hashed), or the raw line of an unreadable one. */
  readonly record: string | null;
  readonly releasedRun: number | null;
}

export function parseStatus(v: string | undefined): QuarantineStatus | 'all' | undefined {
  if (v === undefined) return undefined;
  if (v === 'all' || (QUARANTINE_STATUSES as readonly string[]).includes(v)) {
    return v as QuarantineStatus | 'all';
  }
  throw new VitrineError(
    'BAD_STATUS',
    `unknown status "${v}"; statuses are: ${QUARANTINE_STATUSES.join(', ')}, all`,
  );
}

function where(filter: QuarantineFilter): { sql: string; params: SqlParam[] } {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  if (filter.runId !== undefined) {
    params.push(filter.runId);
    parts.push(`run_id = $${params.length}`);
  }
  if (filter.table !== undefined) {
    params.push(filter.table);
    parts.push(`table_name = $${params.length}`);
  }
  const status = filter.status ?? 'pending';
  if (status === 'pending') parts.push(`status IN ('open', 'held')`);
  else if (status !== 'all') {
    params.push(status);
    parts.push(`status = $${params.length}`);
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Quarantined records grouped by run, table and status, with their most frequent reason. */
export async function quarantineSummary(
  engine: Engine,
  filter: QuarantineFilter = {},
): Promise<QuarantineGroup[]> {
  if (!(await hasInternalTables(engine))) return [];
  const w = where(filter);
  // Reasons are grouped on their text before the first quoted value, so that "not a date
  // ('x')" and "not a date ('y')" count as one.
  const res = await engine.run(
    `WITH q AS (SELECT run_id, source, table_name, status, reason, regexp_replace(reason, ' \\(?''.*$', '') AS kind FROM ${INTERNAL.quarantine} ${w.sql}),
     g AS (SELECT run_id, source, table_name, status, count(*) AS records FROM q GROUP BY ALL),
     k AS (SELECT run_id, table_name, status, kind, any_value(reason) AS reason, count(*) AS n,
             row_number() OVER (PARTITION BY run_id, table_name, status ORDER BY count(*) DESC, kind) AS rn
           FROM q GROUP BY run_id, table_name, status, kind)
     SELECT g.*, k.reason AS top_reason, k.n AS top_n FROM g JOIN k ON k.run_id = g.run_id AND k.table_name IS NOT DISTINCT FROM g.table_name AND k.status = g.status AND k.rn = 1
     ORDER BY g.run_id DESC, g.table_name, g.status`,
    w.params,
  );
  return res.rows.map((r) => ({
    runId: Number(r['run_id']),
    source: String(r['source']),
    table: r['table_name'] === null ? null : String(r['table_name']),
    status: String(r['status']) as QuarantineStatus,
    records: Number(r['records']),
    topReason: String(r['top_reason']),
    topReasonCount: Number(r['top_n']),
  }));
}

/** Quarantined records, in the order they were read. */
export async function quarantinedRecords(
  engine: Engine,
  filter: QuarantineFilter = {},
): Promise<QuarantinedRecord[]> {
  if (!(await hasInternalTables(engine))) return [];
  const w = where(filter);
  const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
  const res = await engine.run(
    `SELECT * FROM ${INTERNAL.quarantine} ${w.sql} ORDER BY run_id, seq${limit}`,
    w.params,
  );
  return res.rows.map((r) => ({
    runId: Number(r['run_id']),
    seq: Number(r['seq']),
    source: String(r['source']),
    table: r['table_name'] === null ? null : String(r['table_name']),
    file: String(r['file']),
    line: r['line'] === null ? null : Number(r['line']),
    status: String(r['status']) as QuarantineStatus,
    reason: String(r['reason']),
    record: r['record'] === null ? null : String(r['record']),
    releasedRun: r['released_run'] === null ? null : Number(r['released_run']),
  }));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Quarantined records as CSV, to fix them in a spreadsheet and load them again. */
export function quarantineCsv(records: readonly QuarantinedRecord[]): string {
  const head = ['run_id', 'seq', 'source', 'table', 'file', 'line', 'status', 'reason', 'record'];
  const lines = [head.join(',')];
  for (const r of records) {
    lines.push(
      [
        String(r.runId),
        String(r.seq),
        r.source,
        r.table ?? '',
        r.file,
        r.line === null ? '' : String(r.line),
        r.status,
        r.reason,
        r.record ?? '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
