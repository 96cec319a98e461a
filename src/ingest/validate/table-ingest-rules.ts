import { registerProvisional } from '../identity/identity-resolver.js';
import type { CandidateSet } from '../pipeline/candidate-set.js';
import type { RunState } from '../pipeline/run-state.js';
import { ident } from '../sql-text.js';
import { tolerance } from './row-rules.js';

/**
 * The ingest rules that belong to one table, as hooks the generic pipeline calls for every
 * table (it names none): a new table-specific rule is a hook here, keyed by its table.
 */
export interface TableIngestRules {
  /**
   * Checks across the tables of one load, after keys and before references: records refused
   * here get `_reason` (and `_raw`) in the candidate relation. `sets` are the load's tables.
   */
  checkAcrossTables?(
    run: RunState,
    set: CandidateSet,
    sets: ReadonlyMap<string, CandidateSet>,
  ): Promise<void>;
  /** Work once the table's records are merged (`source`: the connector or generic import). */
  afterMerge?(run: RunState, set: CandidateSet, source: string): Promise<void>;
}

/**
 * Orders whose lines come in the same load must agree with them: subtotal = Σ quantity ×
 * unit_price and discount_total = Σ discount_amount, within the tolerance. An order with a
 * line refused for its own reasons is refused too (and says why), even when the line was worth 0
 * and the amounts still agree: loaded, it would count in orders and AOV without its lines.
 */
async function checkOrderTotals(
  run: RunState,
  orders: CandidateSet,
  sets: ReadonlyMap<string, CandidateSet>,
): Promise<void> {
  const lines = sets.get('order_lines');
  if (!orders.staged || !lines?.staged) return;
  const sums = `SELECT order_id, sum(quantity * unit_price) AS lines_subtotal, sum(discount_amount) AS lines_discount, count(*) AS n FROM ${ident(lines.relation)} WHERE _reason IS NULL AND NOT _dup GROUP BY order_id`;
  const all = `SELECT order_id, count(*) AS n FROM ${ident(lines.relation)} WHERE NOT _dup GROUP BY order_id`;
  await run.change(
    `UPDATE ${ident(orders.relation)} AS o SET _reason = concat_ws('; ',
       CASE WHEN abs(o.subtotal - coalesce(s.lines_subtotal, 0)) > ${tolerance('o.subtotal')} THEN 'subtotal: ' || CAST(o.subtotal AS VARCHAR) || ' differs from its lines (' || CAST(coalesce(s.lines_subtotal, 0) AS DECIMAL(18,2)) || ')' END,
       CASE WHEN abs(o.discount_total - coalesce(s.lines_discount, 0)) > ${tolerance('o.discount_total')} THEN 'discount_total: ' || CAST(o.discount_total AS VARCHAR) || ' differs from its lines (' || CAST(coalesce(s.lines_discount, 0) AS DECIMAL(18,2)) || ')' END,
       CASE WHEN a.n > coalesce(s.n, 0) THEN CAST(a.n - coalesce(s.n, 0) AS VARCHAR) || ' of its ' || CAST(a.n AS VARCHAR) || ' lines refused' END),
       _raw = ${orders.rawJson('o')}
     FROM (${all}) a LEFT JOIN (${sums}) s ON s.order_id = a.order_id
     WHERE o.order_id = a.order_id AND o._reason IS NULL AND NOT o._dup
       AND (abs(o.subtotal - coalesce(s.lines_subtotal, 0)) > ${tolerance('o.subtotal')}
         OR abs(o.discount_total - coalesce(s.lines_discount, 0)) > ${tolerance('o.discount_total')}
         OR a.n > coalesce(s.n, 0))`,
  );
}

const RULES: Readonly<Record<string, TableIngestRules>> = {
  orders: { checkAcrossTables: checkOrderTotals },
  customers: {
    // Customers a connector brings (not the customers file itself) are provisional until
    // identity resolution links them to a known customer.
    async afterMerge(run, set, source) {
      if (source !== set.table.name) await registerProvisional(run, set.relation);
    },
  },
};

const NONE: TableIngestRules = {};

/** The ingest rules of a table (none for most). */
export function ingestRulesOf(table: string): TableIngestRules {
  return RULES[table] ?? NONE;
}
