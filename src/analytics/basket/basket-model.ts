/**
 * Basket affinity: association rules between products, subcategories or categories.
 * Workspace: a basket is an order (valid orders only: the fact's `valid_order` filter), items
 * are the order's lines at the chosen level. File: one basket per line (items separated by
 * commas) or `basket_id,item` rows.
 */
import { z } from 'zod';
import { VitrineError } from '../../util/errors.js';
import { cell, readCsv, readLines, parseCsvLine } from '../io/csv-input.js';
import { readFactRows, str } from '../io/fact-query.js';
import type { Diagnostic, Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay, topRows } from '../model-params.js';
import type { AssociationRule, RuleOrder } from './association-rules.js';
import { boundedAssociationRules, sortRules } from './association-rules.js';
import { fpGrowth } from './fp-growth.js';
import type { TransactionSet } from './transactions.js';
import { TransactionBuilder, transactionCount } from './transactions.js';

const LEVEL_COLUMN = {
  product: 'products.sku',
  subcategory: 'products.subcategory',
  category: 'products.category',
} as const;

// Bounds keep one request from exhausting the server: below 1 basket in 10,000 and beyond 10
// items or 5 consequents the itemsets and rules grow combinatorially (mining is also capped).
export const basketParams = z.object({
  // Defaults for a retail range: with hundreds of SKUs a pair bought together is in well under
  // 1 % of baskets (the demo's designed pairs: 0.3–1.4 %), so 1 % found no rule; 1 basket in
  // 1,000 and a 10 % confidence find them, ranked first by lift, without the noise of rarer sets.
  minSupport: z.coerce
    .number()
    .min(0.0001)
    .max(1)
    .default(0.001)
    .meta({ arg: 'x', description: 'minimum share of baskets containing an itemset' }),
  minConfidence: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .meta({ arg: 'x', description: 'minimum confidence of a rule' }),
  minLen: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .meta({ arg: 'n', description: 'minimum items in a rule, left and right together' }),
  maxLen: z.coerce
    .number()
    .int()
    .min(2)
    .max(10)
    .default(10)
    .meta({ arg: 'n', description: 'maximum items in a rule' }),
  maxRhs: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .meta({ arg: 'n', description: 'maximum items on the right side (1 as arules)' }),
  level: z
    .enum(['product', 'subcategory', 'category'])
    .default('product')
    .meta({ arg: 'level', description: 'workspace: product, subcategory or category' }),
  inputFormat: z.enum(['baskets', 'long']).default('baskets').meta({
    arg: 'format',
    description: 'baskets (one basket per line) or long (basket_id,item)',
  }),
  sort: z
    .enum(['lift', 'confidence', 'support', 'count', 'leverage'])
    .default('lift')
    .meta({ arg: 'measure', description: 'lift, confidence, support, count or leverage' }),
  top: topRows(20).meta({ arg: 'n', description: 'rules shown in the summary' }),
  from: isoDay
    .optional()
    .meta({ arg: 'date', description: 'workspace: first order day (YYYY-MM-DD)' }),
  to: isoDay
    .optional()
    .meta({ arg: 'date', description: 'workspace: last order day (YYYY-MM-DD)' }),
});
export type BasketParams = z.infer<typeof basketParams>;

/**
 * Work caps: a frequent itemset costs about 100 bytes and a rule about 300 in the heap, so these
 * keep a basket run under ~150 MB whatever the thresholds (the uncapped run of a 0.00001 support
 * grew past 4.8 GB).
 */
export const MAX_ITEMSETS = 500_000;
export const MAX_RULES = 250_000;
/** Splits of itemsets into left and right sides examined (a 10-item set has 637 with 5 on the right). */
export const MAX_RULE_CANDIDATES = 5_000_000;

export interface BasketData {
  readonly transactions: TransactionSet;
  /** Item level of a workspace read; null for a file (items are what the file names). */
  readonly level: BasketParams['level'] | null;
  /** Product names by SKU at the product level of a workspace, so rules read as products. */
  readonly itemNames?: ReadonlyMap<string, string>;
  readonly source: string;
  readonly readWarnings: readonly Diagnostic[];
}

export interface BasketValues {
  readonly rules: AssociationRule[];
  readonly level: BasketParams['level'] | null;
  readonly transactions: number;
  readonly items: number;
  /** Baskets an itemset must appear in: ceil(minSupport × transactions). */
  readonly minCount: number;
  readonly frequentItemsets: number;
  /** Names of the items in the rules (product level of a workspace), else null. */
  readonly itemNames: Record<string, string> | null;
}

