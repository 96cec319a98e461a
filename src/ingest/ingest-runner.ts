import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { getTable } from '../model/model.js';
import type { TableDef } from '../model/model-types.js';
import { TABLES } from '../model/tables.js';
import { requireEmbedded } from '../backends/engine.js';
import { VitrineError } from '../util/errors.js';
import type { Progress } from '../util/progress.js';
import { silentProgress } from '../util/progress.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CsvFlags } from './csv/csv-dialect.js';
import { transcodeToUtf8 } from './csv/transcode.js';
import type { FileFacts } from './file-scan.js';
import { NO_FILE, scanFile } from './file-scan.js';
import { resolveIdentities } from './identity/identity-resolver.js';
import { INTERNAL, ensureInternalTables } from './internal-tables.js';
import { recordRun } from './load-log/load-log.js';
import {
  markReleased,
  runSample,
  stageReleasable,
  tablesWithHeldRecords,
} from './quarantine/quarantine-writer.js';
import { workspaceSalt } from './personal/workspace-salt.js';
import type { TableCounts } from './pipeline/candidate-set.js';
import { CandidateSet, emptyCounts } from './pipeline/candidate-set.js';
import { mergeCandidates } from './pipeline/merge-writer.js';
import { RunState } from './pipeline/run-state.js';
import type { MergeMode, RecordBatch, SourceContext, SourceDef, SourceFile } from './source.js';
import { resolveSource, sourceConfig } from './source-registry.js';
import { constant, ident } from './sql-text.js';
import type { ParseOptions } from './validate/column-rules.js';
import { heldReferences } from './validate/reference-rules.js';
import { ingestRulesOf } from './validate/table-ingest-rules.js';

export interface IngestRequest {
  /** A connector (shopify, woocommerce, magento, pos, ga4, mapping) or a model table. */
  readonly source: string;
  /** Files, or directories whose files are all read (sorted by name). */
  readonly paths: readonly string[];
  /** Options of the source, or the mapping of the `mapping` source (YAML). */
  readonly mapping?: string;
  /** Do everything, report, and write nothing. */
  readonly dryRun?: boolean;
  /** Read files again even when the load log has them (records upsert by natural key). */
  readonly force?: boolean;
  readonly csv?: CsvFlags;
  readonly parse?: ParseOptions;
  readonly progress?: Progress;
}

export interface FileOutcome {
  readonly path: string;
  readonly hash: string;
  readonly bytes: number;
  /** `loaded`, or `already loaded` (the load log has this content: nothing was read). */
  readonly status: 'loaded' | 'already loaded';
  /** The run that loaded this content before. */
  readonly previousRun?: number;
}

export interface ReleasedCounts {
  /** Records held by earlier loads whose parent has now arrived. */
  readonly read: number;
  readonly loaded: number;
  readonly updated: number;
  readonly duplicates: number;
  readonly quarantined: number;
}

export interface TableReport extends TableCounts {
  readonly table: string;
  /** Stored rows a source replaced and no longer has (a GA4 day rewritten without them). */
  readonly removed: number;
  readonly released: ReleasedCounts;
  /** Latest value of the table's time column among the records accepted. */
  readonly latest: string | null;
}

export interface QuarantineSample {
  readonly table: string | null;
  readonly file: string;
  readonly line: number | null;
  readonly reason: string;
}

export interface IngestReport {
  /** The run id, or null when every file was already loaded (nothing was done). */
  readonly runId: number | null;
  readonly source: string;
  readonly dryRun: boolean;
  readonly files: readonly FileOutcome[];
  readonly tables: readonly TableReport[];
  /** Customers of this load merged into a customer known from another source. */
  readonly identitiesMerged: number;
  /** What the source did beyond the model's tables (GA4's event store). */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  /** The first quarantined records of the run, for the summary printed after a load. */
  readonly quarantineSample: readonly QuarantineSample[];
  readonly seconds: number;
}

class DryRunRollback extends Error {
  constructor(readonly report: IngestReport) {
    super('dry run');
  }
}

