/**
 * The one CSV writer of Vitrine: `vitrine query --format csv`, `/api/query/csv` and the
 * dashboard's downloads all go through it. No imports, so that the dashboard bundles it as is.
 */

/** A cell's text: empty for null, JSON for nested values (lists, structs). */
export function csvCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One field, quoted when it holds a quote, the separator or a line break. */
export function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header line and one line per row, each ending with a newline. */
export function csvTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map((v) => csvField(csvCellText(v))).join(','));
  return lines.join('\n') + '\n';
}
