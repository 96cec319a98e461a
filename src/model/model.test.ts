import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { duckdbModelSql, duckdbType } from '../backends/duckdb/duckdb-ddl.js';
import { getTable, references, TABLES } from './model.js';
import { renderDataModelDoc } from './model-docs.js';

const SPEC = new URL('../../../shared/spec/DATA-MODEL.md', import.meta.url);

/** Tables and columns of the public contract, read from the spec's markdown table. */
function specTables(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(SPEC, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4) continue;
    const [, names, columns] = cells;
    if (!names || !columns || names === 'table' || names.startsWith('---')) continue;
    // "range_targets, product_fitments" share one row: "range_key, description; sku, range_key".
    const tableNames = names.split(',').map((s) => s.trim());
    const columnGroups = columns.split(';');
    tableNames.forEach((t, i) => {
      const cols = (columnGroups[i] ?? '')
        .replace(/\([^)]*\)/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      out.set(t, cols);
    });
  }
  return out;
}

describe('the canonical model as code', () => {
  it('has every table and column of DATA-MODEL.md, in the contract order', () => {
    const spec = specTables();
    expect(spec.size).toBeGreaterThanOrEqual(36);
    for (const [name, cols] of spec) {
      const table = getTable(name);
      const contract = table.columns.filter((c) => !c.extension).map((c) => c.name);
      expect(contract, `columns of ${name}`).toEqual(cols);
    }
    expect(TABLES.length).toBe(spec.size);
  });

  it('declares keys that are columns and references that resolve to keys', () => {
    for (const t of TABLES) {
      for (const k of t.key)
        expect(
          t.columns.map((c) => c.name),
          `${t.name} key ${k}`,
        ).toContain(k);
    }
    for (const r of references()) {
      const target = getTable(r.to.table);
      expect(target.key, `${r.table}.${r.column} → ${r.to.table}.${r.to.column}`).toContain(
        r.to.column,
      );
    }
  });

  it('stores money as exact decimals and instants with their time zone', () => {
    const ddl = duckdbModelSql().join('\n');
    expect(ddl).toMatch(/"subtotal" DECIMAL\(18,2\) NOT NULL/);
    expect(ddl).toMatch(/"unit_price" DECIMAL\(18,4\) NOT NULL/);
    expect(ddl).toMatch(/"ordered_at" TIMESTAMPTZ NOT NULL/);
    expect(ddl).toMatch(/"snapshot_on" DATE NOT NULL/);
    expect(ddl).not.toMatch(/DOUBLE[^\n]*(amount|price|total|cost)/);
  });

  it('gives an error listing the valid tables for an unknown one', () => {
    expect(() => getTable('order')).toThrow(
      /unknown table "order"; tables are: locations, channels/,
    );
  });

  it('keeps docs/data-model.md generated from the model (run npm run docs)', () => {
    const doc = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderDataModelDoc(duckdbType));
  });
});
