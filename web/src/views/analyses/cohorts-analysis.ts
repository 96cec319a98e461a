import type { Analysis, Obj } from './analysis-kit.js';
import { arr, count, num, ratio, str } from './analysis-kit.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';

export const cohortsAnalysis: Analysis = {
  model: 'cohorts',
  title: 'cohortsTitle',
  params: () => ({ maxMonths: 12 }),
  render(v) {
    const cohorts = arr(v['cohorts']).slice(-24);
    const maxK = Math.max(0, ...cohorts.map((c) => arr(c['months']).length - 1));
    const ks = Array.from({ length: maxK + 1 }, (_, i) => i);
    // Colour by retention; month 0 is 100 % by definition and would wash out the scale.
    const later = cohorts.flatMap((c) =>
      arr(c['months'])
        .filter((m) => num(m['k']) !== 0)
        .map((m) => num(m['retention']) ?? 0),
    );
    const top = Math.max(0.0001, ...later);
    const cell = (m: Obj | undefined) => {
      const r = num(m?.['retention']);
      if (r === null) return h('td', { class: 'heat empty' }, '');
      const k = num(m?.['k']);
      const alpha = k === 0 ? 0.15 : Math.min(1, r / top);
      return h(
        'td',
        {
          class: 'heat num',
          'data-k': k ?? '',
          'data-value': r,
          style: `background: rgba(47, 102, 144, ${alpha.toFixed(3)}); color: ${alpha > 0.55 ? '#fff' : 'inherit'}`,
          title: `${count(m?.['active'])} / ${ratio(r)}`,
        },
        ratio(r),
      );
    };
    return [
      h(
        'section',
        { class: 'panel wide', 'data-table': 'cohorts-heatmap' },
        h('header', {}, h('h2', {}, t('retentionHeatmap'))),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data heatmap' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, t('cohort')),
                h('th', { class: 'num' }, t('customers')),
                ...ks.map((k) => h('th', { class: 'num' }, `M${k}`)),
              ),
            ),
            h(
              'tbody',
              {},
              ...cohorts.map((c) => {
                const months = new Map(arr(c['months']).map((m) => [num(m['k']), m]));
                return h(
                  'tr',
                  { 'data-cohort': str(c['cohort']) },
                  h('th', {}, str(c['cohort'])),
                  h('td', { class: 'num' }, count(c['customers'])),
                  ...ks.map((k) => cell(months.get(k))),
                );
              }),
            ),
          ),
        ),
      ),
    ];
  },
};
