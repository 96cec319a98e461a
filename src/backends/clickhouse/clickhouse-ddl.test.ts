import { describe, expect, it } from 'vitest';
import { clickhouseModelSql, clickhouseTableSql, sortingKey } from './clickhouse-ddl.js';
import { getTable } from '../../model/model.js';

describe('ClickHouse DDL', () => {
  it('orders a fact by channel, location, day, then its key, and skips Nullable columns', () => {
    const orders = getTable('orders');
    const key = sortingKey(orders);
    const required = (n: string) => orders.columns.find((c) => c.name === n)?.required;
    expect(key).toContain('toDate("ordered_at")');
    expect(key[key.length - 1]).toBe('"order_id"');
    for (const k of key) {
      const name = /"([a-z_]+)"/.exec(k)?.[1] ?? '';
      expect(required(name), name).toBe(true);
    }
    expect(new Set(key).size).toBe(key.length);
  });

  it('writes money as Decimal(18, 2), NULL-able columns as Nullable, instants per version', () => {
    const [sql] = clickhouseTableSql(getTable('orders'), { database: 'db', dateTime64: false });
    expect(sql).toMatch(/"total" (Nullable\()?Decimal\(18, 2\)/);
    expect(sql).toContain(`"ordered_at" DateTime('UTC')`);
    expect(sql).toContain('ENGINE = MergeTree() ORDER BY (');
    const [modern] = clickhouseTableSql(getTable('orders'), { database: 'db', dateTime64: true });
    expect(modern).toContain(`"ordered_at" DateTime64(3, 'UTC')`);
  });

  it('with a cluster: a local MergeTree table and a Distributed table of the model name', () => {
    const [local, dist] = clickhouseTableSql(getTable('order_lines'), {
      database: 'vitrine',
      cluster: 'c1',
      dateTime64: false,
    });
    expect(local).toContain('CREATE TABLE IF NOT EXISTS "vitrine"."order_lines_local"');
    expect(dist).toContain('CREATE TABLE IF NOT EXISTS "vitrine"."order_lines"');
    expect(dist).toContain(`ENGINE = Distributed("c1", 'vitrine', 'order_lines_local', rand())`);
    const all = clickhouseModelSql({ database: 'vitrine', cluster: 'c1', dateTime64: false });
    expect(all.length % 2).toBe(0);
  });
});
