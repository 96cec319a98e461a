// The dashboard's first board, in Debian's Chromium, against `vitrine serve` over a demo:
// from navigation to every tile and chart of the direction board drawn with its data.
//   node bench/dashboard-bench.js [--workspace demo-workspace] [--runs 5]
// Each run starts a fresh server (empty query cache) and a fresh browser context (empty HTTP
// cache): "cold" is the first load after the server starts, "warm" the same board loaded again
// by another browser (the server's scope-keyed cache answers). Needs `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { createToken, revokeToken } from '../dist/server/auth/token-store.js';
import { startServer } from '../dist/server/http-server.js';

const { values } = parseArgs({
  options: {
    workspace: {
      type: 'string',
      default: fileURLToPath(new URL('../demo-workspace', import.meta.url)),
    },
    runs: { type: 'string', default: '5' },
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
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

async function load(url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(`${url}/?board=direction&lang=en#token=${token}`);
  await page.waitForSelector('.tiles[data-ready]', { timeout: 120_000 });
  const tiles = performance.now() - t0;
  await page.waitForFunction(
    `document.querySelectorAll('.panel').length > 0 && [...document.querySelectorAll('.panel')].every((p) => p.hasAttribute('data-ready'))`,
    null,
    { timeout: 120_000 },
  );
  const all = performance.now() - t0;
  await context.close();
  return { tiles, all };
}

const cold = [];
const warm = [];
const restarted = [];
try {
  for (let i = 0; i < runs; i++) {
    const server = await startServer({
      workspaceDir: dir,
      port: 0,
      host: '127.0.0.1',
      version: 'bench',
      warmUp: false,
    });
    try {
      cold.push(await load(server.url));
      warm.push(await load(server.url));
    } finally {
      await server.close();
    }
    // A restarted server replays the audit log's frequent queries (the board just asked) first.
    const again = await startServer({
      workspaceDir: dir,
      port: 0,
      host: '127.0.0.1',
      version: 'bench',
    });
    try {
      const t0 = performance.now();
      const n = await again.warmedUp;
      const warmUpMs = performance.now() - t0;
      restarted.push(await load(again.url));
      console.error(
        `run ${i + 1}: cold ${cold.at(-1).all.toFixed(0)} ms, warm ${warm.at(-1).all.toFixed(0)} ms, after restart and warm-up (${n} queries, ${warmUpMs.toFixed(0)} ms) ${restarted.at(-1).all.toFixed(0)} ms`,
      );
    } finally {
      await again.close();
    }
  }
} finally {
  await browser.close();
  revokeToken(dir, info.id);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (xs, k) =>
  `median ${(median(xs.map((x) => x[k])) / 1000).toFixed(2)} s (min ${(Math.min(...xs.map((x) => x[k])) / 1000).toFixed(2)}, max ${(Math.max(...xs.map((x) => x[k])) / 1000).toFixed(2)})`;
console.log(`dashboard first board (${dir}, ${runs} runs; goal < 2 s)`);
console.log(`  cold server, tiles:        ${fmt(cold, 'tiles')}`);
console.log(`  cold server, whole board:  ${fmt(cold, 'all')}`);
console.log(`  warm server, tiles:        ${fmt(warm, 'tiles')}`);
console.log(`  warm server, whole board:  ${fmt(warm, 'all')}`);
console.log(`  restarted + warm-up, tiles:       ${fmt(restarted, 'tiles')}`);
console.log(`  restarted + warm-up, whole board: ${fmt(restarted, 'all')}`);
