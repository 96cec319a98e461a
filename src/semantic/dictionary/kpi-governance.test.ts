import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from './dictionary-loader.js';
import { SHIPPED_DICTIONARY_DIR } from './dictionary-loader.js';
import {
  canonicalJson,
  checkDictionary,
  definitionHash,
  LOCK_FILE_NAME,
  lockDictionary,
} from './kpi-governance.js';
import { loadDictionary } from './kpi-dictionary.js';

const scratch = mkdtempSync(join(tmpdir(), 'vitrine-kpi-governance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
let dir = '';

/** A copy of the shipped dictionary and its lock, to edit freely. */
beforeEach(() => {
  dir = join(scratch, `kpis-${copies++}`);
  cpSync(SHIPPED_DICTIONARY_DIR, dir, { recursive: true });
});

function edit(file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, next);
}

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

/** The entry of one KPI in a file, for edits that must not touch its neighbours. */
function editKpi(file: string, id: string, change: (entry: string) => string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(`  - id: ${id}\n`);
  if (start < 0) throw new Error(`${id} not in ${file}`);
  const end = text.indexOf('\n  - id: ', start + 1);
  const entry = text.slice(start, end < 0 ? undefined : end);
  writeFileSync(path, text.slice(0, start) + change(entry) + (end < 0 ? '' : text.slice(end)));
}

describe('canonical definition hash', () => {
  it('does not depend on key order, names, descriptions or the changelog', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    const dict = loadDictionary();
    const def = dict.get('net_sales').def;
    const renamed = {
      ...def,
      name: { en: 'Sales', fr: 'Ventes' },
      description: { en: 'x', fr: 'y' },
      changelog: [...def.changelog],
      owner: 'finance' as const,
    };
    expect(definitionHash(renamed)).toBe(definitionHash(def));
    expect(definitionHash({ ...def, unit: 'number' })).not.toBe(definitionHash(def));
    expect(definitionHash({ ...def, rules: { ...def.rules, tax: 'included' } })).not.toBe(
      definitionHash(def),
    );
  });
});

describe('versions against the lock', () => {
  it('accepts the shipped dictionary as it is', () => {
    expect(errors(checkDictionary({ shippedDir: dir }).diagnostics)).toEqual([]);
  });

  it('refuses a changed formula under the same version, naming file, line and KPI', () => {
    editKpi('margin.yaml', 'gross_margin', (e) =>
      e.replace('expr: net_sales - net_cogs', 'expr: net_sales - cogs'),
    );
    const found = errors(checkDictionary({ shippedDir: dir }).diagnostics);
    expect(found).toHaveLength(1);
    const d = found[0] as Diagnostic;
    expect(d).toMatchObject({
      code: 'DEFINITION_CHANGED',
      kpi: 'gross_margin',
      file: join(dir, 'margin.yaml'),
    });
    expect(d.message).toMatch(/version is still 1: bump it to 2 and add a changelog line/);
    const line = readFileSync(join(dir, 'margin.yaml'), 'utf8').split('\n')[(d.line ?? 0) - 1];
    expect(line).toMatch(/^\s+version: 1$/);
    // The lock never blesses it.
    const res = lockDictionary({ shippedDir: dir });
    expect(res.file).toBeNull();
    expect(res.diagnostics.map((x) => x.code)).toEqual(['DEFINITION_CHANGED']);
  });

  it('lets a translation change through without a new version', () => {
    editKpi('margin.yaml', 'gross_margin', (e) =>
      e.replace('fr: Marge brute }', 'fr: Marge brute (commerciale) }'),
    );
    expect(errors(checkDictionary({ shippedDir: dir }).diagnostics)).toEqual([]);
  });

  it('refuses a version bump without a changelog line', () => {
    editKpi('margin.yaml', 'gross_margin', (e) =>
      e
        .replace('expr: net_sales - net_cogs', 'expr: net_sales - cogs')
        .replace('version: 1\n', 'version: 2\n'),
    );
    const found = errors(checkDictionary({ shippedDir: dir }).diagnostics);
    expect(found.map((d) => `${d.code} ${d.kpi}`)).toContain('KPI_SCHEMA gross_margin');
    expect(found.find((d) => d.kpi === 'gross_margin')?.message).toMatch(
      /last changelog entry is for version 1, the KPI is at version 2/,
    );
    expect(lockDictionary({ shippedDir: dir }).file).toBeNull();
  });

  it('takes a documented bump once it is locked', () => {
    editKpi('margin.yaml', 'gross_margin', (e) =>
      e
        .replace('expr: net_sales - net_cogs', 'expr: net_sales - cogs')
        .replace('version: 1\n', 'version: 2\n')
        .replace(
          '      - { version: 1, date: 2026-11-23, change: First definition. }\n',
          '      - { version: 1, date: 2026-11-23, change: First definition. }\n      - { version: 2, date: 2026-11-24, change: Returns no longer put back at cost. }\n',
        ),
    );
    const stale = errors(checkDictionary({ shippedDir: dir }).diagnostics);
    expect(stale.map((d) => `${d.code} ${d.kpi}`)).toEqual(['LOCK_STALE gross_margin']);
    expect(stale[0]?.message).toMatch(/run "vitrine kpi lock"/);
    const res = lockDictionary({ shippedDir: dir });
    expect(res.file).toBe(join(dir, LOCK_FILE_NAME));
    expect(res.updated).toEqual(['gross_margin']);
    expect(errors(checkDictionary({ shippedDir: dir }).diagnostics)).toEqual([]);
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'));
    expect(lock.kpis.gross_margin.version).toBe(2);
  });

  it('flags a KPI removed or added since the lock, and a missing lock', () => {
    editKpi('revenue.yaml', 'revenue_mix', () => '');
    edit('revenue.yaml', /\n+$/, '\n');
    const removed = errors(checkDictionary({ shippedDir: dir }).diagnostics);
    expect(removed.map((d) => `${d.code} ${d.kpi}`)).toEqual(['KPI_REMOVED revenue_mix']);
    expect(removed[0]?.message).toMatch(/deprecate it with replaced_by/);
    rmSync(join(dir, LOCK_FILE_NAME));
    const missing = errors(checkDictionary({ shippedDir: dir }).diagnostics);
    expect(missing.map((d) => d.code)).toEqual(['LOCK_MISSING']);
  });
});

