/**
 * The Model seam. Every analytic model is a library function first: a params schema (zod), the
 * data it needs (a file an analyst exported, or a workspace read through the semantic model's
 * facts and filters), and `fit()` returning values plus diagnostics — the assumptions it made,
 * how its optimisation converged, and warnings (data too thin, an assumption that looks
 * violated). The CLI (`vitrine model <name>`) is a thin shell over `runModel`.
 */
import type { z } from 'zod';
import type { Engine } from '../backends/engine.js';
import { VitrineError } from '../util/errors.js';
import { issueMessage, kebab } from './model-params.js';
import type { WorkspaceConfig } from '../workspace/workspace-config.js';

export interface Diagnostic {
  /** Stable code a program can test (TOO_FEW_CUSTOMERS, SRM, NOT_CONVERGED…). */
  readonly code: string;
  readonly message: string;
}

export interface Convergence {
  readonly method: string;
  readonly converged: boolean;
  readonly iterations: number;
  /** The optimised objective at the end (e.g. the log-likelihood), null when not finite. */
  readonly objective: number | null;
  /** Largest absolute gradient component at the end (null when not applicable). */
  readonly gradientMax: number | null;
  readonly message: string;
}

export interface Diagnostics {
  readonly assumptions: string[];
  /** One entry per optimisation or iterative step the model ran, by name. */
  readonly convergence: Record<string, Convergence>;
  readonly warnings: Diagnostic[];
}

export interface ModelResult<V> {
  readonly values: V;
  readonly diagnostics: Diagnostics;
}

/** Collects diagnostics while a model runs. */
export class DiagnosticsBuilder {
  private readonly assumptions: string[] = [];
  private readonly convergence: Record<string, Convergence> = {};
  private readonly warnings: Diagnostic[] = [];

  assume(text: string): this {
    if (!this.assumptions.includes(text)) this.assumptions.push(text);
    return this;
  }

  warn(code: string, message: string): this {
    this.warnings.push({ code, message });
    return this;
  }

  converged(name: string, c: Convergence): this {
    this.convergence[name] = c;
    if (!c.converged) this.warn('NOT_CONVERGED', `${name}: ${c.message}`);
    return this;
  }

  has(code: string): boolean {
    return this.warnings.some((w) => w.code === code);
  }

  build(): Diagnostics {
    return {
      assumptions: [...this.assumptions],
      convergence: { ...this.convergence },
      warnings: [...this.warnings],
    };
  }
}

/** What a workspace-mode model reads, for `--help` and for the closing summary. */
export interface DataNeed {
  /** Fact of the semantic model (src/semantic/facts/fact-catalogue.ts) or canonical table. */
  readonly fact: string;
  /** Named filters of the fact applied (e.g. valid_order). */
  readonly filters: readonly string[];
  readonly reads: string;
}

/** A workspace's engine and the settings SQL needs (time zone, reporting currency). */
export interface WorkspaceSource {
  readonly engine: Engine;
  readonly config: Pick<
    WorkspaceConfig,
    'timezone' | 'reporting_currency' | 'week_start' | 'fiscal_calendar'
  >;
  /** The workspace directory (its own KPI definitions extend the dictionary). */
  readonly dir?: string;
  /**
   * Most rows one fact read may return (set for API runs, whose reads share the server's heap);
   * beyond it the read stops with MODEL_TOO_MANY_ROWS instead of loading them.
   */
  readonly maxRows?: number;
}

export interface Model<P, D, V> {
  readonly name: string;
  readonly description: string;
  /** Parameters; CLI options map to these keys (--min-support → minSupport). */
  readonly params: z.ZodType<P>;
  readonly needs: readonly DataNeed[];
  /** Reads the model's data from a workspace, with SQL built from the semantic model. */
  fromWorkspace(source: WorkspaceSource, params: P): Promise<D>;
  /** Reads the model's data from a file in the documented `--input` format. */
  fromFile(path: string, params: P): D;
  fit(data: D, params: P): ModelResult<V>;
  /** A readable summary: the numbers a person looks at first, then diagnostics. */
  summarize(result: ModelResult<V>, params: P): string;
}

/** Where params come from: errors name a CLI option (`--min-support`) or an API field. */
export type ParamsSurface = 'cli' | 'api';

