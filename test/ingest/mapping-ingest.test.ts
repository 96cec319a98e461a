import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest-runner.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import {
  fixture,
  load,
  modelFingerprint,
  quarantined,
  rows,
  saltedSha,
  tableOf,
  workspacePerTest,
} from './ingest-helpers.js';

let ws: Workspace;
workspacePerTest((w) => (ws = w));

describe('mapping files', () => {
  it('maps a supplier catalogue: renamed columns, decimal commas, day-first dates, a value map, a constant', async () => {
    const r = await load(ws, 'mapping', ['mapping/catalogue-fournisseur.csv'], {
      mapping: fixture('mapping/catalogue.yaml'),
    });
    expect(tableOf(r, 'products')).toEqual({
      read: 4,
      loaded: 2,
      updated: 0,
      duplicates: 0,
      quarantined: 2,
      held: 0,
    });
    expect(
      await rows(
        ws,
        `SELECT sku, name, category, brand, CAST(list_price AS VARCHAR) AS lp, CAST(unit_cost AS VARCHAR) AS uc, currency, ean, CAST(launched_on AS VARCHAR) AS launched FROM products ORDER BY sku`,
      ),
    ).toEqual([
      {
        sku: 'BG-FIG',
        name: 'Bougie Figue',
        category: 'Bougies',
        brand: 'Maison Vitrine',
        lp: '24.0000',
        uc: '9.6000',
        currency: 'EUR',
        ean: '3701234567890',
        launched: '2024-01-15',
      },
      {
        sku: 'SV-LAV',
        name: 'Savon Lavande',
        category: 'Savons',
        brand: 'Maison Vitrine',
        lp: '6.5000',
        uc: '2.1000',
        currency: 'EUR',
        ean: '3701234567906',
        launched: '2024-02-01',
      },
    ]);
    expect((await quarantined(ws, r.runId)).map((q) => [q.line, q.reason])).toEqual([
      [
        4,
        "Date lancement: not in the format %d/%m/%Y ('31/02/2024'); launched_on: not a date ('31/02/2024'); expected YYYY-MM-DD, or set --date-format",
      ],
      [5, "list_price: not a number ('N/C'); decimal comma? use --decimal-comma"],
    ]);
  });

  it('maps a flat order export to orders and lines: the order repeated on each line is a duplicate', async () => {
    const r = await load(ws, 'mapping', ['mapping/flat-orders.csv'], {
      mapping: fixture('mapping/flat-orders.yaml'),
    });
    expect(tableOf(r, 'orders')).toEqual({
      read: 3,
      loaded: 2,
      updated: 0,
      duplicates: 1,
      quarantined: 0,
      held: 0,
    });
    expect(tableOf(r, 'order_lines')).toEqual({
      read: 3,
      loaded: 3,
      updated: 0,
      duplicates: 0,
      quarantined: 0,
      held: 0,
    });
    const pseudonym = saltedSha(ws, 'claire.dubois@example.fr');
    expect(
      await rows(
        ws,
        `SELECT order_id, channel_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, status, CAST(subtotal AS VARCHAR) AS sub, CAST(total AS VARCHAR) AS total FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      // 10:15 in Paris on 2 March is 09:15 UTC.
      {
        order_id: 'C-501',
        channel_id: 'web',
        customer_id: pseudonym,
        at: '2025-03-02 09:15:00+00',
        status: 'paid',
        sub: '79.20',
        total: '101.04',
      },
      {
        order_id: 'C-502',
        channel_id: 'store',
        customer_id: null,
        at: '2025-03-03 15:40:00+00',
        status: 'cancelled',
        sub: '19.50',
        total: '23.40',
      },
    ]);
    expect(
      await rows(
        ws,
        `SELECT order_id, line_no, sku, quantity, CAST(unit_price AS VARCHAR) AS up FROM order_lines ORDER BY order_id, line_no`,
      ),
    ).toEqual([
      // unit_price derived: (2 × 24.00 − 4.80) / 2.
      { order_id: 'C-501', line_no: 1, sku: 'BG-FIG', quantity: 2, up: '21.6000' },
      { order_id: 'C-501', line_no: 2, sku: 'DF-CED', quantity: 1, up: '36.0000' },
      { order_id: 'C-502', line_no: 1, sku: 'SV-LAV', quantity: 3, up: '6.5000' },
    ]);
  });

  it('refuses a mapping naming a column the file does not have, or a model column that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-mapping-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'table: products\nfile: { delimiter: ";" }\ncolumns:\n  sku: Code article\n  name: Nom\n',
    );
    await expect(
      ingest(ws, {
        source: 'mapping',
        paths: [fixture('mapping/catalogue-fournisseur.csv')],
        mapping: bad,
      }),
    ).rejects.toThrow(
      /catalogue-fournisseur\.csv: line 1: field Nom: column "Nom" \(mapped to products\.name\) is not in the file/,
    );
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'table: products\ncolumns:\n  sku: Code article\n  nom: Libellé\n');
    await expect(
      ingest(ws, {
        source: 'mapping',
        paths: [fixture('mapping/catalogue-fournisseur.csv')],
        mapping: unknown,
      }),
    ).rejects.toThrow(/unknown\.yaml: field columns\.nom: "nom" is not a column of products/);
    await expect(
      ingest(ws, { source: 'mapping', paths: [fixture('mapping/catalogue-fournisseur.csv')] }),
    ).rejects.toThrow(/needs --mapping FILE/);
  });

  it('re-ingesting a mapped file leaves every table unchanged', async () => {
    const opts = { mapping: fixture('mapping/flat-orders.yaml') };
    await load(ws, 'mapping', ['mapping/flat-orders.csv'], opts);
    const before = await modelFingerprint(ws);
    await load(ws, 'mapping', ['mapping/flat-orders.csv'], opts);
    await load(ws, 'mapping', ['mapping/flat-orders.csv'], { ...opts, force: true });
    expect(await modelFingerprint(ws)).toEqual(before);
  });
});
