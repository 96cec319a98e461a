/**
 * An error meant for the user: a stable code and a one-line message that names what is at
 * fault (file, line, field, KPI…). The CLI prints the message alone, never a stack trace.
 */
export class VitrineError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'VitrineError';
    this.code = code;
    this.details = details;
  }
}

export function isVitrineError(e: unknown): e is VitrineError {
  return e instanceof VitrineError;
}

/** The first line of any error's message, for output where a stack trace would not help. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim() !== '') ?? msg).trim();
}
