import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, LoadedKpi } from './dictionary-loader.js';
import {
  loadDictionaryFiles,
  SHIPPED_DICTIONARY_DIR,
  WORKSPACE_DICTIONARY_DIR,
} from './dictionary-loader.js';
import type { KpiDictionary } from './kpi-dictionary.js';
import { loadDictionary } from './kpi-dictionary.js';
import type { KpiDefinition } from './kpi-schema.js';
import { fieldLine, validateKpis } from './kpi-validation.js';

/**
 * Governance of KPI definitions: a KPI's meaning never changes under the same version. A lock
 * file beside the definitions (kpis/kpis.lock.json for the shipped dictionary,
 * DIR/dictionary/kpis.lock.json for a workspace's own) records each KPI's version and a hash of
 * what it computes. `vitrine kpi validate` compares the definitions with it; `vitrine kpi lock`
 * records new versions once they are bumped and documented.
 */

export const LOCK_FILE_NAME = 'kpis.lock.json';

/** What a KPI computes: the part of a definition its hash covers. */
export interface KpiMeaning {
  readonly formula: KpiDefinition['formula'];
  readonly unit: KpiDefinition['unit'];
  readonly unit_detail?: string;
  readonly additivity: KpiDefinition['additivity'];
  readonly polarity: KpiDefinition['polarity'];
  readonly rules: KpiDefinition['rules'];
}

export interface LockedVersion {
  readonly version: number;
  readonly hash: string;
  /** The meaning of that version, kept so `vitrine kpi diff` can show and compute it later. */
  readonly definition?: KpiMeaning;
}

export interface LockEntry extends LockedVersion {
  /** Earlier versions, oldest first. */
  readonly history?: readonly LockedVersion[];
}

