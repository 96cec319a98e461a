import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseDialect as d } from '../../src/backends/clickhouse/clickhouse-dialect.js';
import type { ClickHouseCluster } from './clickhouse-cluster.js';
import { clickhouseServerMissing, startClickHouseCluster } from './clickhouse-cluster.js';

/**
 * What the ClickHouse dialect writes differently for 18.16, run on a two-shard 18.16 cluster
 * through Distributed tables: a chain of four joins whose tables share column names (18.16 runs
 * one JOIN per SELECT and renames a right-hand column only when the left side has its name),
 * NULL-safe equality inside JOIN ON, and the refusals that make the dialect avoid what 18.16
 * lacks. Expected rows are written out by hand from the rows inserted.
 */

const missing = clickhouseServerMissing();
if (missing && process.env['CI']) throw new Error(`CI needs the ClickHouse cluster: ${missing}`);

const q = (s: string) => d.quoteIdentifier(s);

describe.skipIf(missing !== null)(
  `ClickHouse dialect on an 18.16 cluster${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let cluster: ClickHouseCluster;
    const run = async (sql: string, port?: number): Promise<string> => {
      const p = port ?? cluster.shards[0]?.httpPort ?? 0;
      const r = await fetch(
        `http://127.0.0.1:${p}/?join_use_nulls=1&insert_distributed_sync=1&distributed_product_mode=global`,
        { method: 'POST', body: sql },
      );
      const text = await r.text();
      if (!r.ok) throw new Error(text);
      return text;
    };
    const rows = async (sql: string) =>
      (await run(`${sql} FORMAT TabSeparated`))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));

    const TABLES: Record<string, string> = {
      a: '(id UInt32, name String)',
      b: '(id UInt32, a_id UInt32, name String)',
      c: '(id UInt32, b_id UInt32, name Nullable(String))',
      d: '(id UInt32, c_id UInt32, name String)',
    };

    beforeAll(async () => {
      cluster = await startClickHouseCluster(2);
      for (const s of cluster.shards) {
        for (const [t, cols] of Object.entries(TABLES)) {
          await run(`CREATE TABLE ${t}_local ${cols} ENGINE = MergeTree ORDER BY id`, s.httpPort);
          await run(
            `CREATE TABLE ${t} ${cols} ENGINE = Distributed(${cluster.cluster}, default, ${t}_local, rand())`,
            s.httpPort,
          );
        }
      }
      await run(`INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3')`);
      await run(`INSERT INTO b VALUES (10, 1, 'b10'), (20, 2, 'b20'), (30, 3, 'b30')`);
      await run(`INSERT INTO c VALUES (100, 10, 'c100'), (200, 20, NULL), (300, 30, '')`);
      await run(`INSERT INTO d VALUES (1000, 100, 'd1000'), (2000, 999, 'd2000')`);
    }, 120_000);

    afterAll(async () => {
      await cluster?.stop();
    });

    const chain = () =>
      d.joinChain([
        { relation: d.joinedTable('a'), alias: 'a', columns: ['id', 'name'] },
        {
          relation: d.joinedTable('b'),
          alias: 'b',
          columns: ['id', 'a_id', 'name'],
          join: { kind: 'LEFT JOIN', on: `${q('a')}.${q('id')} = ${q('b')}.${q('a_id')}` },
        },
        {
          relation: d.joinedTable('c'),
          alias: 'c',
          columns: ['id', 'b_id', 'name'],
          join: { kind: 'LEFT JOIN', on: `${q('b')}.${q('id')} = ${q('c')}.${q('b_id')}` },
        },
        {
          relation: d.joinedTable('d'),
          alias: 'd',
          columns: ['id', 'c_id', 'name'],
          join: { kind: 'LEFT JOIN', on: `${q('c')}.${q('id')} = ${q('d')}.${q('c_id')}` },
        },
      ]);

    it('a chain of four tables sharing column names reads every column at every depth', async () => {
      const cols = ['a', 'b', 'c', 'd'].flatMap((t) => [
        `${q(t)}.${q('id')}`,
        `${q(t)}.${q('name')}`,
      ]);
      const got = await rows(
        `SELECT ${cols.join(', ')} FROM ${chain()} ORDER BY ${q('a')}.${q('id')}`,
      );
      expect(got).toEqual([
        ['1', 'a1', '10', 'b10', '100', 'c100', '1000', 'd1000'],
        ['2', 'a2', '20', 'b20', '200', '\\N', '\\N', '\\N'],
        ['3', 'a3', '30', 'b30', '300', '', '\\N', '\\N'],
      ]);
    });

    it('aggregates over the chain see each row once, on both shards', async () => {
      const got = await rows(
        `SELECT count(), uniqExact(${q('b')}.${q('name')}), countIf(${q('d')}.${q('id')} IS NOT NULL) FROM ${chain()}`,
      );
      expect(got).toEqual([['3', '3', '1']]);
    });

    it('NULL-safe equality joins NULL to NULL and tells NULL from the empty text', async () => {
      const left = `(SELECT ${q('id')}, ${q('name')} FROM c) AS ${q('l')}`;
      const right = `(SELECT CAST(NULL AS Nullable(String)) AS ${q('name')}, 'null' AS ${q('tag')} UNION ALL SELECT CAST('' AS Nullable(String)) AS ${q('name')}, 'empty' AS ${q('tag')}) AS ${q('r')}`;
      const on = d.nullSafeEquals(`${q('l')}.${q('name')}`, `${q('r')}.${q('name')}`);
      const got = await rows(
        `SELECT ${q('l')}.${q('id')}, ${q('r')}.${q('tag')} FROM ${left} LEFT JOIN ${right} ON ${on} ORDER BY ${q('l')}.${q('id')}`,
      );
      expect(got).toEqual([
        ['100', '\\N'],
        ['200', 'null'],
        ['300', 'empty'],
      ]);
    });

    it('18.16 refuses what the dialect declares it lacks: two joins in a SELECT, a range in JOIN ON', async () => {
      expect(d.capabilities.inequalityJoin).toBe(false);
      await expect(
        rows(
          `SELECT count() FROM (SELECT id, a_id FROM b) AS x JOIN (SELECT id AS aid FROM a) AS y ON x.a_id = y.aid JOIN (SELECT b_id FROM c) AS z ON z.b_id = x.id`,
        ),
      ).rejects.toThrow(/more than one JOIN/);
      await expect(
        rows(
          `SELECT count() FROM (SELECT id FROM a) AS x JOIN (SELECT a_id FROM b) AS y ON x.id <= y.a_id`,
        ),
      ).rejects.toThrow(/JOIN ON/);
    });
  },
);