describe("a workspace's own dictionary", () => {
  const ownKpi = (version: number, expr = 'gross_sales - discounts') => `area: own
title: { en: Own, fr: Propres }
kpis:
  - id: sales_after_discounts
    name: { en: Sales after discounts, fr: Ventes après remises }
    description:
      en: Gross sales minus discounts.
      fr: CA brut moins les remises.
    unit: currency
    polarity: up
    owner: finance
    sources: [POS, ECOM]
    additivity: additive
    rules:
      tax: excluded
      shipping: excluded
      cancellations: cancelled and fraud orders excluded
      returns: not deducted
      counts_on: local date of the order
    formula:
      expr: ${expr}
    version: ${version}
    status: active
    changelog:
      - { version: 1, date: 2026-11-23, change: First definition. }
`;

  it('is locked in its own lock file and governed like the shipped one', () => {
    const ws = join(scratch, `ws-${copies++}`);
    mkdirSync(join(ws, 'dictionary'), { recursive: true });
    writeFileSync(join(ws, 'dictionary', 'own.yaml'), ownKpi(1));
    const options = { shippedDir: dir, workspaceDir: ws };
    expect(errors(checkDictionary(options).diagnostics).map((d) => d.code)).toEqual([
      'LOCK_MISSING',
    ]);
    const res = lockDictionary(options);
    expect(res.file).toBe(join(ws, 'dictionary', LOCK_FILE_NAME));
    expect(res.added).toEqual(['sales_after_discounts']);
    expect(errors(checkDictionary(options).diagnostics)).toEqual([]);
    writeFileSync(join(ws, 'dictionary', 'own.yaml'), ownKpi(1, 'gross_sales'));
    const changed = errors(checkDictionary(options).diagnostics);
    expect(changed.map((d) => `${d.code} ${d.kpi}`)).toEqual([
      'DEFINITION_CHANGED sales_after_discounts',
    ]);
    expect(changed[0]?.file).toBe(join(ws, 'dictionary', 'own.yaml'));
  });

  it('may not override a shipped KPI without a higher version', () => {
    const ws = join(scratch, `ws-${copies++}`);
    mkdirSync(join(ws, 'dictionary'), { recursive: true });
    const shipped = readFileSync(join(dir, 'sales.yaml'), 'utf8');
    const start = shipped.indexOf('  - id: upt\n');
    const end = shipped.indexOf('\n  - id: ', start + 1);
    // The entry without its examples: their fixtures may be YAML aliases of another entry's.
    const entry = shipped.slice(start, end);
    const examples = entry.indexOf('\n    examples:');
    const upt = (examples < 0 ? entry : entry.slice(0, examples)).replace(
      'expr: units_sold / orders',
      'expr: units_sold',
    );
    writeFileSync(
      join(ws, 'dictionary', 'override.yaml'),
      `area: own\ntitle: { en: Own, fr: Propres }\nkpis:\n${upt}\n`,
    );
    const found = errors(checkDictionary({ shippedDir: dir, workspaceDir: ws }).diagnostics);
    const refused = found.find((d) => d.code === 'OVERRIDE_NEEDS_VERSION');
    expect(refused?.kpi).toBe('upt');
    expect(refused?.message).toMatch(/without a higher version \(has 1\)/);
    // The shipped definition stays in force.
    const dict = checkDictionary({ shippedDir: dir, workspaceDir: ws }).dictionary;
    expect(dict.get('upt').origin).toBe('shipped');
  });
});
