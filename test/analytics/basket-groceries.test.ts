/**
 * Basket rules on the Groceries data set (arules; 9,835 baskets, 169 items) against the results
 * published by Brett Lantz, "Machine Learning with R" (Packt, 2nd ed. 2015, ch. 8 "Finding
 * Patterns – Market Basket Analysis Using Association Rules"):
 *   apriori(groceries, parameter = list(support = 0.006, confidence = 0.25, minlen = 2))
 *   → "set of 463 rules"; rule length distribution 2: 150, 3: 297, 4: 16; support from 0.006101
 *   to 0.074835, confidence up to 0.6600, lift from 0.9932 to 3.9565; the first rules
 *   {potted plants} ⇒ {whole milk} 0.006914082 / 0.4000000 / 1.565460 and
 *   {herbs} ⇒ {root vegetables} 0.007015760 / 0.4312500 / 3.956477 (count 69); sorted by lift the
 *   top five start {herbs} ⇒ {root vegetables}, {berries} ⇒ {whipped/sour cream} (lift 3.796886)…
 * The same figures appear in every reproduction of the chapter (e.g. its arules output quoted in
 * public course notebooks); this file's item label is "pot plants", the book's "potted plants".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BasketValues } from '../../src/analytics/basket/basket-model.js';
import {
  basketParams,
  fitBasket,
  readBasketFile,
} from '../../src/analytics/basket/basket-model.js';

const GROCERIES = fileURLToPath(new URL('../../../shared/datasets/groceries.csv', import.meta.url));

describe('basket on Groceries (Lantz, Machine Learning with R, ch. 8)', () => {
  const data = readBasketFile(GROCERIES, 'baskets');
  const params = basketParams.parse({ minSupport: 0.006, minConfidence: 0.25, minLen: 2 });
  const v: BasketValues = fitBasket(data, params).values;
  const rule = (lhs: string[], rhs: string) =>
    v.rules.find((r) => r.lhs.join('|') === [...lhs].sort().join('|') && r.rhs.join() === rhs);

  it('reads 9,835 baskets over 169 items', () => {
    expect(v.transactions).toBe(9835);
    expect(v.items).toBe(169);
    // support ≥ 0.006 of 9,835 baskets = 59.01 → at least 60 baskets.
    expect(v.minCount).toBe(60);
  });

  it('finds the 463 rules, 150 / 297 / 16 of 2 / 3 / 4 items', () => {
    expect(v.rules).toHaveLength(463);
    const sizes = [2, 3, 4].map((k) => v.rules.filter((r) => r.lhs.length + 1 === k).length);
    expect(sizes).toEqual([150, 297, 16]);
  });

  it('matches the published quality ranges', () => {
    const s = v.rules.map((r) => r.support);
    const c = v.rules.map((r) => r.confidence);
    const l = v.rules.map((r) => r.lift);
    expect(Math.min(...s)).toBeCloseTo(0.006101, 6);
    expect(Math.max(...s)).toBeCloseTo(0.074835, 6);
    expect(Math.min(...c)).toBeCloseTo(0.25, 4);
    expect(Math.max(...c)).toBeCloseTo(0.66, 4);
    expect(Math.min(...l)).toBeCloseTo(0.9932, 4);
    expect(Math.max(...l)).toBeCloseTo(3.9565, 4);
  });

  it('matches the published rules to the printed digits', () => {
    expect(rule(['pot plants'], 'whole milk')).toMatchObject({ count: 68 });
    expect(rule(['pot plants'], 'whole milk')?.support).toBeCloseTo(0.006914082, 9);
    expect(rule(['pot plants'], 'whole milk')?.confidence).toBeCloseTo(0.4, 9);
    expect(rule(['pot plants'], 'whole milk')?.lift).toBeCloseTo(1.56546, 6);
    expect(rule(['pasta'], 'whole milk')?.confidence).toBeCloseTo(0.4054054, 7);
    const herbs = rule(['herbs'], 'root vegetables');
    expect(herbs).toMatchObject({ count: 69 });
    expect(herbs?.support).toBeCloseTo(0.00701576, 8);
    expect(herbs?.confidence).toBeCloseTo(0.43125, 9);
    expect(herbs?.lift).toBeCloseTo(3.956477, 6);
    expect(rule(['butter', 'whipped/sour cream'], 'whole milk')?.confidence).toBeCloseTo(0.66, 9);
  });

  it('ranks the top five by lift as published', () => {
    const top = v.rules.slice(0, 5).map((r) => `${r.lhs.join(',')} => ${r.rhs.join(',')}`);
    expect(top).toEqual([
      'herbs => root vegetables',
      'berries => whipped/sour cream',
      'other vegetables,tropical fruit,whole milk => root vegetables',
      'beef,other vegetables => root vegetables',
      'other vegetables,tropical fruit => pip fruit',
    ]);
    expect(v.rules[1]?.lift).toBeCloseTo(3.796886, 6);
    expect(v.rules[4]?.lift).toBeCloseTo(3.482649, 6);
  });
});

describe('basket on bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-basket-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('empty files and a mistaken format are clear errors', () => {
    expect(() => readBasketFile(file('empty.csv', ''), 'baskets')).toThrow(
      /empty.*one basket per line/,
    );
    expect(() => readBasketFile(file('blank.csv', '\n\n'), 'baskets')).toThrow(/empty/);
    expect(() => readBasketFile(file('long.csv', 'basket_id,item\n1,a\n'), 'baskets')).toThrow(
      /--input-format long/,
    );
    expect(() => readBasketFile(file('cols.csv', 'order,sku\n1,a\n'), 'long')).toThrow(
      /missing column\(s\) basket_id, item/,
    );
  });

  it('no rule above the thresholds is a diagnostic, not an error', () => {
    const data = readBasketFile(file('few.csv', 'a,b\nc\nd\n'), 'baskets');
    const res = fitBasket(data, basketParams.parse({ minSupport: 0.5 }));
    expect(res.values.rules).toEqual([]);
    const codes = res.diagnostics.warnings.map((w) => w.code);
    expect(codes).toContain('NO_RULES');
    expect(codes).toContain('THIN_DATA');
  });
});