/** Reads `--input-format baskets` (one basket per line) or `long` (basket_id,item rows). */
export function readBasketFile(path: string, format: 'baskets' | 'long'): BasketData {
  const builder = new TransactionBuilder();
  const warnings: Diagnostic[] = [];
  if (format === 'long') {
    const table = readCsv(path, ['basket_id', 'item'], 'basket --input-format long');
    const byBasket = new Map<string, string[]>();
    for (const row of table.rows) {
      const basket = cell(table, row, 'basket_id');
      const item = cell(table, row, 'item');
      if (basket === '' || item === '') {
        throw new VitrineError(
          'INPUT_VALUE',
          `${path}:${row.line}: basket_id and item must both be filled`,
        );
      }
      let list = byBasket.get(basket);
      if (!list) byBasket.set(basket, (list = []));
      list.push(item);
    }
    for (const items of byBasket.values()) builder.add(items);
  } else {
    const lines = readLines(path);
    if (lines.length === 0 || lines.every((l) => l.trim() === '')) {
      throw new VitrineError(
        'INPUT_EMPTY',
        `${path}: the file is empty; basket --input-format baskets expects one basket per line, items separated by commas`,
      );
    }
    const first = parseCsvLine(lines[0] as string).map((s) => s.trim().toLowerCase());
    if (first.length === 2 && first[0] === 'basket_id' && first[1] === 'item') {
      throw new VitrineError(
        'INPUT_COLUMNS',
        `${path}: the first line is the header "basket_id,item" of the long format; run with --input-format long`,
      );
    }
    for (const line of lines) {
      if (line.trim() === '') continue;
      builder.add(
        parseCsvLine(line)
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      );
    }
  }
  const transactions = builder.build();
  if (transactionCount(transactions) === 0) {
    throw new VitrineError('INPUT_EMPTY', `${path}: no basket found`);
  }
  return { transactions, level: null, source: path, readWarnings: warnings };
}

async function readBasketWorkspace(
  source: WorkspaceSource,
  params: BasketParams,
): Promise<BasketData> {
  const rows = await readFactRows(source, {
    fact: 'sales_lines',
    columns: { basket: 'order_lines.order_id', item: LEVEL_COLUMN[params.level] },
    filters: ['valid_order'],
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
    orderBy: ['basket'],
  });
  const builder = new TransactionBuilder();
  let current: string | null = null;
  let items: string[] = [];
  let missing = 0;
  for (const r of rows) {
    const basket = str(r['basket']);
    const item = str(r['item']);
    if (basket !== current) {
      if (current !== null) builder.add(items);
      current = basket;
      items = [];
    }
    if (item === null || item === '') missing++;
    else items.push(item);
  }
  if (current !== null) builder.add(items);
  const names =
    params.level === 'product'
      ? (await source.engine.run('SELECT sku, name FROM products')).rows
      : [];
  const warnings: Diagnostic[] = [];
  if (missing > 0) {
    warnings.push({
      code: 'MISSING_ITEM',
      message: `${missing} order line(s) have no ${params.level} and were left out of their baskets`,
    });
  }
  return {
    transactions: builder.build(),
    level: params.level,
    ...(params.level === 'product'
      ? { itemNames: new Map(names.map((r) => [String(r['sku']), String(r['name'])])) }
      : {}),
    source: `workspace (${rows.length} order lines)`,
    readWarnings: warnings,
  };
}

