import { join } from 'node:path';
import { VitrineError } from '../../util/errors.js';
import type { Diagnostic, LoadedKpi } from './dictionary-loader.js';
import { formatDiagnostic } from './dictionary-loader.js';
import {
  SHIPPED_DICTIONARY_DIR,
  WORKSPACE_DICTIONARY_DIR,
  loadDictionaryFiles,
} from './dictionary-loader.js';

export type KpiEntry = LoadedKpi;

/**
 * The KPI dictionary in force: Vitrine's shipped definitions (kpis/) merged with a workspace's
 * own (DIR/dictionary/). A workspace definition may add a KPI, or override a shipped one only
 * with a higher version; anything else is a diagnostic and the shipped definition stays.
 */
export class KpiDictionary {
  readonly entries: ReadonlyMap<string, KpiEntry>;
  readonly diagnostics: readonly Diagnostic[];

  constructor(entries: ReadonlyMap<string, KpiEntry>, diagnostics: readonly Diagnostic[]) {
    this.entries = entries;
    this.diagnostics = diagnostics;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The KPI with this id, or an error naming it and listing the closest valid ids. */
  get(id: string): KpiEntry {
    const e = this.entries.get(id);
    if (e) return e;
    const ids = [...this.entries.keys()];
    const close = ids
      .map((k) => ({ k, d: editDistance(k, id) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5)
      .map((x) => x.k);
    // A KPI whose file did not load reads as unknown: say which file failed, and why, rather
    // than let a YAML slip pass for a typo in the request.
    const failed = this.diagnostics.filter(
      (d) => d.severity === 'error' && (d.kpi === id || d.kpi === undefined),
    );
    const why =
      failed.length > 0
        ? `; ${failed.length === 1 ? 'a dictionary file' : `${failed.length} dictionary files or definitions`} did not load: ${failed
            .slice(0, 2)
            .map(formatDiagnostic)
            .join('; ')}`
        : '';
    throw new VitrineError(
      'UNKNOWN_KPI',
      `unknown KPI "${id}"; did you mean ${close.join(', ')}? (vitrine kpi list shows all ${ids.length})${why}`,
    );
  }

  list(area?: string): KpiEntry[] {
    const all = [...this.entries.values()];
    return area ? all.filter((e) => e.area === area) : all;
  }

  areas(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.area))];
  }
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min(
        (prev[j] as number) + 1,
        (prev[j - 1] as number) + 1,
        diag + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

export interface LoadDictionaryOptions {
  /** A workspace whose dictionary/ folder extends the shipped one. */
  readonly workspaceDir?: string;
  /** Another folder of shipped definitions (tests). */
  readonly shippedDir?: string;
}

function duplicate(k: KpiEntry, prior: KpiEntry): Diagnostic {
  return {
    code: 'DUPLICATE_ID',
    severity: 'error',
    file: k.file,
    line: k.line,
    kpi: k.def.id,
    message: `KPI ${k.def.id} is already defined in ${prior.file}:${prior.line}`,
  };
}

export function loadDictionary(options: LoadDictionaryOptions = {}): KpiDictionary {
  const shipped = loadDictionaryFiles(options.shippedDir ?? SHIPPED_DICTIONARY_DIR, 'shipped');
  const diagnostics: Diagnostic[] = [...shipped.diagnostics];
  const entries = new Map<string, KpiEntry>();
  for (const k of shipped.kpis) {
    const prior = entries.get(k.def.id);
    if (prior) {
      diagnostics.push(duplicate(k, prior));
      continue;
    }
    entries.set(k.def.id, k);
  }
  if (options.workspaceDir) {
    const own = loadDictionaryFiles(
      join(options.workspaceDir, WORKSPACE_DICTIONARY_DIR),
      'workspace',
    );
    diagnostics.push(...own.diagnostics);
    for (const k of own.kpis) {
      const prior = entries.get(k.def.id);
      if (prior?.origin === 'workspace') {
        diagnostics.push(duplicate(k, prior));
        continue;
      }
      if (prior && k.def.version <= prior.def.version) {
        diagnostics.push({
          code: 'OVERRIDE_NEEDS_VERSION',
          severity: 'error',
          file: k.file,
          line: k.line,
          kpi: k.def.id,
          message: `overrides the shipped KPI ${k.def.id} (version ${prior.def.version}) without a higher version (has ${k.def.version}); the shipped definition stays in force`,
        });
        continue;
      }
      entries.set(k.def.id, k);
    }
  }
  return new KpiDictionary(entries, diagnostics);
}
