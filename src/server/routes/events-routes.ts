import { splitBody } from '../../live/event-schemas.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { HttpError } from '../http-errors.js';

/** Paths an `ingest` token may call: it sends events and reads nothing else. */
const INGEST_PATHS = new Set(['/api/events', '/api/data-version', '/api/me']);
/** Events per request at most: a bigger backlog goes in several requests (events send does). */
const MAX_EVENTS = 10_000;
/** Bytes per request at most. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Live events (POST /api/events) and the data version. Registered right after authentication:
 * the guard below must see every API call an `ingest` token makes.
 */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace } = deps;

  app.use('/api/*', async (c, next) => {
    const auth = c.get('auth');
    if (auth.role === 'ingest' && !INGEST_PATHS.has(c.req.path)) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        `an ingest token sends events (POST /api/events) and reads nothing; ${c.req.path} needs a viewer, analyst or admin token`,
      );
    }
    await next();
  });

  app.get('/api/data-version', (c) => {
    const live = workspace.live;
    return c.json(
      live
        ? { live: true, ...live.status() }
        : { live: false, data_version: workspace.dataVersion },
    );
  });

  app.post('/api/events', async (c) => {
    const auth = requireRole(c, 'ingest');
    const live = workspace.live;
    if (!live) {
      throw new HttpError(
        409,
        'NOT_THE_WRITER',
        'this server only reads the workspace (another server on the same machine is its writer; see DIR/server/live.json)',
      );
    }
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_BYTES) {
      throw new HttpError(
        413,
        'TOO_LARGE',
        `body: ${length} bytes; at most ${MAX_BYTES} per request`,
      );
    }
    const text = await c.req.text();
    const { items, problems } = splitBody(text, c.req.header('content-type') ?? '');
    if (items.length === 0) throw new HttpError(400, 'NO_EVENTS', 'body: no events');
    if (items.length > MAX_EVENTS) {
      throw new HttpError(
        413,
        'TOO_MANY_EVENTS',
        `body: ${items.length} events; at most ${MAX_EVENTS} per request`,
      );
    }
    const answer = await live.intake(items, auth);
    // Lines that were not JSON are refused with their line, after the checked ones.
    const rejected = [
      ...answer.rejected,
      ...problems.map((p) => ({ index: p.index, id: null, field: '(line)', reason: p.reason })),
    ]
      .filter((p, i, all) => all.findIndex((q) => q.index === p.index && q.field === p.field) === i)
      .sort((a, b) => a.index - b.index);
    c.set('detail', {
      events: items.length,
      accepted: answer.accepted,
      duplicates: answer.duplicates,
      rejected: rejected.length,
    });
    // ?wait=1: answer once the events are rows of the model (scripts, tests, `events send --wait`).
    if (c.req.query('wait') === '1' || c.req.query('wait') === 'true') await live.flush();
    const ok = answer.accepted + answer.duplicates > 0;
    return c.json(
      {
        accepted: answer.accepted,
        duplicates: answer.duplicates,
        rejected,
        seq: answer.seq,
        data_version: workspace.dataVersion,
      },
      ok ? 202 : 400,
    );
  });
}
