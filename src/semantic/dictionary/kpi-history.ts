import { VitrineError } from '../../util/errors.js';
import type { KpiEntry } from './kpi-dictionary.js';
import { KpiDictionary } from './kpi-dictionary.js';
import type { KpiMeaning } from './kpi-governance.js';
import { lockFilePath, meaningOf, readLock } from './kpi-governance.js';
import { dirname } from 'node:path';

/** The meaning of a KPI at a version: the one in force, or one kept in its lock's history. */
export function meaningAt(dictionary: KpiDictionary, id: string, version: number): KpiMeaning {
  const entry = dictionary.get(id);
  if (entry.def.version === version) return meaningOf(entry.def);
  const lock = readLock(lockFilePath(dirname(entry.file))).lock;
  const locked = lock?.kpis[id];
  const found =
    locked?.history?.find((h) => h.version === version) ??
    (locked?.version === version ? locked : undefined);
  if (!found?.definition) {
    const known = [...(locked?.history ?? []).map((h) => h.version), entry.def.version];
    throw new VitrineError(
      'UNKNOWN_VERSION',
      `KPI ${id} has no recorded version ${version}; recorded versions: ${[...new Set(known)].sort((a, b) => a - b).join(', ')}`,
    );
  }
  return found.definition;
}

/** The dictionary with one KPI replaced by its meaning at another version. */
export function withVersion(dictionary: KpiDictionary, id: string, version: number): KpiDictionary {
  const entry = dictionary.get(id);
  const meaning = meaningAt(dictionary, id, version);
  const replaced: KpiEntry = { ...entry, def: { ...entry.def, ...meaning, version } };
  const entries = new Map(dictionary.entries);
  entries.set(id, replaced);
  return new KpiDictionary(entries, dictionary.diagnostics);
}
