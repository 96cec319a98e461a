import { describe, expect, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runKpiExamples } from '../../src/semantic/examples/kpi-example-runner.js';

describe('the examples of the shipped dictionary', () => {
  it('every example computes its hand-computed value', async () => {
    const outcomes = await runKpiExamples(loadDictionary());
    expect(outcomes.length).toBeGreaterThan(0);
    const failures = outcomes
      .filter((o) => !o.passed)
      .map(
        (o) =>
          `${o.kpi} / ${o.example}: expected ${o.expected}, got ${o.actual}${o.error ? ` (${o.error})` : ''}`,
      );
    expect(failures).toEqual([]);
  });
});
