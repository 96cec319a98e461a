import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/backends/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/backends/engine.js';
import { openEngine } from '../../src/backends/backend-registry.js';
import { pushTargetFor } from '../../src/backends/backend-registry.js';
import {
  pushTables,
  pushWorkspace,
  reconcileTables,
} from '../../src/backends/push/push-workspace.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import type { PostgresDatabase } from './postgres-server.js';
import { startPostgres } from './postgres-server.js';

/**
 * Push on a hand-built source: three order lines whose money sums are known by hand
 * (discounts 1.10 + 2.25 + 0.05 = 3.40; list prices 10.5 + 3.3333 + 7 = 20.8333; tax 2.10 +
 * 0.35 = 2.45), copied two rows per chunk, to DuckDB and to PostgreSQL.
 */
const LINES = [
  {
    order_id: 'O1',
    line_no: 1,
    sku: 'A',
    quantity: 2,
    unit_list_price: 10.5,
    unit_price: 9.95,
    discount_amount: 1.1,
    tax_amount: 2.1,
  },
  {
    order_id: 'O1',
    line_no: 2,
    sku: 'B',
    quantity: 1,
    unit_list_price: 3.3333,
    unit_price: 1.0833,
    discount_amount: 2.25,
  },
  {
    order_id: 'O2',
    line_no: 1,
    sku: 'A',
    quantity: 5,
    unit_list_price: 7,
    unit_price: 6.99,
    discount_amount: 0.05,
    tax_amount: 0.35,
  },
];
const PRODUCTS = [
  { sku: 'A', name: "l'éclair" },
  { sku: 'B', name: 'say "hi"\nthere' },
];
const TABLES = ['order_lines', 'products'];

let pg: PostgresDatabase | null = null;
let pgSkip = '';
const targets: Array<{ name: string; open: () => Promise<Engine> }> = [
  { name: 'duckdb', open: () => DuckDbEngine.open({ path: ':memory:' }) },
  {
    name: 'postgres',
    open: async () => {
      if (!pg) {
        const h = await startPostgres();
        if (!h.ok) {
          pgSkip = h.skip;
          throw new Error(h.skip);
        }
        pg = h.db;
      }
      return openEngine(pg.url);
    },
  },
];
afterAll(async () => pg?.close());

/** PostgreSQL: the primary key columns of a table (push builds it after the load). */
async function primaryKey(target: Engine, table: string): Promise<string[]> {
  const r = await target.run(
    `SELECT a.attname AS col FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = to_regclass($1) AND c.contype = 'p' ORDER BY array_position(c.conkey, a.attnum)`,
    [table],
  );
  return r.rows.map((x) => String(x['col']));
}

describe.each(targets)('push to $name', ({ name, open }) => {
  const withEngines = async (
    ctx: { skip: () => void },
    fn: (source: Engine, target: Engine) => Promise<void>,
  ) => {
    const source = await fixtureDatabase({ order_lines: LINES, products: PRODUCTS });
    let target: Engine;
    try {
      target = await open();
    } catch (e) {
      await source.close();
      console.warn(`SKIPPED (${name}): ${pgSkip || (e as Error).message}`);
      if (process.env['CI'] === 'true') throw e;
      return ctx.skip();
    }
    try {
      // A fresh schema each time on PostgreSQL (the database is shared by the tests of the file).
      if (target.kind === 'postgres') {
        await target.exec('DROP TABLE IF EXISTS order_lines, products, _vitrine_push');
      }
      await fn(source, target);
    } finally {
      await target.close();
      await source.close();
    }
  };

  it('copies the tables in chunks and reconciles counts and money sums', async (ctx) => {
    await withEngines(ctx, async (source, target) => {
      const report = await pushWorkspace({ source, target, tables: TABLES, chunkRows: 2 });
      expect(report.ok).toBe(true);
      const lines = report.tables.find((t) => t.table === 'order_lines');
      expect(lines?.targetRows).toBe(3);
      expect(Object.fromEntries(lines?.money.map((m) => [m.column, m.target]) ?? [])).toMatchObject(
        {
          discount_amount: '3.4',
          unit_list_price: '20.8333',
          tax_amount: '2.45',
        },
      );
      const names = await target.run('SELECT name FROM products ORDER BY sku');
      expect(names.rows.map((r) => r['name'])).toEqual(PRODUCTS.map((p) => p.name));
      if (target.kind === 'postgres') {
        expect(await primaryKey(target, 'order_lines')).toEqual(['order_id', 'line_no']);
      }
    });
  });

  it('resumes: finished tables are skipped, an unfinished one is copied again from scratch', async (ctx) => {
    await withEngines(ctx, async (source, target) => {
      await pushWorkspace({ source, target, tables: TABLES, chunkRows: 2 });
      // An interruption in the middle of order_lines: marked started, one chunk of two rows in.
      const book = pushTargetFor(target);
      await book.mark('order_lines', 'started', 0);
      await target.exec(`DELETE FROM order_lines WHERE order_id = 'O2'`);
      const again = await pushWorkspace({ source, target, tables: TABLES, chunkRows: 2 });
      const byName = new Map(again.tables.map((t) => [t.table, t]));
      expect(byName.get('products')?.skipped).toBe(true);
      expect(byName.get('order_lines')?.skipped).toBe(false);
      expect(byName.get('order_lines')?.targetRows).toBe(3);
      expect(again.ok).toBe(true);
      const entries = await pushTargetFor(target).readBook();
      expect(entries.get('order_lines')).toEqual({ table: 'order_lines', status: 'done', rows: 3 });
      if (target.kind === 'postgres') {
        // Dropped for the reload, built again once the rows are in.
        expect(await primaryKey(target, 'order_lines')).toEqual(['order_id', 'line_no']);
      }
    });
  });

  it('reconciliation detects a tampered money value and a missing row', async (ctx) => {
    await withEngines(ctx, async (source, target) => {
      await pushWorkspace({ source, target, tables: TABLES });
      await target.exec(
        `UPDATE order_lines SET discount_amount = 1.11 WHERE order_id = 'O1' AND line_no = 1`,
      );
      await target.exec(`DELETE FROM products WHERE sku = 'B'`);
      const checks = await reconcileTables(source, target, pushTables(TABLES));
      const lines = checks.find((c) => c.table === 'order_lines');
      expect(lines?.ok).toBe(false);
      expect(lines?.money.find((m) => m.column === 'discount_amount')).toEqual({
        column: 'discount_amount',
        source: '3.4',
        target: '3.41',
      });
      expect(lines?.money.filter((m) => m.source !== m.target).map((m) => m.column)).toEqual([
        'discount_amount',
      ]);
      const products = checks.find((c) => c.table === 'products');
      expect(products).toMatchObject({ sourceRows: 2, targetRows: 1, ok: false });
    });
  });
});

describe('push options', () => {
  it('refuses a table that is not in the model, naming it', () => {
    expect(() => pushTables(['orders', 'ordres'])).toThrow(/ordres is not a table of the model/);
  });
});
