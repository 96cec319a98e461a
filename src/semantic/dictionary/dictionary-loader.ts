import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { KpiDefinition } from './kpi-schema.js';
import { dictionaryFileSchema, kpiSchema } from './kpi-schema.js';

/** A problem in a user's or the shipped definitions: a code, where it is, what is wrong. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line?: number;
  readonly kpi?: string;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}${d.line ? `:${d.line}` : ''}${d.kpi ? ` (${d.kpi})` : ''}`;
  return `${d.severity === 'error' ? 'error' : 'warning'} ${d.code} ${where}: ${d.message}`;
}

export interface LoadedKpi {
  readonly def: KpiDefinition;
  readonly area: string;
  readonly file: string;
  readonly line: number;
  /** 'shipped' for kpis/ of Vitrine, 'workspace' for a workspace's own dictionary. */
  readonly origin: 'shipped' | 'workspace';
}

export interface LoadedFiles {
  readonly kpis: LoadedKpi[];
  readonly diagnostics: Diagnostic[];
}

/** kpis/ of the installed package (next to dist/ and src/). */
export const SHIPPED_DICTIONARY_DIR = fileURLToPath(new URL('../../../kpis/', import.meta.url));

/** A workspace's own dictionary folder. */
export const WORKSPACE_DICTIONARY_DIR = 'dictionary';

/** Reads every *.yaml of a folder into KPI definitions, with a diagnostic for each problem. */
export function loadDictionaryFiles(dir: string, origin: LoadedKpi['origin']): LoadedFiles {
  const kpis: LoadedKpi[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(dir)) return { kpis, diagnostics };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  for (const name of files) {
    const file = join(dir, name);
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      diagnostics.push({
        code: 'YAML_SYNTAX',
        severity: 'error',
        file,
        // linePos is only filled with prettyErrors; the offset always is.
        line: e?.linePos?.[0]?.line ?? (e ? lineCounter.linePos(e.pos[0]).line : undefined),
        message: e?.message.split('\n')[0] ?? 'invalid YAML',
      });
      continue;
    }
    const parsedFile = dictionaryFileSchema.safeParse(doc.toJS());
    if (!parsedFile.success) {
      const issue = parsedFile.error.issues[0];
      diagnostics.push({
        code: 'FILE_SHAPE',
        severity: 'error',
        file,
        message: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'} (a dictionary file has area, title and kpis)`,
      });
      continue;
    }
    const seq = doc.get('kpis', true) as { items?: Array<{ range?: [number, number, number] }> };
    parsedFile.data.kpis.forEach((raw, i) => {
      const offset = seq.items?.[i]?.range?.[0] ?? 0;
      const line = lineCounter.linePos(offset).line;
      const id =
        typeof raw === 'object' && raw !== null && 'id' in raw
          ? String((raw as { id: unknown }).id)
          : undefined;
      const parsed = kpiSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues.slice(0, 3)) {
          diagnostics.push({
            code: 'KPI_SCHEMA',
            severity: 'error',
            file,
            line,
            ...(id ? { kpi: id } : {}),
            message: `field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
          });
        }
        return;
      }
      kpis.push({ def: parsed.data, area: parsedFile.data.area, file, line, origin });
    });
  }
  return { kpis, diagnostics };
}
