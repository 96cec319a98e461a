import type { LogicalType, TableDef } from './model-types.js';
import { TABLES } from './tables.js';

function escapeCell(s: string): string {
  return s.replaceAll('|', '\\|');
}

function tableSection(t: TableDef, sqlType: (type: LogicalType) => string): string {
  const lines = [
    `### ${t.name}`,
    '',
    t.description,
    '',
    `Fed by: ${t.sources.join(', ')} · key: (${t.key.join(', ')})${t.timeColumn ? ` · counts in time on: \`${t.timeColumn}\`` : ''}`,
    '',
    '| column | type | DuckDB | required | description |',
    '|---|---|---|---|---|',
  ];
  for (const c of t.columns) {
    const notes: string[] = [];
    if (c.values) notes.push(`one of: ${c.values.map((v) => `\`${v}\``).join(', ')}`);
    if (c.references) notes.push(`→ \`${c.references.table}.${c.references.column}\``);
    if (c.min !== undefined) notes.push(`≥ ${c.min}`);
    if (c.personal) notes.push('personal data: hashed on the way in');
    if (c.extension) notes.push('Vitrine extension to the contract');
    const desc = [c.description, ...notes].join(' ');
    lines.push(
      `| \`${c.name}\` | ${c.type} | ${sqlType(c.type)} | ${c.required ? 'yes' : ''} | ${escapeCell(desc)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * docs/data-model.md, generated from src/model/tables.ts (run `npm run docs`). `sqlType` gives
 * the SQL type column (the embedded DuckDB's, from its backend: the model knows no backend).
 */
export function renderDataModelDoc(sqlType: (type: LogicalType) => string): string {
  const areas = [...new Set(TABLES.map((t) => t.area))];
  const parts = [
    '# The canonical commerce model',
    '',
    '<!-- Generated from src/model/tables.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Every source is mapped into these tables; they are also the format of the generic import',
    '(`vitrine ingest <table> <file>`: columns named as below). Conventions: ids are strings; money is',
    "exact decimal in the row's `currency` (`money` = DECIMAL(18,2), `price` = DECIMAL(18,4) for unit",
    'amounts, `rate` = DECIMAL(18,8)); `timestamp` columns are instants stored in UTC; `*_on` columns are',
    'local dates of the location; amounts exclude tax unless named `tax_*` or `total`. Cancelled and',
    'fraud orders stay in `orders` with their status.',
    '',
    '## Tables',
    '',
    '| table | area | fed by | key | rows are |',
    '|---|---|---|---|---|',
    ...TABLES.map(
      (t) =>
        `| [${t.name}](#${t.name.replaceAll('_', '_')}) | ${t.area} | ${t.sources.join(' ')} | ${t.key.join(', ')} | ${escapeCell(t.description)} |`,
    ),
    '',
  ];
  for (const area of areas) {
    parts.push(`## ${area[0]?.toUpperCase()}${area.slice(1)}`, '');
    for (const t of TABLES.filter((x) => x.area === area)) parts.push(tableSection(t, sqlType), '');
  }
  parts.push(
    '## Amount rules',
    '',
    '- `order_lines`: gross = `quantity × unit_list_price`; `discount_amount` is the whole discount of the line;',
    '  `unit_price = (quantity × unit_list_price − discount_amount) / quantity`; `unit_cost` is the cost per unit at the time of sale.',
    '- `orders`: `subtotal = Σ quantity × unit_price`; `discount_total = Σ discount_amount`; `total = subtotal + shipping_amount + tax_total`.',
    '- `returns`: `quantity` is positive; `refund_amount` excludes tax; a return counts on the date it is `returned_at`.',
    '',
  );
  return parts.join('\n');
}
