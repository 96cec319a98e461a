import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TABLES } from '../../src/model/tables.js';
import { runCli } from '../helpers/run-cli.js';

const demo = inject('smallDemoDir');
const scratch = mkdtempSync(join(tmpdir(), 'vitrine-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vitrine CLI shell', () => {
  it('explains itself to a newcomer', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['init', 'demo', 'tables', 'sql']) expect(help.stdout).toContain(cmd);
    expect(help.stdout).toContain('--workspace');
    const sqlHelp = await runCli(['sql', '--help']);
    expect(sqlHelp.code).toBe(0);
    expect(sqlHelp.stdout).toMatch(/read-only/);
    expect(sqlHelp.stdout).toMatch(/Examples:/);
  });

  it('creates a workspace with every table of the model and refuses to overwrite it', async () => {
    const dir = join(scratch, 'shop');
    const init = await runCli(['init', dir]);
    expect(init.code).toBe(0);
    const tables = await runCli(['tables', '--workspace', dir, '--format', 'json']);
    expect(tables.code).toBe(0);
    const rows = JSON.parse(tables.stdout) as Array<{ table: string; rows: number }>;
    expect(rows.map((r) => r.table)).toContain('order_lines');
    expect(rows.length).toBe(TABLES.length);
    expect(rows.every((r) => r.rows === 0)).toBe(true);
    const again = await runCli(['init', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already a Vitrine workspace/);
  });

  it('says clearly when a directory is not a workspace, from the flag or the environment', async () => {
    const dir = join(scratch, 'nothing-here');
    const res = await runCli(['tables', '--workspace', dir]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(`${dir} is not a Vitrine workspace`);
    const viaEnv = await runCli(['tables', '--format', 'json'], { VITRINE_WORKSPACE: demo });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout).length).toBe(TABLES.length);
  });

  it('lists the demo tables with row counts as JSON on stdout and nothing else', async () => {
    const res = await runCli(['tables', '--workspace', demo, '--format', 'json']);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as Array<{ table: string; rows: number }>;
    for (const r of rows) expect(r.rows, `rows of ${r.table}`).toBeGreaterThan(0);
  });

  it('runs read-only SQL in table, json and csv', async () => {
    const json = await runCli([
      'sql',
      'SELECT count(*) AS n FROM orders',
      '--workspace',
      demo,
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    const n = (JSON.parse(json.stdout) as Array<{ n: number }>)[0]?.n ?? 0;
    expect(n).toBeGreaterThan(1000);
    const csv = await runCli([
      'sql',
      "SELECT 'a,b' AS x, 2 AS y",
      '--workspace',
      demo,
      '--format',
      'csv',
    ]);
    expect(csv.stdout).toBe('x,y\n"a,b",2\n');
    const table = await runCli(['sql', 'SELECT 1 AS one', '--workspace', demo]);
    expect(table.stdout).toMatch(/one\n─+\n\s*1\n\(1 row\)/);
  });

  it('refuses anything but a read and changes nothing', async () => {
    const before = await runCli([
      'sql',
      'SELECT count(*) AS n FROM orders',
      '-w',
      demo,
      '--format',
      'json',
    ]);
    for (const stmt of [
      'DELETE FROM orders',
      'DROP TABLE orders',
      "UPDATE orders SET status = 'cancelled'",
      'INSERT INTO channels VALUES (1, 2, 3)',
      "COPY orders TO '/tmp/x.csv'",
      'SELECT 1; DELETE FROM orders',
    ]) {
      const res = await runCli(['sql', stmt, '--workspace', demo]);
      expect(res.code, stmt).toBe(1);
      expect(res.stderr.trim().split('\n'), stmt).toHaveLength(1);
      // COPY now meets the sandbox first (a read-only instance with file access off, #15.3).
      expect(res.stderr, stmt).toMatch(
        /^vitrine: (only read queries|expected exactly one|refused: vitrine sql reads the workspace's tables and nothing else)/,
      );
    }
    const after = await runCli([
      'sql',
      'SELECT count(*) AS n FROM orders',
      '-w',
      demo,
      '--format',
      'json',
    ]);
    expect(after.stdout).toBe(before.stdout);
  });

  it('answers malformed SQL with one line, not a stack trace', async () => {
    for (const stmt of ['SELEC 1', 'SELECT * FROM no_such_table', 'SELECT (']) {
      const res = await runCli(['sql', stmt, '--workspace', demo]);
      expect(res.code, stmt).toBe(1);
      expect(res.stderr.trim().split('\n'), stmt).toHaveLength(1);
      expect(res.stderr, stmt).toMatch(/^vitrine: SQL error: /);
      // No stack frames ("    at fn (file:line)"), only the message.
      expect(res.stderr).not.toMatch(/\n\s+at \S+ \(/);
    }
  });

  it('rejects unknown commands, formats and scales with usage errors', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const fmt = await runCli(['tables', '-w', demo, '--format', 'xml']);
    expect(fmt.code).toBe(1);
    expect(fmt.stderr).toMatch(/unknown format "xml"; valid formats: table, json/);
    const scale = await runCli(['demo', '-w', join(scratch, 'x'), '--scale', 'huge']);
    expect(scale.stderr).toMatch(/unknown scale "huge"; valid scales: small, medium, large/);
  });
});
