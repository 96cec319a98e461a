import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../src/semantic/query/query-types.js';
import { isoDate, parseIsoDate } from '../../src/time/civil-date.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/**
 * The KPIs the demo's ground-truth manifest knows, computed by the semantic engine on the small
 * demo and compared with the rates the generator drew from. Tolerances are sampling errors of
 * the observed counts (k standard errors, k stated per test), never fitted to the output.
 */

const dir = inject('smallDemoDir');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as any;
const dictionary = loadDictionary();
let ws: Workspace;
beforeAll(async () => {
  ws = await openWorkspace(dir, { readOnly: true });
});
afterAll(async () => ws.close());

const q = (req: QueryRequest) =>
  runQuery({ engine: ws.engine, dictionary, config: ws.config }, req);
const start: string = truth.meta.start;
const end: string = truth.meta.end;

describe('KPIs of the small demo against its manifest', () => {
  it('shrinkage per location equals the rate drawn at the counts (5 binomial SE)', async () => {
    const res = await q({ kpis: ['shrinkage'], by: ['location'], from: start, to: end });
    const books = await ws.engine.run(
      'SELECT location_id, sum(book_quantity) AS n FROM inventory_counts GROUP BY 1',
    );
    const n = new Map(books.rows.map((r) => [String(r['location_id']), Number(r['n'])]));
    const rates = truth.shrinkage.ratePerCount as Record<string, number>;
    expect(Object.keys(rates).length).toBeGreaterThanOrEqual(5);
    for (const row of res.rows) {
      const loc = String(row.dims['location']);
      const p = rates[loc];
      const units = n.get(loc) ?? 0;
      expect(p, `rate of ${loc}`).toBeDefined();
      // The KPI weighs units by cost; the binomial SE on units bounds the error of that
      // weighted mean up to the spread of costs, hence 5 rather than 4 SE.
      const se = Math.sqrt(((p as number) * (1 - (p as number))) / units);
      expect(Math.abs((row.values['shrinkage'] ?? NaN) - (p as number)), loc).toBeLessThan(5 * se);
    }
  });

  it('on-time delivery per carrier equals 1 − its late rate (4 binomial SE)', async () => {
    const res = await q({
      kpis: ['on_time_delivery', 'promised_deliveries'],
      by: ['carrier'],
      from: start,
      to: end,
    });
    const carriers = truth.fulfilment.carriers as Array<{ name: string; lateRate: number }>;
    for (const c of carriers) {
      const row = res.rows.find((r) => r.dims['carrier'] === c.name);
      expect(row, c.name).toBeDefined();
      const n = row?.values['promised_deliveries'] ?? 0;
      const p = 1 - c.lateRate;
      expect(n, c.name).toBeGreaterThan(100);
      expect(Math.abs((row?.values['on_time_delivery'] ?? NaN) - p), c.name).toBeLessThan(
        4 * Math.sqrt((p * (1 - p)) / n),
      );
    }
  });

  it('return rate per category equals the family rates weighted by units sold (4 SE + 3 % lag)', async () => {
    // Returns of the last sales of the window fall after it: stop 60 days before the end, and
    // allow 3 % (relative) for the return lag at the window's edge.
    const to = isoDate(parseIsoDate(end) - 60);
    const sold = await q({
      kpis: ['units_sold'],
      by: ['category', 'channel_kind'],
      from: start,
      to,
    });
    const rr = await q({ kpis: ['return_rate'], by: ['category'], from: start, to });
    const rates = truth.returns.rates as Record<string, { store: number; online: number }>;
    for (const [category, r] of Object.entries(rates)) {
      let units = 0;
      let expected = 0;
      let variance = 0;
      for (const row of sold.rows.filter((x) => x.dims['category'] === category)) {
        const u = row.values['units_sold'] ?? 0;
        const rate = row.dims['channel_kind'] === 'store' ? r.store : r.online;
        units += u;
        expected += u * rate;
        variance += u * rate * (1 - rate);
      }
      const observed = rr.rows.find((x) => x.dims['category'] === category)?.values['return_rate'];
      const p = expected / units;
      expect(Math.abs((observed ?? NaN) - p), category).toBeLessThan(
        4 * (Math.sqrt(variance) / units) + 0.03 * p,
      );
    }
  });

  it('CSAT and NPS per sales channel equal the levels expected from their late-delivery mix', async () => {
    const res = await q({
      kpis: ['csat', 'csat_answers', 'nps'],
      by: ['channel'],
      from: start,
      to: end,
    });
    const npsCounts = await ws.engine.run(
      "SELECT channel_id, count(*) AS n, avg(CASE WHEN score >= 9 THEN 1 ELSE 0 END) AS pro, avg(CASE WHEN score <= 6 THEN 1 ELSE 0 END) AS det FROM surveys WHERE kind = 'nps' GROUP BY 1",
    );
    const expected = truth.service.surveys.expectedByChannel as Record<
      string,
      { csatSatisfiedShare: number; npsPoints: number }
    >;
    for (const [channel, e] of Object.entries(expected)) {
      const row = res.rows.find((r) => r.dims['channel'] === channel);
      const n = row?.values['csat_answers'] ?? 0;
      const p = e.csatSatisfiedShare;
      expect(Math.abs((row?.values['csat'] ?? NaN) - p), `CSAT ${channel}`).toBeLessThan(
        4 * Math.sqrt((p * (1 - p)) / n),
      );
      const c = npsCounts.rows.find((r) => r['channel_id'] === channel);
      const m = Number(c?.['n'] ?? 0);
      // Per answer, 100 × (promoter − detractor) has variance 100² × (pro + det − (pro − det)²).
      const pro = Number(c?.['pro']);
      const det = Number(c?.['det']);
      const sd = 100 * Math.sqrt(pro + det - (pro - det) ** 2);
      expect(Math.abs((row?.values['nps'] ?? NaN) - e.npsPoints), `NPS ${channel}`).toBeLessThan(
        (4 * sd) / Math.sqrt(m),
      );
    }
  });
});
