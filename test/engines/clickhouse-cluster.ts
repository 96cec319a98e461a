/** The test harness's two-shard 18.16 cluster (shared with the engines benchmark). */
export {
  CLICKHOUSE_SERVER,
  CLUSTER_NAME,
  clickhouseServerMissing,
  startClickHouseCluster,
} from '../../src/backends/clickhouse/clickhouse-local-cluster.js';
export type {
  ClickHouseCluster,
  ClickHouseShard,
} from '../../src/backends/clickhouse/clickhouse-local-cluster.js';
