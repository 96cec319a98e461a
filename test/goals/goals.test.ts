import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/backends/engine.js';
import { objectivesProgress } from '../../src/goals/objectives.js';
import { loadTargetsFile } from '../../src/goals/targets-loader.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { parseIsoDate } from '../../src/time/civil-date.js';
import { fixtureDatabase } from '../../src/workspace/fixture-database.js';
import { defaultConfig } from '../../src/workspace/workspace-config.js';

const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('../semantic/kpis/', import.meta.url)),
});
const config = defaultConfig('goals');
const dir = mkdtempSync(join(tmpdir(), 'vitrine-goals-'));
let engine: Engine;

beforeAll(async () => {
  // 10 orders of 20.00 on 1–10 January 2026, one a day.
  const orders = Array.from({ length: 10 }, (_, i) => ({
    order_id: `o${i}`,
    channel_id: 'web',
    ordered_at: `2026-01-${String(i + 1).padStart(2, '0')}T12:00:00Z`,
    status: 'paid',
  }));
  const lines = orders.map((o) => ({
    order_id: o.order_id,
    line_no: 1,
    sku: 'A',
    quantity: 1,
    unit_list_price: 20,
    unit_price: 20,
  }));
  engine = await fixtureDatabase({ orders, order_lines: lines });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('targets', () => {
  it('loads a targets file and replaces targets with the same key', async () => {
    const file = csv(
      'targets.csv',
      'kpi_id,period_start,period_end,segment_key,segment_value,target_value\nt_sales,2026-01-01,2026-01-31,,,620\nt_sales,2026-01-01,2026-01-31,channel,web,400.5\n',
    );
    expect(await loadTargetsFile(engine, dictionary, file)).toMatchObject({
      read: 2,
      inserted: 2,
      updated: 0,
    });
    const again = csv(
      'again.csv',
      'kpi_id,period_start,period_end,segment_key,segment_value,target_value\nt_sales,2026-01-01,2026-01-31,,,700\n',
    );
    expect(await loadTargetsFile(engine, dictionary, again)).toMatchObject({
      read: 1,
      inserted: 0,
      updated: 1,
    });
    const rows = await engine.run(
      'SELECT segment_key, CAST(target_value AS VARCHAR) AS v FROM targets ORDER BY segment_key NULLS FIRST',
    );
    expect(rows.rows).toEqual([
      { segment_key: null, v: '700.00000000' },
      { segment_key: 'channel', v: '400.50000000' },
    ]);
  });

  it('refuses a file with a bad row whole, naming each line and field', async () => {
    const bad = csv(
      'bad.csv',
      'kpi_id,period_start,period_end,segment_key,segment_value,target_value\nt_sales,2026-02-01,2026-02-28,,,100\nnope,2026-02-01,2026-02-30,,,abc\nt_sales,2026-03-31,2026-03-01,colour,red,5\n',
    );
    const err = await loadTargetsFile(engine, dictionary, bad).catch((e: Error) => e);
    expect(String(err)).toMatch(/bad\.csv:3: kpi_id: unknown KPI "nope"/);
    expect(String(err)).toMatch(
      /bad\.csv:3: period_end: period_end "2026-02-30" is not a valid date/,
    );
    expect(String(err)).toMatch(/bad\.csv:3: target_value: "abc" is not a number/);
    expect(String(err)).toMatch(
      /bad\.csv:4: period_end: 2026-03-01 is before period_start 2026-03-31/,
    );
    expect(String(err)).toMatch(/bad\.csv:4: segment_key: unknown dimension "colour"/);
    const n = await engine.run(
      "SELECT count(*) AS n FROM targets WHERE period_start = DATE '2026-02-01'",
    );
    expect(n.rows[0]?.['n']).toBe(0);
  });
});

describe('objectives', () => {
  it('judges additive KPIs against a straight line to the deadline and rates on their level', async () => {
    const progress = await objectivesProgress(
      { engine, dictionary, config },
      [
        {
          id: 'jan',
          name: 'January',
          from: '2026-01-01',
          deadline: '2026-01-20',
          kpis: [
            { kpi: 't_sales', target: 300 },
            { kpi: 't_aov', target: 25 },
          ],
        },
      ],
      parseIsoDate('2026-01-10'),
    );
    const o = progress[0];
    // 10 of 20 days elapsed: sales 200 ≥ 300 × 0.5 = 150 → on track; AOV 20 < 25 → behind.
    expect(o?.elapsed).toBe(0.5);
    expect(o?.kpis[0]).toMatchObject({
      kpi: 't_sales',
      value: 200,
      expectedByNow: 150,
      status: 'on_track',
    });
    expect(o?.kpis[1]).toMatchObject({ kpi: 't_aov', value: 20, status: 'behind' });
    expect(o?.status).toBe('behind');
  });
});

describe('an objective to reduce a total', () => {
  // t_calls: the valid orders counted as a total to bring down (polarity down, additive).
  const wsDir = mkdtempSync(join(tmpdir(), 'vitrine-goals-down-'));
  const withCalls = () => {
    mkdirSync(join(wsDir, 'dictionary'), { recursive: true });
    writeFileSync(
      join(wsDir, 'dictionary', 'calls.yaml'),
      `area: service-test
title: { en: Test, fr: Test }
kpis:
  - id: t_calls
    name: { en: Calls, fr: Appels }
    description: { en: Contacts to reduce., fr: Contacts à réduire. }
    unit: count
    polarity: down
    owner: customer_service
    sources: [POS]
    additivity: additive
    rules: { tax: n/a, shipping: n/a, cancellations: excluded, returns: ignored, counts_on: order date }
    formula:
      measure: { fact: orders, agg: count, filter: valid_order }
    version: 1
    status: active
    changelog: [{ version: 1, date: 2026-11-23, change: test }]
`,
    );
    return loadDictionary({
      shippedDir: fileURLToPath(new URL('../semantic/kpis/', import.meta.url)),
      workspaceDir: wsDir,
    });
  };
  afterAll(() => rmSync(wsDir, { recursive: true, force: true }));
  const objective = {
    id: 'fewer-calls',
    name: 'Fewer calls',
    from: '2026-01-01',
    deadline: '2026-01-20',
    kpis: [{ kpi: 't_calls', target: 30 }],
  };

  it('is on track, not achieved, while the period runs under its straight line', async () => {
    const dict = withCalls();
    // 10 of 20 days: 10 calls so far, the line allows 30 × 0.5 = 15 → on track (it read
    // "achieved" because 10 ≤ 30, before the period was over).
    const [o] = await objectivesProgress(
      { engine, dictionary: dict, config },
      [objective],
      parseIsoDate('2026-01-10'),
    );
    expect(o?.kpis[0]).toMatchObject({ value: 10, expectedByNow: 15, status: 'on_track' });
    expect(o?.status).toBe('on_track');
  });

  it('is achieved at the deadline when the total stayed under the target', async () => {
    const dict = withCalls();
    const [o] = await objectivesProgress(
      { engine, dictionary: dict, config },
      [objective],
      parseIsoDate('2026-01-20'),
    );
    expect(o?.kpis[0]).toMatchObject({ value: 10, status: 'achieved' });
  });

  it('is behind when the total runs above its line', async () => {
    const dict = withCalls();
    const [o] = await objectivesProgress(
      { engine, dictionary: dict, config },
      [{ ...objective, kpis: [{ kpi: 't_calls', target: 12 }] }],
      parseIsoDate('2026-01-10'),
    );
    // 10 calls against a line of 12 × 0.5 = 6.
    expect(o?.kpis[0]).toMatchObject({ value: 10, expectedByNow: 6, status: 'behind' });
  });
});
