import { api } from '../api-client.js';
import type { AppState } from '../app-state.js';
import { h } from '../dom.js';
import { formatValue, getLang, t } from '../i18n.js';
import type { BoardContext } from './board-view.js';
import { whereOf } from './board-view.js';

export interface ExplainFocus {
  readonly from: string;
  readonly to: string;
  readonly where: Record<string, string[]>;
  readonly by?: string;
  readonly vs?: string;
}

/**
 * "Why did it move": the explain API's drivers and segments for a tile (or an anomaly of the
 * feed, with its own window and segment), in a side drawer.
 */
export function openExplain(
  kpi: string,
  ctx: BoardContext,
  state: AppState,
  focus?: ExplainFocus,
): void {
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
  // Drivers are named by KPI id; show the dictionary's name when there is one.
  const name = (id: string) => ctx.kpis.get(id)?.name[getLang()] ?? id;
  const where = focus?.where ?? whereOf(state);
  const by = focus?.by ?? (state.filters.channel || where['channel'] ? 'region' : 'channel');
  drawer.setAttribute('data-kpi', kpi);
  api
    .explain({
      kpi,
      from: focus?.from ?? ctx.range.from,
      to: focus?.to ?? ctx.range.to,
      vs: focus?.vs ?? state.compare,
      by,
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
        ...res.drivers.map((d) => bar(`${name(d.term)} · ${name(d.driver)}`, d.contribution, max)),
        h('h3', {}, t('segments')),
        ...res.segments.map((s) => bar(ctx.label(by, s.segment), s.contribution, max)),
        ...res.notes.map((n) => h('p', { class: 'note' }, n)),
      );
    })
    .catch((e: Error) => body.replaceChildren(h('p', { class: 'note' }, e.message)));
}
