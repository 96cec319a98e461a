import { cellText, csvTable } from '../../src/util/csv.js';

/** A tiny element builder: the dashboard needs no framework, and this keeps the bundle small. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined | ((e: Event) => void)> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * Downloads rows as CSV (first row the header), written by the one CSV writer of Vitrine
 * (src/util/csv.ts): quoting, and text that would run as a spreadsheet formula neutralised.
 */
export function downloadCsv(name: string, rows: ReadonlyArray<ReadonlyArray<unknown>>): void {
  const [head = [], ...body] = rows;
  const text = csvTable(head.map(cellText), body);
  download(name, new Blob([text], { type: 'text/csv' }));
}

export function download(name: string, blob: Blob): void {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
