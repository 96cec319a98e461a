import { describe, expect, it } from 'vitest';
import { backendFor, dialectFor, parseEngineUrl } from './backend-registry.js';
import { clickhouseDialect } from './clickhouse/clickhouse-dialect.js';
import { duckdbDialect } from './duckdb/duckdb-dialect.js';
import type { Engine } from './engine.js';
import { isEmbeddedEngine, requireEmbedded } from './engine.js';
import { postgresDialect } from './postgres/postgres-dialect.js';

describe('backend registry', () => {
  it('gives each kind its bundle: dialect, capabilities, schemes', () => {
    expect(dialectFor('duckdb')).toBe(duckdbDialect);
    expect(dialectFor('postgres')).toBe(postgresDialect);
    expect(dialectFor('clickhouse')).toBe(clickhouseDialect);
    expect(backendFor('duckdb').capabilities).toEqual({
      embedded: true,
      transactions: true,
      cluster: false,
    });
    expect(backendFor('postgres').capabilities.embedded).toBe(false);
    expect(backendFor('clickhouse').capabilities).toEqual({
      embedded: false,
      transactions: false,
      cluster: true,
    });
  });

  it('picks the backend from a URL scheme, the cluster only for ClickHouse', () => {
    expect(parseEngineUrl('chdb:/tmp/ch')).toEqual({ kind: 'clickhouse', url: 'chdb:/tmp/ch' });
    expect(parseEngineUrl('clickhouses://h:8443', 'c')).toEqual({
      kind: 'clickhouse',
      url: 'clickhouses://h:8443',
      cluster: 'c',
    });
    expect(parseEngineUrl('postgres://u@h/db', 'c')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(parseEngineUrl('C:\\data\\v.duckdb')).toEqual({
      kind: 'duckdb',
      path: 'C:\\data\\v.duckdb',
    });
    expect(() => parseEngineUrl('duckdb:')).toThrow(/a DuckDB URL names a file/);
  });

  it('lets only the embedded engine stage and load files', () => {
    const server = { kind: 'clickhouse' } as Engine;
    expect(isEmbeddedEngine(server)).toBe(false);
    expect(() => requireEmbedded(server, 'ingest')).toThrow(
      'not supported on clickhouse (ingest): ingest into a DuckDB workspace, then vitrine push --to clickhouse://…',
    );
  });
});