/** Validates raw options against a model's schema; errors name the option and the bound. */
export function parseParams<P>(
  model: Pick<Model<P, unknown, unknown>, 'name' | 'params'>,
  raw: unknown,
  surface: ParamsSurface = 'cli',
): P {
  const res = model.params.safeParse(raw);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const key = issue?.path.map(String).join('.') ?? '';
  const where =
    surface === 'api'
      ? key
        ? `params.${key} (--${kebab(key)})`
        : 'params'
      : key
        ? `option --${kebab(key)}`
        : 'options';
  throw new VitrineError(
    'MODEL_PARAMS',
    `model ${model.name}: ${where}: ${issue ? issueMessage(issue) : 'invalid value'}`,
  );
}

/**
 * Replaces NaN and ±Infinity anywhere in a result by null and reports where: JSON cannot carry
 * them, and a silent null would hide a numerical failure. Models avoid producing them; this is
 * the safety net that keeps the promise "never NaN in the output".
 */
export function sanitizeNonFinite<V>(values: V, diagnostics: DiagnosticsBuilder): V {
  const found: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
      found.push(path);
      return null;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };
  const clean = walk(values, '') as V;
  if (found.length > 0) {
    diagnostics.warn(
      'NON_FINITE',
      `${found.length} value(s) could not be computed and are null: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}`,
    );
  }
  return clean;
}

export type ModelInput =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'workspace'; readonly source: WorkspaceSource };

/** Fits and guarantees a JSON-safe result (the part a worker thread runs for the API). */
export function fitModel<P, D, V>(model: Model<P, D, V>, data: D, params: P): ModelResult<V> {
  const result = model.fit(data, params);
  const diag = new DiagnosticsBuilder();
  const values = sanitizeNonFinite(result.values, diag);
  const extra = diag.build().warnings;
  return {
    values,
    diagnostics: { ...result.diagnostics, warnings: [...result.diagnostics.warnings, ...extra] },
  };
}

/** Reads a model's data from a file or a workspace. */
export async function readModelData<P, D, V>(
  model: Model<P, D, V>,
  input: ModelInput,
  params: P,
): Promise<D> {
  return input.kind === 'file'
    ? model.fromFile(input.path, params)
    : await model.fromWorkspace(input.source, params);
}

/** Parses params, reads the data, fits, and guarantees a JSON-safe result. */
export async function runModel<P, D, V>(
  model: Model<P, D, V>,
  input: ModelInput,
  rawParams: unknown,
  surface: ParamsSurface = 'cli',
): Promise<{ params: P; result: ModelResult<V> }> {
  const params = parseParams(model, rawParams, surface);
  const data = await readModelData(model, input, params);
  return { params, result: fitModel(model, data, params) };
}

/** Number formatting for summaries (plain, stable across locales). */
export function fmt(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)} %`;
}

/** The diagnostics block every summary ends with. */
export function diagnosticsText(d: Diagnostics): string {
  const lines: string[] = [];
  const conv = Object.entries(d.convergence);
  if (conv.length > 0) {
    lines.push('Convergence:');
    for (const [name, c] of conv) {
      lines.push(
        `  ${name}: ${c.converged ? 'converged' : 'NOT converged'} (${c.method}, ${c.iterations} iterations${c.objective !== null ? `, objective ${fmt(c.objective, 4)}` : ''}) — ${c.message}`,
      );
    }
  }
  if (d.warnings.length > 0) {
    lines.push('Warnings:');
    for (const w of d.warnings) lines.push(`  [${w.code}] ${w.message}`);
  }
  if (d.assumptions.length > 0) {
    lines.push('Assumptions:');
    for (const a of d.assumptions) lines.push(`  - ${a}`);
  }
  return lines.join('\n');
}

/**
 * A model as the catalogue lists it: the model (params, reads, fit, summary) and what the CLI's
 * `--help`, the API and the docs say about it, and what its analysis board draws.
 */
export interface ModelEntry {
  /** Params, data and values vary per model; callers go through parseParams and runModel. */
  readonly model: Model<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The `--input` format, and what a workspace read uses. */
  readonly input: string;
  /** The JSON contract (`--format json`, `POST /api/models/{name}`). */
  readonly json: string;
  readonly examples: readonly string[];
  /**
   * What the model's analysis board draws, cut from the full values (a distribution and the
   * head of a ranking instead of every customer); without it the board gets the full values.
   */
  readonly dashboard?: (values: Record<string, unknown>) => unknown;
}
