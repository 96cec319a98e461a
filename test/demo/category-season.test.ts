/**
 * The garden range sells in spring and summer (issue 13, point 19): the demo's `Jardin` category
 * carries a season of its own, stated in the manifest (seasonality.categorySeason), on top of
 * the calendar every category shares. Measured from the tables as an analyst would: the
 * category's share of units sold, season against season of the same year.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CommerceManifest } from '../../src/demo/sim/commerce-manifest.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const dir = inject('smallDemoDir');
const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as CommerceManifest;
let ws: Workspace;
beforeAll(async () => {
  ws = await openWorkspace(dir, { readOnly: true });
});
afterAll(async () => ws?.close());

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** Units of Jardin and of every other category per calendar month (1–12) of one year. */
async function unitsByMonth(year: number): Promise<{ jardin: number[]; others: number[] }> {
  const res = await ws.engine.run(
    `SELECT month(timezone('Europe/Paris', o.ordered_at)) AS m, p.category = 'Jardin' AS jardin,
            sum(l.quantity) AS units
       FROM order_lines l JOIN orders o ON o.order_id = l.order_id JOIN products p ON p.sku = l.sku
      WHERE o.status NOT IN ('cancelled', 'fraud')
        AND year(timezone('Europe/Paris', o.ordered_at)) = $1
      GROUP BY 1, 2`,
    [year],
  );
  const jardin = new Array<number>(12).fill(0);
  const others = new Array<number>(12).fill(0);
  for (const r of res.rows) {
    const m = Number(r['m']) - 1;
    (r['jardin'] ? jardin : others)[m] = Number(r['units']);
  }
  return { jardin, others };
}

describe('the garden season of the demo', () => {
  it('the manifest states a spring and summer season for Jardin', () => {
    const profile = truth.seasonality.categorySeason.categories['Jardin'];
    expect(profile).toBeDefined();
    const v = MONTHS.map((m) => profile?.[m] ?? NaN);
    // Mean 1 over the year; its peak in April–July, its trough in October–February.
    expect(v.reduce((a, b) => a + b, 0) / 12).toBeCloseTo(1, 6);
    const peak = v.indexOf(Math.max(...v));
    const trough = v.indexOf(Math.min(...v));
    expect(peak).toBeGreaterThanOrEqual(3);
    expect(peak).toBeLessThanOrEqual(6);
    expect([9, 10, 11, 0, 1]).toContain(trough);
  });

  it('Jardin’s share of units peaks in spring–summer and bottoms in Q4, as the manifest says', async () => {
    const year = Number(truth.meta.end.slice(0, 4)) - 1;
    const { jardin, others } = await unitsByMonth(year);
    const share = (months: number[]) =>
      months.reduce((a, m) => a + jardin[m]!, 0) / months.reduce((a, m) => a + others[m]!, 0);
    const q2 = [3, 4, 5];
    const q4 = [9, 10, 11];
    const profile = truth.seasonality.categorySeason.categories['Jardin'] ?? {};
    const v = MONTHS.map((m) => profile[m] ?? NaN);
    // Interpolated between mid-months, a month's mean multiplier is ¾ of its own value plus ⅛
    // of each neighbour's; the other categories carry no season of their own, so the share
    // ratio Q2 / Q4 is the ratio of those means (≈ 5.4 for the shipped profile).
    const monthMean = (m: number) => 0.75 * v[m]! + 0.125 * (v[(m + 11) % 12]! + v[(m + 1) % 12]!);
    const mean = (ms: number[]) => ms.reduce((a, m) => a + monthMean(m), 0) / ms.length;
    const expected = mean(q2) / mean(q4);
    const observed = share(q2) / share(q4);
    // Stock-outs at the spring peak and promotions of other categories move the shares a little;
    // a flat season (ratio 1) or a Q4 peak is many times outside this band.
    expect(observed).toBeGreaterThan(0.75 * expected);
    expect(observed).toBeLessThan(1.25 * expected);
    // Summer above Q4 too, and the best month of Jardin units in March–August.
    expect(share([6, 7, 8])).toBeGreaterThan(share(q4));
    const best = jardin.indexOf(Math.max(...jardin));
    expect(best).toBeGreaterThanOrEqual(2);
    expect(best).toBeLessThanOrEqual(7);
  });
});
