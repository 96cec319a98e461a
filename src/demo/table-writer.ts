import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedEngine } from '../backends/engine.js';
import { getTable } from '../model/model.js';
import type { Progress } from '../util/progress.js';

/** A value the writer accepts: null for empty, numbers and strings as they are. */
export type Cell = string | number | boolean | null | undefined;

// Lines are joined and written in small batches: a 4 MB string built by += keeps every line alive
// across young-generation collections and more than doubled the CPU cost of writing the rows.
const FLUSH_LINES = 512;

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === '') return '""';
  if (/[",\n\r]/.test(v)) return `"${v.replaceAll('"', '""')}"`;
  return v;
}

class TableFile {
  readonly path: string;
  readonly columns: readonly string[];
  rows = 0;
  private fd: number;
  private lines: string[] = [];

  constructor(path: string, columns: readonly string[]) {
    this.path = path;
    this.columns = columns;
    this.fd = openSync(path, 'w');
  }

  push(cells: readonly Cell[]): void {
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) line += ',';
      line += csvCell(cells[i]);
    }
    this.lines.push(line);
    this.rows++;
    if (this.lines.length >= FLUSH_LINES) this.flush();
  }

  flush(): void {
    if (this.lines.length > 0) {
      writeSync(this.fd, this.lines.join('\n') + '\n');
      this.lines = [];
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Collects generated rows per table in CSV files, then bulk-loads them. Rows are arrays in the
 * order of the model's columns for that table (checked on the first row of each table).
 */
export class TableWriter {
  private readonly dir: string;
  private readonly files = new Map<string, TableFile>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  private file(table: string): TableFile {
    let f = this.files.get(table);
    if (!f) {
      const def = getTable(table);
      f = new TableFile(
        join(this.dir, `${table}.csv`),
        def.columns.map((c) => c.name),
      );
      this.files.set(table, f);
    }
    return f;
  }

  /** Appends one row, its cells in the model's column order. */
  row(table: string, cells: readonly Cell[]): void {
    const f = this.file(table);
    if (cells.length !== f.columns.length) {
      throw new Error(
        `demo row for ${table} has ${cells.length} cells; the model has ${f.columns.length} columns (${f.columns.join(', ')})`,
      );
    }
    f.push(cells);
  }

  count(table: string): number {
    return this.files.get(table)?.rows ?? 0;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [t, f] of this.files) out[t] = f.rows;
    return out;
  }

  /** Loads every file into its table (inside the caller's transaction) and removes the files. */
  async load(engine: EmbeddedEngine, progress: Progress): Promise<void> {
    const files = [...this.files.entries()];
    const total = files.reduce((s, [, f]) => s + f.rows, 0);
    progress.start('loading tables', total);
    let done = 0;
    for (const [table, f] of files) {
      f.close();
      await engine.loadFile(table, {
        path: f.path,
        format: 'csv',
        columns: f.columns,
        header: false,
      });
      done += f.rows;
      progress.update(done);
    }
    progress.done(`${total.toLocaleString('en-US')} rows`);
  }

  dispose(): void {
    for (const f of this.files.values()) {
      try {
        f.close();
      } catch {
        // already closed after load
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Integer cents → exact decimal text ("1234" → "12.34"). */
export function money(cents: number): string {
  const neg = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const s = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** Integer ten-thousandths → exact decimal text with 4 places. */
export function price4(units: number): string {
  const neg = units < 0;
  const abs = Math.abs(Math.round(units));
  const s = `${Math.floor(abs / 10000)}.${String(abs % 10000).padStart(4, '0')}`;
  return neg ? `-${s}` : s;
}

/** Milliseconds since the epoch → ISO-8601 UTC timestamp. */
export function ts(ms: number): string {
  return new Date(ms).toISOString();
}
