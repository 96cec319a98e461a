import { z } from 'zod';
import { SOURCE_SYSTEMS } from '../../model/model-types.js';

/**
 * The schema of a KPI definition in the dictionary (kpis/*.yaml, and a workspace's own
 * dictionary folder). Formulas are written in the dictionary's expression language (see
 * src/semantic/expression) over the facts of the semantic model (src/semantic/facts/fact-catalogue.ts).
 */

const bilingual = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();

export const KPI_UNITS = ['currency', 'count', 'ratio', 'duration', 'score', 'number'] as const;
export const POLARITIES = ['up', 'down', 'neutral'] as const;
export const ADDITIVITIES = ['additive', 'semi_additive', 'non_additive'] as const;
export const STATUSES = ['draft', 'active', 'deprecated'] as const;
export const OWNER_ROLES = [
  'direction',
  'marketing',
  'customer_service',
  'product',
  'purchasing',
  'supply_chain',
  'finance',
  'tech',
  'store_operations',
  'data',
] as const;

/**
 * Aggregations of a base measure. `last` is semi-additive (the value on the last day of each
 * period that has data, summed over everything else); `avg_daily` averages the daily sums over
 * the days with data (average inventory); median/p75/p90 are recomputed at every grain.
 */
export const AGGREGATIONS = [
  'sum',
  'count',
  'count_distinct',
  'avg',
  'min',
  'max',
  'median',
  'p75',
  'p90',
  'last',
  'avg_daily',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

const measureFormula = z
  .object({
    measure: z
      .object({
        fact: z.string().min(1),
        agg: z.enum(AGGREGATIONS),
        /** Expression over the fact's columns; omitted for count (rows). */
        expr: z.string().min(1).optional(),
        /** A named filter of the fact or a boolean expression; several are ANDed. */
        filter: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
        /** Alternative time role of the fact (e.g. `delivered`). */
        time: z.string().min(1).optional(),
      })
      .strict(),
  })
  .strict();

const derivedFormula = z
  .object({
    /** Expression over other KPI ids, computed at the requested grain (ratios of sums). */
    expr: z.string().min(1),
  })
  .strict();

const recipeFormula = z
  .object({
    /** A computation written in code (src/semantic/recipes), documented by the KPI. */
    recipe: z.string().min(1),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

const modelFormula = z
  .object({
    /** An analytics model (`vitrine model <name>`); not computed by `vitrine query`. */
    model: z.string().min(1),
    output: z.string().min(1).optional(),
  })
  .strict();

export const formulaSchema = z.union([measureFormula, derivedFormula, recipeFormula, modelFormula]);
export type KpiFormula = z.infer<typeof formulaSchema>;

const changelogEntry = z
  .object({
    version: z.number().int().min(1),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    change: z.string().min(1),
  })
  .strict();

const exampleSchema = z
  .object({
    name: z.string().min(1),
    /** Rows per table; required columns left out are filled with neutral defaults. */
    fixture: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    where: z.string().optional(),
    expect: z.number().nullable(),
    /** Absolute tolerance (default 1e-9). */
    tolerance: z.number().min(0).optional(),
  })
  .strict();

export const kpiSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case'),
    name: bilingual,
    description: bilingual,
    unit: z.enum(KPI_UNITS),
    /** For currency: the reporting currency; for duration: the unit of the value. */
    unit_detail: z.string().optional(),
    polarity: z.enum(POLARITIES),
    owner: z.enum(OWNER_ROLES),
    sources: z.array(z.enum(SOURCE_SYSTEMS as unknown as [string, ...string[]])).min(1),
    additivity: z.enum(ADDITIVITIES),
    rules: z
      .object({
        tax: z.string().min(1),
        shipping: z.string().min(1),
        cancellations: z.string().min(1),
        returns: z.string().min(1),
        counts_on: z.string().min(1),
      })
      .catchall(z.string()),
    formula: formulaSchema,
    /** Another KPI this one is a named variant of (aov_incl_tax of aov). */
    variant_of: z.string().optional(),
    version: z.number().int().min(1),
    status: z.enum(STATUSES),
    replaced_by: z.string().optional(),
    changelog: z.array(changelogEntry).min(1),
    examples: z.array(exampleSchema).optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.status === 'deprecated' && !k.replaced_by) {
      ctx.addIssue({
        code: 'custom',
        path: ['replaced_by'],
        message: 'a deprecated KPI names its replacement',
      });
    }
    const last = k.changelog[k.changelog.length - 1];
    if (last && last.version !== k.version) {
      ctx.addIssue({
        code: 'custom',
        path: ['changelog'],
        message: `the last changelog entry is for version ${last.version}, the KPI is at version ${k.version}`,
      });
    }
  });

export type KpiDefinition = z.infer<typeof kpiSchema>;

export const dictionaryFileSchema = z
  .object({
    area: z.string().min(1),
    title: bilingual.optional(),
    kpis: z.array(z.unknown()),
  })
  .strict();
