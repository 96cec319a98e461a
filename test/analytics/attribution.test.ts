import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AttributionData } from '../../src/analytics/attribution/attribution-model.js';
import {
  attributionModel,
  attributionParams,
  fitAttribution,
} from '../../src/analytics/attribution/attribution-model.js';
import { touchWeights } from '../../src/analytics/attribution/heuristic-attribution.js';
import { buildJourneys } from '../../src/analytics/attribution/journey-builder.js';
import type { Journey } from '../../src/analytics/attribution/journeys.js';
import { readJourneyFile } from '../../src/analytics/attribution/journeys.js';
import { markovAttribution } from '../../src/analytics/attribution/markov-attribution.js';
import { ATTRIBUTION_PATHS } from './datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-attribution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const fileData = (journeys: Journey[]): AttributionData => ({
  journeys,
  timed: false,
  spend: null,
  acquired: null,
  source: 'test',
  readWarnings: [],
});
const j = (path: string, conversions: number, value: number, nulls: number): Journey => ({
  channels: path.split(' > '),
  conversions,
  value,
  nulls,
});

describe('Markov attribution on a hand-solved chain', () => {
  // Journeys: A > B (1 conversion worth 10), B (1 conversion worth 20, 1 null), A (1 null).
  // Counts: start A 2, B 2 → ½, ½. From A: to B 1, to null 1 → ½, ½. From B: conversion 2
  // (one per converting journey ending in B), null 1 → ⅔, ⅓.
  // P(conv | B) = ⅔, P(conv | A) = ½ · ⅔ = ⅓ → P(conv) = ½·⅓ + ½·⅔ = ½.
  // Without A (A → null): ½ · ⅔ = ⅓ → removal effect 1 − ⅓/½ = ⅓. Without B: 0 → effect 1.
  // Shares ⅓ : 1 = ¼ : ¾ of 2 conversions worth 30 → A 0.5 / 7.5, B 1.5 / 22.5.
  const journeys = [j('A > B', 1, 10, 0), j('B', 1, 20, 1), j('A', 0, 0, 1)];

  it('solves the removal effects exactly', () => {
    const m = markovAttribution(journeys);
    expect(m?.conversionProbability).toBeCloseTo(0.5, 14);
    expect(m?.removalEffects['A']).toBeCloseTo(1 / 3, 14);
    expect(m?.removalEffects['B']).toBeCloseTo(1, 14);
    expect(m?.shares['A']).toBeCloseTo(0.25, 14);
    expect(m?.transitions['B']).toEqual({ conversion: 2 / 3, null: 1 / 3 });
  });

  it('credits conversions and value by the shares; heuristics by their rules', () => {
    const v = fitAttribution(fileData(journeys), attributionParams.parse({})).values;
    expect(v.models.markov['A']?.conversions).toBeCloseTo(0.5, 14);
    expect(v.models.markov['A']?.value).toBeCloseTo(7.5, 13);
    expect(v.models.markov['B']?.conversions).toBeCloseTo(1.5, 14);
    expect(v.models.markov['B']?.value).toBeCloseTo(22.5, 13);
    // First touch: A > B → A, B → B. Last touch: B twice. Linear: A ½, B ½ + 1.
    expect(v.models.first_touch['A']?.conversions).toBe(1);
    expect(v.models.last_touch['B']?.conversions).toBe(2);
    expect(v.models.linear['A']?.value).toBeCloseTo(5, 14);
    // Time decay, half-life 1 touch: A weighs 2^-1 against B's 1 → A ⅓ of the first journey.
    expect(v.models.time_decay['A']?.conversions).toBeCloseTo(1 / 3, 14);
    // Position based with two touches: 40/40 renormalised → 50/50.
    expect(v.models.position_based['A']?.conversions).toBeCloseTo(0.5, 14);
  });
});

