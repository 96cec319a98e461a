import type { Engine, SqlParam } from '../backends/engine.js';

/**
 * Display names of the dimensions whose values are identifiers (a channel is `CH-WEB`, a store
 * `ST05`): the dashboard shows names, never ids, in charts, filters, tables and feeds.
 *
 * Names are reference data, not rows of anyone's sales; still, a scoped token only learns the
 * names of the members its scope lets it see, so that a store manager's screen never lists the
 * other stores, even by name.
 */

export type Labels = Record<string, Record<string, string>>;

interface LabelSource {
  /** Dashboard dimension (src/semantic/facts/fact-catalogue.ts) whose values are the ids. */
  readonly dimension: string;
  readonly table: string;
  readonly id: string;
  /** Scope dimension → column of the table it filters (scopes on other dimensions do not narrow names). */
  readonly scoped: Readonly<Record<string, string>>;
  /** At most this many names (a catalogue of 100 000 SKUs is not sent to a browser). */
  readonly limit: number;
}

// Identifiers below come from the canonical model (src/model/tables.ts), never from a request.
const SOURCES: readonly LabelSource[] = [
  {
    dimension: 'channel',
    table: 'channels',
    id: 'channel_id',
    scoped: { channel: 'channel_id', channel_kind: 'kind' },
    limit: 1000,
  },
  {
    dimension: 'location',
    table: 'locations',
    id: 'location_id',
    scoped: {
      location: 'location_id',
      region: 'region',
      country: 'country',
      store_type: 'store_type',
    },
    limit: 5000,
  },
  {
    dimension: 'product',
    table: 'products',
    id: 'sku',
    scoped: {
      product: 'sku',
      category: 'category',
      subcategory: 'subcategory',
      brand: 'brand',
      supplier: 'supplier_id',
    },
    limit: 5000,
  },
  {
    dimension: 'supplier',
    table: 'suppliers',
    id: 'supplier_id',
    scoped: { supplier: 'supplier_id' },
    limit: 5000,
  },
  { dimension: 'campaign', table: 'campaigns', id: 'campaign_id', scoped: {}, limit: 5000 },
  { dimension: 'promotion', table: 'promotions', id: 'promotion_id', scoped: {}, limit: 5000 },
  { dimension: 'experiment', table: 'experiments', id: 'experiment_id', scoped: {}, limit: 1000 },
];

/** Names by dimension and id, restricted to what the scopes let a token see. */
export async function dimensionLabels(
  engine: Engine,
  scopes: Readonly<Record<string, readonly string[]>>,
): Promise<Labels> {
  const out: Labels = {};
  for (const s of SOURCES) {
    const params: SqlParam[] = [];
    const conditions: string[] = [];
    for (const [dim, column] of Object.entries(s.scoped)) {
      const allowed = scopes[dim];
      if (!allowed) continue;
      const marks = allowed.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      conditions.push(`CAST("${column}" AS VARCHAR) IN (${marks.join(', ')})`);
    }
    const sql = `SELECT CAST("${s.id}" AS VARCHAR) AS id, CAST("name" AS VARCHAR) AS name FROM "${s.table}"${
      conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
    } ORDER BY 1 LIMIT ${s.limit}`;
    const res = await engine.run(sql, params);
    const names: Record<string, string> = {};
    for (const r of res.rows) {
      const id = r['id'];
      const name = r['name'];
      if (typeof id === 'string' && typeof name === 'string' && name) names[id] = name;
    }
    out[s.dimension] = names;
  }
  return out;
}
