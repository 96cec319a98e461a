import type { Engine } from '../backends/engine.js';

/**
 * Vitrine's own bookkeeping tables, beside the model's tables in the workspace database. They are
 * created by the first ingest (inside its transaction) and read by `vitrine quarantine`,
 * `vitrine identities` and `vitrine check`; the `_vitrine_` prefix keeps them apart from the
 * public data contract.
 */
export const INTERNAL = {
  runs: '_vitrine_ingest_runs',
  runTables: '_vitrine_ingest_run_tables',
  loadLog: '_vitrine_load_log',
  quarantine: '_vitrine_quarantine',
  identityLinks: '_vitrine_identity_links',
  ga4Events: '_vitrine_ga4_events',
  meta: '_vitrine_meta',
} as const;

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.runs} (
    run_id INTEGER PRIMARY KEY,
    source VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    files INTEGER NOT NULL,
    files_skipped INTEGER NOT NULL,
    input_rows BIGINT NOT NULL,
    options VARCHAR
  )`,
  // One reconciliation per run and table: read = loaded + updated + duplicates + quarantined.
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.runTables} (
    run_id INTEGER NOT NULL,
    table_name VARCHAR NOT NULL,
    read BIGINT NOT NULL,
    loaded BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    duplicates BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    held BIGINT NOT NULL,
    released BIGINT NOT NULL,
    latest VARCHAR,
    PRIMARY KEY (run_id, table_name)
  )`,
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.loadLog} (
    source VARCHAR NOT NULL,
    file_hash VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    run_id INTEGER NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, file_hash)
  )`,
  // status: open (to fix), held (waiting for its parent, released automatically), released.
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.quarantine} (
    run_id INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    table_name VARCHAR,
    file VARCHAR NOT NULL,
    line BIGINT,
    reason VARCHAR NOT NULL,
    record VARCHAR,
    status VARCHAR NOT NULL,
    merge_mode VARCHAR NOT NULL,
    released_run INTEGER,
    PRIMARY KEY (run_id, seq)
  )`,
  // customer_key: the id a source gave a customer (its own id, or one derived from an
  // identifier); customer_id: the customer it resolved to; rule: what linked them.
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.identityLinks} (
    customer_key VARCHAR PRIMARY KEY,
    customer_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    run_id INTEGER NOT NULL
  )`,
  // GA4 events as exported (slimmed): sessions, web_events and touchpoints are rebuilt from
  // them, so that a day GA4 rewrote replaces the previous version of that day.
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.ga4Events} (
    event_date DATE NOT NULL,
    event_timestamp BIGINT NOT NULL,
    event_name VARCHAR NOT NULL,
    user_pseudo_id VARCHAR NOT NULL,
    user_id VARCHAR,
    ga_session_id VARCHAR,
    page_location VARCHAR,
    engaged VARCHAR,
    source VARCHAR,
    medium VARCHAR,
    campaign VARCHAR,
    device_category VARCHAR,
    transaction_id VARCHAR,
    currency VARCHAR,
    purchase_revenue DOUBLE,
    tax_value DOUBLE,
    shipping_value DOUBLE,
    items VARCHAR,
    item_id VARCHAR,
    file VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    run_id INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ${INTERNAL.meta} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
];

export async function ensureInternalTables(engine: Engine): Promise<void> {
  for (const ddl of DDL) await engine.exec(ddl);
}

/** True when the workspace has ingest bookkeeping (a read-only open cannot create it). */
export async function hasInternalTables(engine: Engine): Promise<boolean> {
  const res = await engine.run(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = $1 AND NOT temporary`,
    [INTERNAL.runs],
  );
  return Number(res.rows[0]?.['n'] ?? 0) > 0;
}
