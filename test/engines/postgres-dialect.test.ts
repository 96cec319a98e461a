import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/backends/engine.js';
import { PostgresEngine } from '../../src/backends/postgres/postgres-engine.js';
import { postgresDialect as d } from '../../src/backends/postgres/postgres-dialect.js';
import type { PostgresDatabase } from './postgres-server.js';
import { startPostgres } from './postgres-server.js';

/** The dialect's SQL run on a real server, against hand-computed values. */
let db: PostgresDatabase | null = null;
let engine: Engine;
let skip = '';

beforeAll(async () => {
  const h = await startPostgres();
  if (!h.ok) {
    skip = h.skip;
    return;
  }
  db = h.db;
  engine = await PostgresEngine.open({ url: db.url });
  await engine.exec(
    'CREATE TABLE t (k INTEGER, v INTEGER, by_ts TIMESTAMPTZ); ' +
      "INSERT INTO t VALUES (1, 10, '2025-01-02T00:00:00Z'), (1, 3, '2025-01-01T00:00:00Z'), (1, 2, '2025-01-01T00:00:00Z'), (1, 1, NULL), (2, 7, NULL)",
  );
}, 300_000);
afterAll(async () => {
  await engine?.close();
  await db?.close();
});

const one = async (sql: string, params: string[] = []) => {
  const res = await engine.run(`SELECT ${sql} AS v`, params);
  return res.rows[0]?.['v'];
};

describe('postgres dialect on a server', () => {
  it('round-trips arbitrary text through the literal encoder', async (ctx) => {
    if (skip) {
      console.warn(`SKIPPED: ${skip}`);
      if (process.env['CI'] === 'true') throw new Error(skip);
      return ctx.skip();
    }
    const texts = [
      "it's",
      "''",
      'back\\slash\\',
      "\\'; DROP TABLE t; --",
      'é 🛒 中文 ‮',
      'line\nbreak\ttab\r',
      "E'\\x41'",
      '$$dollar$$',
      '',
    ];
    for (const s of texts) expect(await one(d.literal(s)), JSON.stringify(s)).toBe(s);
    expect((await engine.run('SELECT count(*) AS n FROM t')).rows[0]?.['n']).toBe(5);
  });

  it('computes time parts in the zone, across daylight saving changes', async (ctx) => {
    if (skip) return ctx.skip();
    const ts = (iso: string) => d.timestampParam(d.literal(iso));
    // 23:30 UTC on 29 March 2025 is 00:30 on the 30th in Paris (UTC+1 before the change).
    expect(
      await one(`CAST(${d.localDate(ts('2025-03-29T23:30:00Z'), 'Europe/Paris')} AS TEXT)`),
    ).toBe('2025-03-30');
    // 22:30 UTC on 25 October 2025 is 00:30 on the 26th (UTC+2 until that night).
    expect(
      await one(`CAST(${d.localDate(ts('2025-10-25T22:30:00Z'), 'Europe/Paris')} AS TEXT)`),
    ).toBe('2025-10-26');
    expect(await one(d.localHour(ts('2025-07-01T10:15:00Z'), 'Europe/Paris'))).toBe(12);
    expect(await one(d.isoWeekday(d.dateParam(d.literal('2025-01-05'))))).toBe(7);
    expect(await one(d.monthOfYear(d.dateParam(d.literal('2025-01-05'))))).toBe(1);
    expect(await one(d.daysBetween(d.literal('2024-02-27'), d.literal('2024-03-01')))).toBe(3);
    expect(
      await one(d.secondsBetween(ts('2025-01-01T00:00:00Z'), ts('2025-01-01T01:00:01.5Z'))),
    ).toBe(3601.5);
    expect(await one(`CAST(${d.addDays(d.literal('2024-02-28'), '2')} AS TEXT)`)).toBe(
      '2024-03-01',
    );
  });

  it('divides integers as doubles, and by zero as NULL', async (ctx) => {
    if (skip) return ctx.skip();
    expect(await one(d.divide('7', '2'))).toBe(3.5);
    expect(await one(d.divide('7', '0'))).toBe(null);
  });

  it('writes a day series, percentiles, first-by and NULL-safe equality', async (ctx) => {
    if (skip) return ctx.skip();
    const days = await engine.run(
      `SELECT CAST(${d.daySeries(d.dateParam('$1'), d.dateParam('$2'))} AS TEXT) AS day`,
      ['2025-02-27', '2025-03-02'],
    );
    expect(days.rows.map((r) => r['day'])).toEqual([
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
      '2025-03-02',
    ]);
    // v of k=1: 1, 2, 3, 10 → median 2.5, p75 = 3 + 0.25 × 7 = 4.75, p90 = 3 + 0.7 × 7 = 7.9.
    const p = await engine.run(
      `SELECT ${d.aggregate('median', 'v')} AS m, ${d.aggregate('p75', 'v')} AS p75, ${d.aggregate('p90', 'v')} AS p90 FROM t WHERE k = 1`,
    );
    expect(p.rows[0]?.['m']).toBe(2.5);
    expect(p.rows[0]?.['p75']).toBe(4.75);
    expect(p.rows[0]?.['p90']).toBeCloseTo(7.9, 12);
    // Smallest by_ts is 2025-01-01, shared by v = 3 and v = 2: the tie goes to the smaller value;
    // the row without by_ts is never chosen, and a group with only NULL by_ts has none.
    const f = await engine.run(
      `SELECT k, ${d.firstBy('v', 'by_ts')} AS f FROM t GROUP BY k ORDER BY k`,
    );
    expect(f.rows).toEqual([
      { k: 1, f: 2 },
      { k: 2, f: null },
    ]);
    expect(await one(d.nullSafeEquals('NULL', 'NULL'))).toBe(true);
    expect(await one(d.nullSafeEquals('1', 'NULL'))).toBe(false);
  });
});
