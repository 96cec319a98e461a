import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWorkspace, openWorkspace } from '../../src/workspace/workspace.js';

/**
 * `vitrine sql` runs in a sandbox: a read-only DuckDB instance with no file, network or extension
 * access and its configuration locked (issue 15.3). Each statement below passed the old
 * statement-type check (EXPLAIN and SELECT are reads) and wrote or read files.
 */
const scratch = mkdtempSync(join(tmpdir(), 'vitrine-sql-sandbox-'));
const ws = join(scratch, 'shop');
const db = join(ws, 'vitrine.duckdb');
const hash = () => createHash('sha256').update(readFileSync(db)).digest('hex');

beforeAll(async () => {
  const w = await initWorkspace(ws);
  await w.engine.run(
    "INSERT INTO channels (channel_id, name, kind) VALUES ('web', 'Web', 'online')",
  );
  await w.close();
  mkdirSync(join(ws, 'server'), { recursive: true });
  writeFileSync(join(ws, 'server', 'secret'), 'not for sql');
  writeFileSync(join(ws, 'server', 'tokens.json'), '{"tokens":[]}');
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function userSql(sql: string) {
  const w = await openWorkspace(ws, { readOnly: true, sandbox: true });
  try {
    return await w.engine.runReadOnly(sql);
  } finally {
    await w.close();
  }
}

describe('vitrine sql sandbox', () => {
  it('reads the model', async () => {
    const res = await userSql('SELECT channel_id, name FROM channels');
    expect(res.rows).toEqual([{ channel_id: 'web', name: 'Web' }]);
  });

  it('refuses writes, files, extensions and settings, and leaves the database as it was', async () => {
    const before = hash();
    const hostile = [
      `EXPLAIN ANALYZE COPY (SELECT 1) TO '${db}'`,
      `EXPLAIN ANALYZE COPY (SELECT 1) TO '${join(ws, 'out.csv')}'`,
      'EXPLAIN ANALYZE INSTALL httpfs',
      'EXPLAIN ANALYZE LOAD httpfs',
      'SET threads = 1',
      'EXPLAIN ANALYZE SET threads = 1',
      "SELECT * FROM read_text('/etc/passwd')",
      `SELECT * FROM read_text('${join(ws, 'server', 'tokens.json')}')`,
      `SELECT * FROM read_blob('${join(ws, 'server', 'secret')}')`,
      `SELECT * FROM sniff_csv('${join(ws, 'server', 'secret')}')`,
      `SELECT * FROM read_csv('${join(ws, 'server', 'secret')}')`,
      `SELECT * FROM query('SELECT * FROM read_text(''${join(ws, 'server', 'secret')}'')')`,
      `SELECT * FROM glob('${ws}/*')`,
      `ATTACH '${join(ws, 'other.duckdb')}' AS other`,
    ];
    for (const sql of hostile) {
      await expect(userSql(sql), sql).rejects.toThrow(
        /^(refused: vitrine sql reads the workspace's tables and nothing else|only read queries)/,
      );
    }
    expect(hash()).toBe(before);
    const still = await userSql('SELECT count(*) AS n FROM channels');
    expect(still.rows).toEqual([{ n: 1 }]);
  });

  it('refuses the settings of the session it read with, without changing them', async () => {
    await expect(userSql("SELECT * FROM query('SET TimeZone = ''Asia/Tokyo''')")).rejects.toThrow(
      /refused|only read queries|SQL error/,
    );
    const tz = await userSql("SELECT current_setting('TimeZone') AS tz");
    expect(tz.rows).toEqual([{ tz: 'UTC' }]);
  });
});
