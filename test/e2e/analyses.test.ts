import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServedDemo } from '../server/server-fixture.js';
import { serveDemo } from '../server/server-fixture.js';
import { ARTIFACTS, ensureDashboardBuilt, launchChromium } from './browser-helper.js';

// The analysis boards, the data-quality view and the display names, in Chromium against a
// server over the small demo. Each board's number is checked against the API's answer to the
// same model run (the params the board used are on its root element).

let demo: ServedDemo;
let browser: Browser;
let page: Page;

type Obj = Record<string, unknown>;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

async function open(board: string, token = 'analyst'): Promise<void> {
  await page.goto(`${demo.server.url}/?board=${board}&lang=en#token=${demo.tokens[token]}`);
  await page.waitForSelector(
    `[data-analysis="${board}"][data-ready], [data-board="${board}"][data-ready]`,
    {
      timeout: 240_000,
    },
  );
}

/** The model's values as the API gives them for the params the board ran with. */
async function apiValues(board: string): Promise<Obj> {
  const params = JSON.parse(
    (await page.locator(`[data-analysis="${board}"]`).getAttribute('data-params')) ?? '{}',
  ) as Obj;
  const res = await demo.call(`/api/models/${board}`, {
    token: demo.tokens['analyst'] ?? null,
    body: { params, view: 'dashboard' },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { values: Obj } }).result.values;
}

