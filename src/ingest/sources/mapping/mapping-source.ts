import { z } from 'zod';
import { getTable, isTableName, tableNames } from '../../../model/model.js';
import { detectEncoding } from '../../file-scan.js';
import { sniffCsv } from '../../csv/csv-dialect.js';
import { stageCsvText } from '../../csv/csv-staging.js';
import type {
  RecordBatch,
  SourceContext,
  SourceDef,
  SourceFile,
  SourceProblem,
} from '../../source.js';
import { ident, saltLiteral } from '../../sql-text.js';
import { Binder, ExportColumns, createRelation, relationColumns } from '../connector-sql.js';

/**
 * Any other CSV, described by a mapping file (YAML): source column → model column, with
 * transforms. One file can feed several tables (a flat order export gives orders and lines:
 * the order's copies on each line are counted as duplicates).
 *
 *   table: products                      # or targets: [{ table, columns }, …]
 *   file: { delimiter: ";", encoding: latin-1 }
 *   mode: replace                        # or patch: empty values keep what is stored
 *   columns:
 *     sku: Code article                  # a column of the file
 *     list_price: { column: Prix HT, decimal_comma: true }
 *     launched_on: { column: Date lancement, date_format: "%d/%m/%Y" }
 *     ordered_at: { columns: [Date, Heure], timestamp_format: "%d/%m/%Y %H:%M", timezone: Europe/Paris }
 *     category: { column: Famille, map: { BOUG: Bougies }, default: Autres }
 *     currency: { value: EUR }           # a constant
 *     customer_id: { column: Email, hash: true }   # a pseudonymous id from personal data
 *
 * Personal columns of the model (email_hash, phone_hash) are always hashed, `hash` or not.
 */

const columnSpec = z.union([
  z.string().min(1),
  z
    .object({
      column: z.string().min(1).optional(),
      columns: z.array(z.string().min(1)).min(1).optional(),
      value: z.union([z.string(), z.number(), z.boolean()]).optional(),
      map: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      default: z.union([z.string(), z.number(), z.boolean()]).optional(),
      decimal_comma: z.boolean().optional(),
      date_format: z.string().min(1).optional(),
      timestamp_format: z.string().min(1).optional(),
      timezone: z.string().min(1).optional(),
      hash: z.boolean().optional(),
    })
    .strict()
    .refine((s) => s.column !== undefined || s.columns !== undefined || s.value !== undefined, {
      message: 'give a column, columns or a value',
    }),
]);

const target = z
  .object({
    table: z
      .string()
      .refine(isTableName, { message: `not a table of the model (${tableNames().join(', ')})` }),
    columns: z.record(z.string(), columnSpec),
    mode: z.enum(['replace', 'patch']).optional(),
  })
  .strict();

export const mappingConfigSchema = z
  .object({
    table: z
      .string()
      .refine(isTableName, { message: `not a table of the model (${tableNames().join(', ')})` })
      .optional(),
    columns: z.record(z.string(), columnSpec).optional(),
    targets: z.array(target).min(1).optional(),
    mode: z.enum(['replace', 'patch']).default('replace'),
    file: z
      .object({
        delimiter: z.string().length(1).optional(),
        quote: z.string().max(1).optional(),
        encoding: z.enum(['utf-8', 'latin-1']).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.targets && !(m.table && m.columns)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give table and columns, or targets',
        path: ['table'],
      });
    }
    for (const [i, t] of (
      m.targets ?? (m.table && m.columns ? [{ table: m.table, columns: m.columns }] : [])
    ).entries()) {
      const def = getTable(t.table);
      for (const col of Object.keys(t.columns)) {
        if (!def.columns.some((c) => c.name === col)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${col}" is not a column of ${t.table} (columns are: ${def.columns.map((c) => c.name).join(', ')})`,
            path: m.targets ? ['targets', i, 'columns', col] : ['columns', col],
          });
        }
      }
    }
  });

export type MappingConfig = z.infer<typeof mappingConfigSchema>;
type ColumnSpec = z.infer<typeof columnSpec>;