describe('heuristic weights', () => {
  const opts = { halfLife: 7, firstShare: 0.4, lastShare: 0.4 };
  it('position based 40/20/40 over five touches: 0.4, 0.2/3 ×3, 0.4', () => {
    const w = touchWeights('position_based', { channels: ['a', 'b', 'c', 'd', 'e'] }, opts);
    expect(w).toEqual([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4].map((x) => expect.closeTo(x, 14)));
  });
  it('time decay on ages: 14 and 7 days before with a 7-day half-life weigh ¼ : ½ : 1', () => {
    const w = touchWeights('time_decay', { channels: ['a', 'b', 'c'], ageDays: [14, 7, 0] }, opts);
    expect(w).toEqual([0.25 / 1.75, 0.5 / 1.75, 1 / 1.75].map((x) => expect.closeTo(x, 14)));
  });
});

describe('attribution on the ChannelAttribution PathData set', () => {
  const journeys = readJourneyFile(ATTRIBUTION_PATHS);
  const res = fitAttribution(fileData(journeys), attributionParams.parse({}));
  const v = res.values;
  // Totals computed here straight from the CSV text, independently of the reader.
  const rows = readFileSync(ATTRIBUTION_PATHS, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const parts = l.split(',');
      return {
        path: parts[0] as string,
        conv: Number(parts[1]),
        value: Number(parts[2]),
        nulls: Number(parts[3]),
      };
    });
  const conversions = rows.reduce((s, r) => s + r.conv, 0);
  const value = rows.reduce((s, r) => s + r.value, 0);

  it('reads 10,000 paths over 12 channels', () => {
    expect(journeys).toHaveLength(10_000);
    expect(v.totals.channels).toHaveLength(12);
    expect(v.totals.conversions).toBe(conversions);
    expect(v.totals.nulls).toBe(rows.reduce((s, r) => s + r.nulls, 0));
  });

  it('every model attributes exactly the observed conversions and value', () => {
    for (const [name, credit] of Object.entries(v.models)) {
      const c = Object.values(credit).reduce((s, x) => s + x.conversions, 0);
      const val = Object.values(credit).reduce((s, x) => s + x.value, 0);
      expect(c, name).toBeCloseTo(conversions, 6);
      expect(val, name).toBeCloseTo(value, 6);
    }
  });

  it('first touch counts the first channel of converting paths', () => {
    const first = new Map<string, number>();
    for (const r of rows) {
      const ch = r.path.split(' > ')[0] as string;
      first.set(ch, (first.get(ch) ?? 0) + r.conv);
    }
    for (const [ch, n] of first) expect(v.models.first_touch[ch]?.conversions).toBe(n);
  });

  it('Markov: removal effects in [0, 1], deterministic', () => {
    const m = v.markov;
    expect(m).not.toBeNull();
    for (const e of Object.values(m?.removalEffects ?? {})) {
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e).toBeLessThanOrEqual(1);
    }
    const again = fitAttribution(
      fileData(readJourneyFile(ATTRIBUTION_PATHS)),
      attributionParams.parse({}),
    );
    expect(again.values.markov).toEqual(m);
  });

  it('Markov on three rows of the set matches a hand-solved chain', () => {
    // Lines 5, 34 and 10 of the file: "beta > eta" 1 conversion / 3 null, "beta" 44 / 169,
    // "eta" 1 / 3. Start: beta 4 + 213 = 217, eta 4 (of 221). From beta: eta 4, conversion 44,
    // null 169 (of 217). From eta: conversion 1 + 1, null 3 + 3 → ¼.
    // P(conv | eta) = ¼; P(conv | beta) = 44/217 + 4/217 · ¼ = 45/217;
    // P(conv) = 217/221 · 45/217 + 4/221 · ¼ = 46/221.
    // Without beta: 4/221 · ¼ = 1/221 → effect 1 − 1/46 = 45/46.
    // Without eta: 217/221 · 44/217 = 44/221 → effect 1 − 44/46 = 1/23.
    // Shares 45/47 and 2/47 of the 46 conversions.
    const picked = [5, 34, 10].map((line) => journeys[line - 2] as Journey);
    expect(picked.map((x) => x.channels.join(' > '))).toEqual(['beta > eta', 'beta', 'eta']);
    const m = markovAttribution(picked);
    expect(m?.conversionProbability).toBeCloseTo(46 / 221, 14);
    expect(m?.removalEffects['beta']).toBeCloseTo(45 / 46, 14);
    expect(m?.removalEffects['eta']).toBeCloseTo(1 / 23, 14);
    const sub = fitAttribution(fileData(picked), attributionParams.parse({})).values;
    expect(sub.models.markov['beta']?.conversions).toBeCloseTo((46 * 45) / 47, 12);
  });

  it('computes ROAS from a spend file', () => {
    const spend = file('spend.csv', 'channel,spend\nalpha,1000\nbeta,0\n');
    const data = attributionModel.fromFile(
      ATTRIBUTION_PATHS,
      attributionParams.parse({ spend, efficiencyModel: 'last_touch' }),
    );
    const eff = fitAttribution(data, attributionParams.parse({ efficiencyModel: 'last_touch' }))
      .values.efficiency;
    const alpha = eff?.channels.find((r) => r.key === 'alpha');
    expect(alpha?.roas).toBeCloseTo((v.models.last_touch['alpha']?.value ?? 0) / 1000, 10);
    expect(eff?.channels.find((r) => r.key === 'beta')?.roas).toBeNull();
  });
});

