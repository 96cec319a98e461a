import { describe, expect, it } from 'vitest';
import { associationRules } from './association-rules.js';
import { fpGrowth } from './fp-growth.js';
import { TransactionBuilder } from './transactions.js';

function build(baskets: string[][]) {
  const b = new TransactionBuilder();
  for (const x of baskets) b.add(x);
  return b.build();
}

const FIVE = [
  ['a', 'b', 'c'],
  ['a', 'b'],
  ['a', 'c'],
  ['b', 'c'],
  ['a', 'a'],
];

describe('FP-growth', () => {
  it('counts itemsets of five hand-made baskets', () => {
    // a is in baskets 1, 2, 3, 5 (the repeat in 5 counts once) → 4; b: 1, 2, 4 → 3; c: 1, 3, 4
    // → 3; ab: 1, 2; ac: 1, 3; bc: 1, 4 → 2 each; abc: basket 1 only → 1 (< 2, not frequent).
    const t = build(FIVE);
    const res = fpGrowth(t, { minCount: 2, maxLength: 10 });
    const got = Object.fromEntries(
      res.itemsets.map((s) => [s.items.map((i) => t.itemNames[i]).join(''), s.count]),
    );
    expect(got).toEqual({ a: 4, b: 3, c: 3, ab: 2, ac: 2, bc: 2 });
    expect(fpGrowth(t, { minCount: 1, maxLength: 10 }).itemsets).toHaveLength(7);
    expect(fpGrowth(t, { minCount: 1, maxLength: 2 }).itemsets).toHaveLength(6);
  });

  it('agrees with brute-force counting on 400 random baskets', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const items = 'abcdefghijkl'.split('');
    const baskets: string[][] = [];
    for (let i = 0; i < 400; i++) {
      const size = 1 + Math.floor(rand() * 6);
      // Skewed popularity so that itemsets of 3–4 items are frequent.
      baskets.push(
        Array.from({ length: size }, () => items[Math.floor(rand() ** 2 * 12)] as string),
      );
    }
    const brute = new Map<string, number>();
    for (const b of baskets) {
      const set = [...new Set(b)].sort();
      for (let mask = 1; mask < 1 << set.length; mask++) {
        const sub = set.filter((_, k) => mask & (1 << k));
        if (sub.length > 4) continue;
        brute.set(sub.join(''), (brute.get(sub.join('')) ?? 0) + 1);
      }
    }
    const t = build(baskets);
    const res = fpGrowth(t, { minCount: 8, maxLength: 4 });
    const got = new Map(
      res.itemsets.map((s) => [
        s.items
          .map((i) => t.itemNames[i])
          .sort()
          .join(''),
        s.count,
      ]),
    );
    const expected = new Map([...brute].filter(([, c]) => c >= 8));
    expect(expected.size).toBeGreaterThan(60);
    expect(new Map([...got].sort())).toEqual(new Map([...expected].sort()));
  });
});

describe('association rules', () => {
  it('computes support, confidence, lift, leverage and conviction by the book', () => {
    const t = build(FIVE);
    const res = fpGrowth(t, { minCount: 2, maxLength: 10 });
    const rules = associationRules(res.itemsets, t.itemNames, {
      transactions: 5,
      minConfidence: 0,
      minLength: 2,
      maxLength: 10,
      maxRhs: 1,
    });
    expect(rules).toHaveLength(6);
    const ab = rules.find((r) => r.lhs.join() === 'a' && r.rhs.join() === 'b');
    // supp = 2/5; conf = 2/4; lift = 0.5 / (3/5); leverage = 0.4 − 0.8·0.6; conviction = 0.4/0.5.
    expect(ab?.support).toBeCloseTo(0.4, 12);
    expect(ab?.confidence).toBeCloseTo(0.5, 12);
    expect(ab?.lift).toBeCloseTo(0.5 / 0.6, 12);
    expect(ab?.leverage).toBeCloseTo(-0.08, 12);
    expect(ab?.conviction).toBeCloseTo(0.8, 12);
    expect(ab?.count).toBe(2);
    const ba = rules.find((r) => r.lhs.join() === 'b' && r.rhs.join() === 'a');
    // conf = 2/3; conviction = (1 − 0.8)/(1 − 2/3) = 0.6.
    expect(ba?.confidence).toBeCloseTo(2 / 3, 12);
    expect(ba?.conviction).toBeCloseTo(0.6, 12);
    const strong = associationRules(res.itemsets, t.itemNames, {
      transactions: 5,
      minConfidence: 0.6,
      minLength: 2,
      maxLength: 10,
      maxRhs: 1,
    });
    expect(strong.map((r) => `${r.lhs.join()}>${r.rhs.join()}`).sort()).toEqual([
      'b>a',
      'b>c',
      'c>a',
      'c>b',
    ]);
  });

  it('gives a null conviction when confidence is 1, and multi-item right sides on request', () => {
    const t = build([['x', 'y'], ['x', 'y'], ['x'], ['x', 'y', 'z'], ['z', 'y']]);
    const res = fpGrowth(t, { minCount: 1, maxLength: 3 });
    const rules = associationRules(res.itemsets, t.itemNames, {
      transactions: 5,
      minConfidence: 0,
      minLength: 3,
      maxLength: 3,
      maxRhs: 2,
    });
    // Only {x, y, z} has 3 items: 3 rules with one item on the right, 3 with two.
    expect(rules).toHaveLength(6);
    const xz = rules.find((r) => r.lhs.join() === 'x,z');
    expect(xz).toMatchObject({ rhs: ['y'], confidence: 1, conviction: null });
    expect(rules.filter((r) => r.rhs.length === 2)).toHaveLength(3);
  });
});