export interface KpiLock {
  readonly format: 1;
  readonly kpis: Readonly<Record<string, LockEntry>>;
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of what a KPI computes and how it reads: formula, unit, additivity, polarity and
 * rules. Names, descriptions, owner, sources, examples and the changelog are left out: fixing a
 * translation is not a new version.
 */
export function meaningOf(def: KpiDefinition): KpiMeaning {
  return {
    formula: def.formula,
    unit: def.unit,
    ...(def.unit_detail !== undefined ? { unit_detail: def.unit_detail } : {}),
    additivity: def.additivity,
    polarity: def.polarity,
    rules: def.rules,
  };
}

export function definitionHash(def: KpiDefinition): string {
  return createHash('sha256')
    .update(canonicalJson(meaningOf(def)))
    .digest('hex');
}

export function lockFilePath(dictionaryDir: string): string {
  return join(dictionaryDir, LOCK_FILE_NAME);
}

/**
 * The lock of a set of definitions. A KPI whose version moved past the previous lock keeps the
 * previous version (with its meaning) in its history.
 */
export function buildLock(kpis: readonly LoadedKpi[], previous: KpiLock | null = null): KpiLock {
  const entries = [...kpis]
    .sort((a, b) => (a.def.id < b.def.id ? -1 : 1))
    .map((k) => {
      const before = previous?.kpis[k.def.id];
      const history = [...(before?.history ?? [])];
      if (before && before.version < k.def.version) {
        history.push({
          version: before.version,
          hash: before.hash,
          ...(before.definition ? { definition: before.definition } : {}),
        });
      }
      const entry: LockEntry = {
        version: k.def.version,
        hash: definitionHash(k.def),
        definition: meaningOf(k.def),
        ...(history.length > 0 ? { history } : {}),
      };
      return [k.def.id, entry] as const;
    });
  return { format: 1, kpis: Object.fromEntries(entries) };
}

export function renderLock(lock: KpiLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** The lock file, or null when there is none; a malformed lock is a diagnostic. */
export function readLock(path: string): { lock: KpiLock | null; diagnostics: Diagnostic[] } {
  if (!existsSync(path)) return { lock: null, diagnostics: [] };
  const bad = (message: string) => ({
    lock: null,
    diagnostics: [{ code: 'LOCK_MALFORMED', severity: 'error' as const, file: path, message }],
  });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return bad(`not valid JSON (${(e as Error).message}); rewrite it with "vitrine kpi lock"`);
  }
  const kpis = (raw as { kpis?: unknown } | null)?.kpis;
  if (typeof kpis !== 'object' || kpis === null) return bad('has no "kpis" object');
  for (const [id, e] of Object.entries(kpis as Record<string, unknown>)) {
    const entry = e as Partial<LockEntry> | null;
    if (typeof entry?.version !== 'number' || typeof entry.hash !== 'string') {
      return bad(`entry ${id} needs a numeric version and a hash`);
    }
  }
  return { lock: { format: 1, kpis: kpis as Record<string, LockEntry> }, diagnostics: [] };
}

/** Codes `vitrine kpi lock` resolves by rewriting the lock (anything else blocks it). */
const RESOLVED_BY_LOCKING = new Set(['LOCK_MISSING', 'LOCK_STALE', 'KPI_REMOVED']);

/** Compares definitions with their lock: changed meaning needs a new version and a changelog. */
export function checkLock(
  kpis: readonly LoadedKpi[],
  lock: KpiLock | null,
  lockFile: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const diag = (k: LoadedKpi, code: string, field: string, message: string) =>
    out.push({
      code,
      severity: 'error',
      file: k.file,
      line: fieldLine(k, field),
      kpi: k.def.id,
      message,
    });
  for (const k of kpis) {
    const versions = k.def.changelog.map((c) => c.version);
    if (versions.some((v, i) => i > 0 && v <= (versions[i - 1] as number))) {
      diag(
        k,
        'CHANGELOG_ORDER',
        'changelog',
        `changelog versions must increase: ${versions.join(', ')}`,
      );
    }
  }
  if (!lock) {
    if (kpis.length > 0) {
      out.push({
        code: 'LOCK_MISSING',
        severity: 'error',
        file: lockFile,
        message: `no lock file for ${kpis.length} KPI definitions; run "vitrine kpi lock" to record their versions`,
      });
    }
    return out;
  }
  const defined = new Set<string>();
  for (const k of kpis) {
    const id = k.def.id;
    defined.add(id);
    const locked = lock.kpis[id];
    const version = k.def.version;
    if (!locked) {
      diag(
        k,
        'LOCK_STALE',
        'version',
        `version ${version} is not in ${lockFile}; run "vitrine kpi lock" to record it`,
      );
      continue;
    }
    const hash = definitionHash(k.def);
    if (version === locked.version) {
      if (hash !== locked.hash) {
        diag(
          k,
          'DEFINITION_CHANGED',
          'version',
          `definition (formula, unit, additivity, polarity or rules) changed but the version is still ${version}: bump it to ${version + 1} and add a changelog line`,
        );
      }
    } else if (version < locked.version) {
      diag(
        k,
        'VERSION_DECREASED',
        'version',
        `version ${version} is lower than the locked version ${locked.version}`,
      );
    } else if (!k.def.changelog.some((c) => c.version === version)) {
      diag(
        k,
        'CHANGELOG_MISSING',
        'changelog',
        `version bumped to ${version} without a changelog line for it`,
      );
    } else {
      diag(
        k,
        'LOCK_STALE',
        'version',
        `version ${version} is newer than the locked version ${locked.version}; run "vitrine kpi lock" to record it`,
      );
    }
  }
  for (const id of Object.keys(lock.kpis)) {
    if (!defined.has(id)) {
      out.push({
        code: 'KPI_REMOVED',
        severity: 'error',
        file: lockFile,
        kpi: id,
        message: `KPI ${id} is locked but no longer defined; ids are stable: deprecate it with replaced_by rather than removing it, or run "vitrine kpi lock" to drop it`,
      });
    }
  }
  return out;
}

export interface DictionaryOptions {
  /** A workspace whose dictionary/ folder extends the shipped dictionary. */
  readonly workspaceDir?: string;
  /** Another folder of shipped definitions (tests). */
  readonly shippedDir?: string;
}

export interface DictionaryCheck {
  readonly dictionary: KpiDictionary;
  /** Loading, semantic and governance diagnostics, errors first. */
  readonly diagnostics: readonly Diagnostic[];
}

interface Governed {
  readonly dir: string;
  readonly lockFile: string;
  readonly kpis: readonly LoadedKpi[];
  readonly loadErrors: readonly Diagnostic[];
}

function governed(dir: string, origin: LoadedKpi['origin']): Governed {
  const files = loadDictionaryFiles(dir, origin);
  return {
    dir,
    lockFile: lockFilePath(dir),
    kpis: files.kpis,
    loadErrors: files.diagnostics.filter((d) => d.severity === 'error'),
  };
}

function governedSets(options: DictionaryOptions): {
  shipped: Governed;
  workspace: Governed | null;
} {
  const shipped = governed(options.shippedDir ?? SHIPPED_DICTIONARY_DIR, 'shipped');
  const workspace = options.workspaceDir
    ? governed(join(options.workspaceDir, WORKSPACE_DICTIONARY_DIR), 'workspace')
    : null;
  return { shipped, workspace };
}

function governanceOf(g: Governed): Diagnostic[] {
  const { lock, diagnostics } = readLock(g.lockFile);
  if (diagnostics.length > 0) return diagnostics;
  // A workspace without definitions of its own needs no lock.
  if (!lock && g.kpis.length === 0) return [];
  return checkLock(g.kpis, lock, g.lockFile);
}

/** Everything `vitrine kpi validate` checks: loading, semantics, and the locks. */
export function checkDictionary(options: DictionaryOptions = {}): DictionaryCheck {
  const dictionary = loadDictionary(options);
  const { shipped, workspace } = governedSets(options);
  const diagnostics = [
    ...dictionary.diagnostics,
    ...validateKpis(dictionary),
    ...governanceOf(shipped),
    ...(workspace ? governanceOf(workspace) : []),
  ];
  const rank = (d: Diagnostic) => (d.severity === 'error' ? 0 : 1);
  return { dictionary, diagnostics: diagnostics.sort((a, b) => rank(a) - rank(b)) };
}

export interface LockResult {
  /** The lock file written, or null when refused. */
  readonly file: string | null;
  readonly locked: number;
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
  /** Why the lock was refused (errors), or what to know (warnings). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Records the current versions of the shipped dictionary, or of a workspace's own when
 * workspaceDir is given. Refused while any definition of it is invalid or changed under an
 * unchanged version: the lock never blesses an undocumented change.
 */
export function lockDictionary(options: DictionaryOptions = {}): LockResult {
  const { shipped, workspace } = governedSets(options);
  const target = workspace ?? shipped;
  const check = checkDictionary(options);
  const inTarget = (d: Diagnostic) =>
    d.file === target.lockFile ||
    target.kpis.some((k) => k.file === d.file) ||
    d.file.startsWith(target.dir);
  const blocking = check.diagnostics.filter(
    (d) => d.severity === 'error' && inTarget(d) && !RESOLVED_BY_LOCKING.has(d.code),
  );
  const empty = { locked: 0, added: [], updated: [], removed: [] };
  if (blocking.length > 0) return { file: null, ...empty, diagnostics: blocking };
  const previous = readLock(target.lockFile).lock;
  const next = buildLock(target.kpis, previous);
  const before = previous?.kpis ?? {};
  const added = Object.keys(next.kpis).filter((id) => !before[id]);
  const updated = Object.keys(next.kpis).filter(
    (id) => before[id] && before[id].version !== next.kpis[id]?.version,
  );
  const removed = Object.keys(before).filter((id) => !next.kpis[id]);
  mkdirSync(target.dir, { recursive: true });
  writeFileSync(target.lockFile, renderLock(next));
  const warnings: Diagnostic[] = removed.map((id) => ({
    code: 'KPI_REMOVED',
    severity: 'warning',
    file: target.lockFile,
    kpi: id,
    message: `dropped KPI ${id} from the lock; anything still asking for it will fail`,
  }));
  return {
    file: target.lockFile,
    locked: Object.keys(next.kpis).length,
    added,
    updated,
    removed,
    diagnostics: warnings,
  };
}
