import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';

export interface JsonRecord {
  /** Line where the record's object starts. */
  readonly line: number;
  /** The parsed object, or null when its text is not valid JSON. */
  readonly value: unknown;
  readonly error: string | null;
}

/**
 * The elements of a JSON array file (a REST API page), each with the line it starts on, parsed
 * one by one: a broken or truncated element is one unreadable record, not a lost file. A file
 * holding one object (not an array) is one record.
 */
export function readJsonArray(path: string): JsonRecord[] {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // JSON is UTF-8: bytes that are not (a record pasted from a Latin-1 tool) decode to U+FFFD,
  // and such a record is refused rather than loaded with its text silently replaced.
  const badBytes = !isUtf8(bytes);
  let i = 0;
  let line = 1;
  const skipBlank = () => {
    while (i < text.length && /\s/.test(text[i] as string)) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  skipBlank();
  const one = (slice: string, at: number, truncated = false): JsonRecord =>
    badBytes && slice.includes('\uFFFD')
      ? { line: at, value: null, error: 'bytes that are not valid UTF-8 (JSON must be UTF-8)' }
      : parseOne(slice, at, truncated);
  if (text[i] !== '[') {
    return [one(text, line)];
  }
  i++;
  const out: JsonRecord[] = [];
  for (;;) {
    skipBlank();
    if (i >= text.length || text[i] === ']') break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === '\n') line++;
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (ch === ',' && depth === 0) break;
    }
    out.push(one(text.slice(start, i), startLine, depth !== 0));
  }
  return out;
}

function parseOne(text: string, line: number, truncated = false): JsonRecord {
  if (truncated) return { line, value: null, error: 'the record is cut off (truncated file?)' };
  try {
    return { line, value: JSON.parse(text) as unknown, error: null };
  } catch (e) {
    return { line, value: null, error: `not valid JSON: ${(e as Error).message}` };
  }
}

/** Reads a path in a parsed JSON value (`billing.email`), as text; objects as JSON text. */
export function jsonText(value: unknown, path: string): string | null {
  let v: unknown = value;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[k];
  }
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function jsonArray(value: unknown, path: string): unknown[] {
  let v: unknown = value;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return [];
    v = (v as Record<string, unknown>)[k];
  }
  return Array.isArray(v) ? v : [];
}
