import { resolve } from 'node:path';
import type { TargetsLoadResult } from '../goals/targets-loader.js';
import type { IngestReport, IngestRequest } from '../ingest/ingest-runner.js';
import { expandInputs } from '../ingest/ingest-runner.js';
import { VitrineError } from '../util/errors.js';
import type { LiveServerInfo } from './live-lock.js';

/**
 * The CLI's side of the hand-over: a write command that finds a server on its workspace sends
 * the work to it and prints the answer as if it had done the work itself. Errors come back as
 * the server's code and message (the same words the command would have printed).
 */
export async function callServer<T>(
  server: Pick<LiveServerInfo, 'url' | 'token'>,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${server.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  } catch (e) {
    throw new VitrineError(
      'SERVER_UNREACHABLE',
      `the server of this workspace (${server.url}) does not answer: ${(e as Error).message}; if it was stopped abruptly, run the command again`,
    );
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    throw new VitrineError(
      'SERVER_ANSWER',
      `${server.url}${path}: HTTP ${res.status}: ${text.slice(0, 200)}`,
    );
  }
  const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  if (!res.ok && err) {
    throw new VitrineError(err.code ?? 'SERVER_ERROR', err.message ?? `HTTP ${res.status}`);
  }
  if (res.status >= 500) {
    throw new VitrineError('SERVER_ERROR', `${server.url}${path}: HTTP ${res.status}`);
  }
  return { status: res.status, body: parsed as T };
}

/** `vitrine ingest` handed to the server: the same request, paths made absolute here. */
export async function ingestOnServer(
  server: Pick<LiveServerInfo, 'url' | 'token'>,
  request: IngestRequest,
): Promise<IngestReport> {
  // Checked here first, so that a missing file is named as the user typed it.
  const paths = expandInputs(request.paths);
  const { body } = await callServer<IngestReport>(server, 'POST', '/api/ingest', {
    source: request.source,
    paths,
    ...(request.mapping ? { mapping: resolve(request.mapping) } : {}),
    dry_run: Boolean(request.dryRun),
    force: Boolean(request.force),
    csv: request.csv ?? {},
    parse: request.parse ?? {},
  });
  return body;
}

/** `vitrine targets load` handed to the server. */
export async function loadTargetsOnServer(
  server: Pick<LiveServerInfo, 'url' | 'token'>,
  file: string,
): Promise<TargetsLoadResult> {
  const abs = resolve(file);
  try {
    const { body } = await callServer<TargetsLoadResult>(server, 'POST', '/api/targets/load', {
      file: abs,
    });
    // The report names the file as it was typed, as the command does by itself.
    return { ...body, file };
  } catch (e) {
    if (e instanceof VitrineError && abs !== file) {
      throw new VitrineError(e.code, e.message.split(abs).join(file), e.details);
    }
    throw e;
  }
}
