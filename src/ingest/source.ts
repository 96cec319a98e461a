import type { z } from 'zod';
import type { EmbeddedEngine, FileScan } from '../backends/engine.js';
import type { WorkspaceConfig } from '../workspace/workspace-config.js';
import type { FileFacts } from './file-scan.js';
import type { CsvFlags } from './csv/csv-dialect.js';
import type { SetAsideRecord } from './csv/stray-carriage-returns.js';
import type { ParseOptions } from './validate/column-rules.js';

/**
 * The Source seam: one folder per export format under sources/, each exporting a SourceDef.
 * A source turns files into record batches of the canonical model; the ingest runner validates,
 * quarantines, merges and reconciles them the same way for every source. A source never writes
 * to a model table itself.
 */

/** How records of a batch meet the rows already in a table with the same natural key. */
export type MergeMode =
  /** The file is the truth for the columns it has: changed values overwrite, empty ones clear. */
  | 'replace'
  /** The source knows only part of a record: empty values keep what another source gave. */
  | 'patch'
  /** A fallback source (GA4 orders): existing records are never touched, only gaps filled. */
  | 'insert-missing';

/** One input file of a run. */
export interface SourceFile {
  readonly path: string;
  /** Position of the file in the run (records carry it so that every row names its file). */
  readonly index: number;
  readonly facts: FileFacts;
}

/** Records read straight from a file by the engine's reader, typed and checked as they stream. */
export interface FileBatch {
  readonly kind: 'file';
  readonly table: string;
  readonly file: SourceFile;
  readonly scan: FileScan;
  /** Model column → SQL of its text in the scan (`src."name"`); absent columns are NULL. */
  readonly raw: ReadonlyMap<string, string>;
  /** Lines before the first record (the header). */
  readonly headerLines: number;
  /** SQL of each record's line when the scan gives it (Parquet row numbers). */
  readonly line?: string;
  /** Model columns the reader types itself (the scan's `types`); they arrive typed. */
  readonly typed?: ReadonlySet<string>;
  /** The reason for a value the reader could not convert (file column, value as written). */
  castReason?(column: string, value: string): string;
  /** The record of a rejected line as JSON of model columns, for the quarantine. */
  recordOf?(text: string): string | null;
  /** Records the scan holds as placeholders, by reader line: their own reason and text. */
  readonly setAside?: ReadonlyMap<number, SetAsideRecord>;
  readonly mode: MergeMode;
  readonly parse: ParseOptions;
}

/** Records a source staged in a temporary relation: text columns named as the model's + `_line`. */
export interface RelationBatch {
  readonly kind: 'relation';
  readonly table: string;
  readonly file: SourceFile;
  readonly relation: string;
  /** Model columns the relation holds (the others are NULL). */
  readonly columns: readonly string[];
  /** A text column of the relation with the source's own reason to refuse a record, if any. */
  readonly reasonColumn?: string;
  /** A column holding each record's file path, when records come from several files. */
  readonly fileColumn?: string;
  readonly mode: MergeMode;
  readonly parse: ParseOptions;
  /** Columns merged by a rule instead of overwritten (customers.created_at keeps the earliest). */
  readonly keepEarliest?: readonly string[];
  /**
   * The batch is the whole truth for a scope: stored rows whose `column` is in the relation
   * `keys` (one column, `k`) and that the batch no longer has are removed (GA4 rewrites days).
   */
  readonly replaceScope?: { readonly column: string; readonly keys: string };
}

/** Records the reader could not parse at all: quarantined against the table they would feed. */
export interface UnreadableBatch {
  readonly kind: 'unreadable';
  readonly table: string;
  readonly file: SourceFile;
  readonly records: ReadonlyArray<{ line: number; reason: string; text: string | null }>;
}

/** Rows a source already holds in memory (JSON exports): staged by the runner in bulk. */
export interface RowsBatch {
  readonly kind: 'rows';
  readonly table: string;
  readonly file: SourceFile;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<{
    line: number;
    values: ReadonlyArray<string | null>;
    reason?: string;
  }>;
  readonly mode: MergeMode;
  readonly parse: ParseOptions;
  readonly keepEarliest?: readonly string[];
}

export type RecordBatch = FileBatch | RelationBatch | UnreadableBatch | RowsBatch;

/** What a source may use: the engine (inside the load's transaction), names, the salt. */
export interface SourceContext {
  readonly engine: EmbeddedEngine;
  readonly config: WorkspaceConfig;
  /** The workspace salt for hashing personal data (never written anywhere in clear). */
  readonly salt: string;
  /** A fresh name for a temporary relation of this run. */
  tempName(prefix: string): string;
  readonly csv: CsvFlags;
  readonly parse: ParseOptions;
  /** The run being loaded (sources that keep raw history stamp it). */
  readonly runId: number;
  /** A line for the load's summary (what a source did beyond the model's tables). */
  note(text: string): void;
  /** Scratch space of the run for sources that gather files before finish() (Magento). */
  readonly runState: Map<string, unknown>;
  /** A UTF-8 copy of a Latin-1 file for the engine's reader (made once, removed after the run). */
  utf8Copy(path: string): Promise<string>;
  /** A fresh path in the run's scratch directory (removed after the run), named after `path`. */
  scratchFile(path: string): string;
}

export interface SourceProblem {
  /** An error refuses the whole load; a warning is printed and the load goes on. */
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  readonly message: string;
}

export interface SourceDef<Config = unknown> {
  readonly name: string;
  readonly description: string;
  /** The source cannot work without its --mapping file. */
  readonly requiresOptionsFile?: boolean;
  /** Options of the source (from a --mapping file or defaults), validated before any read. */
  readonly configSchema: z.ZodType<Config>;
  /** Model tables the source feeds, parents first. */
  readonly tables: readonly string[];
  /** Model tables a file's unreadable records belong to (what one input row is). */
  readonly primaryTable: string;
  /** The source's records hold personal data in clear: raw lines are never kept in quarantine. */
  readonly personalInput: boolean;
  /** Whether a file is of this format (headers, shape); problems name file, line and field. */
  check(ctx: SourceContext, file: SourceFile, config: Config): Promise<SourceProblem[]>;
  /** Record batches of one file, each with its file and lines. */
  read(ctx: SourceContext, file: SourceFile, config: Config): AsyncIterable<RecordBatch>;
  /** Work after every file of the run was read (GA4 rebuilds sessions from its event store). */
  finish?(
    ctx: SourceContext,
    config: Config,
    files: readonly SourceFile[],
  ): AsyncIterable<RecordBatch>;
}
