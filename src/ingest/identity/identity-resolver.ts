import type { Engine } from '../../backends/engine.js';
import { TABLES } from '../../model/tables.js';
import { INTERNAL, hasInternalTables } from '../internal-tables.js';
import type { RunState } from '../pipeline/run-state.js';
import { constant, ident } from '../sql-text.js';

/**
 * Identity resolution. Connectors (POS, e-shop, web analytics) create customers under their own
 * keys (`pos:<loyalty id>`, `shopify:<e-mail hash>`, `ga4:<user id>`): provisional customers,
 * registered in the identity links with rule `new`. After every load, a provisional customer that
 * shares an identifier with another customer is merged into it: its identifiers fill the
 * survivor's gaps, every reference to it (orders, sessions, touchpoints…) is repointed, and the
 * link records the rule that matched. Customers of the CRM (the generic customers import) are
 * the reference and are never merged into one another: two CRM customers sharing an e-mail stay
 * two customers.
 */

/** Identifiers in the order they are trusted: a loyalty card beats an account, then e-mail, phone. */
export const IDENTIFIERS = ['loyalty_id', 'web_account_id', 'email_hash', 'phone_hash'] as const;

/** Columns a merged customer's values fill on the survivor when the survivor has none. */
const FILLED = [
  'email_hash',
  'phone_hash',
  'loyalty_id',
  'web_account_id',
  'region',
  'country',
  'acquisition_channel',
  'acquisition_campaign_id',
  'segment',
];

const REFERRERS = TABLES.flatMap((t) =>
  t.columns
    .filter((c) => c.references?.table === 'customers' && c.references.column === 'customer_id')
    .map((c) => ({ table: t.name, column: c.name })),
);

/** Registers the customers a connector created in this load as provisional (rule `new`). */
export async function registerProvisional(run: RunState, candidates: string): Promise<void> {
  await run.change(
    `INSERT INTO ${INTERNAL.identityLinks} SELECT DISTINCT c.customer_id, c.customer_id, $1, 'new', $2 FROM ${ident(candidates)} c WHERE c._reason IS NULL AND c.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${INTERNAL.identityLinks} l WHERE l.customer_key = c.customer_id)`,
    [run.source, run.runId],
  );
}

/** Merges provisional customers into the customers they share an identifier with. */
export async function resolveIdentities(run: RunState): Promise<number> {
  const provisional = `(SELECT customer_key FROM ${INTERNAL.identityLinks} WHERE rule = 'new' AND customer_key = customer_id)`;
  // Survivor order: reference (CRM) customers first, then the earliest known, then the id.
  const rank = (a: string) =>
    `(CASE WHEN ${a}.customer_id IN ${provisional} THEN 1 ELSE 0 END, ${a}.created_at, ${a}.customer_id)`;
  let merged = 0;
  for (let round = 0; round < 8; round++) {
    const pairs = run.tempName('identity_pairs');
    const matches = IDENTIFIERS.map(
      (k, i) =>
        `SELECT p.customer_id AS loser, s.customer_id AS survivor, ${constant(k)} AS rule, ${i} AS priority, ${rank('s')} AS srank FROM customers p JOIN customers s ON s.${ident(k)} = p.${ident(k)} AND s.customer_id <> p.customer_id WHERE p.customer_id IN ${provisional} AND ${rank('s')} < ${rank('p')}`,
    ).join(' UNION ALL ');
    await run.engine.exec(
      `CREATE TEMPORARY TABLE ${ident(pairs)} AS SELECT loser, survivor, rule FROM (SELECT *, row_number() OVER (PARTITION BY loser ORDER BY priority, srank) AS rn FROM (${matches})) WHERE rn = 1`,
    );
    // A survivor that is itself merged this round waits for the next round (chains resolve).
    await run.change(
      `DELETE FROM ${ident(pairs)} WHERE survivor IN (SELECT loser FROM ${ident(pairs)})`,
    );
    const n = await run.count(`SELECT count(*) FROM ${ident(pairs)}`);
    if (n === 0) break;
    merged += n;
    const fills = FILLED.map((c) => `${ident(c)} = coalesce(s.${ident(c)}, g.${ident(c)})`);
    await run.change(
      `UPDATE customers AS s SET ${fills.join(', ')}, created_at = least(s.created_at, g.created_at) FROM (SELECT p.survivor, ${FILLED.map((c) => `max(l.${ident(c)}) AS ${ident(c)}`).join(', ')}, min(l.created_at) AS created_at FROM ${ident(pairs)} p JOIN customers l ON l.customer_id = p.loser GROUP BY p.survivor) g WHERE s.customer_id = g.survivor`,
    );
    for (const r of REFERRERS) {
      await run.change(
        `UPDATE ${ident(r.table)} AS t SET ${ident(r.column)} = p.survivor FROM ${ident(pairs)} p WHERE t.${ident(r.column)} = p.loser`,
      );
    }
    await run.change(
      `UPDATE ${INTERNAL.identityLinks} AS l SET customer_id = p.survivor, rule = CASE WHEN l.customer_key = p.loser THEN p.rule ELSE l.rule END, run_id = $1 FROM ${ident(pairs)} p WHERE l.customer_id = p.loser`,
      [run.runId],
    );
    await run.change(
      `DELETE FROM customers WHERE customer_id IN (SELECT loser FROM ${ident(pairs)})`,
    );
  }
  return merged;
}

