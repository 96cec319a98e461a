import type { Analysis } from './analysis-kit.js';
import { arr, dataTable, figures, lastYear, money, num, obj, plain, str } from './analysis-kit.js';
import { formatChangePct, t } from '../../i18n.js';

export const budgetAnalysis: Analysis = {
  model: 'budget',
  title: 'budgetTitle',
  params: (ws) => ({ ...lastYear(ws) }),
  render(v, ctx) {
    const effect = obj(v['expected_effect']);
    return [
      figures([
        [t('budgetPerPeriod'), money(v['budget']), { 'data-budget': num(v['budget']) ?? '' }],
        [t('marginNow'), money(effect['margin_current'])],
        [t('marginSuggested'), money(effect['margin_suggested'])],
      ]),
      dataTable(
        'budget-channels',
        t('budgetTitle'),
        [
          {
            key: 'channel',
            label: t('channel'),
            show: (r) => ctx.label('channel', str(r['channel'])),
          },
          {
            key: 'current_spend',
            label: t('currentSpend'),
            num: true,
            show: (r) => money(r['current_spend']),
          },
          {
            key: 'suggested_spend',
            label: t('suggestedSpend'),
            num: true,
            show: (r) => money(r['suggested_spend']),
          },
          {
            key: 'change',
            label: t('change'),
            num: true,
            show: (r) => formatChangePct(num(r['change'])),
          },
          {
            key: 'marginal_return_current',
            label: t('marginalReturn'),
            num: true,
            show: (r) => plain(r['marginal_return_current']),
          },
        ],
        arr(v['channels']),
      ),
    ];
  },
};
