import type { Engine } from '../backends/engine.js';
import { TABLES } from '../model/tables.js';

export interface TableStat {
  readonly table: string;
  readonly area: string;
  readonly rows: number;
  readonly sources: string;
}

/** Row counts of every table of the model, in one query. */
export async function tableStats(engine: Engine): Promise<TableStat[]> {
  // Table names come from the model, never from the user.
  const sql = TABLES.map((t) => `SELECT '${t.name}' AS t, count(*) AS n FROM "${t.name}"`).join(
    ' UNION ALL ',
  );
  const res = await engine.run(sql);
  const counts = new Map(res.rows.map((r) => [String(r['t']), Number(r['n'])]));
  return TABLES.map((t) => ({
    table: t.name,
    area: t.area,
    rows: counts.get(t.name) ?? 0,
    sources: t.sources.join(' '),
  }));
}
