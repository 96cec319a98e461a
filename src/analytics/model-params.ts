/**
 * A model's parameters are one zod object: each field carries its bounds, its default and, in
 * its metadata, the description and the value name `--help` shows. The CLI options, the API's
 * validation, `GET /api/models` and docs/models.md are all read from that one schema, so a
 * parameter is added, bounded or documented in one place.
 */
import type { Command } from 'commander';
import { z } from 'zod';

declare module 'zod/v4/core' {
  interface GlobalMeta {
    /** Value name in `--help` (`--min-support <x>`); its presence makes the field an option. */
    arg?: string;
  }
}

/** Parameter keys are camelCase; their CLI options are kebab-case (minSupport → --min-support). */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A calendar day, within the years a retail history can hold (a typo like 20240-01-01 fails). */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && s >= '1900' && s < '2200';
  }, 'expected a real day between 1900-01-01 and 2199-12-31');

/** Ids separated by commas (KPIs, dimensions), at most `max` of them. */
export const idList = (max: number) =>
  z
    .string()
    .regex(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, 'expected ids separated by commas')
    .refine((s) => s.split(',').length <= max, `at most ${max} ids`);

/** Rows shown in a summary: the full result is in the JSON output, so more helps nobody. */
export const topRows = (fallback: number) =>
  z.coerce.number().int().min(0).max(10_000).default(fallback);

export interface ParamField {
  readonly key: string;
  /** `--min-support` */
  readonly option: string;
  /** `x` in `--min-support <x>` */
  readonly arg: string;
  readonly description: string;
  /** The schema's default as the CLI shows it (commander passes it back as a string). */
  readonly defaultText: string | undefined;
  /** Bounds and choices in words, for the reference docs. */
  readonly accepts: string;
}

type AnyObject = z.ZodObject<z.ZodRawShape>;

function asObject(schema: z.ZodType): AnyObject {
  if (!(schema instanceof z.ZodObject)) {
    throw new Error('a model params schema must be a z.object (its fields are the options)');
  }
  return schema as AnyObject;
}

function acceptsText(field: z.ZodType): string {
  const js = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const parts: string[] = [];
  if (Array.isArray(js['enum'])) return `one of ${(js['enum'] as unknown[]).join(', ')}`;
  const type = js['type'] === 'integer' ? 'integer' : js['type'] === 'number' ? 'number' : null;
  if (type) parts.push(type);
  if (js['minimum'] !== undefined) parts.push(`≥ ${String(js['minimum'])}`);
  if (js['exclusiveMinimum'] !== undefined) parts.push(`> ${String(js['exclusiveMinimum'])}`);
  if (js['maximum'] !== undefined) parts.push(`≤ ${String(js['maximum'])}`);
  if (js['exclusiveMaximum'] !== undefined) parts.push(`< ${String(js['exclusiveMaximum'])}`);
  if (typeof js['pattern'] === 'string' && js['pattern'].includes('\\d{4}-'))
    return 'a day, YYYY-MM-DD';
  if (parts.length === 0)
    parts.push(
      js['maxLength'] !== undefined ? `text ≤ ${String(js['maxLength'])} characters` : 'text',
    );
  return parts.join(' ');
}

/** The documented fields of a params schema, in the schema's order (the order `--help` lists). */
export function paramFields(schema: z.ZodType): ParamField[] {
  const out: ParamField[] = [];
  for (const [key, field] of Object.entries(asObject(schema).shape)) {
    const meta = (field as z.ZodType).meta();
    if (!meta?.arg) continue;
    const fallback =
      field instanceof z.ZodDefault ? (field.def.defaultValue as unknown) : undefined;
    out.push({
      key,
      option: `--${kebab(key)}`,
      arg: meta.arg,
      description: meta.description ?? '',
      defaultText: fallback === undefined ? undefined : String(fallback),
      accepts: acceptsText(field as z.ZodType),
    });
  }
  return out;
}

/** Adds a model's options to its command, from the params schema. */
export function addParamOptions(cmd: Command, schema: z.ZodType): Command {
  for (const f of paramFields(schema)) {
    cmd.option(`${f.option} <${f.arg}>`, f.description, f.defaultText);
  }
  return cmd;
}

/** The params as JSON Schema (GET /api/models), without the CLI-only metadata. */
export function paramsJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const props = (js['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const p of Object.values(props)) delete p['arg'];
  delete js['$schema'];
  return js;
}

/** A zod issue in words that name the bound: "must be at most 10", "must be greater than 0". */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && typeof issue.minimum !== 'object') {
    const bound = String(issue.minimum);
    if (issue.origin === 'string') return `must have at least ${bound} character(s)`;
    if (issue.origin === 'array') return `must have at least ${bound} item(s)`;
    return issue.inclusive === false
      ? `must be greater than ${bound}`
      : `must be at least ${bound}`;
  }
  if (issue.code === 'too_big' && typeof issue.maximum !== 'object') {
    const bound = String(issue.maximum);
    if (issue.origin === 'string') return `must have at most ${bound} character(s)`;
    if (issue.origin === 'array') return `must have at most ${bound} item(s)`;
    return issue.inclusive === false ? `must be less than ${bound}` : `must be at most ${bound}`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
  }
  return issue.message;
}
