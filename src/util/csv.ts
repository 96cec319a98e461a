/**
 * The one CSV writer of Vitrine: `vitrine query --format csv`, `/api/query/csv` and the
 * dashboard's downloads all go through it. No imports, so that the dashboard bundles it as is.
 */

/**
 * Text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`) or that a
 * leading tab or carriage return hides the start of (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number written as text ("-12.50", "+3", "1e-7"): a spreadsheet reads a number, no formula. */
const PLAIN_NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** A cell's text as shown (terminal tables too): empty for null, JSON for lists and structs. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A cell's text in a CSV file: text that would start a formula is prefixed with an apostrophe,
 * as OWASP recommends (spreadsheets show the text as typed); numbers, and text that is a plain
 * number, stay as they are, so that amounts and negative figures remain numbers.
 */
export function csvCellText(value: unknown): string {
  const text = cellText(value);
  if (typeof value !== 'string' && typeof value !== 'object') return text;
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * One field, quoted when it holds a quote, a comma, a semicolon (the separator of spreadsheets
 * in locales with a decimal comma) or a line break.
 */
export function csvField(text: string): string {
  return /[",;\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header line and one line per row, each ending with a newline; every cell through csvCellText. */
export function csvTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map((h) => csvField(csvCellText(h))).join(',')];
  for (const row of rows) lines.push(row.map((v) => csvField(csvCellText(v))).join(','));
  return lines.join('\n') + '\n';
}
