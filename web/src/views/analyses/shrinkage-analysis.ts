import type { Analysis, Obj } from './analysis-kit.js';
import {
  arr,
  dataTable,
  figures,
  interval,
  lastYear,
  money,
  num,
  obj,
  plain,
  ratio,
  str,
} from './analysis-kit.js';
import { t } from '../../i18n.js';

export const shrinkageAnalysis: Analysis = {
  model: 'shrinkage',
  title: 'shrinkageTitle',
  params: (ws) => ({ ...lastYear(ws) }),
  render(v, ctx) {
    const total = obj(v['total']);
    const columns = (label: string, show: (key: string) => string) => [
      { key: 'key', label, show: (r: Obj) => show(str(r['key'])) },
      {
        key: 'book_units',
        label: t('bookUnits'),
        num: true,
        show: (r: Obj) => plain(r['book_units'], 0),
      },
      {
        key: 'net_loss_units',
        label: t('netLossUnits'),
        num: true,
        show: (r: Obj) => plain(r['net_loss_units'], 0),
      },
      {
        key: 'shrink_rate',
        label: t('shrinkRate'),
        num: true,
        show: (r: Obj) => ratio(r['shrink_rate']),
      },
      {
        key: 'rate_interval',
        label: t('ci'),
        show: (r: Obj) => interval(r['rate_interval'], ratio),
        value: (r: Obj) => JSON.stringify(r['rate_interval']),
      },
      {
        key: 'net_loss_at_cost',
        label: t('netLossAtCost'),
        num: true,
        show: (r: Obj) => money(r['net_loss_at_cost']),
      },
    ];
    return [
      figures([
        [t('bookUnits'), plain(total['book_units'], 0)],
        [t('netLossUnits'), plain(total['net_loss_units'], 0)],
        [
          t('shrinkRate'),
          ratio(total['shrink_rate']),
          { 'data-shrink-rate': num(total['shrink_rate']) ?? '' },
        ],
        [t('netLossAtCost'), money(total['net_loss_at_cost'])],
      ]),
      dataTable(
        'shrinkage-locations',
        t('location'),
        columns(t('location'), (k) => ctx.label('location', k)),
        arr(v['byLocation']),
      ),
      dataTable(
        'shrinkage-categories',
        t('category'),
        columns(t('category'), (k) => k),
        arr(v['byCategory']),
      ),
    ];
  },
};
