import type { CsvDialect, FileReject } from '../../backends/engine.js';
import { readerReason, rejectsByLine } from '../pipeline/candidate-set.js';
import type { SourceContext, SourceFile } from '../source.js';
import { ident } from '../sql-text.js';
import { recordLines } from './record-lines.js';
import type { SetAsideRecord } from './stray-carriage-returns.js';
import { setAsideStrayCarriageReturns } from './stray-carriage-returns.js';

/**
 * The rowid of a relation's first row: rows written inside a transaction carry transaction-local
 * rowids (a large offset), numbered in insertion order.
 */
async function rowBase(ctx: SourceContext, relation: string): Promise<string> {
  const res = await ctx.engine.run(
    `SELECT CAST(min(rowid) AS VARCHAR) AS b FROM ${ident(relation)}`,
  );
  const b = String(res.rows[0]?.['b'] ?? '0');
  return /^\d+$/.test(b) ? b : '0';
}

export interface ReadableCsv {
  readonly path: string;
  readonly dialect: CsvDialect;
  /**
   * Records replaced by a placeholder the reader rejects (see stray-carriage-returns.ts), by the
   * reader line of the placeholder: their reason and text replace the reader's.
   */
  readonly setAside: ReadonlyMap<number, SetAsideRecord>;
}

/**
 * What the engine reads for a CSV file: the file itself, its UTF-8 copy when Latin-1, and a copy
 * without the records the reader would stop at (a carriage return outside quotes) when the scan
 * saw one.
 */
export async function readableCsv(
  ctx: SourceContext,
  file: SourceFile,
  dialect: CsvDialect,
): Promise<ReadableCsv> {
  let path = file.path;
  let readable = dialect;
  if (dialect.encoding === 'latin-1') {
    path = await ctx.utf8Copy(file.path);
    readable = { ...dialect, encoding: 'utf-8' };
  }
  if (!file.facts.irregularLineBreaks) return { path, dialect: readable, setAside: new Map() };
  const dest = ctx.scratchFile(file.path);
  const copy = await setAsideStrayCarriageReturns(path, dest, {
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    escape: dialect.escape,
    headerLines: dialect.header ? 1 : 0,
    columns: dialect.columns.length,
  });
  return { path: copy.rewritten ? dest : path, dialect: readable, setAside: copy.setAside };
}

export interface StagedText {
  /** Temporary relation: the file's columns as text, plus `_line` (physical line of each record). */
  readonly relation: string;
  readonly rows: number;
  /** Records the reader could not parse, with their physical lines. */
  readonly unreadable: ReadonlyArray<{ line: number; reason: string; text: string | null }>;
}

/**
 * Reads a CSV file into a text relation with the line of every record, for connectors that
 * reshape records in SQL before they are checked (one Shopify row feeds an order and a line).
 */
