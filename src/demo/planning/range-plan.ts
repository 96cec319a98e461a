import type { DemoContext, DemoProduct } from '../demo-context.js';

/**
 * The target range of catalogue coverage: the bed, window, cushion and table sizes customers ask
 * for. A known share of the keys is covered by at least one product still sold on the last day;
 * some other keys were covered only by products since discontinued (coverage lost).
 */
export const RANGE = {
  keys: [
    ['LIT-90x190', 'Lit simple 90 × 190 cm'],
    ['LIT-140x190', 'Lit double 140 × 190 cm'],
    ['LIT-140x200', 'Lit double 140 × 200 cm'],
    ['LIT-160x200', 'Lit queen 160 × 200 cm'],
    ['LIT-180x200', 'Lit king 180 × 200 cm'],
    ['LIT-200x200', 'Lit 200 × 200 cm'],
    ['RIDEAU-140x240', 'Rideau 140 × 240 cm'],
    ['RIDEAU-140x260', 'Rideau 140 × 260 cm'],
    ['RIDEAU-140x280', 'Rideau 140 × 280 cm'],
    ['RIDEAU-200x260', 'Voilage 200 × 260 cm'],
    ['COUSSIN-30x50', 'Coussin 30 × 50 cm'],
    ['COUSSIN-40x40', 'Coussin 40 × 40 cm'],
    ['COUSSIN-45x45', 'Coussin 45 × 45 cm'],
    ['COUSSIN-50x50', 'Coussin 50 × 50 cm'],
    ['COUSSIN-60x60', 'Coussin 60 × 60 cm'],
    ['NAPPE-150x150', 'Nappe carrée 150 × 150 cm'],
    ['NAPPE-150x250', 'Nappe rectangulaire 150 × 250 cm'],
    ['NAPPE-150x300', 'Nappe rectangulaire 150 × 300 cm'],
    ['NAPPE-D180', 'Nappe ronde Ø 180 cm'],
    ['TAPIS-120x170', 'Tapis 120 × 170 cm'],
    ['TAPIS-160x230', 'Tapis 160 × 230 cm'],
    ['TAPIS-200x290', 'Tapis 200 × 290 cm'],
    ['PLAID-130x170', 'Plaid 130 × 170 cm'],
    ['PLAID-150x200', 'Plaid 150 × 200 cm'],
  ] as const,
  /** Share of keys covered by a product sold on the last day. */
  coverageShare: 0.75,
  /** Share of the other keys that only discontinued products fit (coverage lost). */
  lostShare: 0.4,
  /** Products fitting a covered key: 1 + Poisson(extraFitMean), some of them may be discontinued. */
  extraFitMean: 1.5,
  /** Categories whose products fit sizes; other categories are used only when none exists. */
  categories: ['Linge de maison', 'Textile', 'Literie'],
};

export function writeRange(ctx: DemoContext): Record<string, unknown> {
  const rng = ctx.rng('planning/range');
  const sold = (p: DemoProduct) =>
    p.launchedOn <= ctx.endDay && (p.discontinuedOn === null || p.discontinuedOn > ctx.endDay);
  const fitting = ctx.products.filter((p) => RANGE.categories.includes(p.category));
  const pool = fitting.length > 0 ? fitting : ctx.products;
  const active = pool.filter(sold);
  const gone = pool.filter((p) => !sold(p));
  if (active.length === 0)
    throw new Error('planning part: no product on sale to cover the target range');
  const keys = RANGE.keys.map(([k]) => k);
  const order = rng.shuffle([...keys]);
  const coveredCount = Math.round(RANGE.coverageShare * keys.length);
  const covered = new Set(order.slice(0, coveredCount));
  const lost = new Set(
    gone.length > 0 ? order.slice(coveredCount).filter(() => rng.chance(RANGE.lostShare)) : [],
  );
  for (const [key, description] of RANGE.keys) ctx.out.row('range_targets', [key, description]);
  let fitments = 0;
  for (const key of keys) {
    const fits = new Set<string>();
    if (covered.has(key)) {
      fits.add(rng.pick(active).sku);
      const extra = rng.poisson(RANGE.extraFitMean);
      for (let i = 0; i < extra; i++) fits.add(rng.pick(pool).sku);
    } else if (lost.has(key)) {
      const n = 1 + rng.poisson(0.5);
      for (let i = 0; i < n; i++) fits.add(rng.pick(gone).sku);
    }
    for (const sku of [...fits].sort()) {
      ctx.out.row('product_fitments', [sku, key]);
      fitments++;
    }
  }
  return {
    rule: 'covered keys have at least one fitting product on sale on the last day (launched_on ≤ end and discontinued_on empty or after the end); lost keys are fitted only by discontinued products; the rest have no fitting product',
    keys: keys.length,
    coveredKeys: covered.size,
    lostKeys: lost.size,
    coverageShare: RANGE.coverageShare,
    coverageRule: 'covered keys = round(coverageShare × keys)',
    coverageShareIncludingDiscontinued: (covered.size + lost.size) / keys.length,
    fitments,
    categories: fitting.length > 0 ? RANGE.categories : 'all (no product in the listed categories)',
  };
}
