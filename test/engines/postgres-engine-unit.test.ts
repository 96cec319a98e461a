import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanonicalTables } from '../../src/backends/backend-registry.js';
import type { Engine } from '../../src/backends/engine.js';
import { isEmbeddedEngine, requireEmbedded } from '../../src/backends/engine.js';
import { openEngine, parseEngineUrl } from '../../src/backends/backend-registry.js';
import type { PostgresEngine } from '../../src/backends/postgres/postgres-engine.js';
import type { PostgresDatabase } from './postgres-server.js';
import { startPostgres } from './postgres-server.js';

/** The PostgreSQL engine itself: values as they come back, the read-only role, refusals. */
let db: PostgresDatabase | null = null;
let owner: Engine;
let reader: Engine;
let skip = '';

beforeAll(async () => {
  const h = await startPostgres();
  if (!h.ok) {
    skip = h.skip;
    return;
  }
  db = h.db;
  owner = await openEngine(db.url);
  await createCanonicalTables(owner);
  await owner.appendRows(
    'fx_rates',
    ['currency', 'rate_on', 'rate_to_reporting'],
    [['USD', '2025-03-01', '0.92345678']],
  );
  reader = await openEngine(db.url, { readOnly: true });
}, 300_000);
afterAll(async () => {
  await reader?.close();
  await owner?.close();
  await db?.close();
});

const guard = (ctx: { skip: () => void }) => {
  if (!skip) return false;
  console.warn(`SKIPPED: ${skip}`);
  if (process.env['CI'] === 'true') throw new Error(skip);
  ctx.skip();
  return true;
};

describe('postgres engine', () => {
  it('returns exact decimals and dates as text, counts as numbers', async (ctx) => {
    if (guard(ctx)) return;
    const res = await reader.run(
      'SELECT currency, rate_on, rate_to_reporting, count(*) OVER () AS n FROM fx_rates WHERE currency = $1',
      ['USD'],
    );
    expect(res.rows).toEqual([
      { currency: 'USD', rate_on: '2025-03-01', rate_to_reporting: '0.92345678', n: 1 },
    ]);
    expect(res.columns.map((c) => c.type)).toEqual(['TEXT', 'DATE', 'NUMERIC', 'BIGINT']);
  });

  it('runs queries of a read-only engine under the reader role, which cannot write', async (ctx) => {
    if (guard(ctx)) return;
    expect((reader as PostgresEngine).usesReaderRole).toBe(true);
    const who = await reader.run('SELECT current_user AS u');
    expect(who.rows[0]?.['u']).toBe('vitrine_reader');
    await expect(reader.run(`DELETE FROM fx_rates`)).rejects.toThrow(/read-only transaction/);
    // The session user is a superuser: only the role keeps it from reading the password catalog.
    await expect(reader.runReadOnly('SELECT rolpassword FROM pg_authid')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('refuses anything but one read in runReadOnly, naming why', async (ctx) => {
    if (guard(ctx)) return;
    await expect(owner.runReadOnly('DELETE FROM fx_rates')).rejects.toThrow(/only read queries/);
    await expect(owner.runReadOnly('SELECT 1; DELETE FROM fx_rates')).rejects.toThrow(
      /exactly one SQL statement/,
    );
    await expect(
      owner.runReadOnly('WITH d AS (DELETE FROM fx_rates RETURNING 1) SELECT * FROM d'),
    ).rejects.toThrow(/only read queries/);
    const left = await owner.run('SELECT count(*) AS n FROM fx_rates');
    expect(left.rows[0]?.['n']).toBe(1);
  });

  it('refuses file loads with the way to get data in', async (ctx) => {
    if (guard(ctx)) return;
    // File loads belong to the embedded engine alone: a PostgreSQL engine has none to call.
    expect(isEmbeddedEngine(owner)).toBe(false);
    expect(() => requireEmbedded(owner, 'a file load')).toThrow(
      /not supported on postgres.*ingest into a DuckDB workspace, then vitrine push/,
    );
  });

  it('rolls a failed transaction back whole', async (ctx) => {
    if (guard(ctx)) return;
    await expect(
      owner.transaction(async () => {
        await owner.appendRows(
          'fx_rates',
          ['currency', 'rate_on', 'rate_to_reporting'],
          [['GBP', '2025-03-01', '1.17']],
        );
        await owner.run('SELECT 1/0');
      }),
    ).rejects.toThrow(/division by zero/);
    const n = await owner.run('SELECT count(*) AS n FROM fx_rates');
    expect(n.rows[0]?.['n']).toBe(1);
  });
});

describe('engine URLs', () => {
  it('tells engines apart by scheme, and refuses an unknown one by name', () => {
    expect(parseEngineUrl('postgresql://u@h/db').kind).toBe('postgres');
    expect(parseEngineUrl('http://localhost:8123', 'c1')).toEqual({
      kind: 'clickhouse',
      url: 'http://localhost:8123',
      cluster: 'c1',
    });
    expect(parseEngineUrl('duckdb:/tmp/a.duckdb')).toEqual({
      kind: 'duckdb',
      path: '/tmp/a.duckdb',
    });
    expect(parseEngineUrl('./x.duckdb')).toEqual({ kind: 'duckdb', path: './x.duckdb' });
    expect(() => parseEngineUrl('mysql://h/db')).toThrow(/mysql:\/\/h\/db: unknown engine/);
  });
});
