import type { Context } from 'hono';
import type { ExplainRequest } from '../../semantic/explain/explain.js';
import { explainKpi } from '../../semantic/explain/explain.js';
import { flattenResponse } from '../../semantic/query/query-table.js';
import type { QueryResponse } from '../../semantic/query/query-types.js';
import { csvTable } from '../../util/csv.js';
import { oneLine } from '../../util/errors.js';
import { explainRequestSchema, queryBatchSchema } from '../api-schemas.js';
import type { AppDeps, AppEnv, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { errorAnswer, jsonBody, parseBody } from '../http-errors.js';
import { QueryCache } from '../query-cache.js';

/** KPI queries (one, a board's batch, as CSV) and the explanation of a KPI's change. */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace, cache, activity } = deps;

  const queryFor = async (c: Context<AppEnv>): Promise<QueryResponse> => {
    const raw = await jsonBody(c);
    c.set('detail', { request: raw });
    const { res, hit } = await deps.answerQuery(c.get('auth'), raw);
    c.header('X-Vitrine-Cache', hit ? 'hit' : 'miss');
    return res;
  };

  app.post('/api/query', async (c) => c.json(await queryFor(c)));

  // One round trip for a board: each answer is a line of NDJSON, written as soon as it is
  // computed (in completion order, with the index of its query), so that the tiles paint before
  // the slowest chart is done. Each query is checked and scoped as if sent alone.
  app.post('/api/query/batch', async (c) => {
    const auth = c.get('auth');
    const { queries } = parseBody(queryBatchSchema, await jsonBody(c));
    c.set('detail', { batch: queries.length, requests: queries });
    const encoder = new TextEncoder();
    // The answers are computed after the handler returns: they count as a request in flight.
    activity.begin();
    const stream = new ReadableStream<Uint8Array>({
      start: async (controller) => {
        try {
          await Promise.all(
            queries.map(async (q, i) => {
              let line: string;
              try {
                const { res, hit } = await deps.answerQuery(auth, q);
                line = JSON.stringify({
                  index: i,
                  status: 200,
                  cache: hit ? 'hit' : 'miss',
                  body: res,
                });
              } catch (e) {
                const { status, body } = errorAnswer(e);
                if (status === 500) {
                  console.error(
                    `vitrine serve: batch query ${i}: ${(e as Error).stack ?? oneLine(e)}`,
                  );
                }
                line = JSON.stringify({ index: i, status, body });
              }
              controller.enqueue(encoder.encode(`${line}\n`));
            }),
          );
          controller.close();
        } finally {
          activity.end();
        }
      },
    });
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return c.body(stream);
  });

  app.post('/api/query/csv', async (c) => {
    const res = await queryFor(c);
    const flat = flattenResponse(res);
    const names = flat.columns.map((col) => col.name);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="vitrine-query.csv"');
    return c.body(
      csvTable(
        names,
        flat.rows.map((r) => names.map((n) => r[n])),
      ),
    );
  });

  app.post('/api/explain', async (c) => {
    const auth = requireRole(c, 'analyst');
    const request = parseBody(explainRequestSchema, await jsonBody(c)) as ExplainRequest;
    c.set('detail', request);
    const res = await cache.get(QueryCache.key('explain', auth.scopes, request), () =>
      workspace.read((engine) => explainKpi(deps.queryContext(auth.scopes, engine), request)),
    );
    return c.json(res);
  });
}
