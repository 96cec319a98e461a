import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'vitrine-kpi-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every field a consumer of `kpi list --format json` may rely on. */
const LIST_FIELDS = [
  'id',
  'area',
  'name',
  'description',
  'unit',
  'polarity',
  'owner',
  'sources',
  'additivity',
  'version',
  'status',
  'formula_kind',
];

const ownDictionary = (expr: string, version = 1) => `area: own
title: { en: Own KPIs, fr: KPI maison }
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

describe('vitrine kpi', () => {
  it('lists every KPI as JSON with its governance fields', async () => {
    const res = await runCli(['kpi', 'list', '--format', 'json']);
    expect(res.code).toBe(0);
    const kpis = JSON.parse(res.stdout) as Array<Record<string, unknown>>;
    expect(kpis.length).toBeGreaterThan(150);
    for (const k of kpis) {
      for (const f of LIST_FIELDS) expect(k[f], `${String(k['id'])}.${f}`).toBeDefined();
      const name = k['name'] as { en: string; fr: string };
      expect(name.en.length * name.fr.length, String(k['id'])).toBeGreaterThan(0);
      expect((k['sources'] as string[]).length, String(k['id'])).toBeGreaterThan(0);
    }
    const ids = kpis.map((k) => k['id']);
    expect(ids).toContain('net_sales');
    expect(ids).toContain('shrinkage');
    const margin = await runCli(['kpi', 'list', '--area', 'margin']);
    expect(margin.code).toBe(0);
    expect(margin.stdout).toMatch(/^gross_margin_rate\s+margin\s+ratio\s+up\s+non_additive/m);
    expect(margin.stdout).not.toMatch(/^net_sales /m);
  });

  it('refuses an unknown area, naming the valid ones', async () => {
    const res = await runCli(['kpi', 'list', '--area', 'weather']);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/unknown area "weather"; areas are: .*margin.*sales/);
  });

  it('shows a KPI with its definition, formula, rules and versions', async () => {
    const res = await runCli(['kpi', 'show', 'gross_margin_rate']);
    expect(res.code).toBe(0);
    for (const text of [
      'Gross margin rate — Taux de marque',
      'gross_margin / net_sales',
      'owner       finance',
      'sources     POS ECOM ERP',
      'cancellations',
      'v1  2026-11-23  First definition.',
    ]) {
      expect(res.stdout).toContain(text);
    }
    const json = await runCli(['kpi', 'show', 'aov', '--format', 'json']);
    const aov = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(aov['formula']).toEqual({ expr: '(gross_sales - discounts) / orders' });
    expect(aov['variants']).toContain('aov_incl_tax');
    expect(aov['depends_on']).toEqual(['gross_sales', 'discounts', 'orders']);
    expect((aov['rules'] as Record<string, string>)['tax']).toMatch(/excluded/);
  });

  it('answers an unknown KPI with one line listing close ids', async () => {
    const res = await runCli(['kpi', 'show', 'net_sale']);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/unknown KPI "net_sale"; did you mean net_sales/);
  });

  it('validates the shipped dictionary', async () => {
    const res = await runCli(['kpi', 'validate']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ok: \d+ KPIs valid, locks up to date/);
  });

  it('prints the KPI × source matrix with each source’s grain and latency', async () => {
    const res = await runCli(['kpi', 'sources']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^kpi\s+area\s+POS\s+ECOM\s+ERP\s+WMS\s+CRM\s+WEB\s+ADS\s+SUPPORT\s+SURVEY\s+TECH$/m,
    );
    expect(res.stdout).toMatch(/^ADS\s+Ad platforms\s+campaign × day/m);
    const json = JSON.parse((await runCli(['kpi', 'sources', '--format', 'json'])).stdout) as {
      systems: Array<{ id: string; latency: string }>;
      kpis: Array<{ id: string; sources: string[] }>;
    };
    expect(json.systems.map((s) => s.id)).toHaveLength(10);
    expect(json.kpis.find((k) => k.id === 'csat')?.sources).toEqual(['SURVEY']);
  });
});

describe('vitrine kpi with a workspace', () => {
  const ws = join(scratch, 'shop');
  const own = join(ws, 'dictionary', 'own.yaml');

  beforeAll(async () => {
    expect((await runCli(['init', ws])).code).toBe(0);
    mkdirSync(join(ws, 'dictionary'), { recursive: true });
  });

  it('says which KPIs an empty workspace cannot compute, and why', async () => {
    const res = await runCli(['kpi', 'sources', '--workspace', ws, '--format', 'json']);
    expect(res.code).toBe(0);
    const kpis = JSON.parse(res.stdout).kpis as Array<{
      id: string;
      missing: Array<{ table: string; via: string; fed_by: string[] }>;
    }>;
    const margin = kpis.find((k) => k.id === 'gross_margin_rate');
    expect(margin?.missing).toContainEqual({
      table: 'order_lines',
      fed_by: ['POS', 'ECOM'],
      via: 'gross_sales',
    });
    const table = await runCli(['kpi', 'sources', '-w', ws]);
    expect(table.stdout).toMatch(/KPIs cannot be computed in /);
    expect(table.stdout).toMatch(
      /^ {2}csat: surveys is empty \(fed by SURVEY\) via csat_satisfied/m,
    );
  });

  it('governs the workspace’s own KPIs with their own lock', async () => {
    writeFileSync(own, ownDictionary('gross_sales - discounts'));
    const unlocked = await runCli(['kpi', 'validate', '--workspace', ws]);
    expect(unlocked.code).toBe(1);
    expect(unlocked.stderr).toMatch(/error LOCK_MISSING .*dictionary\/kpis\.lock\.json: /);
    const lock = await runCli(['kpi', 'lock', '--workspace', ws]);
    expect(lock.code).toBe(0);
    expect(lock.stdout).toMatch(
      /locked 1 KPIs in .*dictionary\/kpis\.lock\.json \(added sales_after_discounts\)/,
    );
    expect((await runCli(['kpi', 'validate', '-w', ws])).stdout).toMatch(
      /^ok: \d+ KPIs valid \(1 from the workspace\)/,
    );
    const listed = JSON.parse(
      (await runCli(['kpi', 'list', '-w', ws, '--area', 'own', '--format', 'json'])).stdout,
    );
    expect(listed.map((k: { id: string }) => k.id)).toEqual(['sales_after_discounts']);
  });

  it('fails validation when a definition changes without a version bump, naming file, line and KPI', async () => {
    writeFileSync(own, ownDictionary('gross_sales - discounts'));
    expect((await runCli(['kpi', 'lock', '-w', ws])).code).toBe(0);
    writeFileSync(own, ownDictionary('gross_sales'));
    const res = await runCli(['kpi', 'validate', '-w', ws]);
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    const m =
      /^error DEFINITION_CHANGED (.*own\.yaml):(\d+) \(sales_after_discounts\): .*bump it to 2/.exec(
        lines[0] ?? '',
      );
    expect(m, lines[0]).not.toBeNull();
    expect(readFileSync(own, 'utf8').split('\n')[Number(m?.[2]) - 1]).toMatch(/version: 1/);
    expect(lines[1]).toMatch(/^vitrine: kpi validate: 1 error in the shipped dictionary and /);
    const refused = await runCli(['kpi', 'lock', '-w', ws]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/kpi lock: refused, 1 error to fix first/);
    // A bump without its changelog line is refused too.
    writeFileSync(own, ownDictionary('gross_sales', 2));
    const bumped = await runCli(['kpi', 'validate', '-w', ws]);
    expect(bumped.code).toBe(1);
    expect(bumped.stderr).toMatch(
      /error KPI_SCHEMA .*own\.yaml:\d+ \(sales_after_discounts\): .*changelog/,
    );
  });

  it('refuses a workspace override of a shipped KPI with the same version', async () => {
    writeFileSync(own, ownDictionary('gross_sales - discounts'));
    expect((await runCli(['kpi', 'lock', '-w', ws])).code).toBe(0);
    const override = join(ws, 'dictionary', 'override.yaml');
    writeFileSync(
      override,
      ownDictionary('gross_sales').replace('id: sales_after_discounts', 'id: net_sales'),
    );
    const res = await runCli(['kpi', 'validate', '-w', ws]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /error OVERRIDE_NEEDS_VERSION .*override\.yaml:\d+ \(net_sales\): overrides the shipped KPI net_sales \(version 1\) without a higher version/,
    );
    rmSync(override);
  });

  it('says plainly when --workspace is not a workspace', async () => {
    const res = await runCli(['kpi', 'validate', '-w', join(scratch, 'nowhere')]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/is not a Vitrine workspace/);
  });
});
