import { resolve } from 'node:path';
import { VitrineError } from '../../util/errors.js';
import type { Backend, EngineSpec } from '../backend.js';
import type { Engine } from '../engine.js';
import { clickhouseDialect } from './clickhouse-dialect.js';
import type { ClickHouseEngine } from './clickhouse-engine.js';
import { ClickHousePushTarget } from './clickhouse-push-target.js';

/**
 * ClickHouse over HTTP (`clickhouse://` names the HTTP interface, `clickhouses://` with TLS;
 * http(s):// URLs are used as they are), a cluster of them, or chDB embedded in the process for
 * `chdb:DIR` (tests). See CONTEXT.md for 18.16's limits.
 */
export const clickhouseBackend: Backend = {
  kind: 'clickhouse',
  dialect: clickhouseDialect,
  capabilities: { embedded: false, transactions: false, cluster: true },
  schemes: ['clickhouse', 'clickhouses', 'http', 'https', 'chdb'],
  parseUrl: (url, cluster): EngineSpec => ({
    kind: 'clickhouse',
    url,
    ...(cluster ? { cluster } : {}),
  }),
  async open(spec, options) {
    if (spec.kind !== 'clickhouse') {
      throw new VitrineError(
        'ENGINE_URL',
        `the clickhouse backend cannot open a ${spec.kind} engine`,
      );
    }
    const { url } = spec;
    const cluster = options.cluster ?? spec.cluster;
    const readOnly = options.readOnly ?? false;
    if (/^chdb:/i.test(url)) {
      if (cluster)
        throw new VitrineError('ENGINE_URL', `${url}: chDB runs one node, not a cluster`);
      const dir = url.slice('chdb:'.length);
      if (!dir) throw new VitrineError('ENGINE_URL', `${url}: a chDB URL names a directory`);
      const { openChdbEngine } = await import('./clickhouse-chdb-engine.js');
      return openChdbEngine(resolve(dir), { readOnly });
    }
    const { openClickHouseEngine } = await import('./clickhouse-engine.js');
    const httpUrl = url.replace(/^clickhouse(s?):\/\//i, (_, s: string) => `http${s}://`);
    return openClickHouseEngine({ url: httpUrl, readOnly, ...(cluster ? { cluster } : {}) });
  },
  async createTables(engine, options) {
    const ch = await asClickHouse(engine);
    if (options.cluster && options.cluster !== ch.cluster) {
      throw new VitrineError(
        'ENGINE_CLUSTER',
        `cluster ${options.cluster} asked, but the engine was opened ${ch.cluster ? `for cluster ${ch.cluster}` : 'without a cluster'}`,
      );
    }
    await ch.createModel();
  },
  pushTarget: (engine) => new ClickHousePushTarget(engine),
};

async function asClickHouse(engine: Engine): Promise<ClickHouseEngine> {
  const { ClickHouseEngine } = await import('./clickhouse-engine.js');
  if (!(engine instanceof ClickHouseEngine)) {
    throw new VitrineError('ENGINE_UNSUPPORTED', 'a clickhouse engine must be a ClickHouseEngine');
  }
  return engine;
}
