import { dialectFor } from '../../backends/backend-registry.js';
import type { Engine } from '../../backends/engine.js';
import { TABLES } from '../../model/tables.js';
import { getDimension } from '../facts/fact-resolver.js';

/**
 * The values a dimension takes in a workspace, and the display names of those that are
 * identifiers (a channel is `CH-WEB`, its name "E-shop maisonvitrine.fr"): what a filter value
 * is checked against, and what a table shows next to an id.
 *
 * Identifiers below come from the canonical model (src/model/tables.ts) and the fact
 * catalogue, never from a request; values reach the engine as bound parameters.
 */

interface NamedSource {
  readonly table: string;
  readonly id: string;
}

/** Dimensions whose values are ids of a reference table with a `name` column. */
const NAMED: Readonly<Record<string, NamedSource>> = {
  channel: { table: 'channels', id: 'channel_id' },
  location: { table: 'locations', id: 'location_id' },
  product: { table: 'products', id: 'sku' },
  supplier: { table: 'suppliers', id: 'supplier_id' },
  campaign: { table: 'campaigns', id: 'campaign_id' },
  promotion: { table: 'promotions', id: 'promotion_id' },
  experiment: { table: 'experiments', id: 'experiment_id' },
};

/** Past this many values a dimension is not listed (a catalogue of SKUs): filters go unchecked. */
export const MAX_LISTED_VALUES = 20_000;

export interface DimensionValues {
  readonly dimension: string;
  /** Every value the dimension takes, as text. */
  readonly values: readonly string[];
  /** id → display name, for dimensions whose values are ids. */
  readonly names: ReadonlyMap<string, string>;
}

/** The table and column a dimension reads directly (`locations.region`), or null (computed). */
function plainColumn(dimension: string): { table: string; column: string } | null {
  const named = NAMED[dimension];
  if (named) return { table: named.table, column: named.id };
  const expr = getDimension(dimension).expr;
  const m = expr ? /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(expr) : null;
  if (!m) return null;
  const [, table = '', column = ''] = m;
  const def = TABLES.find((t) => t.name === table);
  if (!def?.columns.some((c) => c.name === column)) return null;
  return { table, column };
}

/**
 * The values of a dimension, or null when they cannot be listed: a computed dimension (a time
 * part, new vs returning) or one with more than MAX_LISTED_VALUES values.
 */
export async function dimensionValues(
  engine: Pick<Engine, 'kind' | 'run'>,
  dimension: string,
): Promise<DimensionValues | null> {
  const source = plainColumn(dimension);
  if (!source) return null;
  const d = dialectFor(engine.kind);
  const q = (s: string) => d.quoteIdentifier(s);
  const named = NAMED[dimension];
  const col = q(source.column);
  const sql = named
    ? `SELECT CAST(${col} AS VARCHAR) AS v, CAST(${q('name')} AS VARCHAR) AS n FROM ${q(source.table)} WHERE ${col} IS NOT NULL LIMIT ${MAX_LISTED_VALUES + 1}`
    : `SELECT DISTINCT CAST(${col} AS VARCHAR) AS v FROM ${q(source.table)} WHERE ${col} IS NOT NULL LIMIT ${MAX_LISTED_VALUES + 1}`;
  const rows = (await engine.run(sql)).rows;
  if (rows.length > MAX_LISTED_VALUES) return null;
  const values: string[] = [];
  const names = new Map<string, string>();
  for (const r of rows) {
    const v = r['v'];
    if (typeof v !== 'string') continue;
    values.push(v);
    const n = r['n'];
    if (typeof n === 'string' && n !== '') names.set(v, n);
  }
  return { dimension, values: values.sort(), names };
}

/** Display names of some ids of a dimension (none for a dimension whose values are names). */
export async function dimensionNames(
  engine: Engine,
  dimension: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const named = NAMED[dimension];
  const out = new Map<string, string>();
  if (!named || ids.length === 0) return out;
  const d = dialectFor(engine.kind);
  const q = (s: string) => d.quoteIdentifier(s);
  const wanted = [...new Set(ids)].slice(0, MAX_LISTED_VALUES);
  const marks = wanted.map((_, i) => d.param(i + 1)).join(', ');
  const res = await engine.run(
    `SELECT CAST(${q(named.id)} AS VARCHAR) AS v, CAST(${q('name')} AS VARCHAR) AS n FROM ${q(named.table)} WHERE CAST(${q(named.id)} AS VARCHAR) IN (${marks})`,
    wanted,
  );
  for (const r of res.rows) {
    const v = r['v'];
    const n = r['n'];
    if (typeof v === 'string' && typeof n === 'string' && n !== '') out.set(v, n);
  }
  return out;
}
