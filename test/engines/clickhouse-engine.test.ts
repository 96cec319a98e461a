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
    // Fenced until it passes: the last full run (push 984 s, 163 of 207 KPIs computed on the five
    // requests) still had value mismatches on 18.16, mostly the hour rows of KPIs asked with
    // sales_by_hour in a split request (UNION ALL branches whose `hr` types differ; 18.16 finds
    // no supertype). chDB runs the suite in full; clickhouse-cluster.test.ts checks 18.16 KPIs.
    // vitest.config.ts leaves this file out unless VITRINE_CH_1816_SUITE=1.
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
