import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clickhouseDialect } from '../../../src/backends/clickhouse/clickhouse-dialect.js';
import type { Dialect } from '../../../src/backends/dialect.js';
import { duckdbDialect } from '../../../src/backends/duckdb/duckdb-dialect.js';
import { postgresDialect } from '../../../src/backends/postgres/postgres-dialect.js';
import { loadDictionary } from '../../../src/semantic/dictionary/kpi-dictionary.js';
import type { QueryContext } from '../../../src/semantic/query/query-runner.js';
import { runQuery } from '../../../src/semantic/query/query-runner.js';
import type { QueryRequest } from '../../../src/semantic/query/query-types.js';
import { defaultConfig } from '../../../src/workspace/workspace-config.js';

/**
 * Compile-only tests: the SQL of every statement a request runs, pinned for each dialect in one
 * call (Kysely's testSql), beside the suites that run the same requests on real engines. Nothing
 * is executed: the engine below records each statement and answers no rows. A change of the
 * compiler, of a recipe or of a dialect shows here as a change of SQL text to read.
 *
 * The KPIs are private (kpis/compiled-sql-test.yaml); the workspace is Europe/Paris with Monday
 * weeks. ClickHouse's SQL is the one text that runs on 18.16 and on current servers.
 */

const dictionary = loadDictionary({
  shippedDir: fileURLToPath(new URL('./kpis/', import.meta.url)),
});
const config = defaultConfig('compiled-sql');
const DIALECTS: readonly Dialect[] = [duckdbDialect, postgresDialect, clickhouseDialect];

/** SQL written over several lines for reading: a line break and its indentation are one space. */
function sql(strings: TemplateStringsArray): string {
  return strings.raw
    .join('')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
}

type Statement = readonly [sql: string, params: readonly unknown[]];

async function statementsOf(request: QueryRequest, dialect: Dialect): Promise<Statement[]> {
  const run: Statement[] = [];
  const engine = {
    kind: dialect.name,
    run: (text: string, params: readonly unknown[] = []) => {
      run.push([text, [...params]]);
      return Promise.resolve({ columns: [], rows: [] });
    },
  } as unknown as QueryContext['engine'];
  const res = await runQuery({ engine, dialect, dictionary, config }, request);
  // What `vitrine query --show-sql` prints is every statement that ran, in order.
  expect(res.sql, `${dialect.name}: statements listed`).toEqual(run.map(([text]) => text));
  // Lookups around the plan are listed too but not pinned here: the members a filter names
  // (filter-values.ts) and, after an empty answer (this engine returns no rows), the data-presence
  // check of period-coverage.ts.
  return run.filter(
    ([text]) => !/ AS VARCHAR\) AS v(, | FROM )| AS VARCHAR\) AS lo, CAST\(max\(/.test(text),
  );
}

async function testSql(
  request: QueryRequest,
  expected: Readonly<Record<Dialect['name'], readonly Statement[]>>,
): Promise<void> {
  for (const d of DIALECTS)
    expect(await statementsOf(request, d), d.name).toEqual(expected[d.name]);
}

