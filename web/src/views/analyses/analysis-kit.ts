import type { ModelDiagnostics, WorkspaceInfo } from '../../api-client.js';
import type { AppState } from '../../app-state.js';
import type { Chart } from '../../charts.js';
import { addDays } from '../../dates.js';
import { download, downloadCsv, h } from '../../dom.js';
import type { MessageKey } from '../../i18n.js';
import { formatValue, getLang, t } from '../../i18n.js';
import type { BoardContext } from '../board-view.js';

/**
 * What every analysis board is built from: the context it renders in, number formats, a table
 * with its CSV export, a chart panel with its PNG export, headline figures and the diagnostics
 * block. Each board is one file beside this one (`<model>-analysis.ts`).
 */

export interface AnalysisContext extends BoardContext {
  readonly ws: WorkspaceInfo;
  readonly role: 'viewer' | 'analyst' | 'admin';
  readonly scoped: boolean;
}

export type Obj = Record<string, unknown>;
export const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
export const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});

export const money = (v: unknown) => formatValue(num(v), { unit: 'currency', unit_detail: null });
export const ratio = (v: unknown) => formatValue(num(v), { unit: 'ratio', unit_detail: null });
export const count = (v: unknown) => formatValue(num(v), { unit: 'count', unit_detail: null });
export const plain = (v: unknown, digits = 2) => {
  const x = num(v);
  return x === null
    ? '—'
    : new Intl.NumberFormat(getLang() === 'fr' ? 'fr-FR' : 'en-GB', {
        maximumFractionDigits: digits,
      }).format(x);
};
export const pValue = (v: unknown) => {
  const x = num(v);
  return x === null ? '—' : x < 0.0001 ? '< 0.0001' : plain(x, 4);
};
export const interval = (v: unknown, f: (x: unknown) => string) =>
  Array.isArray(v) && v.length === 2 ? `[${f(v[0])} ; ${f(v[1])}]` : '—';

export interface Column {
  readonly key: string;
  readonly label: string;
  /** Text shown; the raw value goes to the CSV export and the cell's data-value. */
  readonly show?: (row: Obj) => string;
  readonly value?: (row: Obj) => unknown;
  readonly num?: boolean;
}

/** A table with a CSV export of exactly the rows shown. */
export function dataTable(id: string, title: string, columns: Column[], rows: Obj[]): HTMLElement {
  const value = (c: Column, r: Obj) => (c.value ? c.value(r) : r[c.key]);
  const csv = () =>
    downloadCsv(`${id}.csv`, [
      columns.map((c) => c.label),
      ...rows.map((r) => columns.map((c) => value(c, r))),
    ]);
  return h(
    'section',
    { class: 'panel wide', 'data-table': id },
    h(
      'header',
      {},
      h('h2', {}, title),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'export-csv', onclick: csv }, t('exportCsv')),
      ),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h('tr', {}, ...columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.label))),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              ...columns.map((c) => {
                const v = value(c, r);
                return h(
                  'td',
                  {
                    class: c.num ? 'num' : '',
                    'data-col': c.key,
                    'data-value': typeof v === 'number' || typeof v === 'string' ? v : null,
                  },
                  c.show ? c.show(r) : str(v),
                );
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A chart panel with a PNG export. */
export function chartPanel(
  id: string,
  title: string,
  draw: (el: HTMLElement) => Promise<Chart>,
  wide = false,
): HTMLElement {
  let chart: Chart | null = null;
  const body = h('div', { class: 'chart' });
  const el = h(
    'section',
    { class: wide ? 'panel wide' : 'panel', 'data-chart': id },
    h(
      'header',
      {},
      h('h2', {}, title),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            class: 'export-png',
            onclick: async () => {
              if (!chart) return;
              const bg =
                getComputedStyle(document.body).getPropertyValue('--panel').trim() || '#fff';
              const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: bg });
              download(`${id}.png`, await (await fetch(url)).blob());
            },
          },
          t('exportPng'),
        ),
      ),
    ),
    body,
  );
  void draw(body).then((c) => {
    chart = c;
    el.setAttribute('data-ready', '1');
  });
  return el;
}

export function figures(items: [string, string, Obj?][]): HTMLElement {
  return h(
    'div',
    { class: 'figures' },
    ...items.map(([label, value, attrs]) =>
      h(
        'div',
        { class: 'figure', ...(attrs as Record<string, string>) },
        h('span', { class: 'label' }, label),
        h('span', { class: 'value' }, value),
      ),
    ),
  );
}

export function diagnosticsBlock(d: ModelDiagnostics): HTMLElement {
  return h(
    'details',
    { class: 'diagnostics', open: d.warnings.length > 0 },
    h(
      'summary',
      {},
      `${t('diagnostics')} (${d.warnings.length} ${t('warnings')}, ${d.assumptions.length} ${t('assumptions')})`,
    ),
    d.warnings.length
      ? h(
          'ul',
          { class: 'warnings' },
          ...d.warnings.map((w) => h('li', {}, `[${w.code}] ${w.message}`)),
        )
      : '',
    ...Object.entries(d.convergence).map(([name, c]) =>
      h('p', { class: 'note' }, `${name}: ${c.converged ? '✓' : '✗'} ${c.method} — ${c.message}`),
    ),
    h('ul', {}, ...d.assumptions.map((a) => h('li', {}, a))),
  );
}

export interface Analysis {
  readonly model: string;
  readonly title: MessageKey;
  /** Params of the run; `controls` may change them (a level, an experiment). */
  params(ws: WorkspaceInfo, choice: Record<string, string>): Record<string, unknown>;
  controls?(ctx: AnalysisContext, choice: Record<string, string>): [string, [string, string][]][];
  render(values: Obj, ctx: AnalysisContext, state: AppState, dark: boolean): HTMLElement[];
}

/** Models read a year of history by default: a month is too thin for baskets or journeys. */
export function lastYear(ws: WorkspaceInfo): { from: string; to: string } | Record<string, never> {
  return ws.data_to ? { from: addDays(ws.data_to, -364), to: ws.data_to } : {};
}