function targetsOf(
  m: MappingConfig,
): Array<{ table: string; columns: Record<string, ColumnSpec>; mode: 'replace' | 'patch' }> {
  if (m.targets)
    return m.targets.map((t) => ({ table: t.table, columns: t.columns, mode: t.mode ?? m.mode }));
  return [{ table: m.table as string, columns: m.columns ?? {}, mode: m.mode }];
}

/**
 * A flat export rarely has the realised unit price: for order lines mapped without one, it is
 * (quantity × unit_list_price − discount_amount) / quantity, the model's own definition.
 */
function derivedUnitPrice(t: { table: string; columns: Record<string, ColumnSpec> }): boolean {
  return (
    t.table === 'order_lines' &&
    !('unit_price' in t.columns) &&
    'quantity' in t.columns &&
    'unit_list_price' in t.columns
  );
}

function sourceColumns(spec: ColumnSpec): string[] {
  if (typeof spec === 'string') return [spec];
  return spec.columns ?? (spec.column ? [spec.column] : []);
}

function csvFlags(ctx: SourceContext, m: MappingConfig) {
  return {
    ...ctx.csv,
    ...(m.file.delimiter !== undefined ? { delimiter: m.file.delimiter } : {}),
    ...(m.file.quote !== undefined ? { quote: m.file.quote } : {}),
    ...(m.file.encoding !== undefined ? { encoding: m.file.encoding } : {}),
  };
}

