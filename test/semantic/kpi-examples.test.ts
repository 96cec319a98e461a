import { describe, expect, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runKpiExamples } from '../../src/semantic/examples/kpi-example-runner.js';

const dictionary = loadDictionary();

// One test per area: each example builds its own in-memory database, and 200 of them in one test
// outlast a test timeout on a loaded machine; per area, a failure also names where to look.
describe('the examples of the shipped dictionary', () => {
  it('cover every area', () => {
    const withoutExamples = dictionary
      .areas()
      .filter((a) => !dictionary.list(a).some((e) => (e.def.examples ?? []).length > 0));
    expect(withoutExamples).toEqual([]);
  });

  it.each(dictionary.areas())(
    'every example of %s computes its hand-computed value',
    async (area) => {
      const ids = dictionary.list(area).map((e) => e.def.id);
      const outcomes = await runKpiExamples(dictionary, ids);
      expect(outcomes.length).toBeGreaterThan(0);
      const failures = outcomes
        .filter((o) => !o.passed)
        .map(
          (o) =>
            `${o.kpi} / ${o.example}: expected ${o.expected}, got ${o.actual}${o.error ? ` (${o.error})` : ''}`,
        );
      expect(failures).toEqual([]);
    },
    300_000,
  );
});
