import type { Engine } from '../../backends/engine.js';
import { references } from '../../model/model.js';
import { TABLES } from '../../model/tables.js';
import type { KpiDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { columnsReadBy, tablesReadBy } from '../../semantic/dictionary/kpi-lineage.js';
import { isoDate, parseIsoDate, todayEpochDay } from '../../time/civil-date.js';
import { tableStats } from '../../workspace/table-stats.js';
import { VitrineError } from '../../util/errors.js';
import { tolerance } from '../validate/row-rules.js';
import { INTERNAL, hasInternalTables } from '../internal-tables.js';
import { constant, ident } from '../sql-text.js';

/**
 * The data-quality report (`vitrine check`): per table and per source, how fresh, how complete,
 * how duplicated the data are, which references do not resolve, what waits in quarantine, what
 * the catalogue lacks; and the KPIs whose inputs are stale, empty or incomplete.
 */

export interface QualityOptions {
  /** The day freshness is measured against (YYYY-MM-DD; default today). */
  readonly today?: string;
  /** Data older than this many days are stale (default 2: yesterday's data are fresh). */
  readonly staleDays?: number;
  /** Zone of the local dates of timestamps (the workspace's). */
  readonly timeZone: string;
  /**
   * A KPI is incomplete when more than this share of the rows of a table it takes amounts or
   * splits from have that column empty (default 0.05: 5 %).
   */
  readonly incompleteAbove?: number;
}

export interface Orphans {
  readonly column: string;
  readonly references: string;
  /** Rows whose value is not in the referenced table. */
  readonly rows: number;
}

export interface TableQuality {
  readonly table: string;
  readonly rows: number;
  /** Latest local date of the table's time column. */
  readonly latest: string | null;
  readonly ageDays: number | null;
  readonly stale: boolean;
  /** Share of filled values over the optional columns (required ones are always filled). */
  readonly completeness: number | null;
  /** Optional columns filled in less than 90 % of the rows. */
  readonly sparseColumns: ReadonlyArray<{ column: string; filled: number }>;
  /** Every optional column: the share of rows where it is filled, and the rows where it is empty. */
  readonly columns: ReadonlyArray<{ column: string; filled: number; empty: number }>;
  /** Known duplicates among the records read by every load of the table. */
  readonly duplicateRate: number | null;
  readonly orphans: readonly Orphans[];
  readonly quarantined: { readonly open: number; readonly held: number };
}

export interface SourceFreshness {
  readonly source: string;
  readonly table: string;
  readonly lastLoad: string;
  readonly latest: string | null;
  readonly ageDays: number | null;
  readonly stale: boolean;
  readonly read: number;
  readonly quarantined: number;
}

export interface CatalogueQuality {
  readonly products: number;
  readonly missingPrice: number;
  readonly missingCost: number;
  readonly missingCategory: number;
  readonly missingEan: number;
  /** EANs that are not 13 digits with a valid check digit. */
  readonly invalidEan: number;
}

/** A column a KPI takes amounts or splits from, empty in too many rows of its table. */
export interface IncompleteInput {
  readonly table: string;
  readonly column: string;
  /** Amounts the KPI adds up (`value`), or a dimension it is split by. */
  readonly role: 'value' | 'dimension';
  /** The KPI that reads the column: the flagged KPI itself or one of its components. */
  readonly via: string;
  readonly rows: number;
  readonly empty: number;
  /** empty / rows. */
  readonly emptyRate: number;
  /** The share above which a column makes a KPI incomplete. */
  readonly threshold: number;
}

export interface KpiFlag {
  readonly kpi: string;
  readonly reasons: readonly string[];
  /** The columns that make the KPI incomplete (each one is also among the reasons). */
  readonly incomplete: readonly IncompleteInput[];
}

/**
 * Orders checked against their stored lines, whatever load brought each: a load checks an order
 * against the lines of the same load only, so an order and lines loaded separately (or a
 * connector's order whose lines were all refused) are only seen here.
 */
export interface OrderConsistency {
  /** Orders with no line at all (they count in orders and AOV with no product sold). */
  readonly withoutLines: number;
  /** Subtotal or discount_total that differs from the lines (beyond the tolerance). */
  readonly disagreeing: number;
  /** The first few of each, for a person to look up. */
  readonly examples: ReadonlyArray<{ readonly orderId: string; readonly problem: string }>;
}

export interface QualityReport {
  readonly today: string;
  readonly staleDays: number;
  readonly tables: readonly TableQuality[];
  readonly sources: readonly SourceFreshness[];
  readonly catalogue: CatalogueQuality;
  readonly orders: OrderConsistency;
  /** The share of empty values above which a KPI's input column makes it incomplete. */
  readonly incompleteAbove: number;
  readonly kpis: readonly KpiFlag[];
}

const SPARSE = 0.9;
const INCOMPLETE_ABOVE = 0.05;

/**
 * Types whose empty value is unknown, not a fact: an amount or a quantity left empty. An empty
 * customer id is an anonymous order, an empty delivery date a parcel not yet delivered.
 */
const AMOUNT_TYPES = new Set(['money', 'price', 'rate', 'int', 'bigint', 'number']);

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;

function daysBetween(latest: string | null, today: number): number | null {
  if (latest === null) return null;
  return today - parseIsoDate(latest.slice(0, 10));
}

async function num(
  engine: Engine,
  sql: string,
  params: Array<string | number> = [],
): Promise<number> {
  const res = await engine.run(sql, params);
  return Number(Object.values(res.rows[0] ?? {})[0] ?? 0);
}

export async function qualityReport(
  engine: Engine,
  dictionary: KpiDictionary,
  options: QualityOptions,
): Promise<QualityReport> {
  const today = options.today ? parseIsoDate(options.today, 'today') : todayEpochDay();
  const staleDays = options.staleDays ?? 2;
  const incompleteAbove = options.incompleteAbove ?? INCOMPLETE_ABOVE;
  if (!(incompleteAbove >= 0 && incompleteAbove < 1)) {
    throw new VitrineError(
      'BAD_OPTION',
      `incompleteAbove must be a share from 0 to 1 (excluded), got ${incompleteAbove}`,
    );
  }
  const tz = constant(options.timeZone.replaceAll("'", ''));
  const counts = new Map((await tableStats(engine)).map((s) => [s.table, s.rows]));
  const bookkeeping = await hasInternalTables(engine);

  const quarantine = new Map<string, { open: number; held: number }>();
  const duplicates = new Map<string, number>();
  const sources: SourceFreshness[] = [];
  if (bookkeeping) {
    const q = await engine.run(
      `SELECT table_name, count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'held') AS held FROM ${INTERNAL.quarantine} WHERE table_name IS NOT NULL GROUP BY 1`,
    );
    for (const r of q.rows) {
      quarantine.set(String(r['table_name']), { open: Number(r['open']), held: Number(r['held']) });
    }
    const d = await engine.run(
      `SELECT table_name, sum(duplicates) AS d, sum(read) AS r FROM ${INTERNAL.runTables} GROUP BY 1`,
    );
    for (const r of d.rows) {
      const read = Number(r['r']);
      if (read > 0) duplicates.set(String(r['table_name']), Number(r['d']) / read);
    }
    const s = await engine.run(
      `SELECT r.source, t.table_name, CAST(max(r.started_at) AS VARCHAR) AS last_load, max(t.latest) AS latest, sum(t.read) AS read,
         (SELECT count(*) FROM ${INTERNAL.quarantine} q WHERE q.source = r.source AND q.table_name = t.table_name AND q.status <> 'released') AS q
       FROM ${INTERNAL.runs} r JOIN ${INTERNAL.runTables} t USING (run_id) GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    for (const r of s.rows) {
      const latest = r['latest'] === null ? null : String(r['latest']).slice(0, 10);
      const age = daysBetween(latest, today);
      sources.push({
        source: String(r['source']),
        table: String(r['table_name']),
        lastLoad: String(r['last_load']),
        latest,
        ageDays: age,
        stale: age !== null && age > staleDays,
        read: Number(r['read']),
        quarantined: Number(r['q']),
      });
    }
  }

  const refs = references();
  const tables: TableQuality[] = [];
  for (const t of TABLES) {
    const rows = counts.get(t.name) ?? 0;
    const q = quarantine.get(t.name) ?? { open: 0, held: 0 };
    if (rows === 0 && q.open + q.held === 0) continue;
    let latest: string | null = null;
    if (t.timeColumn && rows > 0) {
      const col = t.columns.find((c) => c.name === t.timeColumn);
      const expr =
        col?.type === 'timestamp'
          ? `CAST(timezone(${tz}, ${ident(t.timeColumn)}) AS DATE)`
          : ident(t.timeColumn);
      const res = await engine.run(
        `SELECT CAST(max(${expr}) AS VARCHAR) AS d FROM ${ident(t.name)}`,
      );
      const v = res.rows[0]?.['d'];
      latest = typeof v === 'string' ? v : null;
    }
    const optional = t.columns.filter((c) => !c.required);
    let completeness: number | null = null;
    const sparse: Array<{ column: string; filled: number }> = [];
    const columns: Array<{ column: string; filled: number; empty: number }> = [];
    if (rows > 0 && optional.length > 0) {
      const res = await engine.run(
        `SELECT ${optional.map((c, i) => `count(${ident(c.name)}) AS c${i}`).join(', ')} FROM ${ident(t.name)}`,
      );
      const row = res.rows[0] ?? {};
      let filled = 0;
      optional.forEach((c, i) => {
        const count = Number(row[`c${i}`] ?? 0);
        const share = count / rows;
        filled += share;
        columns.push({ column: c.name, filled: share, empty: rows - count });
        if (share < SPARSE) sparse.push({ column: c.name, filled: share });
      });
      completeness = filled / optional.length;
    }
    const orphans: Orphans[] = [];
    if (rows > 0) {
      for (const r of refs.filter((x) => x.table === t.name)) {
        const n = await num(
          engine,
          `SELECT count(*) FROM ${ident(t.name)} c WHERE c.${ident(r.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${ident(r.to.table)} p WHERE p.${ident(r.to.column)} = c.${ident(r.column)})`,
        );
        if (n > 0)
          orphans.push({ column: r.column, references: `${r.to.table}.${r.to.column}`, rows: n });
      }
    }
    const age = daysBetween(latest, today);
    tables.push({
      table: t.name,
      rows,
      latest,
      ageDays: age,
      stale: age !== null && age > staleDays,
      completeness,
      sparseColumns: sparse,
      columns,
      duplicateRate: duplicates.get(t.name) ?? null,
      orphans,
      quarantined: q,
    });
  }

  const products = counts.get('products') ?? 0;
  const ean13 = `(length(ean) = 13 AND regexp_full_match(ean, '[0-9]{13}') AND (10 - list_sum(list_transform(range(12), i -> CAST(substr(ean, i + 1, 1) AS INTEGER) * CASE WHEN i % 2 = 0 THEN 1 ELSE 3 END)) % 10) % 10 = CAST(substr(ean, 13, 1) AS INTEGER))`;
  const cat = await engine.run(
    `SELECT count(*) FILTER (WHERE list_price IS NULL) AS price, count(*) FILTER (WHERE unit_cost IS NULL) AS cost,
        count(*) FILTER (WHERE category IS NULL) AS category, count(*) FILTER (WHERE ean IS NULL) AS ean,
        count(*) FILTER (WHERE ean IS NOT NULL AND NOT coalesce(${ean13}, false)) AS bad_ean FROM products`,
  );
  const c = cat.rows[0] ?? {};
  const catalogue: CatalogueQuality = {
    products,
    missingPrice: Number(c['price'] ?? 0),
    missingCost: Number(c['cost'] ?? 0),
    missingCategory: Number(c['category'] ?? 0),
    missingEan: Number(c['ean'] ?? 0),
    invalidEan: Number(c['bad_ean'] ?? 0),
  };

  const orders = await orderConsistency(engine);

  const byTable = new Map(tables.map((t) => [t.table, t]));
  const kpis: KpiFlag[] = [];
  for (const entry of dictionary.list()) {
    if (entry.def.status !== 'active') continue;
    const reasons: string[] = [];
    const incomplete: IncompleteInput[] = [];
    const read = [...tablesReadBy(dictionary, entry.def.id).keys()];
    for (const table of read) {
      const tq = byTable.get(table);
      const def = TABLES.find((x) => x.name === table);
      if (!tq || tq.rows === 0) {
        // Reference tables a KPI only joins to (a missing campaign name) do not block it; its
        // facts and the tables of its time do.
        if (def?.timeColumn) reasons.push(`${table} is empty`);
        continue;
      }
      if (tq.stale)
        reasons.push(
          `${table}: latest data ${tq.latest}, ${tq.ageDays} days before ${isoDate(today)}`,
        );
      if (tq.quarantined.open + tq.quarantined.held > 0) {
        reasons.push(
          `${table}: ${tq.quarantined.open + tq.quarantined.held} records in quarantine`,
        );
      }
      for (const o of tq.orphans) {
        if (read.includes(o.references.split('.')[0] as string)) {
          reasons.push(`${table}.${o.column}: ${o.rows} rows not found in ${o.references}`);
        }
      }
    }
    for (const input of columnsReadBy(dictionary, entry.def.id).values()) {
      const def = TABLES.find((x) => x.name === input.table)?.columns.find(
        (c) => c.name === input.column,
      );
      if (!def || def.required) continue;
      if (input.role === 'value' && !AMOUNT_TYPES.has(def.type)) continue;
      const tq = byTable.get(input.table);
      const col = tq?.columns.find((c) => c.column === input.column);
      if (!tq || !col || tq.rows === 0) continue;
      const emptyRate = col.empty / tq.rows;
      if (emptyRate <= incompleteAbove) continue;
      incomplete.push({
        table: input.table,
        column: input.column,
        role: input.role,
        via: input.kpi,
        rows: tq.rows,
        empty: col.empty,
        emptyRate,
        threshold: incompleteAbove,
      });
      reasons.push(
        `${input.table}.${input.column}: empty in ${col.empty} of ${tq.rows} rows (${pct(emptyRate)}, above ${pct(incompleteAbove)})${input.kpi === entry.def.id ? '' : `, read through ${input.kpi}`}`,
      );
    }
    if (reasons.length > 0) kpis.push({ kpi: entry.def.id, reasons, incomplete });
  }
  return {
    today: isoDate(today),
    staleDays,
    tables,
    sources,
    catalogue,
    orders,
    incompleteAbove,
    kpis,
  };
}

const EXAMPLES = 5;

async function orderConsistency(engine: Engine): Promise<OrderConsistency> {
  const sums = `SELECT order_id, sum(quantity * unit_price) AS sub, sum(discount_amount) AS disc FROM order_lines GROUP BY order_id`;
  const res = await engine.run(
    `SELECT o.order_id, CAST(o.subtotal AS VARCHAR) AS subtotal, CAST(o.discount_total AS VARCHAR) AS discount,
        CAST(CAST(l.sub AS DECIMAL(18,2)) AS VARCHAR) AS lines_sub, CAST(CAST(l.disc AS DECIMAL(18,2)) AS VARCHAR) AS lines_disc,
        l.order_id IS NULL AS no_lines,
        l.order_id IS NOT NULL AND abs(o.subtotal - l.sub) > ${tolerance('o.subtotal')} AS bad_sub,
        l.order_id IS NOT NULL AND abs(o.discount_total - l.disc) > ${tolerance('o.discount_total')} AS bad_disc,
        count(*) FILTER (WHERE l.order_id IS NULL) OVER () AS n_without,
        count(*) FILTER (WHERE l.order_id IS NOT NULL AND (abs(o.subtotal - l.sub) > ${tolerance('o.subtotal')} OR abs(o.discount_total - l.disc) > ${tolerance('o.discount_total')})) OVER () AS n_bad
     FROM orders o LEFT JOIN (${sums}) l ON l.order_id = o.order_id
     QUALIFY no_lines OR bad_sub OR bad_disc
     ORDER BY no_lines DESC, o.order_id LIMIT ${EXAMPLES}`,
  );
  const first = res.rows[0];
  const examples = res.rows.map((r) => ({
    orderId: String(r['order_id']),
    problem: r['no_lines']
      ? 'no line'
      : [
          r['bad_sub']
            ? `subtotal ${r['subtotal']} differs from its lines (${r['lines_sub']})`
            : '',
          r['bad_disc']
            ? `discount_total ${r['discount']} differs from its lines (${r['lines_disc']})`
            : '',
        ]
          .filter((x) => x !== '')
          .join('; '),
  }));
  return {
    withoutLines: Number(first?.['n_without'] ?? 0),
    disagreeing: Number(first?.['n_bad'] ?? 0),
    examples,
  };
}
