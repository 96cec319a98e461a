import { VitrineError } from '../util/errors.js';
import type { ColumnDef, TableDef } from './model-types.js';
import { TABLES } from './tables.js';

const BY_NAME = new Map(TABLES.map((t) => [t.name, t]));

export function tableNames(): string[] {
  return TABLES.map((t) => t.name);
}

export function isTableName(name: string): boolean {
  return BY_NAME.has(name);
}

/** The table of the canonical model with this name, or an error listing the valid ones. */
export function getTable(name: string): TableDef {
  const t = BY_NAME.get(name);
  if (!t) {
    throw new VitrineError(
      'UNKNOWN_TABLE',
      `unknown table "${name}"; tables are: ${tableNames().join(', ')}`,
    );
  }
  return t;
}

export function getColumn(table: TableDef, name: string): ColumnDef {
  const c = table.columns.find((col) => col.name === name);
  if (!c) {
    throw new VitrineError(
      'UNKNOWN_COLUMN',
      `unknown column "${name}" in table ${table.name}; columns are: ${table.columns.map((x) => x.name).join(', ')}`,
    );
  }
  return c;
}

/** Every declared reference, as (from table.column) → (to table.column). */
export function references(): Array<{
  table: string;
  column: string;
  to: { table: string; column: string };
}> {
  const out: Array<{ table: string; column: string; to: { table: string; column: string } }> = [];
  for (const t of TABLES) {
    for (const c of t.columns) {
      if (c.references) out.push({ table: t.name, column: c.name, to: c.references });
    }
  }
  return out;
}

export { TABLES };
export type { ColumnDef, TableDef };
