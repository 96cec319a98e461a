import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServedDemo } from '../server/server-fixture.js';
import { serveDemo } from '../server/server-fixture.js';
import { ARTIFACTS, ensureDashboardBuilt, launchChromium } from './browser-helper.js';

let demo: ServedDemo;
let browser: Browser;
let page: Page;

// Expressions evaluated in the page, as text: the tests compile without the DOM library.
const IN_PAGE = {
  chartsReady: `[...document.querySelectorAll('.panel')].every((p) => p.hasAttribute('data-ready'))`,
  detailOf: (id: string) =>
    `document.querySelector('.kpi-detail h2')?.textContent?.includes(${JSON.stringify(id)})`,
  regionOptionsLoaded: `document.querySelector('select[name="region"]')?.options.length > 1`,
  bodyBackground: `getComputedStyle(document.body).backgroundColor`,
  tvMode: `document.body.classList.contains('tv')`,
};

const BOARDS = [
  'direction',
  'marketing',
  'service',
  'product',
  'supply',
  'finance',
  'stores',
  'tech',
];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Waits for the tiles and every chart of the board on screen. */
async function boardReady(): Promise<void> {
  await page.waitForSelector('.tiles[data-ready]', { timeout: 60_000 });
  await page.waitForFunction(IN_PAGE.chartsReady, null, { timeout: 60_000 });
}

interface TileRequest {
  from: string;
  to: string;
  where: Record<string, string[]>;
  compare: string;
}

