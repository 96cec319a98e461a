import type { Analysis, Obj } from './analysis-kit.js';
import { arr, chartPanel, dataTable, money, num, obj, plain, str } from './analysis-kit.js';
import { PALETTE, mountChart } from '../../charts.js';
import { h } from '../../dom.js';
import { formatChangePct, formatDate, t } from '../../i18n.js';

export const promoAnalysis: Analysis = {
  model: 'promo',
  title: 'promoTitle',
  params: () => ({}),
  render(v, _ctx, _state, dark) {
    const promos = arr(v['promotions']);
    const g = (p: Obj, k: string) => obj(p[k]);
    return [
      h('p', { class: 'note method' }, str(v['method'])),
      chartPanel(
        'promo-baseline',
        t('baselineVsActual'),
        (el) =>
          mountChart(
            el,
            {
              tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
              legend: { top: 0 },
              grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
              xAxis: {
                type: 'category',
                data: promos.map((p) => str(p['name'])),
                axisLabel: { rotate: 30, hideOverlap: true },
              },
              yAxis: { type: 'value', name: t('units') },
              series: [
                {
                  name: t('baseline'),
                  type: 'bar',
                  data: promos.map((p) => num(g(p, 'promoted')['expected_units'])),
                  itemStyle: { color: '#9aa5b1' },
                },
                {
                  name: t('actual'),
                  type: 'bar',
                  data: promos.map((p) => num(g(p, 'promoted')['actual_units'])),
                  itemStyle: { color: PALETTE[0] },
                },
              ],
            },
            dark,
          ),
        true,
      ),
      dataTable(
        'promo-table',
        t('promoTable'),
        [
          { key: 'name', label: t('promotion') },
          {
            key: 'starts_on',
            label: t('window'),
            show: (p) => `${formatDate(str(p['starts_on']))} → ${formatDate(str(p['ends_on']))}`,
          },
          {
            key: 'baseline',
            label: t('baseline'),
            num: true,
            value: (p) => num(g(p, 'promoted')['expected_units']),
            show: (p) => plain(g(p, 'promoted')['expected_units'], 0),
          },
          {
            key: 'actual',
            label: t('actual'),
            num: true,
            value: (p) => num(g(p, 'promoted')['actual_units']),
            show: (p) => plain(g(p, 'promoted')['actual_units'], 0),
          },
          {
            key: 'uplift',
            label: t('uplift'),
            num: true,
            value: (p) => num(g(p, 'promoted')['effect']),
            show: (p) => formatChangePct(num(g(p, 'promoted')['effect'])),
          },
          {
            key: 'cannibalisation',
            label: t('cannibalisation'),
            num: true,
            value: (p) => num(g(p, 'cannibalised')['effect']),
            show: (p) => formatChangePct(num(g(p, 'cannibalised')['effect'])),
          },
          {
            key: 'halo',
            label: t('halo'),
            num: true,
            value: (p) => num(g(p, 'halo')['effect']),
            show: (p) => formatChangePct(num(g(p, 'halo')['effect'])),
          },
          {
            key: 'net_incremental_margin',
            label: t('netMargin'),
            num: true,
            show: (p) => money(p['net_incremental_margin']),
          },
          {
            key: 'paid_for_itself',
            label: t('paidForItself'),
            show: (p) =>
              p['paid_for_itself'] === null ? '—' : p['paid_for_itself'] ? t('yes') : t('no'),
          },
        ],
        promos,
      ),
    ];
  },
};
