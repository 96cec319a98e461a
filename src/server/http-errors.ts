import type { Context } from 'hono';
import type { z } from 'zod';
import { isVitrineError, oneLine } from '../util/errors.js';
import { issueText } from './api-schemas.js';

/** An answer with an HTTP status; thrown inside handlers, rendered by the error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes of semantic-layer errors that are the caller's mistake (bad KPI, dimension, date…). */
const FORBIDDEN_CODES = new Set(['SCOPE_NOT_APPLICABLE']);

/** An error as the API renders it, for a handler's answer or one item of a batch. */
export function errorAnswer(err: unknown): {
  status: number;
  body: { error: { code: string; message: string } };
} {
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  }
  if (isVitrineError(err)) {
    return {
      status: FORBIDDEN_CODES.has(err.code) ? 403 : 400,
      body: { error: { code: err.code, message: oneLine(err) } },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error (see the server log)' } },
  };
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const res = schema.safeParse(body);
  if (!res.success) throw new HttpError(400, 'BAD_REQUEST', issueText(res.error));
  return res.data;
}

export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new HttpError(
      400,
      'BAD_JSON',
      'body: expected a JSON object (Content-Type: application/json)',
    );
  }
}
