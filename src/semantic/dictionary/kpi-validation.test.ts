import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DIMENSIONS } from '../facts/fact-catalogue.js';
import { KNOWN_RECIPES } from './computation-catalogue.js';
import type { Diagnostic } from './dictionary-loader.js';
import { checkDictionary } from './kpi-governance.js';
import { tablesReadBy } from './kpi-lineage.js';
import { loadDictionary } from './kpi-dictionary.js';
import { kpiDependencies, validateKpis } from './kpi-validation.js';

/**
 * The catalogue of shared/spec/KPIS.md is the contract; the test reads it rather than a copy so
 * that a KPI added to the spec fails here until the dictionary has it.
 */
const SPEC =
  process.env['VITRINE_KPI_SPEC'] ??
  fileURLToPath(new URL('../../../../shared/spec/KPIS.md', import.meta.url));

/** Ids in the first column of the tables of sections 1 to 11 (`a, b`, `x / _y / _z`). */
function specIds(markdown: string): string[] {
  const ids: string[] = [];
  let inScope = false;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\d+)\./.exec(line);
    if (line.startsWith('## ')) {
      inScope = heading !== null && Number(heading[1]) >= 1 && Number(heading[1]) <= 11;
      continue;
    }
    if (!inScope || !line.startsWith('|')) continue;
    const first = line.split('|')[1]?.trim() ?? '';
    if (first === 'id' || /^-+$/.test(first) || first === '') continue;
    const parts = first
      .split(/[,/]/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    // `margin_by_product / _category` shares the stem of the first id.
    const stem = (parts[0] ?? '').replace(/_[^_]+$/, '');
    for (const p of parts) ids.push(p.startsWith('_') ? `${stem}${p}` : p);
  }
  return ids;
}

