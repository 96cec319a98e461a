// Basket rules on a million baskets: `npm run build`, then
//   node bench/basket-bench.js [--baskets 1000000] [--items 2000] [--min-support 0.001] [--runs 3]
// Synthetic baskets (seeded): item popularity ~ Zipf(1), sizes 1 + Poisson(3), and planted pairs
// bought together so that rules exist. The file is written once in the baskets format of
// `vitrine model basket --input`, then read and mined through the library, timed separately.
// Medians over --runs; the machine is shared, so read ratios, not absolute times.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { basketParams, fitBasket, readBasketFile } from '../dist/analytics/basket/basket-model.js';
import { median } from './timing.js';

const { values } = parseArgs({
  options: {
    baskets: { type: 'string', default: '1000000' },
    items: { type: 'string', default: '2000' },
    'min-support': { type: 'string', default: '0.001' },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(values.baskets);
const ITEMS = Number(values.items);
const runs = Number(values.runs);

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const root = fileURLToPath(new URL('../.bench/', import.meta.url));
mkdirSync(root, { recursive: true });
const file = `${root}baskets-${N}-${ITEMS}.csv`;
if (!existsSync(file)) {
  const r = rng(42);
  // Zipf(1) by inverse CDF over the harmonic weights.
  const cum = [];
  let h = 0;
  for (let i = 1; i <= ITEMS; i++) cum.push((h += 1 / i));
  const pick = () => {
    const x = r() * h;
    let lo = 0;
    let hi = ITEMS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const poisson = (lambda) => {
    let k = 0;
    let p = Math.exp(-lambda);
    let s = p;
    const u = r();
    while (u > s) {
      k++;
      p *= lambda / k;
      s += p;
    }
    return k;
  };
  const lines = [];
  for (let b = 0; b < N; b++) {
    const size = 1 + poisson(3);
    const items = new Set();
    while (items.size < size) items.add(pick());
    // Planted affinities: item 2k pulls 2k+1 (k < 50) with probability 0.5.
    for (const i of [...items]) if (i < 100 && i % 2 === 0 && r() < 0.5) items.add(i + 1);
    lines.push([...items].map((i) => `item${i}`).join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

const params = basketParams.parse({
  minSupport: Number(values['min-support']),
  minConfidence: 0.2,
});
const readTimes = [];
const fitTimes = [];
let res;
let data;
for (let i = 0; i < runs; i++) {
  let t0 = process.hrtime.bigint();
  data = readBasketFile(file, 'baskets');
  readTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  t0 = process.hrtime.bigint();
  res = fitBasket(data, params);
  fitTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const v = res.values;
console.log(
  `basket: ${v.transactions.toLocaleString('en-US')} baskets (${(statSync(file).size / 1e6).toFixed(1)} MB), ${v.items} items, ` +
    `${data.transactions.items.length.toLocaleString('en-US')} item occurrences`,
);
console.log(
  `  min support ${params.minSupport} (≥ ${v.minCount} baskets): ${v.frequentItemsets} frequent itemsets, ${v.rules.length} rules`,
);
console.log(
  `  read ${(median(readTimes) / 1000).toFixed(2)} s, FP-growth + rules ${(median(fitTimes) / 1000).toFixed(2)} s (median of ${runs}); peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
);