const cellValue = async (table: string, row: number, col: string): Promise<string | null> =>
  page
    .locator(`[data-table="${table}"] tbody tr`)
    .nth(row)
    .locator(`td[data-col="${col}"]`)
    .getAttribute('data-value');

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const staticDir = await ensureDashboardBuilt();
  demo = await serveDemo(inject('smallDemoDir'), { staticDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('analysis boards in Chromium', () => {
  it('anomaly feed: the first anomaly as the model ranks it, with "why did it move"', async () => {
    await open('anomalies');
    const v = await apiValues('anomalies');
    const first = (v['anomalies'] as Obj[])[0];
    expect(first).toBeDefined();
    const item = page.locator('.feed .anomaly').first();
    expect(await item.getAttribute('data-kpi')).toBe(first?.['kpi']);
    expect(Number(await item.getAttribute('data-actual'))).toBeCloseTo(
      first?.['actual'] as number,
      6,
    );
    expect(Number(await item.getAttribute('data-expected'))).toBeCloseTo(
      first?.['expected'] as number,
      6,
    );
    // Segments show names: a channel anomaly never shows the channel id.
    const text = await page.locator('.feed').innerText();
    expect(text).not.toMatch(/\bCH-[A-Z]/);
    await shot('analysis-anomalies');
    await item.locator('.why').click();
    await page.waitForSelector(
      `.drawer[data-kpi="${String(first?.['kpi'])}"] .drawer-body :is(.contrib, .note, .explain-total)`,
    );
    await shot('analysis-anomalies-explain');
    await page.locator('.drawer .close').click();
  });

  it('basket affinity: the top rule with its support, confidence and lift', async () => {
    await open('basket');
    const v = await apiValues('basket');
    const rule = (v['rules'] as Obj[])[0];
    expect(rule).toBeDefined();
    expect(Number(await cellValue('basket-rules', 0, 'lift'))).toBeCloseTo(
      rule?.['lift'] as number,
      9,
    );
    expect(Number(await cellValue('basket-rules', 0, 'support'))).toBeCloseTo(
      rule?.['support'] as number,
      9,
    );
    expect(Number(await cellValue('basket-rules', 0, 'confidence'))).toBeCloseTo(
      rule?.['confidence'] as number,
      9,
    );
    expect(await page.locator('[data-table="basket-rules"] tbody tr').count()).toBe(
      (v['rules'] as Obj[]).length,
    );
    await shot('analysis-basket');
    // Another level re-runs the model with its own params.
    await page.selectOption('select[name="analysis-level"]', 'category');
    await page.waitForSelector('[data-analysis="basket"][data-ready]');
    expect(await page.locator('[data-analysis="basket"]').getAttribute('data-params')).toContain(
      '"level":"category"',
    );
  });

  it('CLV: total predicted CLV, distribution, segments and predicted vs actual', async () => {
    await open('clv');
    const v = await apiValues('clv');
    const totals = v['totals'] as Obj;
    expect(
      Number(await page.locator('[data-clv-total]').getAttribute('data-clv-total')),
    ).toBeCloseTo(totals['clv'] as number, 6);
    expect(await page.locator('[data-chart="clv-distribution"] canvas').count()).toBe(1);
    expect(await page.locator('[data-chart="clv-holdout"] canvas').count()).toBe(1);
    expect(await page.locator('[data-table="clv-segments"] tbody tr').count()).toBe(
      Object.keys(v['segments'] as Obj).length,
    );
    await shot('analysis-clv');
  });

  it('attribution: every model side by side per channel', async () => {
    await open('attribution');
    const v = await apiValues('attribution');
    const totals = v['totals'] as { conversions: number; channels: string[] };
    expect(
      Number(await page.locator('[data-conversions]').getAttribute('data-conversions')),
    ).toBeCloseTo(totals.conversions, 6);
    const models = v['models'] as Record<string, Record<string, { conversions: number }>>;
    const firstChannel = totals.channels[0] ?? '';
    expect(Number(await cellValue('attribution-table', 0, 'markov'))).toBeCloseTo(
      models['markov']?.[firstChannel]?.conversions ?? NaN,
      6,
    );
    const headers = await page.locator('[data-table="attribution-table"] thead th').allInnerTexts();
    expect(headers).toEqual(
      expect.arrayContaining(['First touch', 'Last touch', 'Linear', 'Markov']),
    );
    await shot('analysis-attribution');
  });

  it('A/B test: lift, interval, p-value and sample sizes', async () => {
    await open('abtest');
    const v = await apiValues('abtest');
    const c = (v['comparisons'] as Obj[])[0];
    expect(Number(await cellValue('abtest-comparisons', 0, 'p_value'))).toBeCloseTo(
      c?.['p_value'] as number,
      12,
    );
    expect(Number(await cellValue('abtest-comparisons', 0, 'relative_effect'))).toBeCloseTo(
      c?.['relative_effect'] as number,
      12,
    );
    const variants = v['variants'] as { n: number }[];
    for (const [i, variant] of variants.entries()) {
      expect(Number(await cellValue('abtest-variants', i, 'n'))).toBe(variant.n);
    }
    await shot('analysis-abtest');
  });

  it('promo uplift: baseline vs actual, uplift, cannibalisation and halo per promotion', async () => {
    await open('promo');
    const v = await apiValues('promo');
    const p = (v['promotions'] as Obj[])[0] as Record<string, Obj>;
    expect(Number(await cellValue('promo-table', 0, 'baseline'))).toBeCloseTo(
      p['promoted']?.['expected_units'] as number,
      6,
    );
    expect(Number(await cellValue('promo-table', 0, 'uplift'))).toBeCloseTo(
      p['promoted']?.['effect'] as number,
      9,
    );
    expect(await page.locator('[data-table="promo-table"] tbody tr').count()).toBe(
      (v['promotions'] as Obj[]).length,
    );
    await shot('analysis-promo');
  });

  it('cohorts: the retention heat map', async () => {
    await open('cohorts');
    const v = await apiValues('cohorts');
    const cohorts = v['cohorts'] as {
      cohort: string;
      months: { k: number; retention: number }[];
    }[];
    const shown = cohorts.slice(-24);
    const c = shown.find((x) => x.months.some((m) => m.k === 1));
    expect(c).toBeDefined();
    const m1 = c?.months.find((m) => m.k === 1);
    const cell = page.locator(`tr[data-cohort="${c?.cohort}"] td.heat[data-k="1"]`);
    expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(m1?.retention ?? NaN, 12);
    await shot('analysis-cohorts');
  });

  it('lost sales: the lost value and the first location as the model computes them', async () => {
    await open('lost-sales');
    const v = await apiValues('lost-sales');
    const total = v['total'] as { lost_value: number };
    expect(
      Number(await page.locator('[data-lost-value]').getAttribute('data-lost-value')),
    ).toBeCloseTo(total.lost_value, 6);
    const first = (v['byLocation'] as { key: string; lost_units: number }[])[0];
    expect(first).toBeDefined();
    expect(Number(await cellValue('lost-sales-locations', 0, 'lost_units'))).toBeCloseTo(
      first?.lost_units ?? NaN,
      6,
    );
    await shot('analysis-lost-sales');
  });

  it('shrinkage: the shrink rate and the first category', async () => {
    await open('shrinkage');
    const v = await apiValues('shrinkage');
    const total = v['total'] as { shrink_rate: number };
    expect(
      Number(await page.locator('[data-shrink-rate]').getAttribute('data-shrink-rate')),
    ).toBeCloseTo(total.shrink_rate, 9);
    const first = (v['byCategory'] as { key: string; net_loss_units: number }[])[0];
    expect(await cellValue('shrinkage-categories', 0, 'key')).toBe(first?.key);
    expect(Number(await cellValue('shrinkage-categories', 0, 'net_loss_units'))).toBe(
      first?.net_loss_units,
    );
    await shot('analysis-shrinkage');
  });

  it('budget: the budget and each channel’s suggested spend', async () => {
    await open('budget');
    const v = await apiValues('budget');
    expect(Number(await page.locator('[data-budget]').getAttribute('data-budget'))).toBeCloseTo(
      v['budget'] as number,
      6,
    );
    const channels = v['channels'] as { suggested_spend: number }[];
    expect(await page.locator('[data-table="budget-channels"] tbody tr').count()).toBe(
      channels.length,
    );
    expect(Number(await cellValue('budget-channels', 0, 'suggested_spend'))).toBeCloseTo(
      channels[0]?.suggested_spend ?? NaN,
      6,
    );
    await shot('analysis-budget');
  });

  it('paths: the most frequent next view', async () => {
    await open('paths');
    const v = await apiValues('paths');
    expect(Number(await page.locator('[data-transitions]').getAttribute('data-transitions'))).toBe(
      v['transitions'],
    );
    const pairs = v['pairs'] as { from: string; to: string; count: number }[];
    expect(pairs.length).toBeLessThanOrEqual(50);
    expect(await cellValue('paths-pairs', 0, 'from')).toBe(pairs[0]?.from);
    expect(Number(await cellValue('paths-pairs', 0, 'count'))).toBe(pairs[0]?.count);
    await shot('analysis-paths');
  });

  it('data quality: the check report, stale KPIs counted as the API lists them', async () => {
    await open('quality');
    const res = await demo.call('/api/data-quality', { token: demo.tokens['analyst'] ?? null });
    const q = (await res.json()) as { kpis: unknown[]; tables: unknown[] };
    expect(
      Number(await page.locator('[data-figure="stale-kpis"]').getAttribute('data-value')),
    ).toBe(q.kpis.length);
    expect(await page.locator('[data-table="quality-tables"] tbody tr').count()).toBe(
      q.tables.length,
    );
    await shot('data-quality');
  });

  it('a viewer sees that analyses need the analyst role', async () => {
    await open('clv', 'viewer');
    expect(await page.locator('[data-analysis="clv"]').getAttribute('data-ready')).toBe(
      'forbidden',
    );
    expect(await page.locator('.needs-role').innerText()).toMatch(/analyst role/);
    await shot('analysis-viewer-forbidden');
    await open('quality', 'viewer');
    expect(await page.locator('.needs-role').innerText()).toMatch(/analyst role/);
  });

  it('shows channel names, not ids, on charts and in the filter bar', async () => {
    await page.goto(
      `${demo.server.url}/?board=direction&period=last-30&lang=en#token=${demo.tokens['viewer']}`,
    );
    await page.waitForSelector('.panel[data-level="channel"][data-ready]');
    const panel = page.locator('.panel[data-level="channel"]');
    const ids = JSON.parse((await panel.getAttribute('data-values')) ?? '[]') as string[];
    const labels = JSON.parse((await panel.getAttribute('data-labels')) ?? '[]') as string[];
    const ws = (await (
      await demo.call('/api/workspace', { token: demo.tokens['viewer'] ?? null })
    ).json()) as {
      labels: Record<string, Record<string, string>>;
    };
    expect(ids.length).toBeGreaterThan(1);
    expect(labels).toEqual(ids.map((id) => ws.labels['channel']?.[id]));
    for (const l of labels) expect(l).not.toMatch(/^CH-/);
    await page.waitForFunction(
      `document.querySelector('select[name="channel"]')?.options.length > 1`,
    );
    const options = await page
      .locator('select[name="channel"] option')
      .evaluateAll((els) =>
        els.map((e) => ({ value: e.getAttribute('value'), text: e.textContent })),
      );
    for (const o of options.filter((x) => x.value)) {
      expect(o.text).toBe(ws.labels['channel']?.[o.value ?? '']);
    }
    await shot('direction-channel-names');
  });
});
