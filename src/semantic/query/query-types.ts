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
  /** The compared value (N-1, previous period, target); money at the currency's minor unit. */
  readonly value: number | null;
  /** value now − compared value, in the KPI's unit (for a rate, a difference of fractions). */
  readonly change: number | null;
  /**
   * Relative change as a fraction, not a percentage: 0.1 is +10 %, 1.296 is +129.6 %. Null when
   * the compared value is 0 or missing. (Named change_pct before; renamed so that nobody reads
   * 1.296 as 1.3 %.)
   */
  readonly change_ratio: number | null;
}

export interface QueryRow {
  /** Period label (e.g. 2025-03, 2025-W11, FY2025 P02), or 'all' without a grain. */
  readonly period: string;
  readonly period_start: string;
  readonly period_end: string;
  /** Dimension values, keyed by dimension id. */
  readonly dims: Readonly<Record<string, string | number | null>>;
  /**
   * KPI values, keyed by KPI id: money (unit currency) at the reporting currency's minor unit
   * (547666.75, never 547666.7500000071), ratios as fractions at full precision.
   */
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
