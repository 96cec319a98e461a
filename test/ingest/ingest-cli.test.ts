import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from './ingest-helpers.js';

const DIST = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe.skipIf(!existsSync(DIST))('ingest commands of the CLI', () => {
  let dir = '';
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'vitrine-ingest-cli-')), 'ws');
    const init = await runCli(['init', dir]);
    expect(init.code, init.stderr).toBe(0);
  });

  it('ingests, then lists, shows and exports the quarantine', async () => {
    const r = await runCli([
      'ingest',
      'orders',
      fixture('generic/orders-broken.csv'),
      '--workspace',
      dir,
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      runId: number;
      tables: Array<Record<string, unknown>>;
    };
    expect(report.tables[0]).toMatchObject({
      table: 'orders',
      read: 12,
      loaded: 2,
      duplicates: 1,
      quarantined: 9,
    });
    // Progress goes to stderr as plain lines in CI, stdout stays JSON.
    expect(r.stderr).toMatch(/writing orders: done/);

    const list = await runCli(['quarantine', 'list', '--workspace', dir, '--format', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([
      {
        runId: report.runId,
        source: 'orders',
        table: 'orders',
        status: 'open',
        records: 9,
        topReason:
          'duplicate key (order_id=B4) appears 2 times in this load with different values; none was loaded',
        topReasonCount: 2,
      },
    ]);
    const show = await runCli([
      'quarantine',
      'show',
      String(report.runId),
      '--workspace',
      dir,
      '--format',
      'json',
    ]);
    const records = JSON.parse(show.stdout) as Array<{
      line: number;
      reason: string;
      record: string;
    }>;
    expect(records.map((x) => x.line)).toEqual([3, 4, 5, 6, 9, 10, 11, 12, 13]);
    expect(JSON.parse(records[0]?.record ?? '{}')).toMatchObject({
      order_id: 'B2',
      ordered_at: '31/04/2025 10:00',
    });
    const exported = await runCli([
      'quarantine',
      'export',
      String(report.runId),
      '--workspace',
      dir,
    ]);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('run_id,seq,source,table,file,line,status,reason,record');
    expect(lines).toHaveLength(10);

    const text = await runCli([
      'ingest',
      'orders',
      fixture('generic/orders-broken.csv'),
      '--workspace',
      dir,
    ]);
    expect(text.stdout).toContain('already loaded by run 1 (same content): skipped');
  });

  it('says what is wrong in one line naming file, line and field, and exits 1', async () => {
    const r = await runCli([
      'ingest',
      'orders',
      fixture('generic/orders-missing-column.csv'),
      '--workspace',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^vitrine: .*orders-missing-column\.csv: line 1: field currency: required column "currency" of orders is missing/,
    );
    const unknown = await runCli([
      'ingest',
      'shopifi',
      fixture('shopify/orders_export.csv'),
      '--workspace',
      dir,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown source "shopifi"; sources are: shopify, /);
    const flag = await runCli([
      'ingest',
      'orders',
      fixture('generic/orders.csv'),
      '--encoding',
      'ebcdic',
      '--workspace',
      dir,
    ]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/--encoding must be utf-8 or latin-1, got "ebcdic"/);
  });

  it('reports identities and data quality', async () => {
    await runCli(['ingest', 'shopify', fixture('shopify/orders_export.csv'), '--workspace', dir]);
    const ids = await runCli(['identities', '--workspace', dir, '--format', 'json']);
    expect(ids.code, ids.stderr).toBe(0);
    expect(JSON.parse(ids.stdout)).toMatchObject({
      customers: 3,
      reference: 0,
      sources: [{ source: 'shopify', seen: 3, matched: 0 }],
    });
    const check = await runCli([
      'check',
      '--workspace',
      dir,
      '--format',
      'json',
      '--today',
      '2025-04-10',
    ]);
    expect(check.code, check.stderr).toBe(0);
    const q = JSON.parse(check.stdout) as {
      tables: Array<{ table: string; rows: number; stale: boolean }>;
    };
    expect(q.tables.find((t) => t.table === 'orders')).toMatchObject({ rows: 7, stale: true });
    const table = await runCli(['check', '--workspace', dir, '--today', '2025-04-10']);
    expect(table.stdout).toMatch(/KPIs whose inputs are stale, empty or incomplete/);
  });
});
