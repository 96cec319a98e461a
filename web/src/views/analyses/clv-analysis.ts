import type { Analysis, Obj } from './analysis-kit.js';
import { chartPanel, count, dataTable, figures, money, num, obj, plain } from './analysis-kit.js';
import { PALETTE, mountChart } from '../../charts.js';
import { addDays } from '../../dates.js';
import { t } from '../../i18n.js';

export const clvAnalysis: Analysis = {
  model: 'clv',
  title: 'clvTitle',
  // Calibrate on all but the last 26 weeks, so that predictions can be set against what
  // customers actually did since.
  params: (ws) =>
    ws.data_to ? { calibrationEnd: addDays(ws.data_to, -182), timeUnit: 'week' } : {},
  render(v, _ctx, _state, dark) {
    const dist = obj(v['distribution']);
    const edges = Array.isArray(dist['edges']) ? (dist['edges'] as number[]) : [];
    const counts = Array.isArray(dist['counts']) ? (dist['counts'] as number[]) : [];
    const segments = Object.entries(obj(v['segments'])).map(([segment, s]): Obj => ({
      segment,
      ...obj(s),
    }));
    const holdout = v['holdout'] ? obj(v['holdout']) : null;
    const totals = obj(v['totals']);
    const bg = obj(obj(v['params'])['bgnbd']);
    const gg = obj(obj(v['params'])['gammaGamma']);
    const out: HTMLElement[] = [
      figures([
        [t('customers'), count(v['customers_total'])],
        [t('predictedClv'), money(totals['clv']), { 'data-clv-total': num(totals['clv']) ?? '' }],
        [t('historicalRevenue'), money(totals['historicalRevenue'])],
        [t('expectedPurchases'), plain(totals['expectedPurchases'], 0)],
      ]),
      chartPanel('clv-distribution', t('clvDistribution'), (el) =>
        mountChart(
          el,
          {
            tooltip: { trigger: 'axis' },
            grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
            xAxis: {
              type: 'category',
              data: edges.map((e, i) =>
                i === edges.length - 1 && dist['capped'] ? `≥ ${money(e)}` : money(e),
              ),
            },
            yAxis: { type: 'value', name: t('customers') },
            series: [{ type: 'bar', data: counts, itemStyle: { color: PALETTE[0] } }],
          },
          dark,
        ),
      ),
    ];
    if (holdout) {
      out.push(
        chartPanel(
          'clv-holdout',
          `${t('predictedVsActual')} (${plain(holdout['length'], 0)} ${t('weeks')})`,
          (el) =>
            mountChart(
              el,
              {
                tooltip: { trigger: 'axis' },
                grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: [t('predicted'), t('actual')] },
                yAxis: { type: 'value', name: t('repeatPurchases') },
                series: [
                  {
                    type: 'bar',
                    data: [
                      {
                        value: num(holdout['predictedPurchases']),
                        itemStyle: { color: PALETTE[0] },
                      },
                      {
                        value: num(holdout['actualPurchases']),
                        itemStyle: { color: PALETTE[2] },
                      },
                    ],
                    label: {
                      show: true,
                      position: 'top',
                      formatter: (p: { value: unknown }) => plain(p.value, 0),
                    },
                  },
                ],
              },
              dark,
            ),
        ),
      );
    }
    out.push(
      dataTable(
        'clv-segments',
        t('segmentsTitle'),
        [
          { key: 'segment', label: t('segment') },
          {
            key: 'customers',
            label: t('customers'),
            num: true,
            show: (r) => count(r['customers']),
          },
          {
            key: 'revenue',
            label: t('historicalRevenue'),
            num: true,
            show: (r) => money(r['revenue']),
          },
          { key: 'clv', label: t('predictedClv'), num: true, show: (r) => money(r['clv']) },
        ],
        segments.sort((a, b) => (num(b['clv']) ?? 0) - (num(a['clv']) ?? 0)),
      ),
      dataTable(
        'clv-params',
        t('modelParams'),
        [
          { key: 'model', label: t('model') },
          { key: 'params', label: t('params') },
        ],
        [
          {
            model: 'BG/NBD',
            params: `r = ${plain(bg['r'], 3)}, α = ${plain(bg['alpha'], 3)}, a = ${plain(bg['a'], 3)}, b = ${plain(bg['b'], 3)}`,
          },
          {
            model: 'Gamma-Gamma',
            params: `p = ${plain(gg['p'], 3)}, q = ${plain(gg['q'], 3)}, γ = ${plain(gg['gamma'], 3)}`,
          },
        ],
      ),
    );
    return out;
  },
};
