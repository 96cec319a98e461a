import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Engine } from '../../src/backends/engine.js';
import { openEngine } from '../../src/backends/backend-registry.js';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../../src/semantic/query/query-runner.js';
import type { QueryRequest, QueryResponse } from '../../src/semantic/query/query-types.js';
import { silentProgress } from '../../src/util/progress.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import type { Missing, Outcome } from './engine-suite-requests.js';
import {
  cachedOutcomes,
  catalogueKpis,
  runGroups,
  sameValue,
  suiteRequests,
  valuesOf,
} from './engine-suite-requests.js';

/**
 * The suite every engine passes: the small demo is pushed to the engine with `vitrine push`
 * (the command, run in-process), then every KPI of the shipped catalogue is computed on the
 * workspace's DuckDB and on the engine with the same requests (a month grain with yoy and
 * previous, a 4-5-4 grain, YTD, two splits) and compared: counts exactly, everything else to
 * 1e-9 relative. KPIs are asked many per request; a request an engine refuses is split in halves
 * until the KPI at fault is alone, and a KPI the engine cannot compute is listed with the reason.
 */

export interface EngineTarget {
  /** Where `vitrine push --to` copies the demo (postgres://…, duckdb:FILE…). */
  readonly url: string;
  /** ClickHouse: the cluster for push. */
  readonly cluster?: string;
  close(): Promise<void>;
}

export interface EngineSuiteOptions {
  /** KPIs this engine is known not to compute, with the reason (the goal is none). */
  readonly knownMissing?: Readonly<Record<string, string>>;
}

