import type { DataQuality } from '../api-client.js';
import { ApiError, api } from '../api-client.js';
import { downloadCsv, h } from '../dom.js';
import { formatDate, formatValue, t } from '../i18n.js';

/**
 * Data quality, from the library of `vitrine check`: how fresh each table and source is, how
 * complete, duplicated and well referenced, what waits in quarantine, what the catalogue lacks,
 * and which KPIs stand on stale or incomplete inputs.
 */

const pct = (v: number | null) => formatValue(v, { unit: 'ratio', unit_detail: null });
const n = (v: number | null) => formatValue(v, { unit: 'count', unit_detail: null });

function table(
  id: string,
  title: string,
  head: string[],
  rows: string[][],
  cls?: (i: number) => string,
): HTMLElement {
  const csv = () => downloadCsv(`${id}.csv`, [head, ...rows]);
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
        h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))),
        h(
          'tbody',
          {},
          ...rows.map((r, i) =>
            h('tr', { class: cls?.(i) ?? '' }, ...r.map((c) => h('td', {}, c))),
          ),
        ),
      ),
    ),
  );
}

export function renderQuality(role: string, scoped: boolean): HTMLElement {
  const root = h('div', { class: 'board quality', 'data-board': 'quality' });
  root.append(h('h1', { class: 'analysis-title' }, t('quality')));
  if (role === 'viewer' || scoped) {
    root.setAttribute('data-ready', 'forbidden');
    root.append(
      h(
        'p',
        { class: 'notice needs-role' },
        t(role === 'viewer' ? 'needsAnalyst' : 'needsUnscoped'),
      ),
    );
    return root;
  }
  const status = h('div', { class: 'model-status loading', role: 'status' }, t('loading'));
  root.append(status);
  api.dataQuality().then(
    (q: DataQuality) => {
      status.remove();
      const stale = q.tables.filter((x) => x.stale);
      const quarantined = q.tables.reduce((s, x) => s + x.quarantined.open + x.quarantined.held, 0);
      const orphans = q.tables.reduce((s, x) => s + x.orphans.reduce((a, o) => a + o.rows, 0), 0);
      const c = q.catalogue;
      const catalogueErrors =
        c.missingPrice + c.missingCost + c.missingCategory + c.missingEan + c.invalidEan;
      root.append(
        h(
          'div',
          { class: 'figures' },
          ...(
            [
              [t('staleTables'), n(stale.length), 'stale-tables', stale.length],
              [t('staleKpis'), n(q.kpis.length), 'stale-kpis', q.kpis.length],
              [t('quarantined'), n(quarantined), 'quarantined', quarantined],
              [t('orphanRows'), n(orphans), 'orphans', orphans],
              [t('catalogueErrors'), n(catalogueErrors), 'catalogue-errors', catalogueErrors],
            ] as const
          ).map(([label, value, key, raw]) =>
            h(
              'div',
              { class: `figure ${raw > 0 ? 'warn' : 'ok'}`, 'data-figure': key, 'data-value': raw },
              h('span', { class: 'label' }, label),
              h('span', { class: 'value' }, value),
            ),
          ),
        ),
        h(
          'p',
          { class: 'note' },
          `${t('measuredOn')} ${formatDate(q.today)} · ${t('staleAfter')} ${q.staleDays} ${t('days')}`,
        ),
        table(
          'quality-tables',
          t('tablesQuality'),
          [
            t('table'),
            t('rows'),
            t('latest'),
            t('age'),
            t('completeness'),
            t('duplicates'),
            t('orphans'),
            t('quarantined'),
          ],
          q.tables.map((x) => [
            x.table,
            n(x.rows),
            x.latest ? formatDate(x.latest) : '—',
            x.ageDays === null
              ? '—'
              : `${x.ageDays} ${t('days')}${x.stale ? ` · ${t('stale')}` : ''}`,
            pct(x.completeness),
            pct(x.duplicateRate),
            x.orphans.map((o) => `${o.column} → ${o.references}: ${n(o.rows)}`).join(', ') || '—',
            x.quarantined.open + x.quarantined.held > 0
              ? `${x.quarantined.open} / ${x.quarantined.held}`
              : '—',
          ]),
          (i) => (q.tables[i]?.stale ? 'stale' : q.tables[i]?.rows === 0 ? 'missing' : ''),
        ),
        q.sources.length
          ? table(
              'quality-sources',
              t('sourcesFreshness'),
              [
                t('source'),
                t('table'),
                t('lastLoad'),
                t('latest'),
                t('age'),
                t('rows'),
                t('quarantined'),
              ],
              q.sources.map((s) => [
                s.source,
                s.table,
                s.lastLoad.slice(0, 16).replace('T', ' '),
                s.latest ? formatDate(s.latest) : '—',
                s.ageDays === null
                  ? '—'
                  : `${s.ageDays} ${t('days')}${s.stale ? ` · ${t('stale')}` : ''}`,
                n(s.read),
                n(s.quarantined),
              ]),
              (i) => (q.sources[i]?.stale ? 'stale' : ''),
            )
          : h('p', { class: 'note' }, t('noLoadLog')),
        table(
          'quality-catalogue',
          `${t('catalogue')} (${n(c.products)} ${t('products')})`,
          [
            t('missingPrice'),
            t('missingCost'),
            t('missingCategory'),
            t('missingEan'),
            t('invalidEan'),
          ],
          [
            [
              n(c.missingPrice),
              n(c.missingCost),
              n(c.missingCategory),
              n(c.missingEan),
              n(c.invalidEan),
            ],
          ],
        ),
        table(
          'quality-kpis',
          t('staleKpis'),
          ['KPI', t('reasons')],
          q.kpis.map((k) => [k.kpi, k.reasons.join('; ')]),
        ),
      );
      root.setAttribute('data-ready', '1');
    },
    (e: unknown) => {
      status.classList.remove('loading');
      status.classList.add('error');
      status.textContent =
        e instanceof ApiError && e.status === 403
          ? `${t('needsAnalyst')} (${e.message})`
          : (e as Error).message;
      root.setAttribute('data-ready', 'error');
    },
  );
  return root;
}
