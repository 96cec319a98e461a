import type { Analysis } from './analysis-kit.js';
import { arr, count, dataTable, figures, lastYear, plain, ratio, str } from './analysis-kit.js';
import { t } from '../../i18n.js';

export const basketAnalysis: Analysis = {
  model: 'basket',
  title: 'basketTitle',
  params: (ws, choice) => {
    const level = choice['level'] ?? 'subcategory';
    const support = { product: 0.004, subcategory: 0.01, category: 0.02 }[level] ?? 0.01;
    return { ...lastYear(ws), level, minSupport: support, minConfidence: 0.1 };
  },
  controls: () => [
    [
      'level',
      (['product', 'subcategory', 'category'] as const).map((l): [string, string] => [
        l,
        t(
          l === 'product'
            ? 'levelProduct'
            : l === 'subcategory'
              ? 'levelSubcategory'
              : 'levelCategory',
        ),
      ]),
    ],
  ],
  render(v, ctx) {
    const level = str(v['level']);
    const item = (x: unknown) => (level === 'product' ? ctx.label('product', x) : str(x));
    const side = (xs: unknown) => (Array.isArray(xs) ? xs.map(item).join(' + ') : '');
    const rules = arr(v['rules']);
    return [
      figures([
        [t('baskets'), count(v['transactions'])],
        [t('items'), count(v['items'])],
        [t('rulesFound'), count(v['rules_total'])],
      ]),
      dataTable(
        'basket-rules',
        t('topRules'),
        [
          {
            key: 'lhs',
            label: t('ifBought'),
            show: (r) => side(r['lhs']),
            value: (r) => side(r['lhs']),
          },
          {
            key: 'rhs',
            label: t('alsoBought'),
            show: (r) => side(r['rhs']),
            value: (r) => side(r['rhs']),
          },
          { key: 'support', label: t('support'), num: true, show: (r) => ratio(r['support']) },
          {
            key: 'confidence',
            label: t('confidence'),
            num: true,
            show: (r) => ratio(r['confidence']),
          },
          { key: 'lift', label: t('lift'), num: true, show: (r) => plain(r['lift']) },
          { key: 'count', label: t('baskets'), num: true, show: (r) => count(r['count']) },
        ],
        rules,
      ),
    ];
  },
};
