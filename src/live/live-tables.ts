import type { Engine } from '../backends/engine.js';

/**
 * The live room's bookkeeping beside the model (the `_vitrine_` prefix keeps it out of the data
 * contract): the state written in the same transaction as the rows of every write, and the ids
 * of the events applied (an event sent twice is applied once).
 */
export const LIVE_TABLES = {
  state: '_vitrine_live_state',
  events: '_vitrine_live_events',
} as const;

/** Keys of the state table: the last journal record applied, and the data version. */
export const STATE_KEYS = { appliedSeq: 'applied_seq', dataVersion: 'data_version' } as const;

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${LIVE_TABLES.state} (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${LIVE_TABLES.events} (
    event_id VARCHAR PRIMARY KEY,
    seq BIGINT NOT NULL,
    type VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
  )`,
];

export async function ensureLiveTables(engine: Engine): Promise<void> {
  for (const ddl of DDL) await engine.exec(ddl);
}

export async function readState(
  engine: Engine,
): Promise<{ appliedSeq: number; dataVersion: number }> {
  const res = await engine.run(`SELECT key, value FROM ${LIVE_TABLES.state}`);
  const get = (k: string) => Number(res.rows.find((r) => r['key'] === k)?.['value'] ?? 0);
  return { appliedSeq: get(STATE_KEYS.appliedSeq), dataVersion: get(STATE_KEYS.dataVersion) };
}

/** Sets state values inside the caller's transaction. */
export async function writeState(
  engine: Engine,
  values: Readonly<Record<string, number>>,
): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await engine.run(`DELETE FROM ${LIVE_TABLES.state} WHERE key = $1`, [key]);
    await engine.run(`INSERT INTO ${LIVE_TABLES.state} VALUES ($1, $2)`, [key, value]);
  }
}