/** Each tile's value against the API's answer to the same request. */
async function expectTilesEqualApi(): Promise<number> {
  const grid = page.locator('.tiles');
  const req: TileRequest = {
    from: (await grid.getAttribute('data-from')) ?? '',
    to: (await grid.getAttribute('data-to')) ?? '',
    where: JSON.parse((await grid.getAttribute('data-where')) ?? '{}') as Record<string, string[]>,
    compare: (await grid.getAttribute('data-compare')) ?? 'yoy',
  };
  const tiles = await page.locator('.tile[data-value]').evaluateAll((els) =>
    els.map((e) => {
      const v = e.getAttribute('data-value');
      return {
        kpi: e.getAttribute('data-kpi') ?? '',
        value: v === '' || v === null ? null : Number(v),
      };
    }),
  );
  for (const tile of tiles) {
    const res = await demo.call('/api/query', {
      body: {
        kpis: [tile.kpi],
        from: req.from,
        to: req.to,
        compare: [req.compare, 'target'],
        ...(Object.keys(req.where).length ? { where: req.where } : {}),
      },
    });
    const body = (await res.json()) as { rows: { values: Record<string, number | null> }[] };
    const expected = body.rows[0]?.values[tile.kpi];
    expect(expected, tile.kpi).not.toBeUndefined();
    if (tile.value === null) expect(expected, tile.kpi).toBeNull();
    else expect(tile.value, tile.kpi).toBeCloseTo(expected ?? NaN, 6);
  }
  return tiles.length;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const staticDir = await ensureDashboardBuilt();
  demo = await serveDemo(inject('smallDemoDir'), { staticDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  // A viewer token: what a director's browser holds (explain needs analyst; tested in the API).
  await page.goto(`${demo.server.url}/?board=direction&lang=en#token=${demo.tokens['analyst']}`);
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('dashboard in Chromium', () => {
  it('opens the direction board with tiles equal to the API answers', async () => {
    await boardReady();
    expect(await expectTilesEqualApi()).toBe(6);
    const tileText = await page.locator('.tile[data-kpi="net_sales"]').innerText();
    expect(tileText).toMatch(/€/);
    expect(tileText).toMatch(/vs N-1/);
    expect(await page.locator('.panel[data-chart="cumulative"] canvas').count()).toBe(1);
    expect(page.url()).not.toContain('token');
    await shot('direction');
  });

  it('opens every team board, the dictionary and the source matrix', async () => {
    for (const board of BOARDS.slice(1)) {
      await page.click(`[data-board-tab="${board}"]`);
      await page.waitForSelector(`.board[data-board="${board}"]`);
      await boardReady();
      expect(page.url()).toContain(`board=${board}`);
      await shot(`board-${board}`);
    }
    await page.click('[data-board-tab="dictionary"]');
    await page.waitForSelector('.kpi-detail h2');
    await page.fill('.kpi-search', 'margin');
    expect(await page.locator('.kpi-list li').count()).toBeGreaterThan(2);
    await page.click('.kpi-list [data-kpi="gross_margin_rate"]');
    await page.waitForFunction(IN_PAGE.detailOf('gross_margin_rate'));
    await shot('dictionary');
    await page.click('[data-board-tab="sources"]');
    await page.waitForSelector('.matrix tbody tr');
    expect(await page.locator('.matrix tbody tr').count()).toBeGreaterThan(100);
    await shot('sources');
  });

  it('applies a filter, then drills down channel → region, and the URL carries the state', async () => {
    await page.click('[data-board-tab="direction"]');
    await boardReady();
    await page.waitForFunction(IN_PAGE.regionOptionsLoaded);
    await page.selectOption('select[name="period"]', 'last-30');
    await boardReady();
    expect(page.url()).toContain('period=last-30');
    await expectTilesEqualApi();

    // Drill: click the top bar of the channel chart (the largest channel).
    const channelPanel = page.locator('.panel[data-level="channel"]');
    const box = await channelPanel.locator('canvas').boundingBox();
    expect(box).not.toBeNull();
    for (let y = 40; y < 120 && !page.url().includes('channel='); y += 6) {
      await page.mouse.click((box?.x ?? 0) + 160, (box?.y ?? 0) + y);
      await page.waitForTimeout(100);
    }
    expect(page.url()).toMatch(/channel=CH-/);
    await page.waitForSelector('.panel[data-level="region"][data-ready]');
    await boardReady();
    const where = JSON.parse(
      (await page.locator('.tiles').getAttribute('data-where')) ?? '{}',
    ) as Record<string, string[]>;
    expect(Object.keys(where)).toEqual(['channel']);
    await expectTilesEqualApi();
    await shot('drill-channel');

    // The link is shareable: a fresh page on the same URL shows the same state.
    const url = page.url();
    const other = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await other.goto(`${url}#token=${demo.tokens['viewer']}`);
    await other.waitForSelector('.tiles[data-ready]');
    expect(await other.locator('.tiles').getAttribute('data-where')).toBe(JSON.stringify(where));
    await other.screenshot({ path: `${ARTIFACTS}tablet-shared-link.png` });
    await other.close();

    await page.click('.drill-up');
    await page.waitForSelector('.panel[data-level="channel"][data-ready]');
    expect(page.url()).not.toContain('channel=');
  });

  it('switches to French with French number formats, and to the dark theme', async () => {
    await page.selectOption('select[name="lang"]', 'fr');
    await boardReady();
    expect(await page.locator('[data-board-tab="stores"]').innerText()).toBe('Magasins');
    expect(page.url()).toContain('lang=fr');
    const aov = await page.locator('.tile[data-kpi="aov"] .value').innerText();
    // fr-FR: decimal comma, euro sign after the number (1 234,56 €).
    expect(aov).toMatch(/^\d[\d\s\u202f\u00a0]*,\d{2}\s?€$/);
    const money = await page.evaluate(() =>
      new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(1234.56),
    );
    expect(money.replace(/[\u202f\u00a0]/g, ' ')).toBe('1 234,56 €');
    await shot('direction-fr');

    await page.click('.theme-toggle');
    await boardReady();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    const bg = await page.evaluate(IN_PAGE.bodyBackground);
    expect(bg).toBe('rgb(17, 22, 28)');
    expect(page.url()).toContain('theme=dark');
    await shot('direction-fr-dark');
  });

  it('exports a chart as CSV and PNG, and shows the TV mode', async () => {
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.panel[data-chart="cumulative"] .export-csv').click(),
    ]);
    expect(csv.suggestedFilename()).toBe('cumulative.csv');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.panel[data-chart="cumulative"] .export-png').click(),
    ]);
    expect(png.suggestedFilename()).toBe('cumulative.png');
    await page.click('.tv-toggle');
    await boardReady();
    expect(await page.evaluate(IN_PAGE.tvMode)).toBe(true);
    expect(await page.locator('.filters').isVisible()).toBe(false);
    await shot('tv-mode');
    await page.click('.tv-toggle');
  });

  it('shows "why did it move" from a tile', async () => {
    await page.locator('.tile[data-kpi="orders"] .why').click();
    await page.waitForSelector('.drawer .contrib');
    expect(await page.locator('.drawer .contrib').count()).toBeGreaterThan(1);
    await shot('explain');
  });
});