/** The SQL of one model column from the file, and the reason when a transform fails. */
function columnSql(
  spec: ColumnSpec,
  cols: ExportColumns,
  b: Binder,
  salt: string,
): { value: string; reason: string | null } {
  if (typeof spec === 'string') return { value: cols.text(spec), reason: null };
  let value: string;
  const label = (spec.columns ?? [spec.column ?? 'value']).join(' + ');
  if (spec.value !== undefined) {
    value = b.bind(String(spec.value));
  } else {
    const parts = sourceColumns(spec).map((c) => cols.text(c));
    value =
      parts.length === 1 ? (parts[0] as string) : `nullif(concat_ws(' ', ${parts.join(', ')}), '')`;
  }
  let reason: string | null = null;
  if (spec.map) {
    const whens = Object.entries(spec.map)
      .map(([k, v]) => `WHEN ${b.bind(k)} THEN ${b.bind(String(v))}`)
      .join(' ');
    const otherwise = spec.default !== undefined ? b.bind(String(spec.default)) : value;
    value = `CASE WHEN ${value} IS NULL THEN NULL ${whens ? `ELSE CASE ${value} ${whens} ELSE ${otherwise} END` : ''} END`;
  } else if (spec.default !== undefined) {
    value = `coalesce(${value}, ${b.bind(String(spec.default))})`;
  }
  if (spec.decimal_comma) {
    // 1.234,50 → 1234.50; 12,5 → 12.5; anything else is left for the checks to refuse.
    value = `CASE WHEN regexp_matches(${value}, '^[+-]?\\d{1,3}(\\.\\d{3})+(,\\d+)?$') THEN replace(replace(${value}, '.', ''), ',', '.') ELSE replace(replace(${value}, ' ', ''), ',', '.') END`;
  }
  const format = spec.date_format ?? spec.timestamp_format;
  if (format) {
    const fmt = b.bind(format);
    let parsed = `try_strptime(${value}, ${fmt})`;
    if (spec.timestamp_format && spec.timezone)
      parsed = `timezone(${b.bind(spec.timezone)}, ${parsed})`;
    const asText = spec.date_format
      ? `CAST(CAST(${parsed} AS DATE) AS VARCHAR)`
      : `CAST(${parsed} AS VARCHAR)`;
    reason = `CASE WHEN ${value} IS NOT NULL AND ${parsed} IS NULL THEN ${b.bind(`${label}: not in the format ${format} (`)} || '''' || ${value} || ''')' END`;
    value = `coalesce(${asText}, ${value})`;
  } else if (spec.timezone) {
    value = `CASE WHEN regexp_matches(${value}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN ${value} ELSE CAST(timezone(${b.bind(spec.timezone)}, TRY_CAST(${value} AS TIMESTAMP)) AS VARCHAR) END`;
  }
  if (spec.hash) {
    value = `CASE WHEN ${value} IS NULL THEN NULL ELSE sha256(${saltLiteral(salt)} || lower(trim(${value}))) END`;
  }
  return { value, reason };
}

async function* mappingBatches(
  ctx: SourceContext,
  file: SourceFile,
  m: MappingConfig,
): AsyncIterable<RecordBatch> {
  const flags = csvFlags(ctx, m);
  const sniffed = sniffCsv(file.facts, {
    ...flags,
    encoding: flags.encoding ?? detectEncoding(file.facts),
  });
  const staged = await stageCsvText(ctx, file, sniffed.dialect, 'mapped_file');
  const targets = targetsOf(m);
  if (staged.unreadable.length > 0) {
    yield {
      kind: 'unreadable',
      table: (targets[targets.length - 1] as { table: string }).table,
      file,
      records: staged.unreadable,
    };
  }
  const cols = new ExportColumns(sniffed.header);
  for (const t of targets) {
    const b = new Binder();
    const parts = Object.entries(t.columns).map(([col, spec]) => ({
      col,
      ...columnSql(spec, cols, b, ctx.salt),
    }));
    const derived = derivedUnitPrice(t);
    if (derived) {
      const get = (c: string) => parts.find((p) => p.col === c)?.value ?? 'NULL';
      const n = (c: string) => `TRY_CAST(${get(c)} AS DECIMAL(18,4))`;
      parts.push({
        col: 'unit_price',
        value: `CAST(CAST(round((${n('quantity')} * ${n('unit_list_price')} - coalesce(${n('discount_amount')}, 0)) / nullif(${n('quantity')}, 0), 4) AS DECIMAL(18,4)) AS VARCHAR)`,
        reason: null,
      });
    }
    const reasons = parts.map((p) => p.reason).filter((r): r is string => r !== null);
    const rel = await createRelation(
      ctx,
      `mapped_${t.table}`,
      `SELECT s._line, ${parts.map((p) => `CAST(${p.value} AS VARCHAR) AS ${ident(p.col)}`).join(', ')}${reasons.length > 0 ? `, concat_ws('; ', ${reasons.join(', ')}) AS _src_reason` : ''} FROM ${ident(staged.relation)} s`,
      b.params,
    );
    yield {
      kind: 'relation',
      table: t.table,
      file,
      relation: rel,
      columns: await relationColumns(ctx, rel),
      ...(reasons.length > 0 ? { reasonColumn: '_src_reason' } : {}),
      mode: t.mode,
      parse: ctx.parse,
    };
  }
}

export const mappingSource: SourceDef<MappingConfig> = {
  name: 'mapping',
  requiresOptionsFile: true,
  description: 'any CSV, with a mapping file (YAML) from its columns to the model',
  configSchema: mappingConfigSchema as unknown as z.ZodType<MappingConfig>,
  tables: tableNames(),
  primaryTable: 'orders',
  personalInput: true,
  async check(ctx, file, m) {
    if (!m || (!m.table && !m.targets)) {
      return [
        {
          severity: 'error',
          file: file.path,
          message: 'the mapping source needs --mapping FILE (YAML)',
        },
      ];
    }
    const sniffed = sniffCsv(file.facts, csvFlags(ctx, m));
    const cols = new ExportColumns(sniffed.header);
    const problems: SourceProblem[] = [];
    for (const t of targetsOf(m)) {
      for (const [col, spec] of Object.entries(t.columns)) {
        for (const src of sourceColumns(spec)) {
          if (!cols.has(src)) {
            problems.push({
              severity: 'error',
              file: file.path,
              line: 1,
              field: src,
              message: `column "${src}" (mapped to ${t.table}.${col}) is not in the file (columns are: ${sniffed.header.join(', ')})`,
            });
          }
        }
      }
      const def = getTable(t.table);
      for (const c of def.columns) {
        if (
          c.required &&
          !(c.name in t.columns) &&
          !(c.name === 'unit_price' && derivedUnitPrice(t))
        ) {
          problems.push({
            severity: 'error',
            file: file.path,
            field: c.name,
            message: `the mapping gives no value for the required column ${t.table}.${c.name}`,
          });
        }
      }
    }
    return problems;
  },
  read(ctx, file, config) {
    return mappingBatches(ctx, file, config);
  },
};
