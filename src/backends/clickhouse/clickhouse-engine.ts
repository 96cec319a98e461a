import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { VitrineError, oneLine } from '../../util/errors.js';
import type { Engine, QueryResult, SqlParam, SqlParams } from '../engine.js';
import { openFileCounting } from '../file-stream.js';
import type { ClickHouseDdlOptions } from './clickhouse-ddl.js';
import { clickhouseModelSql, localTableName } from './clickhouse-ddl.js';
import { clickhouseDialect } from './clickhouse-dialect.js';
import { inlineParams, parseTsvResult, readOnlyStatement, tsvEncoder } from './clickhouse-wire.js';

/**
 * How SQL reaches a ClickHouse: the HTTP interface of a server (`@clickhouse/client`) or the
 * embedded chDB library (tests). The engine above it is the same for both.
 */
export interface ClickHouseTransport {
  /** For error messages: the server URL or the chDB directory. */
  readonly label: string;
  /** Server version as `major.minor…`. */
  readonly version: string;
  /** The database statements run in. */
  readonly database: string;
  /** A statement answering TabSeparatedWithNamesAndTypes text. */
  query(sql: string, readOnly: boolean): Promise<string>;
  command(sql: string): Promise<void>;
  /** Inserts TabSeparated lines. */
  insert(table: string, columns: readonly string[], tsv: string): Promise<void>;
  /**
   * Inserts a CSV file (no header, NULL written `\\N`, text in double quotes) without reading it
   * into memory; `onBytes` is told of the bytes sent as they go.
   */
  insertFile(
    table: string,
    columns: readonly string[],
    path: string,
    onBytes?: (bytes: number) => void,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Errors are thrown to the caller with the statement named; the client's own log adds noise. */
const QUIET = { level: ClickHouseLogLevel.OFF };

/** Rows per INSERT: ClickHouse makes one part per insert, so fewer, larger inserts merge less. */
export const INSERT_BATCH_ROWS = 100_000;

/**
 * Settings every query runs with. `join_use_nulls`: an unmatched LEFT JOIN row gives NULL (SQL's
 * meaning) rather than the type's default. `max_query_size`: values are inlined as literals, so a
 * long text value makes a long query. On current servers also: decimals keep their trailing
 * zeros ('1.50', as DuckDB writes them) and an aggregate over no rows is NULL as in SQL.
 */
export function sessionSettings(version: string): Record<string, string | number> {
  const settings: Record<string, string | number> = {
    join_use_nulls: 1,
    max_query_size: 268_435_456,
    // An INSERT into a Distributed table returns once every shard has its rows, so counts read
    // right after a load are complete.
    insert_distributed_sync: 1,
    // A join or IN over two Distributed tables reads the inner one whole on the initiator and
    // ships it to the shards (GLOBAL): rows are spread by rand(), so a shard's own part would
    // miss matches.
    distributed_product_mode: 'global',
  };
  const major = Number(version.split('.')[0]);
  if (major >= 22) {
    settings['output_format_decimal_trailing_zeros'] = 1;
    settings['aggregate_functions_null_for_empty'] = 1;
  }
  return settings;
}

export interface ClickHouseEngineOptions {
  readonly readOnly?: boolean;
  /** The cluster the model is sharded over (Distributed tables), when there is one. */
  readonly cluster?: string;
  /**
   * Every node of the cluster (their own engines), where the model's tables are created; the
   * engine closes them with itself.
   */
  readonly nodes?: readonly ClickHouseTransport[];
}

export class ClickHouseEngine implements Engine {
  readonly kind = 'clickhouse' as const;
  readonly readOnly: boolean;
  readonly cluster: string | undefined;
  private readonly nodes: readonly ClickHouseTransport[];
  private closed = false;
  private readonly columnTypes = new Map<string, Map<string, string>>();

  constructor(
    readonly transport: ClickHouseTransport,
    options: ClickHouseEngineOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.cluster = options.cluster;
    this.nodes = options.nodes ?? [];
  }

  /** The model's DDL options for this server. */
  ddlOptions(): ClickHouseDdlOptions {
    return {
      database: this.transport.database,
      dateTime64: Number(this.version.split('.')[0]) >= 20,
      ...(this.cluster ? { cluster: this.cluster } : {}),
    };
  }

  /**
   * Creates the canonical model: MergeTree tables, or with a cluster `<t>_local` tables and
   * Distributed tables on every node.
   */
  async createModel(): Promise<void> {
    const statements = clickhouseModelSql(this.ddlOptions());
    const targets = this.cluster ? this.nodes : [this.transport];
    if (targets.length === 0) {
      throw new VitrineError(
        'ENGINE_OPEN',
        `clickhouse: cluster ${this.cluster ?? ''} has no nodes to create the model on`,
      );
    }
    for (const node of targets) for (const sql of statements) await node.command(sql);
    this.columnTypes.clear();
  }

  get version(): string {
    return this.transport.version;
  }

  private live(): ClickHouseTransport {
    if (this.closed) throw new VitrineError('ENGINE_CLOSED', 'the ClickHouse engine is closed');
    return this.transport;
  }

  async run(sql: string, params?: SqlParams): Promise<QueryResult> {
    const text = inlineParams(sql, params);
    return parseTsvResult(await this.live().query(text, this.readOnly));
  }

  async exec(sql: string): Promise<void> {
    if (this.readOnly) {
      throw new VitrineError('ENGINE_READ_ONLY', `${this.transport.label} is opened read-only`);
    }
    await this.live().command(sql);
    // DDL may have changed a table's columns.
    this.columnTypes.clear();
  }

  async runReadOnly(sql: string): Promise<QueryResult> {
    const body = readOnlyStatement(sql);
    try {
      return parseTsvResult(await this.live().query(body, true));
    } catch (e) {
      throw new VitrineError('SQL_ERROR', `SQL error: ${oneLine(e)}`);
    }
  }

  /** Column name → ClickHouse type of a table in the current database. */
  async tableColumns(table: string): Promise<Map<string, string>> {
    let cols = this.columnTypes.get(table);
    if (!cols) {
      const r = await this.run(
        'SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = $1',
        [table],
      );
      cols = new Map(r.rows.map((x) => [String(x['name']), String(x['type'])]));
      this.columnTypes.set(table, cols);
    }
    return cols;
  }

  async appendRows(
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<ReadonlyArray<SqlParam>>,
  ): Promise<number> {
    const known = await this.tableColumns(table);
    if (known.size === 0) {
      throw new VitrineError(
        'ENGINE_APPEND',
        `appendRows(${table}): no such table on ${this.transport.label}`,
      );
    }
    const types = columns.map((c) => {
      const t = known.get(c);
      if (!t) {
        throw new VitrineError(
          'ENGINE_APPEND',
          `appendRows(${table}): no column ${c} (it has ${[...known.keys()].join(', ')})`,
        );
      }
      return t;
    });
    const transport = this.live();
    const encode = tsvEncoder(types);
    for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
      const batch = rows.slice(start, start + INSERT_BATCH_ROWS);
      const lines = batch.map((row, i) => {
        if (row.length !== columns.length) {
          throw new VitrineError(
            'ENGINE_APPEND',
            `appendRows(${table}): row ${start + i} has ${row.length} values for ${columns.length} columns`,
          );
        }
        return encode(row);
      });
      await transport.insert(table, columns, `${lines.join('\n')}\n`);
    }
    return rows.length;
  }

  /**
   * Nodes a bulk load may write to directly, one part of the rows each, in `insertCsvFile`'s
   * `shard` order: with a cluster whose every shard is one of this engine's nodes (one replica
   * each), the Distributed tables spread rows by rand(), so any split of the rows over the
   * shards' `<t>_local` tables is one the Distributed table could have made, and the rows skip
   * the initiator's re-encoding and forwarding. 1 otherwise (inserts go through the table).
   */
  async directShards(): Promise<number> {
    if (!this.cluster || this.nodes.length < 2) return 1;
    const r = await this.run(
      'SELECT shard_num, count() AS replicas FROM system.clusters WHERE cluster = $1 GROUP BY shard_num',
      [this.cluster],
    );
    const oneReplica = r.rows.every((x) => Number(x['replicas']) === 1);
    return oneReplica && r.rows.length === this.nodes.length ? this.nodes.length : 1;
  }

  /**
   * Inserts a CSV file (see ClickHouseTransport.insertFile) into a model table: through this
   * engine's connection, or with `shard` (below `directShards()`) into that node's local table.
   */
  async insertCsvFile(
    table: string,
    columns: readonly string[],
    path: string,
    options: { shard?: number; onBytes?: (bytes: number) => void } = {},
  ): Promise<void> {
    this.live();
    if (options.shard === undefined) {
      await this.transport.insertFile(table, columns, path, options.onBytes);
      return;
    }
    const node = this.nodes[options.shard];
    if (!node) {
      throw new VitrineError(
        'ENGINE_APPEND',
        `clickhouse: no node ${options.shard} for ${table} (${this.nodes.length} nodes)`,
      );
    }
    await node.insertFile(localTableName(table), columns, path, options.onBytes);
  }

  /**
   * ClickHouse has no transactions. Refused rather than run half-atomically: writes to
   * ClickHouse come from `vitrine push`, which is resumable per table instead.
   */
  async transaction<T>(): Promise<T> {
    throw new VitrineError(
      'ENGINE_NO_TRANSACTION',
      `clickhouse (${this.transport.label}) has no transactions: load the workspace in DuckDB and copy it with \`vitrine push\``,
    );
  }

  /** Empties a model table: its local table on every node of a cluster. */
  async truncateTable(table: string): Promise<void> {
    const q = clickhouseDialect.quoteIdentifier;
    if (!this.cluster) {
      await this.exec(`TRUNCATE TABLE ${q(table)}`);
      return;
    }
    for (const node of this.nodes) await node.command(`TRUNCATE TABLE ${q(localTableName(table))}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const node of this.nodes) if (node !== this.transport) await node.close();
    await this.transport.close();
  }
}

export interface ClickHouseServerOptions extends Omit<ClickHouseEngineOptions, 'nodes'> {
  /** http(s)://user:password@host:port/database */
  readonly url: string;
  /**
   * HTTP URLs of every node of the cluster (same credentials and database as `url`). By
   * default, the hosts of `system.clusters` for the cluster, on the port of `url`.
   */
  readonly nodes?: readonly string[];
}

/** The HTTP transport over a real server. */
export async function httpTransport(url: string): Promise<ClickHouseTransport> {
  const parsed = new URL(url);
  // Vitrine's own URL options (?nodes=…) are not the client's.
  parsed.search = '';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'default';
  const username = decodeURIComponent(parsed.username) || 'default';
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  parsed.pathname = '/';
  const base = parsed.toString().replace(/\/$/, '');
  const probe: ClickHouseClient = createClient({
    url: base,
    username,
    password,
    database,
    log: QUIET,
  });
  let version: string;
  try {
    const r = await probe.query({ query: 'SELECT version() AS v', format: 'TabSeparated' });
    version = (await r.text()).trim();
  } catch (e) {
    await probe.close();
    throw new VitrineError('ENGINE_OPEN', `cannot reach ClickHouse at ${base}: ${oneLine(e)}`);
  }
  await probe.close();
  // Progress headers keep a long query's connection alive through idle timeouts.
  const settings = {
    ...sessionSettings(version),
    send_progress_in_http_headers: 1,
    http_headers_progress_interval_ms: '60000',
  };
  const client = createClient({
    url: base,
    username,
    password,
    database,
    clickhouse_settings: settings as never,
    log: QUIET,
    request_timeout: 600_000,
  });
  const label = `${base}/${database}`;
  const settingsFor = (readOnly: boolean) =>
    // readonly=2: no writes, but the session settings above may still be set.
    (readOnly ? { ...settings, readonly: '2' } : settings) as never;
  const fail = (e: unknown, what: string) =>
    new VitrineError(
      'ENGINE_QUERY',
      `clickhouse ${label}: ${oneLine(e)} (in ${what.slice(0, 200)})`,
    );
  return {
    label,
    version,
    database,
    async query(sql, readOnly) {
      try {
        const r = await client.query({
          query: sql,
          format: 'TabSeparatedWithNamesAndTypes',
          clickhouse_settings: settingsFor(readOnly),
        });
        return await r.text();
      } catch (e) {
        throw fail(e, sql);
      }
    },
    async command(sql) {
      try {
        await client.command({ query: sql });
      } catch (e) {
        throw fail(e, sql);
      }
    },
    async insert(table, columns, tsv) {
      const q = clickhouseDialect.quoteIdentifier;
      try {
        await client.command({
          query: `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) FORMAT TabSeparated\n${tsv}`,
        });
      } catch (e) {
        throw fail(e, `INSERT INTO ${table}`);
      }
    },
    async insertFile(table, columns, path, onBytes) {
      const q = clickhouseDialect.quoteIdentifier;
      try {
        await client.insert({
          table: q(table),
          columns: columns.map(q) as [string, ...string[]],
          values: openFileCounting(path, onBytes),
          format: 'CSV',
          // Text is always double-quoted: a field starting with ' is never a quoted string.
          clickhouse_settings: { format_csv_allow_single_quotes: 0 },
        });
      } catch (e) {
        throw fail(e, `INSERT INTO ${table} FORMAT CSV (${path})`);
      }
    },
    close: () => client.close(),
  };
}

/** Opens a ClickHouse server (or a cluster through one of its nodes) as an Engine. */
export async function openClickHouseEngine(
  options: ClickHouseServerOptions,
): Promise<ClickHouseEngine> {
  const main = await httpTransport(options.url);
  const { nodes: nodeUrls, ...rest } = options;
  if (!options.cluster) return new ClickHouseEngine(main, rest);
  const listed = new URL(options.url).searchParams.get('nodes');
  let urls =
    nodeUrls ??
    listed?.split(',').map((hostPort) => {
      const u = new URL(options.url);
      u.search = '';
      u.host = hostPort.trim();
      return u.toString();
    });
  if (!urls) {
    const found = parseTsvResult(
      await main.query(
        `SELECT host_name FROM system.clusters WHERE cluster = ${clickhouseDialect.literal(options.cluster)}`,
        true,
      ),
    ).rows.map((r) => String(r['host_name']));
    if (found.length === 0) {
      await main.close();
      throw new VitrineError(
        'ENGINE_OPEN',
        `clickhouse: no cluster ${options.cluster} in system.clusters of ${main.label}`,
      );
    }
    if (new Set(found).size < found.length) {
      // Nodes sharing a host listen on HTTP ports system.clusters does not give (it has their
      // native ports only).
      await main.close();
      throw new VitrineError(
        'ENGINE_OPEN',
        `clickhouse: cluster ${options.cluster} has several nodes on one host; list their HTTP ports in the URL: ?nodes=host:port,host:port`,
      );
    }
    urls = found.map((host) => {
      const u = new URL(options.url);
      u.search = '';
      u.hostname = host;
      return u.toString();
    });
  }
  const nodes: ClickHouseTransport[] = [];
  for (const url of urls) nodes.push(await httpTransport(url));
  return new ClickHouseEngine(main, { ...rest, nodes });
}
