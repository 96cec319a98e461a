import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { loadTargetsFile } from '../../goals/targets-loader.js';
import { ingest } from '../../ingest/ingest-runner.js';
import type { AppDeps, VitrineHono } from '../app-deps.js';
import { requireRole } from '../auth/auth-guards.js';
import { HttpError, jsonBody, parseBody } from '../http-errors.js';

const absolutePath = z.string().refine(isAbsolute, 'expected an absolute path on the server');

const ingestSchema = z.object({
  source: z.string().min(1),
  paths: z.array(absolutePath).min(1),
  mapping: absolutePath.optional(),
  dry_run: z.boolean().optional(),
  force: z.boolean().optional(),
  csv: z
    .object({
      delimiter: z.string().max(1).optional(),
      quote: z.string().max(1).optional(),
      escape: z.string().max(1).optional(),
      encoding: z.enum(['utf-8', 'latin-1']).optional(),
    })
    .optional(),
  parse: z
    .object({
      decimalComma: z.boolean().optional(),
      dateFormat: z.string().optional(),
      timestampFormat: z.string().optional(),
      timeZone: z.string().optional(),
    })
    .optional(),
});

const targetsLoadSchema = z.object({ file: absolutePath });

const sqlSchema = z.object({
  sql: z.string().min(1),
  params: z
    .union([
      z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
      z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    ])
    .optional(),
  /** A user's statement (`vitrine sql`): checked to be a read before it runs. */
  user: z.boolean().optional(),
});

/**
 * The write commands of the CLI, run by the server that owns the workspace (`vitrine ingest` and
 * `vitrine targets load` hand their work over when a server runs). They name files on the
 * server's disk, so only the local credential of DIR/server/live.json may call them: an API
 * token, even an admin's, cannot make the server read a path.
 */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { workspace } = deps;

  const requireLocal = (auth: { id: string }, what: string) => {
    if (auth.id !== 'local') {
      throw new HttpError(
        403,
        'LOCAL_ONLY',
        `${what} reads files on the server's disk: only the CLI on the same machine may call it`,
      );
    }
  };

  app.post('/api/ingest', async (c) => {
    const auth = requireRole(c, 'admin');
    requireLocal(auth, 'POST /api/ingest');
    const body = parseBody(ingestSchema, await jsonBody(c));
    c.set('detail', { source: body.source, files: body.paths.length, dry_run: body.dry_run });
    const report = await workspace.write((engine) =>
      ingest(
        { dir: workspace.dir, config: workspace.config, engine, close: async () => undefined },
        {
          source: body.source,
          paths: body.paths,
          ...(body.mapping ? { mapping: body.mapping } : {}),
          dryRun: Boolean(body.dry_run),
          force: Boolean(body.force),
          csv: body.csv ?? {},
          parse: body.parse ?? {},
        },
      ),
    );
    return c.json(report);
  });

  // The reads of CLI commands beside the server (src/live/remote-engine.ts), each in a
  // transaction of its own that is rolled back: they see a committed state and change nothing.
  app.post('/api/local/sql', async (c) => {
    const auth = requireRole(c, 'admin');
    requireLocal(auth, 'POST /api/local/sql');
    const body = parseBody(sqlSchema, await jsonBody(c));
    const res = await workspace.read((engine) =>
      body.user ? engine.runReadOnly(body.sql) : engine.run(body.sql, body.params),
    );
    return c.json(res);
  });

  app.post('/api/targets/load', async (c) => {
    const auth = requireRole(c, 'admin');
    requireLocal(auth, 'POST /api/targets/load');
    const { file } = parseBody(targetsLoadSchema, await jsonBody(c));
    c.set('detail', { file });
    const res = await workspace.write((engine) => loadTargetsFile(engine, deps.dictionary, file));
    return c.json(res);
  });
}
