/**
 * Basket affinity with its default thresholds on the small demo (issue 13, point 11): the pairs
 * the generator designed (ground-truth.json, basketAffinity) are found and ranked first, and
 * rules carry product names next to the SKUs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkspaceSource } from '../../src/analytics/analytic-model.js';
import { runModel } from '../../src/analytics/analytic-model.js';
import { basketModel } from '../../src/analytics/basket/basket-model.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const dir = inject('smallDemoDir');
const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as {
  basketAffinity: { pairs: { a: string; b: string; aName: string; bName: string }[] };
};
let ws: Workspace;
let source: WorkspaceSource;
beforeAll(async () => {
  ws = await openWorkspace(dir, { readOnly: true });
  source = { engine: ws.engine, config: ws.config, dir: ws.dir };
});
afterAll(async () => ws?.close());

describe('basket defaults on the demo', () => {
  it('find every designed pair, ranked first by lift, with product names', async () => {
    const { result, params } = await runModel(basketModel, { kind: 'workspace', source }, {});
    const pairs = truth.basketAffinity.pairs;
    // Each pair gives up to two rules (A ⇒ B, B ⇒ A): the designed pairs fill the top ranks.
    const top = result.values.rules.slice(0, 2 * pairs.length);
    for (const { a, b, aName, bName } of pairs) {
      const found = top.find(
        (r) => (r.lhs[0] === a && r.rhs[0] === b) || (r.lhs[0] === b && r.rhs[0] === a),
      );
      expect(found, `${a} ⇔ ${b}`).toBeDefined();
      expect(found?.lift).toBeGreaterThan(2);
      expect(result.values.itemNames?.[a]).toBe(aName);
      expect(result.values.itemNames?.[b]).toBe(bName);
    }
    const text = basketModel.summarize(result, params);
    const first = pairs[0]!;
    expect(text).toContain(`${first.a} ${first.aName}`);
    expect(text).toContain(`${first.b} ${first.bName}`);
  });

  it('categories are their own names: no name map', async () => {
    const { result } = await runModel(
      basketModel,
      { kind: 'workspace', source },
      { level: 'category', minSupport: 0.005 },
    );
    expect(result.values.itemNames).toBeNull();
  });
});
