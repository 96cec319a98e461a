import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { generateDemo } from '../../src/demo/demo-generator.js';
import { TABLES } from '../../src/model/tables.js';
import { parseIsoDate } from '../../src/time/civil-date.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { TEST_TODAY } from '../global-setup.js';

const scratch = mkdtempSync(join(tmpdir(), 'vitrine-determinism-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Row count and an order-independent checksum of every table (xor of row hashes). */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const ws = await openWorkspace(dir, { readOnly: true });
  try {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const res = await ws.engine.run(
        `SELECT count(*) AS n, coalesce(bit_xor(hash(t)), 0)::VARCHAR AS h FROM "${t.name}" t`,
      );
      const row = res.rows[0];
      out[t.name] = `${String(row?.['n'])}:${String(row?.['h'])}`;
    }
    return out;
  } finally {
    await ws.close();
  }
}

describe('demo determinism', () => {
  it('gives identical data for the same seed and different data for another seed', async () => {
    const first = await fingerprint(inject('smallDemoDir'));
    const sameDir = join(scratch, 'same');
    await generateDemo(sameDir, { scale: 'small', seed: 7, today: parseIsoDate(TEST_TODAY) });
    expect(await fingerprint(sameDir)).toEqual(first);

    const otherDir = join(scratch, 'other');
    await generateDemo(otherDir, { scale: 'small', seed: 8, today: parseIsoDate(TEST_TODAY) });
    const other = await fingerprint(otherDir);
    const differing = Object.keys(first).filter((t) => other[t] !== first[t]);
    // Every table drawn at random must differ; a few reference tables may legitimately not.
    expect(differing).toContain('orders');
    expect(differing).toContain('order_lines');
    expect(differing).toContain('sessions');
    expect(differing).toContain('inventory_snapshots');
    // Two more small demos: minutes on a loaded 2-core machine.
  }, 600_000);
});
