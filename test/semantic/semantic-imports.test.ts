import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import graph of src/semantic: no file reaches itself through its imports (the plan builder,
 * the recipes and the runner once imported each other in a loop of twelve files), and nothing in
 * it imports a room above it. Type-only imports count: a loop of types is still a loop to read.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SEMANTIC = join(ROOT, 'src/semantic');
/** Rooms that use the semantic layer, never the other way round. */
const ABOVE = ['src/server', 'src/cli', 'src/ingest', 'src/analytics', 'src/goals', 'src/demo'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to .ts paths under the repository. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm)) {
    out.push(resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
  }
  return out;
}

const files = sourceFiles(SEMANTIC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(ROOT, f);

/** Every cycle, as the files of one strongly connected component (Tarjan). */
function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(rel(w));
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) out.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

describe('src/semantic imports', () => {
  it('reads the graph it checks', () => {
    // A scanner that found nothing would pass everything: the runner does import the builder.
    expect(graph.get(join(SEMANTIC, 'query/query-runner.ts'))).toContain(
      join(SEMANTIC, 'plan/plan-builder.ts'),
    );
    expect(files.length).toBeGreaterThan(40);
  });

  it('has no cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('imports no room above it', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets
        .filter((t) => ABOVE.some((room) => rel(t).startsWith(`${room}/`)))
        .map((t) => `${rel(from)} → ${rel(t)}`),
    );
    expect(upward).toEqual([]);
  });
});