describe('attribution on bad input', () => {
  it('empty file, wrong columns, empty path are clear errors', () => {
    expect(() => readJourneyFile(file('empty.csv', ''))).toThrow(/empty.*path,total_conversions/);
    expect(() => readJourneyFile(file('cols.csv', 'path,conversions\na,1\n'))).toThrow(
      /missing column\(s\) total_conversions, total_conversion_value, total_null/,
    );
    expect(() =>
      readJourneyFile(
        file('blank.csv', 'path,total_conversions,total_conversion_value,total_null\n,1,2,3\n'),
      ),
    ).toThrow(/blank\.csv:2: column path is empty/);
  });

  it('zero conversions: every model credits 0, Markov is null, a diagnostic says why', () => {
    const res = fitAttribution(
      fileData([j('a > b', 0, 0, 5), j('b', 0, 0, 2)]),
      attributionParams.parse({}),
    );
    expect(res.values.markov).toBeNull();
    expect(res.values.models.markov['a']?.conversions).toBe(0);
    expect(res.diagnostics.warnings.map((w) => w.code)).toContain('ZERO_CONVERSIONS');
    expect(JSON.stringify(res.values)).not.toMatch(/NaN|Infinity/);
  });

  it('rejects position shares above 100 %', () => {
    expect(() => attributionParams.parse({ firstShare: 0.7, lastShare: 0.5 })).toThrow();
  });
});

describe('journeys from raw touches', () => {
  it('cuts each visitor’s touches at their conversions, with the lookback window', () => {
    const day = 86_400_000;
    const built = buildJourneys(
      [
        { visitor: 'v1', ms: 0, channel: 'seo', campaign: null },
        { visitor: 'v1', ms: 40 * day, channel: 'sea', campaign: 'c1' },
        { visitor: 'v1', ms: 41 * day, channel: 'email', campaign: 'c2' },
        { visitor: 'v1', ms: 50 * day, channel: 'social', campaign: null },
        { visitor: 'v2', ms: 5 * day, channel: 'tv', campaign: null },
      ],
      [
        { visitor: 'v1', ms: 45 * day, value: 100, margin: 40 },
        { visitor: 'v3', ms: 1 * day, value: 10, margin: 2 },
      ],
      30,
    );
    // v1's seo touch is 45 days old at the conversion: dropped. v1's social touch after the
    // conversion and v2's touch are journeys without conversion; v3 converts untouched.
    expect(built.expiredTouches).toBe(1);
    expect(built.untouched).toBe(1);
    const paths = built.journeys.map((x) => `${x.channels.join('>')}:${x.conversions}`).sort();
    expect(paths).toEqual(['(no touchpoint):1', 'sea>email:1', 'social:0', 'tv:0']);
    const conv = built.journeys.find((x) => x.channels.join() === 'sea,email');
    expect(conv?.ageDays).toEqual([5, 4]);
    expect(conv?.campaigns).toEqual(['c1', 'c2']);
  });
});
