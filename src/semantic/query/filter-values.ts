import type { Engine } from '../../backends/engine.js';
import { dimensionValues } from './dimension-values.js';
import type { DimensionValues } from './dimension-values.js';

/**
 * Filter values as people write them: an id (CH-WEB), its display name ("E-shop
 * maisonvitrine.fr") or either in another case are all the member; a value that matches no
 * member is kept (the answer is then empty, as asked) but named in a warning with the nearest
 * members, so that `--where channel=web` never returns a silent empty answer.
 */

export interface ResolvedFilters {
  readonly where: Readonly<Record<string, readonly string[]>>;
  readonly warnings: readonly string[];
}

/** Suggestions shown at most; a dimension with few members lists them all. */
const SUGGESTIONS = 4;

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(
        up + 1,
        (prev[j - 1] as number) + 1,
        diag + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diag = up;
    }
  }
  return prev[b.length] as number;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

function label(known: DimensionValues, id: string): string {
  const name = known.names.get(id);
  return name ? `${id} (${name})` : id;
}

/** Members nearest a value: those containing it (or contained), then the closest spellings. */
function suggestions(known: DimensionValues, value: string): string[] {
  const few = known.values.length <= SUGGESTIONS + 2;
  const v = fold(value);
  const scored = known.values.map((id) => {
    const texts = [id, known.names.get(id) ?? ''].filter(Boolean).map(fold);
    const contains = texts.some((t) => t.includes(v) || (t.length > 0 && v.includes(t)));
    const d = Math.min(...texts.map((t) => distance(t, v)));
    return { id, score: contains ? -1 : d };
  });
  // A dimension with few members lists them all, the nearest first.
  return scored
    .filter((s) => few || s.score < 0 || s.score <= Math.max(2, Math.floor(v.length / 2)))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, few ? undefined : SUGGESTIONS)
    .map((s) => label(known, s.id));
}

/**
 * The filters with every value resolved to the member it names, and a warning per value that
 * names none. `suggest` is false for a scoped caller: suggestions would list members outside
 * its scope.
 */
export async function resolveFilterValues(
  engine: Pick<Engine, 'kind' | 'run'>,
  where: Readonly<Record<string, readonly string[]>>,
  suggest: boolean,
): Promise<ResolvedFilters> {
  const out: Record<string, readonly string[]> = {};
  const warnings: string[] = [];
  for (const [dimension, values] of Object.entries(where)) {
    const known = await dimensionValues(engine, dimension);
    if (!known) {
      out[dimension] = values;
      continue;
    }
    const exact = new Set(known.values);
    const byFolded = new Map<string, string>();
    for (const id of known.values) byFolded.set(fold(id), id);
    for (const [id, name] of known.names)
      if (!byFolded.has(fold(name))) byFolded.set(fold(name), id);
    const resolved: string[] = [];
    for (const value of values) {
      const id = exact.has(value) ? value : byFolded.get(fold(value));
      if (id !== undefined) {
        if (!resolved.includes(id)) resolved.push(id);
        continue;
      }
      resolved.push(value);
      const near = suggest ? suggestions(known, value) : [];
      warnings.push(
        `filter ${dimension}=${value} matches no ${dimension} in the data${
          near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''
        }`,
      );
    }
    out[dimension] = resolved;
  }
  return { where: out, warnings };
}
