import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEngineSuite } from './engine-suite.js';

// A fresh DuckDB file reached only through `vitrine push`: proves the push path end to end
// (the suite then compares it with the workspace's own database).
describeEngineSuite('duckdb (pushed)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-push-duck-'));
  return {
    url: `duckdb:${join(dir, 'pushed.duckdb')}`,
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
