import type { Dialect } from './dialect.js';
import type { Engine, EngineKind } from './engine.js';
import type { PushTarget } from './push/push-target.js';

/**
 * One backend: everything Vitrine knows about a database product, in its own folder
 * (`duckdb/`, `postgres/`, `clickhouse/`), so that a caller asks the backend instead of branching
 * on a kind. Opening an engine imports its driver only then: a DuckDB workspace never loads a
 * network client.
 */

/** Where an engine is: the `engine` entry of vitrine.yaml, or what a URL says. */
export type EngineSpec =
  | { readonly kind: 'duckdb'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'clickhouse'; readonly url: string; readonly cluster?: string | undefined };

export interface OpenEngineOptions {
  readonly readOnly?: boolean;
  /** Directory a relative DuckDB path is resolved against (the workspace). */
  readonly baseDir?: string;
  /** ClickHouse cluster named on the command line (`--cluster`), over the spec's own. */
  readonly cluster?: string;
  /**
   * For a user's SQL (`vitrine sql`): read-only, and on DuckDB an instance with no file, network
   * or extension access and its configuration locked (server backends read under a reader role
   * in read-only transactions whatever this says).
   */
  readonly sandbox?: boolean;
}

export interface CreateTablesOptions {
  /** ClickHouse: the cluster whose shards get the local tables (Distributed tables over them). */
  readonly cluster?: string | undefined;
}

export interface BackendCapabilities {
  /** Reads, stages and loads files itself (an EmbeddedEngine): ingest and the demo run on it. */
  readonly embedded: boolean;
  /** All-or-nothing transactions (targets, ingest); without them writes are resumable instead. */
  readonly transactions: boolean;
  /** Spreads the model over the shards of a cluster. */
  readonly cluster: boolean;
}

export interface Backend {
  readonly kind: EngineKind;
  readonly dialect: Dialect;
  readonly capabilities: BackendCapabilities;
  /** URL schemes that name this backend (`postgres`, `postgresql`…), lowercase. */
  readonly schemes: readonly string[];
  /** The spec a URL with one of `schemes` names (its syntax checked). */
  parseUrl(url: string, cluster?: string): EngineSpec;
  open(spec: EngineSpec, options: OpenEngineOptions): Promise<Engine>;
  /**
   * Creates every table of the canonical model on an engine of this backend, with its DDL
   * (idempotent: existing tables are kept), and whatever else the backend needs beside them.
   */
  createTables(engine: Engine, options: CreateTablesOptions): Promise<void>;
  /** What `vitrine push` needs to write an engine of this backend. */
  pushTarget(engine: Engine): PushTarget;
}
