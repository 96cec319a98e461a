import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../src/semantic/query/query-types.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/**
 * Filter values on the small demo, whose channels are CH-STORE, CH-WEB, CH-APP and CH-MKT-UK
 * (names "E-shop maisonvitrine.fr"…) and whose regions are French regions (no "Ouest").
 */
const dir = inject('smallDemoDir');
const dictionary = loadDictionary();
let ws: Workspace;
beforeAll(async () => {
  ws = await openWorkspace(dir, { readOnly: true });
});
afterAll(async () => ws.close());
const q = (req: Omit<QueryRequest, 'from' | 'to'>, scopes?: Record<string, string[]>) =>
  runQuery(
    { engine: ws.engine, dictionary, config: ws.config, ...(scopes ? { scopes } : {}) },
    { from: '2026-11-01', to: '2026-11-22', ...req },
  );

describe('filter values', () => {
  it('warns about a value that names no member, with the nearest first', async () => {
    const res = await q({ kpis: ['orders'], where: { channel: ['web'] } });
    expect(res.rows[0]?.values['orders']).toBe(0);
    expect(res.warnings).toHaveLength(1);
    expect(res.warnings[0]).toMatch(
      /^filter channel=web matches no channel in the data; did you mean CH-WEB \(E-shop maisonvitrine\.fr\), /,
    );
    const region = await q({ kpis: ['orders'], where: { region: ['Ouest'] } });
    expect(region.warnings[0]).toMatch(/^filter region=Ouest matches no region in the data/);
  });

  it('accepts a display name or another case for the id, without a warning', async () => {
    const byId = await q({ kpis: ['orders'], where: { channel: ['CH-WEB'] } });
    const byName = await q({ kpis: ['orders'], where: { channel: ['E-shop maisonvitrine.fr'] } });
    const byCase = await q({ kpis: ['orders'], where: { channel: ['ch-web'] } });
    const kind = await q({ kpis: ['orders'], where: { channel_kind: ['web'] } });
    const n = byId.rows[0]?.values['orders'];
    expect(n).toBeGreaterThan(0);
    // The web channel is the one channel of kind web.
    expect(kind.rows[0]?.values['orders']).toBe(n);
    for (const r of [byId, byName, byCase]) {
      expect(r.rows[0]?.values['orders']).toBe(n);
      expect(r.warnings).toEqual([]);
    }
  });

  it('suggests nothing to a scoped caller (members outside its scope stay unnamed)', async () => {
    const res = await q({ kpis: ['orders'], where: { channel: ['web'] } }, { channel: ['CH-WEB'] });
    expect(res.warnings).toEqual(['filter channel=web matches no channel in the data']);
  });

  it('says when the period lies outside the data instead of answering a silent 0', async () => {
    const res = await runQuery(
      { engine: ws.engine, dictionary, config: ws.config },
      { kpis: ['orders'], from: '2030-01-01', to: '2030-01-31' },
    );
    expect(res.rows[0]?.values['orders']).toBe(0);
    expect(
      res.warnings.some((w) =>
        /no data between 2030-01-01 and 2030-01-31; the orders data runs from \d{4}-\d{2}-\d{2} to 2026-11-2\d/.test(
          w,
        ),
      ),
    ).toBe(true);
    const inside = await q({ kpis: ['orders'] });
    expect(inside.warnings).toEqual([]);
  });
});
