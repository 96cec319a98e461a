import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Row } from '../../src/backends/engine.js';
import type { IngestReport, IngestRequest } from '../../src/ingest/ingest-runner.js';
import { ingest } from '../../src/ingest/ingest-runner.js';
import { INTERNAL } from '../../src/ingest/internal-tables.js';
import { saltPath } from '../../src/ingest/personal/workspace-salt.js';
import { TABLES } from '../../src/model/tables.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { initWorkspace } from '../../src/workspace/workspace.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/sources/', import.meta.url));

export function fixture(path: string): string {
  return isAbsolute(path) ? path : join(FIXTURES, path);
}

export async function tempWorkspace(): Promise<Workspace> {
  return initWorkspace(join(mkdtempSync(join(tmpdir(), 'vitrine-ingest-')), 'ws'));
}

export async function rows(ws: Workspace, sql: string): Promise<Row[]> {
  return [...(await ws.engine.run(sql)).rows];
}

/** Loads and checks the reconciliation identity of every table of the report. */
export async function load(
  ws: Workspace,
  source: string,
  paths: string[],
  extra: Partial<IngestRequest> = {},
): Promise<IngestReport> {
  const report = await ingest(ws, { source, paths: paths.map(fixture), ...extra });
  for (const t of report.tables) {
    expect(t.read, `${t.table}: read = loaded + updated + duplicates + quarantined`).toBe(
      t.loaded + t.updated + t.duplicates + t.quarantined,
    );
  }
  return report;
}

export function tableOf(report: IngestReport, table: string) {
  const t = report.tables.find((x) => x.table === table);
  if (!t) throw new Error(`no reconciliation for ${table}`);
  return {
    read: t.read,
    loaded: t.loaded,
    updated: t.updated,
    duplicates: t.duplicates,
    quarantined: t.quarantined,
    held: t.held,
  };
}

/** Quarantined records of a run: line → reason (file names reduced to their base name). */
export async function quarantined(
  ws: Workspace,
  runId: number | null,
  table?: string,
): Promise<
  Array<{ table: string | null; line: number | null; reason: string; status: string; file: string }>
> {
  const res = await ws.engine.run(
    `SELECT table_name, line, reason, status, file FROM ${INTERNAL.quarantine} WHERE run_id = $1 ${table ? 'AND table_name = $2' : ''} ORDER BY line, seq`,
    table ? [runId, table] : [runId],
  );
  return res.rows.map((r) => ({
    table: r['table_name'] === null ? null : String(r['table_name']),
    line: r['line'] === null ? null : Number(r['line']),
    reason: String(r['reason']),
    status: String(r['status']),
    file: String(r['file']).split('/').pop() ?? '',
  }));
}

/** The content of every model table, for "unchanged" assertions. */
export async function modelFingerprint(ws: Workspace): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const res = await ws.engine.run(
      `SELECT count(*) AS n, coalesce(md5(string_agg(CAST(x AS VARCHAR), '|' ORDER BY CAST(x AS VARCHAR))), '') AS h FROM "${t.name}" x`,
    );
    out[t.name] = `${res.rows[0]?.['n']}:${res.rows[0]?.['h']}`;
  }
  return out;
}

/** Model tables and the ingest bookkeeping (runs, load log, quarantine, links). */
export async function workspaceFingerprint(ws: Workspace): Promise<Record<string, string>> {
  const out = await modelFingerprint(ws);
  const exists = await ws.engine.run(
    `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '\\_vitrine\\_%' ESCAPE '\\' AND NOT temporary`,
  );
  for (const r of exists.rows) {
    const name = String(r['table_name']);
    const res = await ws.engine.run(
      `SELECT count(*) AS n, coalesce(md5(string_agg(CAST(x AS VARCHAR), '|' ORDER BY CAST(x AS VARCHAR))), '') AS h FROM "${name}" x`,
    );
    out[name] = `${res.rows[0]?.['n']}:${res.rows[0]?.['h']}`;
  }
  return out;
}

/**
 * Ten order lines of the four orders of generic/orders.csv; three have no unit cost (G1001/3,
 * G1002/2, G1004/1): 3 of 10 = 30 % of order_lines.unit_cost is empty.
 */
export function linesWithoutCost(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vitrine-check-')), 'order_lines.csv');
  writeFileSync(
    path,
    [
      'order_id,line_no,sku,quantity,unit_list_price,unit_price,discount_amount,unit_cost,tax_amount,promotion_id',
      'G1001,1,SKU-A,1,10.00,10.00,0.00,4.00,2.00,',
      'G1001,2,SKU-B,1,10.00,10.00,0.00,4.00,2.00,',
      'G1001,3,SKU-C,1,10.00,10.00,0.00,,2.00,',
      'G1002,1,SKU-A,1,10.00,10.00,0.00,4.00,2.00,',
      'G1002,2,SKU-B,1,10.00,10.00,0.00,,2.00,',
      'G1002,3,SKU-C,1,10.00,10.00,0.00,4.00,2.00,',
      'G1003,1,SKU-A,1,10.00,10.00,0.00,4.00,2.00,',
      'G1003,2,SKU-B,1,10.00,10.00,0.00,4.00,2.00,',
      'G1004,1,SKU-A,1,10.00,10.00,0.00,,2.00,',
      'G1004,2,SKU-B,1,10.00,10.00,0.00,4.00,2.00,',
    ].join('\n') + '\n',
  );
  return path;
}

/**
 * A fresh workspace for each test of the file, handed to `set` before the test and closed after
 * it: `let ws: Workspace; workspacePerTest((w) => (ws = w));`.
 */
export function workspacePerTest(set: (ws: Workspace) => void): void {
  let current: Workspace | null = null;
  beforeEach(async () => {
    current = await tempWorkspace();
    set(current);
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
}

/** SHA-256 of the workspace salt and a value: how personal data are stored (docs/ingest.md). */
export function saltedSha(ws: Workspace, value: string): string {
  return createHash('sha256')
    .update(readFileSync(saltPath(ws.dir), 'utf8').trim() + value)
    .digest('hex');
}
