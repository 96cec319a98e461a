/* eslint-disable @typescript-eslint/no-explicit-any -- a YAML document edited in place */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { lockDictionary } from '../../src/semantic/dictionary/kpi-governance.js';
import { meaningAt, withVersion } from '../../src/semantic/dictionary/kpi-history.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import { defaultConfig } from '../../src/workspace/workspace-config.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('KPI versions kept in the lock', () => {
  it('keeps the previous meaning when a version is bumped, and computes either', async () => {
    cpSync(fileURLToPath(new URL('./kpis/', import.meta.url)), dir, { recursive: true });
    expect(lockDictionary({ shippedDir: dir }).file).not.toBeNull();
    // Version 2 of t_sales counts list price net of discounts.
    const file = join(dir, 'engine-test.yaml');
    const doc = parse(readFileSync(file, 'utf8')) as { kpis: Array<Record<string, any>> };
    const kpi = doc.kpis.find((k) => k['id'] === 't_sales');
    if (!kpi) throw new Error('t_sales missing from the test dictionary');
    kpi['formula'].measure.expr =
      '(order_lines.quantity * order_lines.unit_list_price - order_lines.discount_amount) * fact.fx';
    kpi['version'] = 2;
    kpi['changelog'].push({ version: 2, date: '2026-11-24', change: 'net of discounts' });
    writeFileSync(file, stringify(doc));
    const locked = lockDictionary({ shippedDir: dir });
    expect(locked.updated).toEqual(['t_sales']);

    const dictionary = loadDictionary({ shippedDir: dir });
    expect(JSON.stringify(meaningAt(dictionary, 't_sales', 1).formula)).toContain(
      'order_lines.quantity * order_lines.unit_list_price * fact.fx',
    );
    expect(() => meaningAt(dictionary, 't_sales', 3)).toThrow(
      /no recorded version 3; recorded versions: 1, 2/,
    );

    // One order: 2 × 10.00 with 3.00 of discount → v1 20.00, v2 17.00.
    const engine = await fixtureDatabase({
      orders: [{ order_id: 'o1', ordered_at: '2026-01-05T10:00:00Z', status: 'paid' }],
      order_lines: [
        {
          order_id: 'o1',
          line_no: 1,
          sku: 'A',
          quantity: 2,
          unit_list_price: 10,
          unit_price: 8.5,
          discount_amount: 3,
        },
      ],
    });
    try {
      const config = defaultConfig('x');
      const value = async (v: number) =>
        (
          await runQuery(
            { engine, dictionary: withVersion(dictionary, 't_sales', v), config },
            { kpis: ['t_sales'], from: '2026-01-01', to: '2026-01-31' },
          )
        ).rows[0]?.values['t_sales'];
      expect(await value(1)).toBeCloseTo(20, 9);
      expect(await value(2)).toBeCloseTo(17, 9);
    } finally {
      await engine.close();
    }
  });
});
