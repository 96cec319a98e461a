import { api } from '../api-client.js';
import type { AppState } from '../app-state.js';
import { h } from '../dom.js';
import { formatValue, getLang, t } from '../i18n.js';
import type { BoardContext } from './board-view.js';
import { whereOf } from './board-view.js';

/** "Why did it move": the explain API's drivers and segments for a tile, in a side drawer. */
export function openExplain(kpi: string, ctx: BoardContext, state: AppState): void {
  document.querySelector('.drawer')?.remove();
  const info = ctx.kpis.get(kpi);
  const u = info ?? { unit: 'number', unit_detail: null };
  const body = h('div', { class: 'drawer-body' }, t('loading'));
  const drawer = h(
    'aside',
    { class: 'drawer', role: 'dialog', 'aria-label': t('why') },
    h(
      'header',
      {},
      h('h2', {}, `${t('why')} — ${info?.name[getLang()] ?? kpi}`),
      h('button', { class: 'close', 'aria-label': 'close', onclick: () => drawer.remove() }, '×'),
    ),
    body,
  );
  document.body.append(drawer);
  const where = whereOf(state);
  api
    .explain({
      kpi,
      from: ctx.range.from,
      to: ctx.range.to,
      vs: state.compare,
      by: state.filters.channel ? 'region' : 'channel',
      ...(Object.keys(where).length ? { where } : {}),
    })
    .then((res) => {
      const bar = (label: string, v: number, max: number) =>
        h(
          'div',
          { class: 'contrib' },
          h('span', {}, label),
          h('span', {
            class: `bar ${v >= 0 ? 'pos' : 'neg'}`,
            style: `width:${Math.max(2, (Math.abs(v) / (max || 1)) * 100)}%`,
          }),
          h('span', { class: 'num' }, formatValue(v, u)),
        );
      const max = Math.max(
        ...res.drivers.map((d) => Math.abs(d.contribution)),
        ...res.segments.map((s) => Math.abs(s.contribution)),
        0,
      );
      body.replaceChildren(
        h(
          'p',
          { class: 'explain-total' },
          `${formatValue(res.comparison, u)} → ${formatValue(res.value, u)} (${formatValue(res.change, u)})`,
        ),
        res.drivers.length ? h('h3', {}, t('drivers')) : '',
        ...res.drivers.map((d) => bar(`${d.term} · ${d.driver}`, d.contribution, max)),
        h('h3', {}, t('segments')),
        ...res.segments.map((s) => bar(String(s.segment ?? '—'), s.contribution, max)),
        ...res.notes.map((n) => h('p', { class: 'note' }, n)),
      );
    })
    .catch((e: Error) => body.replaceChildren(h('p', { class: 'note' }, e.message)));
}
