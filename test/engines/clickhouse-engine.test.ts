import { CLICKHOUSE_18_16_MISSING } from './clickhouse-known-missing.js';
import { clickhouseServerMissing, startClickHouseCluster } from './clickhouse-cluster.js';
import { describeEngineSuite } from './engine-suite.js';

/**
 * The shared suite on a two-shard cluster of Debian's clickhouse-server 18.16, every query
 * through the Distributed tables.
 */
describeEngineSuite(
  'clickhouse-18.16-cluster',
  async () => {
    const missing = clickhouseServerMissing();
    if (missing) return { skip: missing };
    const cluster = await startClickHouseCluster(2);
    const nodes = cluster.shards.map((s) => `127.0.0.1:${s.httpPort}`).join(',');
    return {
      url: `clickhouse://127.0.0.1:${cluster.shards[0]?.httpPort ?? 0}/default?nodes=${nodes}`,
      cluster: cluster.cluster,
      close: () => cluster.stop(),
    };
  },
  { knownMissing: CLICKHOUSE_18_16_MISSING },
);
