import type { Dialect, SqlValue } from '../../backends/dialect.js';
import type { Row } from '../../backends/engine.js';
import { TABLES } from '../../model/tables.js';
import type { QueryPlan } from '../plan/query-plan.js';
import { isoDate } from '../../time/civil-date.js';

/**
 * A warning per fact a query reads whose data lies wholly outside the asked days: 2030-01 on a
 * workspace that ends in 2026 answers 0, which reads as "no sales" unless it is said that there
 * is no data. Days are compared on the stored values' dates (UTC for instants), which can only
 * widen the span by a day at each end: a warning is never raised for a period with data.
 */
export async function periodCoverageWarnings(
  run: (sql: string, params: readonly SqlValue[]) => Promise<readonly Row[]>,
  dialect: Dialect,
  plan: QueryPlan,
): Promise<string[]> {
  const q = (s: string) => dialect.quoteIdentifier(s);
  const from = isoDate(plan.from);
  const to = isoDate(plan.to);
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const scan of plan.scans) {
    const m = scan.time ? /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(scan.time.column) : null;
    if (!m) continue;
    const [, table = '', column = ''] = m;
    if (seen.has(`${table}.${column}`)) continue;
    seen.add(`${table}.${column}`);
    if (!TABLES.some((t) => t.name === table && t.columns.some((c) => c.name === column))) continue;
    const rows = await run(
      `SELECT CAST(min(${q(column)}) AS VARCHAR) AS lo, CAST(max(${q(column)}) AS VARCHAR) AS hi FROM ${q(table)}`,
      [],
    );
    const lo = rows[0]?.['lo'];
    const hi = rows[0]?.['hi'];
    if (typeof lo !== 'string' || typeof hi !== 'string') {
      warnings.push(`${scan.fact.name}: the workspace has no ${table} data at all`);
      continue;
    }
    const first = lo.slice(0, 10);
    const last = hi.slice(0, 10);
    if (to < first || from > last) {
      warnings.push(
        `${scan.fact.name}: no data between ${from} and ${to}; the ${table} data runs from ${first} to ${last}`,
      );
    }
  }
  return warnings;
}
