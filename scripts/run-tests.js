// Runs the vitest suite and ends with the plain line CI reads: "N passed, N failed[, N skipped]".
// In CI (CI=true) a skipped test fails the run: suites that need a service must find it there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-results-'));
const out = join(dir, 'results.json');
const res = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const skippedNames = [];
try {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failed++;
      else {
        skipped++;
        skippedNames.push(t.fullName);
      }
    }
    // A file that failed to load has no assertions but must count as a failure.
    if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') failed++;
  }
} catch (e) {
  console.error(`could not read the test report: ${e.message}`);
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });

let code = res.status ?? 1;
if (failed > 0) code = 1;
if (process.env.CI === 'true' && skipped > 0) {
  console.error(`\nCI must run every suite; skipped here:\n  ${skippedNames.join('\n  ')}`);
  code = 1;
}
console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(code);
