import type { KpiSummary } from '../api-client.js';
import { api } from '../api-client.js';
import { h } from '../dom.js';
import { getLang, t } from '../i18n.js';

/** The governed KPI dictionary: search, area filter, and one KPI's card. */
export function renderDictionary(kpis: readonly KpiSummary[]): HTMLElement {
  const lang = getLang();
  const detail = h('div', { class: 'kpi-detail' });
  const list = h('ul', { class: 'kpi-list' });
  const search = h('input', { type: 'search', placeholder: t('search'), class: 'kpi-search' });
  const areas = [...new Set(kpis.map((k) => k.area))].sort();
  const area = h(
    'select',
    { class: 'kpi-area' },
    h('option', { value: '' }, t('all')),
    ...areas.map((a) => h('option', { value: a }, a)),
  );

  const show = async (id: string) => {
    detail.replaceChildren(t('loading'));
    const k = await api.kpi(id);
    const row = (label: string, value: string | Node) =>
      h('tr', {}, h('th', {}, label), h('td', {}, value));
    detail.replaceChildren(
      h('h2', {}, k.name[lang], h('code', {}, ` ${k.id}`)),
      h('p', {}, k.description[lang]),
      h(
        'table',
        { class: 'props' },
        row(t('formula'), h('code', {}, k.formula_text)),
        row(t('unit'), `${k.unit}${k.unit_detail ? ` (${k.unit_detail})` : ''}`),
        row(t('polarity'), k.polarity),
        row(t('owner'), k.owner),
        row(t('sources'), k.sources.join(', ')),
        row(t('tables'), k.tables.join(', ')),
        row(t('version'), `v${k.version} · ${k.status}`),
      ),
      Object.keys(k.rules).length ? h('h3', {}, t('rules')) : '',
      Object.keys(k.rules).length
        ? h(
            'ul',
            {},
            ...Object.entries(k.rules).map(([r, v]) => h('li', {}, h('b', {}, r), `: ${v}`)),
          )
        : '',
      h('h3', {}, t('changelog')),
      h(
        'ul',
        {},
        ...k.changelog.map((c) =>
          h(
            'li',
            {},
            `v${c.version}${c.date ? ` (${c.date})` : ''}: ${Object.entries(c)
              .filter(([key]) => key !== 'version' && key !== 'date')
              .map(([, v]) => String(v))
              .join(' ')}`,
          ),
        ),
      ),
    );
  };

  const fill = () => {
    const q = search.value.trim().toLowerCase();
    const shown = kpis.filter(
      (k) =>
        (!area.value || k.area === area.value) &&
        (!q || k.id.includes(q) || k.name[lang].toLowerCase().includes(q)),
    );
    list.replaceChildren(
      ...shown.map((k) =>
        h(
          'li',
          {},
          h(
            'button',
            { class: 'link', 'data-kpi': k.id, onclick: () => void show(k.id) },
            h('span', {}, k.name[lang]),
            h('small', {}, `${k.area} · ${k.id}`),
          ),
        ),
      ),
    );
  };
  search.addEventListener('input', fill);
  area.addEventListener('change', fill);
  fill();
  if (kpis[0]) void show(kpis.find((k) => k.id === 'net_sales')?.id ?? kpis[0].id);
  return h(
    'div',
    { class: 'dictionary', 'data-board': 'dictionary' },
    h('div', { class: 'kpi-browser' }, h('div', { class: 'kpi-filters' }, search, area), list),
    detail,
  );
}

/** KPI × source system: which systems feed each KPI, and which inputs are still empty. */
export async function renderSources(kpis: ReadonlyMap<string, KpiSummary>): Promise<HTMLElement> {
  const m = await api.sources();
  const systems = m.systems.map((s) => String(s.id ?? s['system'] ?? ''));
  return h(
    'div',
    { class: 'sources', 'data-board': 'sources' },
    h(
      'table',
      { class: 'matrix' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('kpis')),
          h('th', {}, t('area')),
          ...systems.map((s) => h('th', {}, s)),
          h('th', {}, t('missingData')),
        ),
      ),
      h(
        'tbody',
        {},
        ...m.kpis.map((k) =>
          h(
            'tr',
            { class: k.missing?.length ? 'missing' : '' },
            h('td', { 'data-kpi': k.id, title: k.id }, kpis.get(k.id)?.name[getLang()] ?? k.id),
            h('td', {}, k.area),
            ...systems.map((s) => h('td', { class: 'cell' }, k.sources.includes(s) ? '●' : '')),
            h('td', { class: 'note' }, (k.missing ?? []).map((x) => x.table).join(', ')),
          ),
        ),
      ),
    ),
  );
}
