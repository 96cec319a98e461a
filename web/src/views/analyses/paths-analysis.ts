import type { Analysis } from './analysis-kit.js';
import { arr, count, dataTable, figures, lastYear, num, ratio, str } from './analysis-kit.js';
import { t } from '../../i18n.js';

export const pathsAnalysis: Analysis = {
  model: 'paths',
  title: 'pathsTitle',
  params: (ws) => ({ ...lastYear(ws) }),
  render(v, ctx) {
    const product = (x: unknown) => ctx.label('product', str(x));
    return [
      figures([
        [t('sessionsViewed'), count(v['sessions'])],
        [t('productsViewed'), count(v['products'])],
        [
          t('transitions'),
          count(v['transitions']),
          { 'data-transitions': num(v['transitions']) ?? '' },
        ],
      ]),
      dataTable(
        'paths-pairs',
        t('topTransitions'),
        [
          { key: 'from', label: t('viewed'), show: (r) => product(r['from']) },
          { key: 'to', label: t('thenViewed'), show: (r) => product(r['to']) },
          { key: 'count', label: t('transitions'), num: true, show: (r) => count(r['count']) },
          {
            key: 'probability',
            label: t('probability'),
            num: true,
            show: (r) => ratio(r['probability']),
          },
        ],
        arr(v['pairs']),
      ),
    ];
  },
};
