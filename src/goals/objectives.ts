import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { runQuery } from '../semantic/query/query-runner.js';
import type { QueryContext } from '../semantic/query/query-runner.js';
import { isoDate, parseIsoDate } from '../time/civil-date.js';
import { VitrineError } from '../util/errors.js';

export const OBJECTIVES_FILE = 'objectives.yaml';

const objectiveSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    name: z.string().min(1),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    owner: z.string().optional(),
    kpis: z.array(z.object({ kpi: z.string().min(1), target: z.number() }).strict()).min(1),
  })
  .strict();

export type Objective = z.infer<typeof objectiveSchema>;

/** The objectives of a workspace (DIR/objectives.yaml): goals grouping KPIs with targets and a deadline. */
export function readObjectives(dir: string): Objective[] {
  const path = join(dir, OBJECTIVES_FILE);
  if (!existsSync(path)) return [];
  const raw = parse(readFileSync(path, 'utf8')) as { objectives?: unknown[] } | null;
  return (raw?.objectives ?? []).map((o, i) => {
    const parsed = objectiveSchema.safeParse(o);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VitrineError(
        'OBJECTIVE_INVALID',
        `${path}: objective ${i + 1}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return parsed.data;
  });
}

export interface KpiProgress {
  readonly kpi: string;
  readonly target: number;
  readonly value: number | null;
  /** For additive KPIs, the share of the target expected by now (straight line over the days). */
  readonly expectedByNow: number;
  readonly progress: number | null;
  readonly status: 'achieved' | 'on_track' | 'behind' | 'no_data';
}

export interface ObjectiveProgress {
  readonly id: string;
  readonly name: string;
  readonly from: string;
  readonly deadline: string;
  readonly asOf: string;
  readonly elapsed: number;
  readonly kpis: readonly KpiProgress[];
  readonly status: 'achieved' | 'on_track' | 'behind' | 'no_data';
}

/**
 * Progress of each objective as of a day: additive KPIs (sales) accumulate towards their target
 * and are on track when ahead of a straight line; other KPIs (rates) are judged on their level
 * so far. Polarity decides which side is good.
 */
export async function objectivesProgress(
  ctx: QueryContext,
  objectives: readonly Objective[],
  asOf: number,
): Promise<ObjectiveProgress[]> {
  const out: ObjectiveProgress[] = [];
  for (const o of objectives) {
    const from = parseIsoDate(o.from, `objective ${o.id} from`);
    const deadline = parseIsoDate(o.deadline, `objective ${o.id} deadline`);
    const end = Math.min(asOf, deadline);
    const elapsed = end < from ? 0 : (end - from + 1) / (deadline - from + 1);
    const kpis: KpiProgress[] = [];
    if (end >= from) {
      const res = await runQuery(ctx, {
        kpis: o.kpis.map((k) => k.kpi),
        from: o.from,
        to: isoDate(end),
      });
      for (const k of o.kpis) {
        const def = ctx.dictionary.get(k.kpi).def;
        const value = res.rows[0]?.values[k.kpi] ?? null;
        const additive = def.additivity === 'additive';
        const down = def.polarity === 'down';
        const expectedByNow = additive ? k.target * elapsed : k.target;
        const progress = value === null || k.target === 0 ? null : value / k.target;
        let status: KpiProgress['status'] = 'no_data';
        if (value !== null) {
          const better = (a: number, b: number) => (down ? a <= b : a >= b);
          // A total to reduce (calls, returns) starts at 0 and only grows: it is achieved when
          // the period is over under the target, never early; one to raise is achieved as soon
          // as it reaches the target.
          const reachedTotal = down ? end === deadline : true;
          status =
            additive && reachedTotal && better(value, k.target)
              ? 'achieved'
              : better(value, expectedByNow)
                ? 'on_track'
                : 'behind';
          if (!additive && end === deadline && better(value, k.target)) status = 'achieved';
        }
        kpis.push({ kpi: k.kpi, target: k.target, value, expectedByNow, progress, status });
      }
    } else {
      for (const k of o.kpis)
        kpis.push({
          kpi: k.kpi,
          target: k.target,
          value: null,
          expectedByNow: 0,
          progress: null,
          status: 'no_data',
        });
    }
    const statuses = kpis.map((k) => k.status);
    const status: ObjectiveProgress['status'] = statuses.every((s) => s === 'achieved')
      ? 'achieved'
      : statuses.includes('behind')
        ? 'behind'
        : statuses.every((s) => s === 'no_data')
          ? 'no_data'
          : 'on_track';
    out.push({
      id: o.id,
      name: o.name,
      from: o.from,
      deadline: o.deadline,
      asOf: isoDate(end),
      elapsed,
      kpis,
      status,
    });
  }
  return out;
}