describe('compiled SQL, every dialect', () => {
  it('a simple additive KPI by day', async () => {
    // A simple additive KPI by day. Pins the two-stage sum (partial sums per local day, then per
    // (role, period) through the day map), the raw instant range with a day of margin each side
    // before the local-date range, the Paris day of each timestamp, and every date bound ($n), not
    // written into the text. The named filter valid_order is dictionary text, encoded as literals.
    await testSql(
      { kpis: ['s_revenue'], grain: 'day', from: '2025-03-01', to: '2025-03-02' },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE) AS "m_s_revenue"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($4 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($5 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($2 AS DATE), CAST($2 AS DATE)), ($1, $3, CAST($3 AS DATE), CAST($3 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              '2025-03-01',
              '2025-03-02',
              '2025-02-28T00:00:00.000Z',
              '2025-03-04T00:00:00.000Z',
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE PRECISION) AS "m_s_revenue"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($4 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($5 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($2 AS DATE), CAST($2 AS DATE)), ($1, $3, CAST($3 AS DATE), CAST($3 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              '2025-03-01',
              '2025-03-02',
              '2025-02-28T00:00:00.000Z',
              '2025-03-04T00:00:00.000Z',
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", toNullable(toFloat64(sum("_s"."p0"))) AS "m_s_revenue"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($4, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($5, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($2) AND toDate($3) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY toDate("orders"."ordered_at", 'Europe/Paris')) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($2) AS "rs", toDate($2) AS "re"
          UNION ALL SELECT $1 AS "role", $3 AS "pkey", toDate($3) AS "rs", toDate($3) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              '2025-03-01',
              '2025-03-02',
              '2025-02-28T00:00:00.000Z',
              '2025-03-04T00:00:00.000Z',
            ],
          ],
        ],
      },
    );
  });

  it('a ratio by channel', async () => {
    // A ratio by channel. Pins that a derived ratio reaches SQL as the sums it divides (revenue and
    // the order count of one scan of orders, p0 and p1), never as a ratio summed across days or
    // channels; the channel is the fact's own key (orders.channel_id), no join to channels.
    await testSql(
      { kpis: ['s_aov'], by: ['channel'], from: '2025-03-01', to: '2025-03-31' },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", "_u"."d0" AS "d0", max("_u"."m_s_revenue") AS "m_s_revenue", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", "_s"."d0" AS "d0", CAST(sum("_s"."p0") AS DOUBLE) AS "m_s_revenue", CAST(sum("_s"."p1") AS DOUBLE) AS "m_s_orders"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", "orders"."channel_id" AS "d0", sum("orders"."subtotal") AS "p0", count(1) AS "p1"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($5 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($6 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE), "orders"."channel_id") AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."d0") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr", "_u"."d0"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", "_u"."d0" AS "d0", max("_u"."m_s_revenue") AS "m_s_revenue", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", "_s"."d0" AS "d0", CAST(sum("_s"."p0") AS DOUBLE PRECISION) AS "m_s_revenue", CAST(sum("_s"."p1") AS DOUBLE PRECISION) AS "m_s_orders"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", "orders"."channel_id" AS "d0", sum("orders"."subtotal") AS "p0", count(1) AS "p1"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($5 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($6 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE), "orders"."channel_id") AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."d0") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr", "_u"."d0"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", "_u"."d0" AS "d0", max("_u"."m_s_revenue") AS "m_s_revenue", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", "_s"."d0" AS "d0", toNullable(toFloat64(sum("_s"."p0"))) AS "m_s_revenue", toNullable(toFloat64(sum("_s"."p1"))) AS "m_s_orders"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", "orders"."channel_id" AS "d0", sum("orders"."subtotal") AS "p0", count(1) AS "p1"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($5, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($6, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($3) AND toDate($4) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY toDate("orders"."ordered_at", 'Europe/Paris'), "orders"."channel_id") AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."d0") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr", "_u"."d0"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
      },
    );
  });

  it('a distinct count by month', async () => {
    // A distinct count by month. Pins the single-stage path: row values joined to the day map and
    // count(DISTINCT …) per (role, month) — recomputed at the grain, never a sum of daily counts
    // (uniqExact on ClickHouse).
    await testSql(
      { kpis: ['s_customers'], grain: 'month', from: '2025-03-01', to: '2025-04-30' },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_customers") AS "m_s_customers"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(count(DISTINCT "_s"."v0") AS DOUBLE) AS "m_s_customers"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", "orders"."customer_id" AS "v0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($8 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($9 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($7 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE)), ($1, $5, CAST($6 AS DATE), CAST($7 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              '2025-03',
              '2025-03-01',
              '2025-03-31',
              '2025-04',
              '2025-04-01',
              '2025-04-30',
              '2025-02-28T00:00:00.000Z',
              '2025-05-02T00:00:00.000Z',
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_customers") AS "m_s_customers"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(count(DISTINCT "_s"."v0") AS DOUBLE PRECISION) AS "m_s_customers"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", "orders"."customer_id" AS "v0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($8 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($9 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($7 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE)), ($1, $5, CAST($6 AS DATE), CAST($7 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              '2025-03',
              '2025-03-01',
              '2025-03-31',
              '2025-04',
              '2025-04-01',
              '2025-04-30',
              '2025-02-28T00:00:00.000Z',
              '2025-05-02T00:00:00.000Z',
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_customers") AS "m_s_customers"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", toNullable(toFloat64(uniqExact("_s"."v0"))) AS "m_s_customers"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", "orders"."customer_id" AS "v0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($8, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($9, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($3) AND toDate($7) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re"
          UNION ALL SELECT $1 AS "role", $5 AS "pkey", toDate($6) AS "rs", toDate($7) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              '2025-03',
              '2025-03-01',
              '2025-03-31',
              '2025-04',
              '2025-04-01',
              '2025-04-30',
              '2025-02-28T00:00:00.000Z',
              '2025-05-02T00:00:00.000Z',
            ],
          ],
        ],
      },
    );
  });

  it('a KPI computed by a recipe', async () => {
    // A KPI computed by a recipe (customers_with_orders, min_orders 2). Pins that the recipe's own
    // statement is what the query runs and lists (the main statement has nothing to read): orders
    // counted DISTINCT per customer so a split cannot repeat an order, the threshold bound.
    await testSql(
      { kpis: ['s_repeat'], from: '2025-03-01', to: '2025-03-31' },
      {
        duckdb: [
          [
            sql`
          SELECT "_g"."role" AS "role", "_g"."pkey" AS "pkey", count(*) AS "value"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", "_s"."c" AS "c"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", "orders"."customer_id" AS "c", "orders"."order_id" AS "o"
          FROM "orders" AS "orders"
          WHERE ("orders"."status" NOT IN ('cancelled', 'fraud')) AND "orders"."customer_id" IS NOT NULL AND "orders"."ordered_at" >= CAST($1 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($2 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($5, $6, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."c"
          HAVING count(DISTINCT "_s"."o") >= $7) AS "_g"
          GROUP BY "_g"."role", "_g"."pkey"`,
            [
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
              '2025-03-01',
              '2025-03-31',
              'current',
              'all',
              2,
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_g"."role" AS "role", "_g"."pkey" AS "pkey", count(*) AS "value"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", "_s"."c" AS "c"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", "orders"."customer_id" AS "c", "orders"."order_id" AS "o"
          FROM "orders" AS "orders"
          WHERE ("orders"."status" NOT IN ('cancelled', 'fraud')) AND "orders"."customer_id" IS NOT NULL AND "orders"."ordered_at" >= CAST($1 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($2 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($5, $6, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."c"
          HAVING count(DISTINCT "_s"."o") >= $7) AS "_g"
          GROUP BY "_g"."role", "_g"."pkey"`,
            [
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
              '2025-03-01',
              '2025-03-31',
              'current',
              'all',
              2,
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_g"."role" AS "role", "_g"."pkey" AS "pkey", count(*) AS "value"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", "_s"."c" AS "c"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", "orders"."customer_id" AS "c", "orders"."order_id" AS "o"
          FROM "orders" AS "orders"
          WHERE ("orders"."status" NOT IN ('cancelled', 'fraud')) AND "orders"."customer_id" IS NOT NULL AND "orders"."ordered_at" >= parseDateTimeBestEffort($1, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($2, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($3) AND toDate($4)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $5 AS "role", $6 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."c"
          HAVING count(DISTINCT "_s"."o") >= $7) AS "_g"
          GROUP BY "_g"."role", "_g"."pkey"`,
            [
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
              '2025-03-01',
              '2025-03-31',
              'current',
              'all',
              2,
            ],
          ],
        ],
      },
    );
  });

  it('a year-on-year comparison', async () => {
    // A year-on-year comparison. Pins that the comparison is a role of the same statement: the day
    // map holds the current range and the same dates a year earlier (role yoy, same period key),
    // and the scan reads from the earliest to the latest day of both.
    await testSql(
      { kpis: ['s_revenue'], from: '2025-03-01', to: '2025-03-31', compare: ['yoy'] },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE) AS "m_s_revenue"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($8 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($9 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($6 AS DATE) AND CAST($4 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE)), ($5, $2, CAST($6 AS DATE), CAST($7 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              'yoy',
              '2024-03-01',
              '2024-03-31',
              '2024-02-29T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE PRECISION) AS "m_s_revenue"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($8 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($9 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($6 AS DATE) AND CAST($4 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE)), ($5, $2, CAST($6 AS DATE), CAST($7 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              'yoy',
              '2024-03-01',
              '2024-03-31',
              '2024-02-29T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", toNullable(toFloat64(sum("_s"."p0"))) AS "m_s_revenue"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($8, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($9, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($6) AND toDate($4) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY toDate("orders"."ordered_at", 'Europe/Paris')) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re"
          UNION ALL SELECT $5 AS "role", $2 AS "pkey", toDate($6) AS "rs", toDate($7) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              'yoy',
              '2024-03-01',
              '2024-03-31',
              '2024-02-29T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
      },
    );
  });

  it('a filter with bound values', async () => {
    // A filter with values from the request. Pins that the values are bound parameters ($7, $8),
    // including one written as an injection attempt, which stays a value, never SQL text.
    await testSql(
      {
        kpis: ['s_orders'],
        from: '2025-03-01',
        to: '2025-03-31',
        where: { channel: ['web', "store'; DROP TABLE orders; --"] },
      },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE) AS "m_s_orders"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", count(1) AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($5 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($6 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE) AND "orders"."channel_id" IN ($7, $8) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
              'web',
              "store'; DROP TABLE orders; --",
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE PRECISION) AS "m_s_orders"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", count(1) AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($5 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($6 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE) AND "orders"."channel_id" IN ($7, $8) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
              'web',
              "store'; DROP TABLE orders; --",
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", toNullable(toFloat64(sum("_s"."p0"))) AS "m_s_orders"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", count(1) AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($5, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($6, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($3) AND toDate($4) AND "orders"."channel_id" IN ($7, $8) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY toDate("orders"."ordered_at", 'Europe/Paris')) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
              'web',
              "store'; DROP TABLE orders; --",
            ],
          ],
        ],
      },
    );
  });

  it('a fan-out-protected measure', async () => {
    // A measure of a "one" fact split by an attribute of its "many" side (orders by product
    // category). Pins the fan-out protection: the distinct (order, category) keys grouped first,
    // then the orders joined back to them, so an order counts once per category, never once per
    // line. ClickHouse carries each joined table's columns by name (nested joins).
    await testSql(
      { kpis: ['s_orders'], by: ['category'], from: '2025-03-01', to: '2025-03-31' },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", "_u"."d0" AS "d0", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", "_s"."d0" AS "d0", CAST(sum("_s"."p0") AS DOUBLE) AS "m_s_orders"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", "_keys"."kd_d0" AS "d0", count(1) AS "p0"
          FROM (SELECT "orders"."order_id" AS "k0", "products"."category" AS "kd_d0"
          FROM "orders" AS "orders"
          LEFT
          JOIN "order_lines" AS "order_lines" ON ("orders"."order_id" = "order_lines"."order_id")
          LEFT
          JOIN "products" AS "products" ON ("order_lines"."sku" = "products"."sku")
          GROUP BY "orders"."order_id", "products"."category") AS "_keys"
          JOIN "orders" AS "orders" ON "_keys"."k0" = "orders"."order_id"
          WHERE "orders"."ordered_at" >= CAST($5 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($6 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE), "_keys"."kd_d0") AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."d0") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr", "_u"."d0"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", "_u"."d0" AS "d0", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", "_s"."d0" AS "d0", CAST(sum("_s"."p0") AS DOUBLE PRECISION) AS "m_s_orders"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", "_keys"."kd_d0" AS "d0", count(1) AS "p0"
          FROM (SELECT "orders"."order_id" AS "k0", "products"."category" AS "kd_d0"
          FROM "orders" AS "orders"
          LEFT
          JOIN "order_lines" AS "order_lines" ON ("orders"."order_id" = "order_lines"."order_id")
          LEFT
          JOIN "products" AS "products" ON ("order_lines"."sku" = "products"."sku")
          GROUP BY "orders"."order_id", "products"."category") AS "_keys"
          JOIN "orders" AS "orders" ON "_keys"."k0" = "orders"."order_id"
          WHERE "orders"."ordered_at" >= CAST($5 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($6 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE), "_keys"."kd_d0") AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."d0") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr", "_u"."d0"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", "_u"."d0" AS "d0", max("_u"."m_s_orders") AS "m_s_orders"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", "_s"."d0" AS "d0", toNullable(toFloat64(sum("_s"."p0"))) AS "m_s_orders"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", "_keys"."kd_d0" AS "d0", count(1) AS "p0"
          FROM (SELECT "k0" AS "_keys.k0", "kd_d0" AS "_keys.kd_d0"
          FROM (SELECT "orders"."order_id" AS "k0", "products"."category" AS "kd_d0"
          FROM (SELECT *
          FROM (SELECT "order_id" AS "orders.order_id", "channel_id" AS "orders.channel_id", "location_id" AS "orders.location_id", "customer_id" AS "orders.customer_id", "session_id" AS "orders.session_id", "ordered_at" AS "orders.ordered_at", "status" AS "orders.status", "currency" AS "orders.currency", "subtotal" AS "orders.subtotal", "discount_total" AS "orders.discount_total", "shipping_amount" AS "orders.shipping_amount", "tax_total" AS "orders.tax_total", "total" AS "orders.total", "promo_code" AS "orders.promo_code", "campaign_id" AS "orders.campaign_id", "payment_method" AS "orders.payment_method", "fulfilment" AS "orders.fulfilment", "promised_delivery_at" AS "orders.promised_delivery_at"
          FROM (SELECT *
          FROM "orders") AS "_r0") AS "_t0"
          LEFT
          JOIN (SELECT "order_id" AS "order_lines.order_id", "line_no" AS "order_lines.line_no", "sku" AS "order_lines.sku", "quantity" AS "order_lines.quantity", "unit_list_price" AS "order_lines.unit_list_price", "unit_price" AS "order_lines.unit_price", "discount_amount" AS "order_lines.discount_amount", "unit_cost" AS "order_lines.unit_cost", "tax_amount" AS "order_lines.tax_amount", "promotion_id" AS "order_lines.promotion_id"
          FROM (SELECT *
          FROM "order_lines") AS "_r1") AS "_t1" ON ("orders"."order_id" = "order_lines"."order_id")) AS "_j1"
          LEFT
          JOIN (SELECT "sku" AS "products.sku", "name" AS "products.name", "category" AS "products.category", "subcategory" AS "products.subcategory", "brand" AS "products.brand", "supplier_id" AS "products.supplier_id", "list_price" AS "products.list_price", "unit_cost" AS "products.unit_cost", "currency" AS "products.currency", "ean" AS "products.ean", "launched_on" AS "products.launched_on", "discontinued_on" AS "products.discontinued_on"
          FROM (SELECT *
          FROM "products") AS "_r2") AS "_t2" ON ("order_lines"."sku" = "products"."sku")
          GROUP BY "orders"."order_id", "products"."category") AS "_r0") AS "_t0"
          JOIN (SELECT "order_id" AS "orders.order_id", "channel_id" AS "orders.channel_id", "location_id" AS "orders.location_id", "customer_id" AS "orders.customer_id", "session_id" AS "orders.session_id", "ordered_at" AS "orders.ordered_at", "status" AS "orders.status", "currency" AS "orders.currency", "subtotal" AS "orders.subtotal", "discount_total" AS "orders.discount_total", "shipping_amount" AS "orders.shipping_amount", "tax_total" AS "orders.tax_total", "total" AS "orders.total", "promo_code" AS "orders.promo_code", "campaign_id" AS "orders.campaign_id", "payment_method" AS "orders.payment_method", "fulfilment" AS "orders.fulfilment", "promised_delivery_at" AS "orders.promised_delivery_at"
          FROM (SELECT *
          FROM "orders") AS "_r1") AS "_t1" ON "_keys"."k0" = "orders"."order_id"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($5, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($6, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($3) AND toDate($4) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY toDate("orders"."ordered_at", 'Europe/Paris'), "_keys"."kd_d0") AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey", "_s"."d0") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr", "_u"."d0"`,
            [
              'current',
              'all',
              '2025-03-01',
              '2025-03-31',
              '2025-02-28T00:00:00.000Z',
              '2025-04-02T00:00:00.000Z',
            ],
          ],
        ],
      },
    );
  });

  it('a 4-5-4 week grain', async () => {
    // A 4-5-4 week grain. Pins the retail calendar's periods (NRF: fiscal 2025 starts Sunday
    // 2 February, weeks Sunday to Saturday) as the ranges of the day map, keyed FY2025-W01 and
    // FY2025-W02.
    await testSql(
      {
        kpis: ['s_revenue'],
        grain: 'week',
        calendar: 'retail-454',
        from: '2025-02-02',
        to: '2025-02-15',
      },
      {
        duckdb: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE) AS "m_s_revenue"
          FROM (SELECT CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($8 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($9 AS TIMESTAMPTZ) AND CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($7 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(timezone('Europe/Paris', "orders"."ordered_at") AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(unnest(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE)), ($1, $5, CAST($6 AS DATE), CAST($7 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'FY2025-W01',
              '2025-02-02',
              '2025-02-08',
              'FY2025-W02',
              '2025-02-09',
              '2025-02-15',
              '2025-02-01T00:00:00.000Z',
              '2025-02-17T00:00:00.000Z',
            ],
          ],
        ],
        postgres: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", CAST(sum("_s"."p0") AS DOUBLE PRECISION) AS "m_s_revenue"
          FROM (SELECT CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= CAST($8 AS TIMESTAMPTZ) AND "orders"."ordered_at" < CAST($9 AS TIMESTAMPTZ) AND CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE) BETWEEN CAST($3 AS DATE) AND CAST($7 AS DATE) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY CAST(("orders"."ordered_at" AT TIME ZONE 'Europe/Paris') AS DATE)) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", CAST(generate_series(CAST("_r"."rs" AS TIMESTAMP), CAST("_r"."re" AS TIMESTAMP), INTERVAL '1 day') AS DATE) AS "day"
          FROM (VALUES ($1, $2, CAST($3 AS DATE), CAST($4 AS DATE)), ($1, $5, CAST($6 AS DATE), CAST($7 AS DATE))) AS "_r"("role", "pkey", "rs", "re")) AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'FY2025-W01',
              '2025-02-02',
              '2025-02-08',
              'FY2025-W02',
              '2025-02-09',
              '2025-02-15',
              '2025-02-01T00:00:00.000Z',
              '2025-02-17T00:00:00.000Z',
            ],
          ],
        ],
        clickhouse: [
          [
            sql`
          SELECT "_u"."role" AS "role", "_u"."pkey" AS "pkey", "_u"."hr" AS "hr", max("_u"."m_s_revenue") AS "m_s_revenue"
          FROM (SELECT "_pm"."role" AS "role", "_pm"."pkey" AS "pkey", NULL AS "hr", toNullable(toFloat64(sum("_s"."p0"))) AS "m_s_revenue"
          FROM (SELECT toDate("orders"."ordered_at", 'Europe/Paris') AS "day", sum("orders"."subtotal") AS "p0"
          FROM "orders" AS "orders"
          WHERE "orders"."ordered_at" >= parseDateTimeBestEffort($8, 'UTC') AND "orders"."ordered_at" < parseDateTimeBestEffort($9, 'UTC') AND toDate("orders"."ordered_at", 'Europe/Paris') BETWEEN toDate($3) AND toDate($7) AND ("orders"."status" NOT IN ('cancelled', 'fraud'))
          GROUP BY toDate("orders"."ordered_at", 'Europe/Paris')) AS "_s"
          JOIN (SELECT "_r"."role", "_r"."pkey", "_r"."rs", "_r"."re", arrayJoin(arrayMap(x -> addDays(toDate("_r"."rs"), x), range(toUInt32(dateDiff('day', toDate("_r"."rs"), toDate("_r"."re")) + 1)))) AS "day"
          FROM (SELECT $1 AS "role", $2 AS "pkey", toDate($3) AS "rs", toDate($4) AS "re"
          UNION ALL SELECT $1 AS "role", $5 AS "pkey", toDate($6) AS "rs", toDate($7) AS "re") AS "_r") AS "_pm" ON "_pm"."day" = "_s"."day"
          GROUP BY "_pm"."role", "_pm"."pkey") AS "_u"
          GROUP BY "_u"."role", "_u"."pkey", "_u"."hr"`,
            [
              'current',
              'FY2025-W01',
              '2025-02-02',
              '2025-02-08',
              'FY2025-W02',
              '2025-02-09',
              '2025-02-15',
              '2025-02-01T00:00:00.000Z',
              '2025-02-17T00:00:00.000Z',
            ],
          ],
        ],
      },
    );
  });
});
