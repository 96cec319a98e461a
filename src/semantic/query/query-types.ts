/**
 * One request shape for the CLI (`vitrine query`), the library and the HTTP API.
 */

export type Grain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export type Comparison = 'previous' | 'yoy' | 'yoy-weekday' | 'target';
export type Cumulative = 'ytd' | 'qtd' | 'mtd';
export type CalendarKind = 'civil' | 'retail-454';

export interface QueryRequest {
  readonly kpis: readonly string[];
  /** Dimensions to split by. */
  readonly by?: readonly string[];
  /** Time grain; omitted = one row for the whole range. */
  readonly grain?: Grain;
  /** Inclusive local dates, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  /** dimension → accepted values (ORed within a dimension, ANDed across). */
  readonly where?: Readonly<Record<string, readonly string[]>>;
  readonly compare?: readonly Comparison[];
  readonly cumulative?: Cumulative;
  readonly calendar?: CalendarKind;
  /** Like-for-like: only locations open over both full periods compared. */
  readonly lfl?: boolean;
}

export interface ComparisonValue {
  readonly value: number | null;
  readonly change: number | null;
  /** Relative change (0.1 = +10 %), null when the comparison value is 0 or missing. */
  readonly change_pct: number | null;
}

export interface QueryRow {
  /** Period label (e.g. 2025-03, 2025-W11, FY2025 P02), or 'all' without a grain. */
  readonly period: string;
  readonly period_start: string;
  readonly period_end: string;
  /** Dimension values, keyed by dimension id. */
  readonly dims: Readonly<Record<string, string | number | null>>;
  /** KPI values, keyed by KPI id. */
  readonly values: Readonly<Record<string, number | null>>;
  /** Per comparison, per KPI. */
  readonly comparisons: Readonly<Record<string, Readonly<Record<string, ComparisonValue>>>>;
}

export interface QueryResponse {
  readonly request: QueryRequest;
  readonly rows: readonly QueryRow[];
  /** Deprecated KPIs used, missing inputs, truncated periods… */
  readonly warnings: readonly string[];
  /** The SQL that ran (for `--explain-sql` and audits). */
  readonly sql: readonly string[];
}
