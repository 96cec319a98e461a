/**
 * The vocabulary the canonical commerce model is written in. Logical types, not SQL types:
 * each engine's DDL maps them (see ddl.ts), so the model stays one definition for every engine.
 */

export type SourceSystem =
  'POS' | 'ECOM' | 'ERP' | 'WMS' | 'CRM' | 'WEB' | 'ADS' | 'SUPPORT' | 'SURVEY' | 'TECH';

export const SOURCE_SYSTEMS: readonly SourceSystem[] = [
  'POS',
  'ECOM',
  'ERP',
  'WMS',
  'CRM',
  'WEB',
  'ADS',
  'SUPPORT',
  'SURVEY',
  'TECH',
];

/**
 * - `id`, `text`: strings; ids are strings whatever they look like.
 * - `code`: a short code from a closed list (`values`), or a currency (ISO 4217).
 * - `money`: exact decimal with 2 places, in the row's currency.
 * - `price`: exact decimal with 4 places, for unit amounts and costs that are divided later.
 * - `rate`: exact decimal with 8 places (FX rates, percentages as fractions).
 * - `int`: 32-bit integer counts; `bigint` for large counters.
 * - `number`: a measured quantity where exactness is not a contract (durations in ms, scores).
 * - `date`: a local civil date (`*_on`, local to the location it belongs to).
 * - `timestamp`: an instant, stored with its time zone (UTC in storage).
 * - `bool`: true/false.
 */
export type LogicalType =
  | 'id'
  | 'text'
  | 'code'
  | 'currency'
  | 'money'
  | 'price'
  | 'rate'
  | 'int'
  | 'bigint'
  | 'number'
  | 'date'
  | 'timestamp'
  | 'bool';

export interface ColumnRef {
  readonly table: string;
  readonly column: string;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: LogicalType;
  readonly required: boolean;
  readonly description: string;
  /** Closed list of accepted values (for `code` columns). */
  readonly values?: readonly string[];
  /** The column this one references (a foreign key, declared, checked by integrity rules). */
  readonly references?: ColumnRef;
  /** Lower bound accepted for numeric columns. */
  readonly min?: number;
  /** True for columns added by Vitrine beyond the public contract. */
  readonly extension?: boolean;
  /** Personal data that must be hashed before it is stored. */
  readonly personal?: boolean;
}

export interface TableDef {
  readonly name: string;
  readonly description: string;
  readonly sources: readonly SourceSystem[];
  /** Columns whose values identify a row (the natural key). */
  readonly key: readonly string[];
  readonly columns: readonly ColumnDef[];
  /** The column a row counts on in time, when the table is a fact. */
  readonly timeColumn?: string;
  /** Area shown in the docs. */
  readonly area: ModelArea;
}

export type ModelArea =
  | 'reference'
  | 'sales'
  | 'fulfilment'
  | 'inventory'
  | 'marketing'
  | 'web'
  | 'customer service'
  | 'planning'
  | 'tech';
