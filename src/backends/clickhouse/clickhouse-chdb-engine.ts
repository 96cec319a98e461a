import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { clickhouseDialect } from './clickhouse-dialect.js';
import { VitrineError, oneLine } from '../../util/errors.js';
import type { ClickHouseEngineOptions, ClickHouseTransport } from './clickhouse-engine.js';
import { ClickHouseEngine, sessionSettings } from './clickhouse-engine.js';

/**
 * ClickHouse embedded in the process (chDB, a current ClickHouse): the same engine as over HTTP,
 * for tests and local experiments. chDB is a development dependency, loaded only when this
 * function is called, so production code never requires it.
 */

interface ChdbResult {
  text(): string;
}
interface ChdbSession {
  query(sql: string, format?: string): string;
  queryAsync(sql: string, opts?: { format?: string }): Promise<ChdbResult>;
  close(): void;
}
interface ChdbModule {
  Session: new (path?: string) => ChdbSession;
}

function loadChdb(): ChdbModule {
  try {
    return createRequire(import.meta.url)('chdb') as ChdbModule;
  } catch (e) {
    throw new VitrineError(
      'ENGINE_OPEN',
      `the chdb package is not installed (npm install --save-dev chdb): ${oneLine(e)}`,
    );
  }
}

/**
 * Opens a chDB session on `dir` (created if missing). chDB allows one session per process at a
 * time; close it before opening another.
 */
export async function openChdbEngine(
  dir: string,
  options: ClickHouseEngineOptions = {},
): Promise<ClickHouseEngine> {
  const { Session } = loadChdb();
  const session = new Session(dir);
  const label = `chdb:${dir}`;
  const version = session.query('SELECT version()', 'TabSeparated').trim();
  for (const [k, v] of Object.entries(sessionSettings(version))) {
    session.query(`SET ${k} = ${clickhouseDialect.literal(v)}`);
  }
  const fail = (e: unknown, what: string) =>
    new VitrineError('ENGINE_QUERY', `${label}: ${oneLine(e)} (in ${what.slice(0, 200)})`);
  const transport: ClickHouseTransport = {
    label,
    version,
    database: session.query('SELECT currentDatabase()', 'TabSeparated').trim(),
    async query(sql, readOnly) {
      // readonly=2 for this statement only (a SET would stay for the session): no writes.
      const text = readOnly ? `${sql}\nSETTINGS readonly = 2` : sql;
      try {
        const r = await session.queryAsync(text, { format: 'TabSeparatedWithNamesAndTypes' });
        return r.text();
      } catch (e) {
        throw fail(e, sql);
      }
    },
    async command(sql) {
      try {
        await session.queryAsync(sql, { format: 'TabSeparated' });
      } catch (e) {
        throw fail(e, sql);
      }
    },
    async insert(table, columns, tsv) {
      const q = clickhouseDialect.quoteIdentifier;
      try {
        await session.queryAsync(
          `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) FORMAT TabSeparated\n${tsv}`,
          { format: 'TabSeparated' },
        );
      } catch (e) {
        throw fail(e, `INSERT INTO ${table}`);
      }
    },
    async insertFile(table, columns, path, onBytes) {
      const q = clickhouseDialect.quoteIdentifier;
      // The embedded server reads the file itself.
      const sql = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) FROM INFILE ${clickhouseDialect.literal(path)} SETTINGS format_csv_allow_single_quotes = 0 FORMAT CSV`;
      try {
        await session.queryAsync(sql, { format: 'TabSeparated' });
      } catch (e) {
        throw fail(e, sql);
      }
      onBytes?.((await stat(path)).size);
    },
    async close() {
      session.close();
    },
  };
  return new ClickHouseEngine(transport, options);
}