export function fitBasket(data: BasketData, params: BasketParams): ModelResult<BasketValues> {
  const d = new DiagnosticsBuilder();
  for (const w of data.readWarnings) d.warn(w.code, w.message);
  const t = data.transactions;
  const n = transactionCount(t);
  // Inclusive threshold on the relative support, as arules: support ≥ minSupport.
  const minCount = Math.max(1, Math.ceil(params.minSupport * n - 1e-9));
  d.assume('items repeated within a basket count once (presence, not quantity)');
  d.assume(
    `an itemset is frequent when it is in at least ${minCount} of ${n} baskets (support ≥ ${params.minSupport})`,
  );
  d.assume(
    `rules have a non-empty left side and at most ${params.maxRhs} item(s) on the right${params.maxRhs === 1 ? ' (as arules)' : ''}; measures are computed on all baskets, single-item ones included`,
  );
  if (params.minLen < 2) {
    d.warn('MIN_LEN', '--min-len below 2 would allow rules with an empty left side; 2 is used');
  }
  if (params.maxLen < params.minLen) {
    d.warn('NO_RULES', `--max-len ${params.maxLen} is below --min-len ${params.minLen}`);
  }
  if (n < 100) {
    d.warn('THIN_DATA', `only ${n} baskets: supports and lifts are very uncertain`);
  }
  const mined = fpGrowth(t, { minCount, maxLength: params.maxLen, maxItemsets: MAX_ITEMSETS });
  if (mined.truncated) {
    d.warn(
      'TRUNCATED',
      `more than ${mined.itemsets.length} frequent itemsets: mining stopped; raise --min-support or lower --max-len`,
    );
  }
  const generated = boundedAssociationRules(
    mined.itemsets,
    t.itemNames,
    {
      transactions: n,
      minConfidence: params.minConfidence,
      minLength: params.minLen,
      maxLength: params.maxLen,
      maxRhs: params.maxRhs,
    },
    { maxRules: MAX_RULES, maxCandidates: MAX_RULE_CANDIDATES },
  );
  const rules = sortRules(generated.rules, params.sort as RuleOrder);
  if (generated.stopped) {
    d.warn(
      'TRUNCATED',
      `rule generation stopped after ${generated.stopped === 'rules' ? `${MAX_RULES.toLocaleString('en-US')} rules` : `${MAX_RULE_CANDIDATES.toLocaleString('en-US')} candidate rules examined`} (the rules kept are the first found, not the best); raise --min-support or --min-confidence, or lower --max-len or --max-rhs`,
    );
  }
  if (rules.length === 0) {
    d.warn(
      'NO_RULES',
      'no rule meets the thresholds; lower --min-support or --min-confidence to see weaker associations',
    );
  }
  return {
    values: {
      rules,
      level: data.level,
      transactions: n,
      items: t.itemNames.length,
      minCount,
      frequentItemsets: mined.itemsets.length,
      itemNames: namesOfRuleItems(rules, data.itemNames),
    },
    diagnostics: d.build(),
  };
}

function namesOfRuleItems(
  rules: readonly AssociationRule[],
  names: ReadonlyMap<string, string> | undefined,
): Record<string, string> | null {
  if (!names) return null;
  const out: Record<string, string> = {};
  for (const r of rules) {
    for (const item of [...r.lhs, ...r.rhs]) {
      const name = names.get(item);
      if (name !== undefined) out[item] = name;
    }
  }
  return out;
}

function summarizeBasket(result: ModelResult<BasketValues>, params: BasketParams): string {
  const v = result.values;
  const lines = [
    `Basket affinity (${v.level ? `${v.level} level` : 'items of the file'}): ${fmt(v.transactions, 0)} baskets, ${fmt(v.items, 0)} items`,
    `${fmt(v.frequentItemsets, 0)} frequent itemsets (in ≥ ${v.minCount} baskets), ${fmt(v.rules.length, 0)} rules with confidence ≥ ${pct(params.minConfidence, 0)}`,
    '',
  ];
  const top = v.rules.slice(0, params.top);
  if (top.length > 0) {
    lines.push(`Top ${top.length} rules by ${params.sort}:`);
    // A SKU reads with its product name beside it: codes alone mean nothing to a buyer.
    const label = (item: string) => {
      const name = v.itemNames?.[item];
      return name ? `${item} ${name}` : item;
    };
    const labels = top.map(
      (r) => `{${r.lhs.map(label).join(', ')}} ⇒ {${r.rhs.map(label).join(', ')}}`,
    );
    const w = Math.min(90, Math.max(...labels.map((l) => l.length)));
    lines.push(
      `  ${'rule'.padEnd(w)}  ${'support'.padStart(8)}  ${'conf.'.padStart(7)}  ${'lift'.padStart(6)}  ${'count'.padStart(7)}`,
    );
    top.forEach((r, i) => {
      lines.push(
        `  ${(labels[i] as string).padEnd(w)}  ${r.support.toFixed(4).padStart(8)}  ${r.confidence.toFixed(3).padStart(7)}  ${r.lift.toFixed(2).padStart(6)}  ${String(r.count).padStart(7)}`,
      );
    });
    lines.push('');
  }
  lines.push(diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const basketModel: Model<BasketParams, BasketData, BasketValues> = {
  name: 'basket',
  description:
    'association rules (FP-growth) between products, subcategories or categories: support, confidence, lift, leverage, conviction, count',
  params: basketParams,
  needs: [
    {
      fact: 'sales_lines',
      filters: ['valid_order'],
      reads: 'order_lines.order_id (the basket) and products.sku / subcategory / category',
    },
  ],
  fromWorkspace: readBasketWorkspace,
  fromFile: (path, params) => readBasketFile(path, params.inputFormat),
  fit: fitBasket,
  summarize: summarizeBasket,
};
