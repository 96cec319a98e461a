import { DuckDbEngine } from '../backends/duckdb/duckdb-engine.js';
import type { Engine } from '../backends/engine.js';
import { duckdbModelSql } from '../backends/duckdb/duckdb-ddl.js';
import { getTable } from '../model/model.js';
import type { ColumnDef } from '../model/model-types.js';
import { VitrineError } from '../util/errors.js';

export type FixtureRows = Readonly<
  Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>>
>;

/** A neutral value for a required column a fixture leaves out. */
function neutral(c: ColumnDef): string | number | boolean {
  if (c.values && c.values.length > 0) return c.values[0] as string;
  switch (c.type) {
    case 'money':
    case 'price':
    case 'rate':
    case 'int':
    case 'bigint':
    case 'number':
      return 0;
    case 'currency':
      return 'EUR';
    case 'date':
      return '2000-01-01';
    case 'timestamp':
      return '2000-01-01T00:00:00Z';
    case 'bool':
      return false;
    default:
      return '-';
  }
}

/**
 * An in-memory database with every table of the model holding the given rows: the fixtures of
 * hand-computed tests and of the dictionary's KPI examples. Values are bound parameters; numbers
 * pass as text so that decimals stay exact.
 */
export async function fixtureDatabase(rows: FixtureRows): Promise<Engine> {
  const engine = await DuckDbEngine.open({ path: ':memory:' });
  for (const ddl of duckdbModelSql()) await engine.exec(ddl);
  await fillFixtureTables(engine, rows);
  return engine;
}

/**
 * Empties the tables a previous fixture filled and loads the next one: one database serves a run
 * of fixtures (opening a database and creating the model costs more than most examples).
 */
export async function refillFixtureDatabase(
  engine: Engine,
  previous: FixtureRows,
  rows: FixtureRows,
): Promise<void> {
  for (const tableName of Object.keys(previous)) {
    await engine.exec(`DELETE FROM "${getTable(tableName).name}"`);
  }
  await fillFixtureTables(engine, rows);
}

async function fillFixtureTables(engine: Engine, rows: FixtureRows): Promise<void> {
  for (const [tableName, tableRows] of Object.entries(rows)) {
    const table = getTable(tableName);
    for (const [i, row] of tableRows.entries()) {
      for (const k of Object.keys(row)) {
        if (!table.columns.some((c) => c.name === k)) {
          throw new VitrineError(
            'FIXTURE_COLUMN',
            `fixture ${tableName} row ${i + 1}: unknown column "${k}"; columns are: ${table.columns.map((c) => c.name).join(', ')}`,
          );
        }
      }
      const values = table.columns.map((c) => {
        const v = row[c.name];
        if (v === undefined || v === null) return c.required ? neutral(c) : null;
        return typeof v === 'number' ? String(v) : (v as string | boolean);
      });
      const placeholders = values.map((_, j) => `$${j + 1}`).join(', ');
      await engine.run(`INSERT INTO "${tableName}" VALUES (${placeholders})`, values);
    }
  }
}
