import type { SqlParam } from '../../backends/engine.js';
import { VitrineError } from '../../util/errors.js';
import type { SourceContext, SourceProblem } from '../source.js';
import { ident } from '../sql-text.js';
import { personalHashSql } from '../validate/column-rules.js';

/**
 * Helpers the connectors share to reshape an export in SQL: columns that may be missing from a
 * given export version, numbers, personal data hashed, config values bound.
 */

/** Columns of a staged export, by their header name. */
export class ExportColumns {
  private readonly names: Set<string>;
  constructor(
    header: readonly string[],
    private readonly alias = 's',
  ) {
    this.names = new Set(header);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The text of a column, NULL when empty or when this export has no such column. */
  text(name: string): string {
    if (!this.names.has(name)) return 'CAST(NULL AS VARCHAR)';
    const c = `${this.alias}.${ident(name)}`;
    return `nullif(trim(${c}), '')`;
  }

  /** A number (exports write money as text; a bad value gives NULL, reported by the checks). */
  num(name: string, type = 'DECIMAL(18,4)'): string {
    return `TRY_CAST(${this.text(name)} AS ${type})`;
  }

  /** Required columns missing from the header, as problems naming file, line 1 and field. */
  missing(file: string, required: readonly string[], what: string): SourceProblem[] {
    return required
      .filter((r) => !this.names.has(r))
      .map((r) => ({
        severity: 'error' as const,
        file,
        line: 1,
        field: r,
        message: `column "${r}" of the ${what} is missing`,
      }));
  }
}

/** Bound values of one statement (config values of a source are user values). */
export class Binder {
  readonly params: SqlParam[] = [];
  bind(v: SqlParam): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  /** A value looked up in a user map (`locations: { "Paris Marais": L01 }`), else kept. */
  mapped(expr: string, map: Readonly<Record<string, string>>): string {
    const entries = Object.entries(map);
    if (entries.length === 0) return expr;
    const whens = entries.map(([k, v]) => `WHEN ${this.bind(k)} THEN ${this.bind(v)}`).join(' ');
    return `CASE ${expr} ${whens} ELSE ${expr} END`;
  }
}

export function emailHash(expr: string, salt: string): string {
  return personalHashSql(expr, 'email_hash', salt);
}

export function phoneHash(expr: string, salt: string): string {
  return personalHashSql(expr, 'phone_hash', salt);
}

/** Text of a computed value for the checks (NULL stays NULL). */
export function asText(expr: string): string {
  return `CAST(${expr} AS VARCHAR)`;
}

/** Creates a temporary relation from a SELECT with bound values and returns its name. */
export async function createRelation(
  ctx: SourceContext,
  prefix: string,
  select: string,
  params: readonly SqlParam[] = [],
): Promise<string> {
  const name = ctx.tempName(prefix);
  try {
    await ctx.engine.run(`CREATE TEMPORARY TABLE ${ident(name)} AS ${select}`, params);
  } catch (e) {
    throw new VitrineError('CONNECTOR_SQL', `${prefix}: ${(e as Error).message.split('\n')[0]}`);
  }
  return name;
}

/** Model columns of a relation built by a connector (everything but `_line` and `_`-columns). */
export async function relationColumns(ctx: SourceContext, relation: string): Promise<string[]> {
  const res = await ctx.engine.run(`SELECT * FROM ${ident(relation)} LIMIT 0`);
  return res.columns.map((c) => c.name).filter((c) => !c.startsWith('_'));
}

/**
 * An amount as tills and spreadsheets write it: currency signs and spaces around it, a minus or
 * parentheses for negatives, a decimal point or comma (the last separator is the decimal one
 * when both appear: 1,234.50 and 1.234,50). NULL when no number is left.
 */
export function amount(x: string): string {
  const digits = `regexp_replace(${x}, '[^0-9,.]', '', 'g')`;
  const normal = `CASE
      WHEN strpos(${digits}, ',') > 0 AND strpos(${digits}, '.') > 0 THEN
        CASE WHEN length(${digits}) - strpos(reverse(${digits}), ',') > length(${digits}) - strpos(reverse(${digits}), '.')
          THEN replace(replace(${digits}, '.', ''), ',', '.') ELSE replace(${digits}, ',', '') END
      ELSE replace(${digits}, ',', '.') END`;
  const negative = `(strpos(${x}, '-') > 0 OR (prefix(trim(${x}), '(') AND suffix(trim(${x}), ')')))`;
  return `CASE WHEN ${x} IS NULL OR ${digits} = '' THEN NULL ELSE (CASE WHEN ${negative} THEN -1 ELSE 1 END) * TRY_CAST(${normal} AS DECIMAL(18,4)) END`;
}