export async function stageCsvText(
  ctx: SourceContext,
  file: SourceFile,
  dialect: CsvDialect,
  prefix: string,
): Promise<StagedText> {
  const relation = ctx.tempName(prefix);
  const readable = await readableCsv(ctx, file, dialect);
  const res = await ctx.engine.insertFromFile(
    relation,
    (from) => `SELECT src.* FROM ${from}`,
    { path: readable.path, format: 'csv', csv: readable.dialect },
    { create: true },
  );
  await ctx.engine.exec(`ALTER TABLE ${ident(relation)} ADD COLUMN _line BIGINT`);
  const base = await rowBase(ctx, relation);
  const pos = `(c.rowid - ${base})`;
  const rejectLines = [...new Set(res.rejects.map((r) => r.line))].sort((a, b) => a - b);
  const headerLines = dialect.header ? 1 : 0;
  const simple = file.facts.lines === headerLines + res.rows + rejectLines.length;
  const rejectPhysical = new Map<number, number>();
  if (simple) {
    const g = ctx.tempName('gaps');
    await ctx.engine.exec(`CREATE TEMPORARY TABLE ${ident(g)} (g BIGINT)`);
    if (rejectLines.length > 0) {
      await ctx.engine.appendRows(
        g,
        ['g'],
        rejectLines.map((r, j) => [r - headerLines - 1 - j]),
      );
    }
    await ctx.engine.run(
      `UPDATE ${ident(relation)} AS c SET _line = ${pos} + ${headerLines + 1} + (SELECT count(*) FROM ${ident(g)} WHERE g <= ${pos})`,
    );
  } else {
    const all = new Set<number>();
    for (let i = 0; i < res.rows; i++) all.add(i);
    const map = await recordLines(
      readable.path,
      dialect.quote,
      dialect.escape,
      headerLines,
      new Set(rejectLines),
      all,
    );
    const lm = ctx.tempName('lines');
    await ctx.engine.exec(`CREATE TEMPORARY TABLE ${ident(lm)} (i BIGINT, line BIGINT)`);
    await ctx.engine.appendRows(
      lm,
      ['i', 'line'],
      [...map.good].map(([i, l]) => [i, l]),
    );
    await ctx.engine.run(
      `UPDATE ${ident(relation)} AS c SET _line = m.line FROM ${ident(lm)} m WHERE m.i = ${pos}`,
    );
    for (const [reader, physical] of map.rejects) rejectPhysical.set(reader, physical);
  }
  const unreadable = [];
  for (const [line, rejects] of rejectsByLine(res.rejects)) {
    const first = rejects[0] as FileReject;
    const aside = readable.setAside.get(line);
    if (aside) {
      unreadable.push({ line: aside.line, reason: aside.reason, text: aside.text });
      continue;
    }
    unreadable.push({
      line: rejectPhysical.get(line) ?? line,
      reason: [...new Set(rejects.map(readerReason))].join('; '),
      text: first.text,
    });
  }
  return { relation, rows: res.rows, unreadable };
}

/**
 * Reads a file line by line into (`_line`, `line`) for NDJSON: a line that is not JSON is then
 * one refused record with its number, not a failed file.
 */
export async function stageLines(
  ctx: SourceContext,
  file: SourceFile,
  encoding: 'utf-8' | 'latin-1',
  prefix: string,
): Promise<StagedText> {
  const relation = ctx.tempName(prefix);
  const path = encoding === 'latin-1' ? await ctx.utf8Copy(file.path) : file.path;
  // Blank lines are kept (as NULL) by the lines scan, so row n is line n + 1.
  const res = await ctx.engine.insertFromFile(
    relation,
    (from) => `SELECT src.line AS line FROM ${from}`,
    { path, format: 'lines', encoding: 'utf-8' },
    { create: true },
  );
  await ctx.engine.exec(`ALTER TABLE ${ident(relation)} ADD COLUMN _line BIGINT`);
  const base = await rowBase(ctx, relation);
  const pos = `(c.rowid - ${base})`;
  const rejectLines = [...new Set(res.rejects.map((r) => r.line))].sort((a, b) => a - b);
  const g = ctx.tempName('gaps');
  await ctx.engine.exec(`CREATE TEMPORARY TABLE ${ident(g)} (g BIGINT)`);
  if (rejectLines.length > 0) {
    await ctx.engine.appendRows(
      g,
      ['g'],
      rejectLines.map((r, j) => [r - 1 - j]),
    );
  }
  await ctx.engine.run(
    `UPDATE ${ident(relation)} AS c SET _line = ${pos} + 1 + (SELECT count(*) FROM ${ident(g)} WHERE g <= ${pos})`,
  );
  const seen = new Set<number>();
  const unreadable = [];
  for (const r of res.rejects) {
    if (seen.has(r.line)) continue;
    seen.add(r.line);
    unreadable.push({ line: r.line, reason: readerReason(r), text: r.text });
  }
  return { relation, rows: res.rows, unreadable };
}