/** Every file named, directories expanded to their files (hidden ones skipped), in order. */
export function expandInputs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs))
      throw new VitrineError('FILE_NOT_FOUND', `${p}: no such file or directory`);
    if (statSync(abs).isDirectory()) {
      const files = readdirSync(abs)
        .filter((f) => !f.startsWith('.'))
        .sort()
        .map((f) => join(abs, f))
        .filter((f) => statSync(f).isFile());
      out.push(...files);
    } else {
      out.push(abs);
    }
  }
  if (out.length === 0)
    throw new VitrineError('NO_FILES', `no files to load in ${paths.join(', ')}`);
  return [...new Set(out)];
}

function zeroReleased(): ReleasedCounts {
  return { read: 0, loaded: 0, updated: 0, duplicates: 0, quarantined: 0 };
}

async function addBatch(
  run: RunState,
  sets: Map<string, CandidateSet>,
  batch: RecordBatch,
  direct = false,
): Promise<void> {
  let set = sets.get(batch.table);
  if (!set) {
    set = new CandidateSet(getTable(batch.table), run);
    sets.set(batch.table, set);
  }
  switch (batch.kind) {
    case 'file':
      run.progress.start(`reading ${basename(batch.file.path)}`, 0);
      await set.addFile(batch, direct);
      run.progress.done(`${set.rows.toLocaleString('en-US')} ${batch.table} records`);
      return;
    case 'relation':
      if (batch.fileColumn) {
        // Records of several files: each gets the index of its own file.
        const col = ident(batch.fileColumn);
        const rel = ident(batch.relation);
        await run.engine.exec(`ALTER TABLE ${rel} ADD COLUMN _fileidx INTEGER`);
        const paths = await run.run(
          `SELECT DISTINCT ${col} AS f FROM ${rel} WHERE ${col} IS NOT NULL`,
        );
        for (const r of paths.rows) {
          const idx = await run.addFile(String(r['f']));
          await run.change(`UPDATE ${rel} SET _fileidx = ${idx} WHERE ${col} = $1`, [
            String(r['f']),
          ]);
        }
        await set.addRelation(batch, 'src._fileidx');
      } else {
        await set.addRelation(batch);
      }
      return;
    case 'rows':
      await set.addRows(batch);
      return;
    case 'unreadable':
      set.addUnreadable(batch);
      return;
  }
}

/** Quarantined records of earlier loads waiting for a parent that this load brought. */
async function releaseHeld(run: RunState, table: TableDef): Promise<ReleasedCounts> {
  const refs = heldReferences(table.name);
  if (refs.length === 0) return zeroReleased();
  const conds = refs
    .map(
      (r) =>
        `EXISTS (SELECT 1 FROM ${ident(r.parent)} p WHERE p.${ident(r.parentColumn)} = json_extract_string(q.record, ${constant(`$.${r.column}`)}))`,
    )
    .join(' AND ');
  const rel = run.tempName(`held_${table.name}`);
  await stageReleasable(run, rel, table, conds);
  const n = await run.count(`SELECT count(*) FROM ${ident(rel)}`);
  if (n === 0) return zeroReleased();
  const paths = await run.run(`SELECT DISTINCT _qfile AS f FROM ${ident(rel)}`);
  for (const r of paths.rows) {
    const idx = await run.addFile(String(r['f']));
    await run.change(`UPDATE ${ident(rel)} SET _fileidx = ${idx} WHERE _qfile = $1`, [
      String(r['f']),
    ]);
  }
  const modes = await run.run(`SELECT DISTINCT _mode AS m FROM ${ident(rel)}`);
  const out = { read: n, loaded: 0, updated: 0, duplicates: 0, quarantined: 0 };
  for (const r of modes.rows) {
    const mode = String(r['m']) as MergeMode;
    const part = run.tempName(`held_part_${table.name}`);
    await run.engine.exec(
      `CREATE TEMPORARY TABLE ${ident(part)} AS SELECT * FROM ${ident(rel)} WHERE _mode = ${constant(mode)}`,
    );
    const set = new CandidateSet(table, run);
    const heldFile: SourceFile = { path: '(held records)', index: -1, facts: NO_FILE };
    await set.addRelation(
      {
        kind: 'relation',
        table: table.name,
        file: heldFile,
        relation: part,
        columns: table.columns.map((c) => c.name),
        mode,
        parse: {},
      },
      'src._fileidx',
    );
    await set.applyIdentityLinks();
    await set.markDuplicates();
    await set.holdOrphans();
    const q = await set.quarantine(mode);
    const m = await mergeCandidates(run, set, mode);
    out.loaded += m.loaded;
    out.updated += m.updated;
    out.duplicates += m.unchanged + (await set.countDuplicates());
    out.quarantined += q.quarantined;
  }
  await markReleased(run, rel);
  return out;
}

