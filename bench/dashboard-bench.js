// The dashboard's first board, in Debian's Chromium, against `vitrine serve` over a demo: from
// navigation to the direction board's tiles painted with their values, and to every chart drawn.
//   node bench/dashboard-bench.js [--workspace /tmp/medium-demo] [--runs 3]
// Needs `npm run build` (dist/ and web/dist/). The server's own start (opening the workspace,
// computing the first board in the background) is excluded; every navigation uses a fresh browser
// context (empty HTTP cache, new token in the URL fragment, as a link printed by `npm start`).
//   pre-warmed  the server started, computed the direction board at start (firstBoardWarmed),
//               then a director opens the dashboard: the goal (< 2 s).
//   again       a second browser opens the same board on the same server.
//   no pre-warm a server started with warmUp: false, opened at once: every query is computed
//               while the browser waits (the worst case, for comparison).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { launchChromium } from '../dist/goals/reports/report-pdf.js';
import { createToken, revokeToken } from '../dist/server/auth/token-store.js';
import { startServer } from '../dist/server/http-server.js';

const { values } = parseArgs({
  options: {
    workspace: {
      type: 'string',
      default: fileURLToPath(new URL('../demo-workspace', import.meta.url)),
    },
    runs: { type: 'string', default: '3' },
    'skip-cold': { type: 'boolean', default: false },
  },
});
const dir = values.workspace;
if (!existsSync(`${dir}/vitrine.yaml`)) {
  console.error(
    `${dir} is not a workspace: build the medium demo first (npm start, or vitrine demo --scale medium)`,
  );
  process.exit(1);
}
const runs = Number(values.runs);
const { token, info } = createToken(dir, 'viewer', {}, 'dashboard bench');
const browser = await launchChromium();

// Tiles are painted with values when the grid is ready and no tile still shows its placeholder.
const TILES_PAINTED = `(() => {
  const grid = document.querySelector('.tiles[data-ready]');
  if (!grid) return false;
  const tiles = [...grid.querySelectorAll('.tile')];
  return tiles.length > 0 && tiles.every((t) => !t.classList.contains('loading') && t.querySelector('.value')?.textContent !== '…');
})()`;
const ALL_DRAWN = `document.querySelectorAll('.panel').length > 0 && [...document.querySelectorAll('.panel')].every((p) => p.hasAttribute('data-ready'))`;

async function load(url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  // The page's own clock when the tiles got their values (before any chart is drawn).
  await page.addInitScript(`new MutationObserver((_, obs) => {
    if (document.querySelector('.tiles[data-ready]')) { window.__tilesAt = performance.now(); obs.disconnect(); }
  }).observe(document, { subtree: true, childList: true, attributes: true });`);
  let apiCalls = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls++;
  });
  const t0 = performance.now();
  await page.goto(`${url}/?board=direction&lang=en#token=${token}`);
  await page.waitForFunction(TILES_PAINTED, null, { timeout: 300_000, polling: 'raf' });
  const tiles = performance.now() - t0;
  const apiBeforeTiles = apiCalls;
  await page.waitForFunction(ALL_DRAWN, null, { timeout: 300_000, polling: 'raf' });
  const all = performance.now() - t0;
  // Where the time went, in the page's own clock (ms from navigation start).
  const tilesInPage = await page.evaluate('window.__tilesAt');
  const timeline = await page.evaluate(
    `[...performance.getEntriesByType('resource')].map((e) => [new URL(e.name).pathname.replace(/-[A-Za-z0-9_]{8}\\./, '.'), Math.round(e.startTime), Math.round(e.responseEnd)].join(' '))`,
  );
  await context.close();
  return {
    tiles,
    all,
    apiBeforeTiles,
    timeline: [...timeline, `tiles ${Math.round(tilesInPage)}`],
  };
}

const prewarmed = [];
const again = [];
const cold = [];
const warmUps = [];
try {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const server = await startServer({
      workspaceDir: dir,
      port: 0,
      host: '127.0.0.1',
      version: 'bench',
    });
    const listening = performance.now() - t0;
    try {
      const n = await server.firstBoardWarmed;
      const firstBoardMs = performance.now() - t0;
      prewarmed.push(await load(server.url));
      again.push(await load(server.url));
      warmUps.push({ listening, firstBoardMs, n });
      if (i === 0)
        console.error(`  timeline (path start end): ${prewarmed[0].timeline.join(' | ')}`);
      console.error(
        `run ${i + 1}: server listening after ${listening.toFixed(0)} ms, first board computed after ${firstBoardMs.toFixed(0)} ms (${n} queries); ` +
          `pre-warmed: tiles ${prewarmed.at(-1).tiles.toFixed(0)} ms (${prewarmed.at(-1).apiBeforeTiles} API calls), board ${prewarmed.at(-1).all.toFixed(0)} ms; ` +
          `again: tiles ${again.at(-1).tiles.toFixed(0)} ms, board ${again.at(-1).all.toFixed(0)} ms`,
      );
    } finally {
      await server.close();
    }
  }
  // Once, last: the page's filter choices (queries over the whole history) are then computed
  // while it runs, and closing waits for the engine to finish them; the bench does not.
  if (!values['skip-cold']) {
    const bare = await startServer({
      workspaceDir: dir,
      port: 0,
      host: '127.0.0.1',
      version: 'bench',
      warmUp: false,
    });
    cold.push(await load(bare.url));
    console.error(
      `no pre-warm: tiles ${cold.at(-1).tiles.toFixed(0)} ms, board ${cold.at(-1).all.toFixed(0)} ms`,
    );
    void bare.close();
  }
} finally {
  revokeToken(dir, info.id);
  // Closing the browser was seen to hang after the no-pre-warm run on a loaded machine.
  await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (xs, k) =>
  xs.length === 0
    ? 'not measured'
    : `median ${(median(xs.map((x) => x[k])) / 1000).toFixed(2)} s (min ${(Math.min(...xs.map((x) => x[k])) / 1000).toFixed(2)}, max ${(Math.max(...xs.map((x) => x[k])) / 1000).toFixed(2)})`;
console.log(`dashboard first board (${dir}, ${runs} runs; goal: tiles with values < 2 s)`);
console.log(
  `  server start excluded; first board computed in the background after ${fmt(warmUps, 'firstBoardMs')}`,
);
console.log(`  pre-warmed, tiles painted:  ${fmt(prewarmed, 'tiles')}`);
console.log(`  pre-warmed, whole board:    ${fmt(prewarmed, 'all')}`);
console.log(`  second browser, tiles:      ${fmt(again, 'tiles')}`);
console.log(`  second browser, board:      ${fmt(again, 'all')}`);
console.log(`  no pre-warm, tiles:         ${fmt(cold, 'tiles')}`);
console.log(`  no pre-warm, whole board:   ${fmt(cold, 'all')}`);
console.log(`  API calls before the tiles: ${prewarmed[0]?.apiBeforeTiles ?? '—'}`);
process.exit(0);