export interface IdentitySourceReport {
  readonly source: string;
  /** Customers this source brought (its own keys). */
  readonly seen: number;
  /** Of them, linked to a customer known from another source. */
  readonly matched: number;
  readonly matchRate: number | null;
  /** Matches per rule (loyalty_id, web_account_id, email_hash, phone_hash). */
  readonly byRule: Readonly<Record<string, number>>;
}

export interface IdentityReport {
  readonly customers: number;
  /** Customers of the reference (CRM) import, not created by a connector. */
  readonly reference: number;
  /** Customers known to at least two sources. */
  readonly multiSource: number;
  readonly sources: readonly IdentitySourceReport[];
}

/** Match rates per source (`vitrine identities`). */
export async function identityReport(engine: Engine): Promise<IdentityReport> {
  const customers = Number(
    (await engine.run('SELECT count(*) AS n FROM customers')).rows[0]?.['n'] ?? 0,
  );
  if (!(await hasInternalTables(engine))) {
    return { customers, reference: customers, multiSource: 0, sources: [] };
  }
  const links = INTERNAL.identityLinks;
  const reference = Number(
    (
      await engine.run(
        `SELECT count(*) AS n FROM customers c WHERE NOT EXISTS (SELECT 1 FROM ${links} l WHERE l.customer_key = c.customer_id)`,
      )
    ).rows[0]?.['n'] ?? 0,
  );
  const multi = await engine.run(
    `SELECT count(*) AS n FROM (SELECT l.customer_id FROM ${links} l JOIN customers c ON c.customer_id = l.customer_id GROUP BY 1 HAVING count(DISTINCT l.source) + max(CASE WHEN NOT EXISTS (SELECT 1 FROM ${links} r WHERE r.customer_key = l.customer_id) THEN 1 ELSE 0 END) >= 2)`,
  );
  const rows = await engine.run(
    `SELECT source, rule, count(*) AS n FROM ${links} GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const bySource = new Map<
    string,
    { seen: number; matched: number; byRule: Record<string, number> }
  >();
  for (const r of rows.rows) {
    const source = String(r['source']);
    const rule = String(r['rule']);
    const n = Number(r['n']);
    const entry = bySource.get(source) ?? { seen: 0, matched: 0, byRule: {} };
    entry.seen += n;
    if (rule !== 'new') {
      entry.matched += n;
      entry.byRule[rule] = n;
    }
    bySource.set(source, entry);
  }
  return {
    customers,
    reference,
    multiSource: Number(multi.rows[0]?.['n'] ?? 0),
    sources: [...bySource].map(([source, e]) => ({
      source,
      seen: e.seen,
      matched: e.matched,
      matchRate: e.seen === 0 ? null : e.matched / e.seen,
      byRule: e.byRule,
    })),
  };
}