const scratch = mkdtempSync(join(tmpdir(), 'vitrine-kpi-validation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FIRST = [{ version: 1, date: '2026-11-23', change: 'First definition.' }];
const RULES = {
  tax: 'excluded',
  shipping: 'excluded',
  cancellations: 'excluded',
  returns: 'not deducted',
  counts_on: 'local date of the order',
};

/** A KPI definition with every required field; `over` replaces any of them. */
function kpi(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: { en: id, fr: id },
    description: { en: `${id}.`, fr: `${id}.` },
    unit: 'currency',
    polarity: 'up',
    owner: 'finance',
    sources: ['POS'],
    additivity: 'additive',
    rules: RULES,
    formula: {
      measure: {
        fact: 'sales_lines',
        agg: 'sum',
        expr: 'order_lines.quantity * order_lines.unit_list_price * fact.fx',
        filter: 'valid_order',
      },
    },
    version: 1,
    status: 'active',
    changelog: FIRST,
    ...over,
  };
}

let dirs = 0;
/** A dictionary folder with one file holding these KPIs; returns its diagnostics. */
function validate(kpis: Array<Record<string, unknown>>): {
  diagnostics: Diagnostic[];
  file: string;
} {
  const dir = join(scratch, `d${dirs++}`);
  mkdirSync(dir);
  const file = join(dir, 'test.yaml');
  writeFileSync(file, stringify({ area: 'test', title: { en: 'Test', fr: 'Test' }, kpis }));
  const dict = loadDictionary({ shippedDir: dir });
  return { diagnostics: [...dict.diagnostics, ...validateKpis(dict)], file };
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);

describe('the shipped dictionary', () => {
  const { dictionary, diagnostics } = checkDictionary();

  it('validates with no error, its lock included', () => {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.kpi ?? ''} ${d.message}`)).toEqual([]);
  });

  it('has every KPI of sections 1 to 11 of the catalogue', () => {
    expect(
      existsSync(SPEC),
      `the KPI catalogue is expected at ${SPEC} (or $VITRINE_KPI_SPEC)`,
    ).toBe(true);
    const ids = specIds(readFileSync(SPEC, 'utf8'));
    // A parser that silently finds nothing would pass; the catalogue has well over 100 ids.
    expect(ids.length).toBeGreaterThan(100);
    expect(ids).toContain('margin_by_category');
    expect(ids).toContain('avg_session_duration');
    const missing = ids.filter((id) => !dictionary.has(id));
    expect(missing).toEqual([]);
    // Rows that name one id for two measures: the second is a KPI of its own.
    for (const id of ['packs_per_hour', 'aov_incl_tax', 'order_cycle_time_p90']) {
      expect(dictionary.has(id), id).toBe(true);
    }
  });

  it('spans the eleven areas, in French and English, all active', () => {
    expect(dictionary.areas().sort()).toEqual([
      'advanced',
      'catalogue',
      'customers',
      'finance',
      'fulfilment',
      'inventory',
      'margin',
      'marketing',
      'revenue',
      'sales',
      'service',
    ]);
    for (const e of dictionary.list()) {
      // Names may coincide (CSAT, GMROI); a description left untranslated may not.
      expect(e.def.description.fr, e.def.id).not.toBe(e.def.description.en);
      expect(e.def.status, e.def.id).toBe('active');
      // Versions start at 1; a fixed definition moves on with a changelog line (checked by the schema).
      expect(e.def.version, e.def.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('names ratio KPIs as ratios of sums, never averages of ratios', () => {
    for (const e of dictionary.list()) {
      const f = e.def.formula;
      if (e.def.unit === 'ratio' && 'measure' in f) {
        expect(['sum', 'count'], e.def.id).not.toContain(f.measure.agg);
      }
    }
  });

  it('knows which tables each KPI reads, through its components', () => {
    const reads = tablesReadBy(dictionary, 'gross_margin_rate');
    expect([...reads.keys()].sort()).toEqual(['order_lines', 'orders', 'returns']);
    expect(reads.get('returns')).toBe('refunds');
    // fx_rates is needed only for foreign currencies: never a blocker by itself.
    expect(tablesReadBy(dictionary, 'marketing_spend').has('fx_rates')).toBe(false);
    expect([...tablesReadBy(dictionary, 'new_customers').keys()]).toEqual(['orders']);
    expect(kpiDependencies(dictionary.get('revenue_leakage').def)).toContain('lost_sales');
  });

  it('uses only recipes and dimensions that exist', () => {
    const dims = new Set(DIMENSIONS.map((d) => d.id));
    expect(dims.has('page_before_contact')).toBe(true);
    const used = new Set(
      dictionary
        .list()
        .map((e) => e.def.formula)
        .filter((f) => 'recipe' in f)
        .map((f) => (f as { recipe: string }).recipe),
    );
    for (const r of used) expect(KNOWN_RECIPES.map((k) => k.name)).toContain(r);
  });
});

describe('semantic validation', () => {
  it('accepts a well-formed measure and derived KPI', () => {
    const { diagnostics } = validate([
      kpi('gross'),
      kpi('per_order', {
        unit: 'ratio',
        additivity: 'non_additive',
        formula: { expr: 'gross / gross' },
      }),
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('names the file, the line and the KPI of an unknown column, with the valid ones', () => {
    const { diagnostics, file } = validate([
      kpi('fine'),
      kpi('bad_column', {
        formula: { measure: { fact: 'sales_lines', agg: 'sum', expr: 'order_lines.qty' } },
      }),
    ]);
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0] as Diagnostic;
    expect(d).toMatchObject({
      code: 'EXPR_UNKNOWN_COLUMN',
      severity: 'error',
      file,
      kpi: 'bad_column',
    });
    expect(d.message).toMatch(/order_lines has no column "qty"; columns are: .*quantity/);
    // The line of the expr, inside the second KPI.
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[(d.line ?? 0) - 1]).toMatch(/expr: order_lines\.qty/);
  });

  it('checks facts, filters, time roles and that aggregations have an expr', () => {
    const { diagnostics } = validate([
      kpi('no_fact', { unit: 'count', formula: { measure: { fact: 'nope', agg: 'count' } } }),
      kpi('no_expr', { formula: { measure: { fact: 'sales_lines', agg: 'sum' } } }),
      kpi('bad_filter', {
        unit: 'count',
        formula: { measure: { fact: 'orders', agg: 'count', filter: 'valid_orders' } },
      }),
      kpi('bad_time', {
        unit: 'count',
        formula: { measure: { fact: 'orders', agg: 'count', time: 'delivered' } },
      }),
      kpi('unreachable', {
        formula: { measure: { fact: 'ad_spend', agg: 'sum', expr: 'orders.total' } },
      }),
      kpi('fanned', {
        formula: { measure: { fact: 'orders', agg: 'sum', expr: 'order_lines.quantity' } },
      }),
    ]);
    const byKpi = Object.fromEntries(diagnostics.map((d) => [d.kpi, d]));
    expect(byKpi['no_fact']?.code).toBe('UNKNOWN_FACT');
    expect(byKpi['no_fact']?.message).toMatch(/facts are: sales_lines, orders/);
    expect(byKpi['no_expr']?.code).toBe('MEASURE_NEEDS_EXPR');
    expect(byKpi['bad_filter']?.code).toBe('EXPR_BARE_NAME');
    expect(byKpi['bad_time']?.code).toBe('UNKNOWN_TIME_ROLE');
    expect(byKpi['unreachable']?.code).toBe('EXPR_UNREACHABLE');
    // Order lines multiply orders: a measure of the orders fact may not read them.
    expect(byKpi['fanned']?.code).toBe('FANOUT_MEASURE');
  });

  it('requires derived formulas to name existing KPIs, and suggests close ids', () => {
    const { diagnostics } = validate([
      kpi('gross_sales'),
      kpi('typo', { formula: { expr: 'gross_sale * 2' } }),
      kpi('column', { formula: { expr: 'orders.total' } }),
    ]);
    expect(codes(diagnostics).sort()).toEqual(['DERIVED_COLUMN', 'UNKNOWN_KPI']);
    const typo = diagnostics.find((d) => d.kpi === 'typo');
    expect(typo?.message).toMatch(/"gross_sale", which is not a KPI; did you mean gross_sales/);
  });

  it('reports a cycle once, with its path', () => {
    const { diagnostics } = validate([
      kpi('a', { formula: { expr: 'b + 1' }, additivity: 'non_additive' }),
      kpi('b', { formula: { expr: 'c' } }),
      kpi('c', { formula: { recipe: 'breakdown', params: { kpi: 'a', by: 'channel' } } }),
    ]);
    const cycles = diagnostics.filter((d) => d.code === 'KPI_CYCLE');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toMatch(/cycle: a → b → c → a/);
  });

  it('knows recipes and models, and checks their parameters', () => {
    const { diagnostics } = validate([
      kpi('base'),
      kpi('r1', { formula: { recipe: 'magic' } }),
      kpi('r2', { formula: { recipe: 'breakdown', params: { kpi: 'nope', by: 'planet' } } }),
      kpi('r3', { formula: { recipe: 'customers_with_orders' } }),
      kpi('r4', { formula: { recipe: 'customers_with_orders', params: { min_orders: 1.5 } } }),
      kpi('m1', { formula: { model: 'crystal-ball' } }),
      kpi('m2', { formula: { model: 'clv', output: 'future' } }),
      kpi('uses_model', { formula: { expr: 'm2 + base' } }),
    ]);
    const got = diagnostics.map((d) => `${d.kpi} ${d.code}`).sort();
    expect(got).toEqual([
      'm1 UNKNOWN_MODEL',
      'm2 UNKNOWN_MODEL_OUTPUT',
      'r1 UNKNOWN_RECIPE',
      'r2 UNKNOWN_DIMENSION',
      'r2 UNKNOWN_KPI',
      'r3 RECIPE_PARAM_MISSING',
      'r4 BAD_RECIPE_PARAM',
      'uses_model DERIVED_USES_MODEL',
    ]);
  });

  it('keeps units and additivity coherent', () => {
    const { diagnostics } = validate([
      kpi('base'),
      kpi('ratio_summed', { unit: 'ratio', formula: { expr: 'base / base' } }),
      kpi('distinct_summed', {
        unit: 'count',
        formula: { measure: { fact: 'orders', agg: 'count_distinct', expr: 'orders.customer_id' } },
      }),
      kpi('stock_summed', {
        unit: 'count',
        formula: {
          measure: { fact: 'inventory', agg: 'last', expr: 'inventory_snapshots.on_hand' },
        },
      }),
      kpi('offset', { formula: { expr: '1 - base' } }),
      kpi('scaled', { formula: { expr: '100 * base - base' } }),
    ]);
    const got = diagnostics.map((d) => `${d.kpi} ${d.code}`).sort();
    expect(got).toEqual([
      'distinct_summed ADDITIVITY_MISMATCH',
      'offset ADDITIVITY_MISMATCH',
      'ratio_summed ADDITIVITY_MISMATCH',
      'ratio_summed UNIT_ADDITIVITY',
      'stock_summed ADDITIVITY_MISMATCH',
    ]);
  });

  it('checks variants and replacements, and warns on deprecated KPIs', () => {
    const { diagnostics } = validate([
      kpi('base'),
      kpi('old', {
        status: 'deprecated',
        replaced_by: 'base',
        changelog: [...FIRST, { version: 2, date: '2026-11-24', change: 'Deprecated.' }],
        version: 2,
      }),
      kpi('gone', { status: 'deprecated', replaced_by: 'nothing' }),
      kpi('variant', { variant_of: 'bsae' }),
      kpi('user', { formula: { expr: 'old' } }),
    ]);
    const got = diagnostics.map((d) => `${d.severity} ${d.kpi} ${d.code}`).sort();
    expect(got).toEqual([
      'error gone UNKNOWN_REPLACEMENT',
      'error variant UNKNOWN_VARIANT_OF',
      'warning old DEPRECATED',
      'warning user USES_DEPRECATED',
    ]);
  });
});
