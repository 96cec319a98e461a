import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEngineSuite } from './engine-suite.js';

/** The shared suite on chDB: a current ClickHouse (26.x) embedded in the test process. */
describeEngineSuite('chdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-chdb-'));
  return {
    url: `chdb:${join(dir, 'db')}`,
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
