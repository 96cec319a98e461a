import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fixture, linesWithoutCost } from './ingest-helpers.js';

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

  it('check --format json flags the KPIs whose input columns are too often empty', async () => {
    const ws = join(mkdtempSync(join(tmpdir(), 'vitrine-check-cli-')), 'ws');
    expect((await runCli(['init', ws])).code).toBe(0);
    const orders = await runCli([
      'ingest',
      'orders',
      fixture('generic/orders.csv'),
      '--workspace',
      ws,
    ]);
    expect(orders.code, orders.stderr).toBe(0);
    // 3 of the 10 lines have no unit cost: 30 %.
    const lines = await runCli(['ingest', 'order_lines', linesWithoutCost(), '--workspace', ws]);
    expect(lines.code, lines.stderr).toBe(0);
    const json = await runCli([
      'check',
      '--workspace',
      ws,
      '--format',
      'json',
      '--today',
      '2025-03-13',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const q = JSON.parse(json.stdout) as {
      incompleteAbove: number;
      kpis: Array<{ kpi: string; reasons: string[]; incomplete: unknown[] }>;
    };
    expect(q.incompleteAbove).toBe(0.05);
    const margin = q.kpis.find((k) => k.kpi === 'gross_margin');
    expect(margin?.incomplete).toEqual([
      {
        table: 'order_lines',
        column: 'unit_cost',
        role: 'value',
        via: 'cogs',
        rows: 10,
        empty: 3,
        emptyRate: 0.3,
        threshold: 0.05,
      },
    ]);
    // With the threshold at 30 %, 30 % empty is not above it.
    const loose = await runCli([
      'check',
      '--workspace',
      ws,
      '--format',
      'json',
      '--incomplete-above',
      '30',
    ]);
    expect(loose.code, loose.stderr).toBe(0);
    const l = JSON.parse(loose.stdout) as { kpis: Array<{ incomplete: unknown[] }> };
    expect(l.kpis.flatMap((k) => k.incomplete)).toEqual([]);
    const text = await runCli(['check', '--workspace', ws, '--today', '2025-03-13']);
    expect(text.stdout).toMatch(
      /\n {2}gross_margin: .*order_lines\.unit_cost: empty in 3 of 10 rows \(30\.0 %, above 5\.0 %\), read through cogs/,
    );
    const bad = await runCli(['check', '--workspace', ws, '--incomplete-above', 'half']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--incomplete-above must be a percentage from 0 to 100/);
  });
});
