import type { Analysis } from './analysis-kit.js';
import {
  arr,
  count,
  dataTable,
  figures,
  lastYear,
  money,
  num,
  obj,
  plain,
  str,
} from './analysis-kit.js';
import { t } from '../../i18n.js';

export const lostSalesAnalysis: Analysis = {
  model: 'lost-sales',
  title: 'lostSalesTitle',
  params: (ws) => ({ ...lastYear(ws) }),
  render(v, ctx) {
    const total = obj(v['total']);
    const columns = (label: string, show: (key: string) => string) => [
      { key: 'key', label, show: (r: Record<string, unknown>) => show(str(r['key'])) },
      {
        key: 'stockout_days',
        label: t('stockoutDays'),
        num: true,
        show: (r: Record<string, unknown>) => count(r['stockout_days']),
      },
      {
        key: 'lost_units',
        label: t('lostUnits'),
        num: true,
        show: (r: Record<string, unknown>) => plain(r['lost_units'], 0),
      },
      {
        key: 'lost_value',
        label: t('lostValue'),
        num: true,
        show: (r: Record<string, unknown>) => money(r['lost_value']),
      },
    ];
    return [
      figures([
        [t('stockoutDays'), count(total['stockout_days'])],
        [t('lostUnits'), plain(total['lost_units'], 0)],
        [
          t('lostValue'),
          money(total['lost_value']),
          { 'data-lost-value': num(total['lost_value']) ?? '' },
        ],
      ]),
      dataTable(
        'lost-sales-locations',
        t('location'),
        columns(t('location'), (k) => ctx.label('location', k)),
        arr(v['byLocation']),
      ),
      dataTable(
        'lost-sales-categories',
        t('category'),
        columns(t('category'), (k) => k),
        arr(v['byCategory']),
      ),
    ];
  },
};