async function previousLoads(
  ws: Workspace,
  source: string,
  hashes: readonly string[],
): Promise<Map<string, number>> {
  const res = await ws.engine.run(
    `SELECT file_hash, run_id FROM ${INTERNAL.loadLog} WHERE source = $1 AND file_hash IN (SELECT unnest(string_split($2, ',')))`,
    [source, hashes.join(',')],
  );
  return new Map(res.rows.map((r) => [String(r['file_hash']), Number(r['run_id'])]));
}

/**
 * Loads files into the workspace as one transaction: every file of the run, or none (a process
 * killed half-way leaves the workspace as it was). Files whose content the load log already has
 * are skipped; records upsert by natural key; refused records go to the quarantine with their
 * reason, file and line; the reconciliation of every table is stored with the run.
 */
export async function ingest(ws: Workspace, request: IngestRequest): Promise<IngestReport> {
  const started = Date.now();
  const progress = request.progress ?? silentProgress;
  const source: SourceDef<unknown> = await resolveSource(request.source);
  const config = sourceConfig(source, request.mapping);
  const paths = expandInputs(request.paths);
  const facts: FileFacts[] = [];
  for (const p of paths) {
    progress.start(`scanning ${basename(p)}`, 0);
    facts.push(await scanFile(p));
    progress.done();
  }
  const salt = workspaceSalt(ws.dir);
  // Files are read, staged and loaded by the embedded DuckDB alone.
  const engine = requireEmbedded(ws.engine, 'ingest');
  const warnings: string[] = [];
  const notes: string[] = [];
  let scratch: string | null = null;
  const copies = new Map<string, string>();
  let scratchFiles = 0;
  const scratchFile = (path: string): string => {
    scratch ??= mkdtempSync(join(tmpdir(), 'vitrine-ingest-'));
    scratchFiles += 1;
    return join(scratch, `${scratchFiles}-${basename(path)}`);
  };
  const utf8Copy = async (path: string): Promise<string> => {
    const done = copies.get(path);
    if (done) return done;
    const dest = scratchFile(path);
    await transcodeToUtf8(path, dest);
    copies.set(path, dest);
    return dest;
  };
  try {
    return await engine.transaction(async () => {
      await ensureInternalTables(engine);
      const before = await previousLoads(
        ws,
        source.name,
        facts.map((f) => f.hash),
      );
      const files: FileOutcome[] = facts.map((f) => {
        const prev = before.get(f.hash);
        return prev !== undefined && !request.force
          ? {
              path: f.path,
              hash: f.hash,
              bytes: f.bytes,
              status: 'already loaded',
              previousRun: prev,
            }
          : { path: f.path, hash: f.hash, bytes: f.bytes, status: 'loaded' };
      });
      const todo = facts.filter((_, i) => files[i]?.status === 'loaded');
      if (todo.length === 0) {
        return {
          runId: null,
          source: source.name,
          dryRun: Boolean(request.dryRun),
          files,
          tables: [],
          identitiesMerged: 0,
          notes: [],
          warnings,
          quarantineSample: [],
          seconds: (Date.now() - started) / 1000,
        };
      }
      const runId = Number(
        (await engine.run(`SELECT coalesce(max(run_id), 0) + 1 AS id FROM ${INTERNAL.runs}`))
          .rows[0]?.['id'] ?? 1,
      );
      const run = new RunState(engine, runId, source.name, salt, progress, source.personalInput);
      await run.init();
      const ctx: SourceContext = {
        engine,
        config: ws.config,
        salt,
        tempName: (p) => run.tempName(p),
        csv: request.csv ?? {},
        parse: request.parse ?? {},
        runId,
        runState: new Map(),
        note: (text) => notes.push(text),
        utf8Copy,
        scratchFile,
      };
      const sets = new Map<string, CandidateSet>();
      const sourceFiles: SourceFile[] = [];
      // A load of one table may write its records straight into the (empty) table as it reads
      // them; a load of several tables stages them all (orders are checked against their lines).
      const direct = source.tables.length === 1 && source.tables[0] === source.name;
      for (const f of todo) {
        const file: SourceFile = { path: f.path, index: await run.addFile(f.path), facts: f };
        sourceFiles.push(file);
        const problems = await source.check(ctx, file, config);
        const error = problems.find((p) => p.severity === 'error');
        if (error) {
          throw new VitrineError(
            'SOURCE_FILE',
            `${error.file}${error.line !== undefined ? `: line ${error.line}` : ''}${error.field ? `: field ${error.field}` : ''}: ${error.message}`,
          );
        }
        for (const w of problems) {
          warnings.push(`${w.file}${w.line !== undefined ? `: line ${w.line}` : ''}: ${w.message}`);
        }
        for await (const batch of source.read(ctx, file, config)) {
          await addBatch(run, sets, batch, direct);
        }
      }
      if (source.finish) {
        for await (const batch of source.finish(ctx, config, sourceFiles)) {
          await addBatch(run, sets, batch);
        }
      }
      for (const set of sets.values()) {
        progress.start(`checking keys of ${set.table.name}`, 0);
        await set.applyIdentityLinks();
        await set.markDuplicates();
        progress.done();
      }
      const heldTables = await tablesWithHeldRecords(engine);
      const reports: TableReport[] = [];
      for (const table of TABLES) {
        const released = heldTables.has(table.name)
          ? await releaseHeld(run, table)
          : zeroReleased();
        const set = sets.get(table.name);
        if (!set) {
          if (released.read > 0) {
            reports.push({
              table: table.name,
              ...emptyCounts(),
              removed: 0,
              released,
              latest: null,
            });
          }
          continue;
        }
        const mode = set.mode ?? 'replace';
        progress.start(`checking references of ${table.name}`, 0);
        const rules = ingestRulesOf(table.name);
        await rules.checkAcrossTables?.(run, set, sets);
        await set.holdOrphans();
        progress.done();
        progress.start(`quarantining ${table.name}`, 0);
        await set.resolveLines();
        const q = await set.quarantine(mode);
        progress.done();
        const m = await mergeCandidates(run, set, mode);
        await rules.afterMerge?.(run, set, source.name);
        const counts: TableCounts = {
          read: await set.countAll(),
          loaded: m.loaded,
          updated: m.updated,
          duplicates: m.unchanged + (await set.countDuplicates()),
          quarantined: q.quarantined,
          held: q.held,
        };
        reports.push({
          table: table.name,
          ...counts,
          removed: m.removed,
          released,
          latest: await set.latest(),
        });
      }
      progress.start('resolving identities', 0);
      const identitiesMerged = await resolveIdentities(run);
      progress.done();
      await recordRun(run, {
        files: files.length,
        skipped: files.length - todo.length,
        inputRows: reports.reduce((a, r) => a + r.read, 0),
        options: JSON.stringify({
          csv: request.csv ?? {},
          parse: request.parse ?? {},
          force: Boolean(request.force),
        }),
        tables: reports,
        loaded: todo,
      });
      const sample = await runSample(engine, runId);
      await run.dropTemps();
      const report: IngestReport = {
        runId,
        source: source.name,
        dryRun: Boolean(request.dryRun),
        files,
        tables: reports,
        identitiesMerged,
        notes,
        warnings,
        quarantineSample: sample,
        seconds: (Date.now() - started) / 1000,
      };
      if (request.dryRun) throw new DryRunRollback(report);
      return report;
    });
  } catch (e) {
    if (e instanceof DryRunRollback) return e.report;
    throw e;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
