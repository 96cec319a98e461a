import { basename } from 'node:path';
import { z } from 'zod';
import { tableNames } from '../../../model/model.js';
import type { RecordBatch, SourceDef, SourceFile } from '../../source.js';
import { genericSource } from '../generic/generic-source.js';

/**
 * Several tables of the model in one load (`vitrine ingest model exports/`): each file is the
 * generic import of the table its name starts with (`orders.csv`, `order_lines-2025-03.parquet`).
 * One transaction for all of them, parents merged before children, and orders checked against
 * the lines that come with them.
 */

/** The table a file feeds: the longest table name its base name starts with. */
export function tableOfFile(path: string): string | null {
  const name = basename(path).toLowerCase();
  let best: string | null = null;
  for (const t of tableNames()) {
    const follows = name.charAt(t.length);
    if (
      name.startsWith(t) &&
      (follows === '.' || follows === '-' || follows === '_' || follows === '')
    ) {
      if (!best || t.length > best.length) best = t;
    }
  }
  return best;
}

const generic = new Map<string, SourceDef<Record<string, never>>>();
function genericFor(table: string): SourceDef<Record<string, never>> {
  let s = generic.get(table);
  if (!s) {
    s = genericSource(table);
    generic.set(table, s);
  }
  return s;
}

export const modelSource: SourceDef<Record<string, never>> = {
  name: 'model',
  description: 'several tables of the model, each file named after its table',
  configSchema: z.object({}).strict(),
  tables: tableNames(),
  primaryTable: 'orders',
  personalInput: false,
  async check(ctx, file: SourceFile, config) {
    const table = tableOfFile(file.path);
    if (!table) {
      return [
        {
          severity: 'error',
          file: file.path,
          message: `the file name does not start with a table of the model (${tableNames().join(', ')})`,
        },
      ];
    }
    return genericFor(table).check(ctx, file, config);
  },
  async *read(ctx, file, config): AsyncIterable<RecordBatch> {
    const table = tableOfFile(file.path);
    if (table) yield* genericFor(table).read(ctx, file, config);
  },
};
