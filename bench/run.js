// `npm run bench`: benchmarks measured side by side in one run (the machine is shared and noisy:
// only ratios within a run mean something). Builds the large demo once into .bench/ (reused).
//   node bench/run.js [--scale large|medium|small] [--runs 5] [--only sales-pack|engines|ingest]
// The ingest benchmark (10 million generated order lines, no demo needed) runs last, or alone
// with --only ingest.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDemo } from '../dist/demo/demo-generator.js';
import { openWorkspace } from '../dist/workspace/workspace.js';
import { stderrProgress } from '../dist/cli/progress-renderer.js';
import { salesPackBench } from './sales-pack-bench.js';
import { enginesBench } from './engines-bench.js';
import { ingestBench } from './ingest-bench.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'large' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../.bench/', import.meta.url));
mkdirSync(root, { recursive: true });
const dir = `${root}${values.scale}-42`;
const demoNeeded = values.only !== 'ingest';
if (demoNeeded && !existsSync(`${dir}/vitrine.yaml`)) {
  const t0 = Date.now();
  const res = await generateDemo(dir, {
    scale: values.scale,
    seed: 42,
    progress: stderrProgress(),
  });
  const lines = res.rowCounts['order_lines'];
  console.log(
    `built the ${values.scale} demo in ${((Date.now() - t0) / 1000).toFixed(1)}s (${lines.toLocaleString('en-US')} order lines)`,
  );
}

if (demoNeeded) {
  const ws = await openWorkspace(dir, { readOnly: true });
  try {
    if (!values.only || values.only === 'sales-pack') await salesPackBench(ws, runs);
    // Optional: pushes the demo to PostgreSQL (and ClickHouse when configured) first; only on
    // request, as the push of the large demo takes minutes.
    if (values.only === 'engines') await enginesBench(ws, runs);
  } finally {
    await ws.close();
  }
}
if (!values.only || values.only === 'ingest') await ingestBench({ runs: Math.min(runs, 3) });
