import { describe, expect, it } from 'vitest';
import { Random } from '../random.js';
import { BasketBuilder } from './basket-builder.js';
import { LinePool } from './demand-model.js';

/** A pool of n lines over `skus` SKUs, quantity 1 or 2. */
function pool(rng: Random, n: number, skus: number): LinePool {
  const p = new LinePool(8);
  for (let i = 0; i < n; i++) p.push(rng.int(0, skus - 1), rng.chance(0.8) ? 1 : 2);
  return p;
}

describe('basket builder', () => {
  it('members get their target value on average (randomized rounding)', () => {
    const rng = new Random(9, 'baskets');
    const builder = new BasketBuilder([]);
    const price = (s: number) => 500 + 350 * s; // 5 € to ~40 €
    let target = 0;
    let got = 0;
    for (let i = 0; i < 3000; i++) {
      const p = pool(rng, 60, 12);
      builder.shuffle(p, rng);
      const t = rng.int(3000, 15000);
      const res = builder.claim(p, t, price, () => -1, rng);
      target += t;
      got += res.valueCents;
      let value = 0;
      for (let k = 0; k < builder.basket.n; k++)
        value += builder.basket.qty[k]! * price(builder.basket.sku[k]!);
      expect(value).toBe(res.valueCents);
    }
    expect(Math.abs(got / target - 1)).toBeLessThan(0.01);
  });

  it('packs every unclaimed line exactly once and keeps designed pairs together', () => {
    const rng = new Random(2, 'baskets');
    const builder = new BasketBuilder([{ a: 0, b: 1, attach: 1 }]);
    const p = pool(rng, 400, 10);
    builder.shuffle(p, rng);
    builder.claim(
      p,
      4000,
      () => 1000,
      () => -1,
      rng,
    );
    const unclaimed = new Map<number, number>();
    for (let k = 0; k < p.n; k++) {
      if (!p.used[k]) unclaimed.set(p.sku[k]!, (unclaimed.get(p.sku[k]!) ?? 0) + p.qty[k]!);
    }
    const packed = new Map<number, number>();
    let withA = 0;
    let withBoth = 0;
    builder.packGuests(p, 1.8, rng, (b) => {
      let a = false;
      let bb = false;
      for (let k = 0; k < b.n; k++) {
        packed.set(b.sku[k]!, (packed.get(b.sku[k]!) ?? 0) + b.qty[k]!);
        if (b.sku[k] === 0) a = true;
        if (b.sku[k] === 1) bb = true;
      }
      if (a) withA++;
      if (a && bb) withBoth++;
    });
    expect(packed).toEqual(unclaimed);
    // attach = 1: every basket with A gets a B while unmatched B lines remain (~40 of each here).
    expect(withBoth / withA).toBeGreaterThan(0.8);
  });
});
