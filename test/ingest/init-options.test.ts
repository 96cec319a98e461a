import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initWorkspace } from '../../src/workspace/workspace.js';
import { runCli } from '../helpers/run-cli.js';

// `vitrine init` sets the time zone, currency and locale (issue 13, item 16): users edited YAML,
// and a wrong time zone silently moves orders between days and months. A bad value is refused
// before anything is written, naming the option.

const fresh = () => join(mkdtempSync(join(tmpdir(), 'vitrine-init-')), 'ws');

describe('vitrine init --timezone --currency --locale', () => {
  it('writes them to vitrine.yaml and the workspace reads them back', async () => {
    const dir = fresh();
    const r = await runCli([
      'init',
      dir,
      '--timezone',
      'America/New_York',
      '--currency',
      'USD',
      '--locale',
      'en-US',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(America/New_York, USD, en-US)');
    const yaml = readFileSync(join(dir, 'vitrine.yaml'), 'utf8');
    expect(yaml).toMatch(/timezone: America\/New_York/);
    expect(yaml).toMatch(/reporting_currency: USD/);
    expect(yaml).toMatch(/locale: en-US/);
  });

  it('defaults stay Europe/Paris, EUR, fr-FR', async () => {
    const ws = await initWorkspace(fresh());
    expect([ws.config.timezone, ws.config.reporting_currency, ws.config.locale]).toEqual([
      'Europe/Paris',
      'EUR',
      'fr-FR',
    ]);
    await ws.close();
  });

  it('refuses an unknown time zone, a currency that is not a code, an unsupported locale; nothing is created', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ timezone: 'Europe/Pariss' }, /--timezone: unknown time zone 'Europe\/Pariss'/],
      [{ currency: 'EURO' }, /--currency: 'EURO' is not an ISO 4217 code/],
      [{ locale: 'de-DE' }, /--locale: 'de-DE'.*en-GB/],
    ];
    for (const [options, message] of cases) {
      const dir = fresh();
      await expect(initWorkspace(dir, options)).rejects.toThrow(message);
      expect(existsSync(join(dir, 'vitrine.yaml'))).toBe(false);
    }
  });
});
