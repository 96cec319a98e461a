import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLES } from '../model/tables.js';
import { isoDate, todayEpochDay, civil, epochDay } from '../time/civil-date.js';
import { requireEmbedded } from '../backends/engine.js';
import { VitrineError } from '../util/errors.js';
import type { Progress } from '../util/progress.js';
import { silentProgress } from '../util/progress.js';
import type { Workspace } from '../workspace/workspace.js';
import { initWorkspace, isWorkspace, openWorkspace } from '../workspace/workspace.js';
import { tableStats } from '../workspace/table-stats.js';
import type { DemoContext } from './demo-context.js';
import type { DemoScale } from './demo-scale.js';
import { SCALES } from './demo-scale.js';
import type { GroundTruth } from './ground-truth.js';
import { DEMO_PARTS } from './parts/demo-parts.js';
import { Random } from './random.js';
import { TableWriter } from './table-writer.js';

export const GENERATOR_VERSION = 'vitrine-demo/1';
export const GROUND_TRUTH_FILE = 'ground-truth.json';

export interface DemoOptions {
  readonly scale?: DemoScale;
  readonly seed?: number;
  /** The day the demo is generated for, 'YYYY-MM-DD' (default: today, UTC). Data end the day before. */
  readonly today?: number;
  /** Replace the data of a workspace that already has some. */
  readonly force?: boolean;
  readonly progress?: Progress;
}

export interface DemoResult {
  readonly workspace: string;
  readonly rowCounts: Record<string, number>;
  readonly seconds: number;
  readonly truth: GroundTruth;
}

/** The demo covers every day from 1 January three years before yesterday's year up to yesterday. */
export function demoPeriod(today: number): { startDay: number; endDay: number } {
  const endDay = today - 1;
  const startDay = epochDay(civil(endDay).year - 3, 1, 1);
  return { startDay, endDay };
}

/** Builds the demo retailer into the workspace at dir (created when missing). */
export async function generateDemo(dir: string, options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const scale = options.scale ?? 'medium';
  const seed = options.seed ?? 42;
  const progress = options.progress ?? silentProgress;
  const today = options.today ?? todayEpochDay();
  const { startDay, endDay } = demoPeriod(today);

  let ws: Workspace;
  if (isWorkspace(dir)) {
    ws = await openWorkspace(dir);
    const stats = await tableStats(ws.engine);
    if (stats.some((s) => s.rows > 0) && !options.force) {
      await ws.close();
      throw new VitrineError(
        'WORKSPACE_HAS_DATA',
        `workspace ${ws.dir} already has data; pass --force to replace it with the demo`,
      );
    }
  } else {
    ws = await initWorkspace(dir, { name: 'Maison Vitrine (demo)' });
  }

  const root = new Random(seed, 'demo');
  const out = new TableWriter(join(ws.dir, '.vitrine-tmp', `demo-${process.pid}`));
  const ctx: DemoContext = {
    seed,
    scale,
    params: SCALES[scale],
    startDay,
    endDay,
    reportingCurrency: ws.config.reporting_currency,
    rng: (label) => root.fork(label),
    out,
    truth: {},
    locations: [],
    channels: [],
    fx: new Map(),
    products: [],
    customers: [],
    campaigns: [],
    orders: [],
  };

  try {
    progress.info(
      `demo retailer: scale ${scale}, seed ${seed}, ${isoDate(startDay)} → ${isoDate(endDay)}`,
    );
    for (const part of DEMO_PARTS) {
      progress.start(`generating ${part.name}`, 0);
      part.run(ctx);
      progress.done(
        part.tables.map((t) => `${t} ${out.count(t).toLocaleString('en-US')}`).join(', '),
      );
    }
    const written = new Set(DEMO_PARTS.flatMap((p) => p.tables));
    const missing = TABLES.map((t) => t.name).filter((t) => !written.has(t));
    if (missing.length > 0) {
      throw new Error(`demo generator writes no part for tables: ${missing.join(', ')}`);
    }
    await ws.engine.transaction(async () => {
      for (const t of TABLES) await ws.engine.exec(`DELETE FROM "${t.name}"`);
      await out.load(requireEmbedded(ws.engine, 'the demo'), progress);
    });
    // Checkpoint so the database file is complete and compact when the command returns.
    await ws.engine.exec('CHECKPOINT');
    const truth: GroundTruth = {
      meta: {
        generator: GENERATOR_VERSION,
        seed,
        scale,
        start: isoDate(startDay),
        end: isoDate(endDay),
        today: isoDate(today),
        timezone: 'Europe/Paris',
        reportingCurrency: ws.config.reporting_currency,
        rowCounts: out.counts(),
      },
      ...ctx.truth,
    };
    writeFileSync(join(ws.dir, GROUND_TRUTH_FILE), JSON.stringify(truth, null, 2) + '\n');
    return {
      workspace: ws.dir,
      rowCounts: truth.meta.rowCounts,
      seconds: (Date.now() - started) / 1000,
      truth,
    };
  } finally {
    out.dispose();
    await ws.close();
  }
}