export function describeEngineSuite(
  label: string,
  setup: () => Promise<EngineTarget | { skip: string }>,
  options: EngineSuiteOptions = {},
): void {
  // VITRINE_SMALL_DEMO_DIR: a demo built beforehand, for runs with VITRINE_NO_DEMO=1.
  const dir = inject('smallDemoDir') ?? process.env['VITRINE_SMALL_DEMO_DIR'] ?? '';
  const dictionary = loadDictionary();
  let ws: Workspace;
  let target: EngineTarget | null = null;
  let engine: Engine | null = null;
  let skip: string | null = null;
  let pushOutput = '';
  const timings: string[] = [];

  describe(`engine suite: ${label}`, () => {
    beforeAll(async () => {
      const t = await setup();
      if ('skip' in t) {
        skip = t.skip;
        return;
      }
      target = t;
      ws = await openWorkspace(dir, { readOnly: true });
      const t0 = Date.now();
      let out = '';
      let err = '';
      const code = await main(
        [
          'push',
          '--to',
          t.url,
          '--workspace',
          dir,
          '--format',
          'json',
          ...(t.cluster ? ['--cluster', t.cluster] : []),
        ],
        { out: (s) => (out += s), err: (s) => (err += s), progress: silentProgress },
      );
      pushOutput = out;
      if (code !== 0) throw new Error(`vitrine push --to ${t.url} failed (${code}): ${err}`);
      timings.push(`push ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      engine = await openEngine(t.url, { readOnly: true });
    }, 1_200_000);

    afterAll(async () => {
      if (timings.length) console.log(`[${label}] timings: ${timings.join(', ')}`);
      await engine?.close();
      await ws?.close();
      await target?.close();
    });

    it('push copies every table, reconciled (counts and money sums)', (ctx) => {
      if (skip) {
        console.warn(`[${label}] SKIPPED: ${skip}`);
        if (process.env['CI'] === 'true') throw new Error(`${label} skipped in CI: ${skip}`);
        ctx.skip();
        return;
      }
      const report = JSON.parse(pushOutput) as {
        ok: boolean;
        tables: Array<{ table: string; sourceRows: number; targetRows: number; ok: boolean }>;
      };
      expect(report.ok).toBe(true);
      const orders = report.tables.find((x) => x.table === 'orders');
      expect(orders?.sourceRows).toBeGreaterThan(1000);
      for (const t of report.tables) expect(t.targetRows, t.table).toBe(t.sourceRows);
    });

    it('every KPI of the catalogue equals DuckDB on the engine', async (ctx) => {
      if (skip || !engine) {
        ctx.skip();
        return;
      }
      const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as {
        meta: { end: string };
      };
      const { kpis, excluded } = catalogueKpis(dictionary);
      expect(kpis.length).toBeGreaterThan(100);
      const units = new Map(kpis.map((k) => [k, dictionary.get(k).def.unit]));
      // Engines are compared on what they compute, before money is rounded to the cent for
      // people: a half cent would otherwise turn a 1e-9 difference into a whole cent.
      const onDuck = (req: QueryRequest) =>
        runQuery({ engine: ws.engine, dictionary, config: ws.config, money: 'binary' }, req);
      const target = engine;
      const onTarget = (req: QueryRequest) =>
        runQuery({ engine: target, dictionary, config: ws.config, money: 'binary' }, req);

      const missing: Missing[] = [];
      const mismatches: string[] = [];
      const computed = new Set<string>();
      for (const { name, req } of suiteRequests(truth.meta.end)) {
        const t0 = Date.now();
        const duck = await cachedOutcomes(dir, name, () => runGroups(onDuck, req, kpis));
        const t1 = Date.now();
        // The same groups on the engine: each group DuckDB answered, as one request.
        const groups = new Map<QueryResponse, string[]>();
        for (const [k, o] of duck) {
          if (!o.ok) continue;
          groups.set(o.res, [...(groups.get(o.res) ?? []), k]);
        }
        const other = new Map<string, Outcome>();
        for (const group of groups.values()) {
          for (const [k, o] of await runGroups(onTarget, req, group)) other.set(k, o);
        }
        timings.push(
          `${name}: duckdb ${((t1 - t0) / 1000).toFixed(1)}s, ${label} ${((Date.now() - t1) / 1000).toFixed(1)}s`,
        );
        for (const [k, o] of duck) {
          if (!o.ok) continue; // not applicable to this request on DuckDB either
          const t = other.get(k);
          if (!t || !t.ok) {
            missing.push({ kpi: k, request: name, reason: t && !t.ok ? t.reason : 'not run' });
            continue;
          }
          computed.add(k);
          const a = valuesOf(o.res, k);
          const b = valuesOf(t.res, k);
          const exact = units.get(k) === 'count';
          for (const key of new Set([...a.keys(), ...b.keys()])) {
            const va = a.get(key) ?? null;
            const vb = b.get(key) ?? null;
            // A row only one side has (its group differed) stands for nothing computed: 0 or null.
            const absent =
              (!a.has(key) && (vb === 0 || vb === null)) ||
              (!b.has(key) && (va === 0 || va === null));
            if (!absent && !sameValue(va, vb, exact)) {
              mismatches.push(`${k} [${name}] ${key}: duckdb ${va} vs ${label} ${vb}`);
            }
          }
        }
      }
      const unexpected = missing.filter((m) => !(m.kpi in (options.knownMissing ?? {})));
      console.log(
        `[${label}] ${computed.size} KPIs compared on ${suiteRequests(truth.meta.end).length} requests; excluded: ${excluded.map((x) => `${x.kpi} (${x.reason})`).join(', ') || 'none'}`,
      );
      console.log(
        `[${label}] KPIs the engine could not compute: ${missing.length === 0 ? 'none' : ''}\n${missing.map((m) => `  ${m.kpi} [${m.request}]: ${m.reason}`).join('\n')}`,
      );
      if (mismatches.length) {
        console.log(
          `[${label}] ${mismatches.length} mismatches:\n  ${mismatches.slice(0, 40).join('\n  ')}`,
        );
      }
      expect(computed.size).toBeGreaterThan(100);
      // A KPI listed as known missing may also compute a different value (listed with why).
      const known = options.knownMissing ?? {};
      const unexplained = mismatches.filter((m) => !((m.split(' ')[0] ?? '') in known));
      expect(unexplained.slice(0, 20)).toEqual([]);
      expect(unexpected.map((m) => `${m.kpi} [${m.request}]: ${m.reason}`)).toEqual([]);
    }, 1_800_000);
  });
}
