import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDictionary } from '../../src/semantic/dictionary/kpi-dictionary.js';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-dict-diag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a KPI whose file did not load', () => {
  it('is reported with the file, line and reason, not as a plain unknown KPI', () => {
    mkdirSync(join(dir, 'dictionary'), { recursive: true });
    // An unquoted ": " inside a value: the whole file is invalid YAML.
    writeFileSync(
      join(dir, 'dictionary', 'shop.yaml'),
      'area: shop\ntitle: { en: Shop, fr: Boutique }\nkpis:\n  - id: basket_lift\n    name: { en: Basket lift: new, fr: Panier }\n',
    );
    const dictionary = loadDictionary({ workspaceDir: dir });
    expect(() => dictionary.get('basket_lift')).toThrow(
      /unknown KPI "basket_lift".*a dictionary file did not load: error YAML_SYNTAX .*shop\.yaml:5/,
    );
    // A KPI that is simply not there keeps the one-line answer with close ids.
    expect(() => dictionary.get('net_sale')).toThrow(/did you mean net_sales/);
  });
});
