import type { Analysis } from './analysis-kit.js';
import { arr, count, num, obj, plain, str } from './analysis-kit.js';
import { h } from '../../dom.js';
import { formatChangePct, formatDate, formatValue, getLang, t } from '../../i18n.js';
import { openExplain } from '../explain-view.js';

const SEVERITY = (z: number) => (Math.abs(z) >= 8 ? 'high' : Math.abs(z) >= 5 ? 'medium' : 'low');

export const anomaliesAnalysis: Analysis = {
  model: 'anomalies',
  title: 'anomaliesTitle',
  params: () => ({ top: 30 }),
  render(v, ctx, state) {
    const items = arr(v['anomalies']);
    const win = obj(v['window']);
    const kpiName = (id: string) => ctx.kpis.get(id)?.name[getLang()] ?? id;
    const unit = (id: string) => ctx.kpis.get(id) ?? { unit: 'number', unit_detail: null };
    const feed = h(
      'ol',
      { class: 'feed' },
      ...items.map((a, i) => {
        const kpi = str(a['kpi']);
        const dim = str(a['dimension']);
        const seg = str(a['segment']);
        const z = num(a['z']) ?? 0;
        const sev = SEVERITY(z);
        const driver = obj(a['driver']);
        const segmentText =
          dim === 'all' ? t('wholeBusiness') : `${ctx.dimLabel(dim)}: ${ctx.label(dim, seg)}`;
        return h(
          'li',
          {
            class: `anomaly ${sev} ${str(a['direction'])}`,
            'data-index': i,
            'data-kpi': kpi,
            'data-actual': num(a['actual']) ?? '',
            'data-expected': num(a['expected']) ?? '',
          },
          h(
            'span',
            { class: `severity ${sev}` },
            t(sev === 'high' ? 'sevHigh' : sev === 'medium' ? 'sevMedium' : 'sevLow'),
          ),
          h(
            'div',
            { class: 'what' },
            h('b', {}, kpiName(kpi)),
            ` · ${segmentText} · ${formatDate(str(a['date']))}`,
            h(
              'div',
              { class: 'numbers' },
              `${t('expected')} ${formatValue(num(a['expected']), unit(kpi))} → ${t('actual')} ${formatValue(num(a['actual']), unit(kpi))} (${formatChangePct(num(a['relative_change']))}, z = ${plain(z, 1)})`,
              driver['kpi'] ? ` · ${t('driver')}: ${kpiName(str(driver['kpi']))}` : '',
            ),
          ),
          ctx.canExplain
            ? h(
                'button',
                {
                  class: 'link why',
                  onclick: () =>
                    openExplain(kpi, ctx, state, {
                      from: str(a['date']),
                      to: str(a['date']),
                      vs: 'yoy-weekday',
                      where: dim === 'all' ? {} : { [dim]: [seg] },
                      by: dim === 'channel' ? 'region' : 'channel',
                    }),
                },
                t('why'),
              )
            : '',
        );
      }),
    );
    return [
      h(
        'section',
        { class: 'panel wide' },
        h(
          'header',
          {},
          h(
            'h2',
            {},
            `${t('anomaliesTitle')} — ${formatDate(str(win['from']))} → ${formatDate(str(win['to']))}`,
          ),
        ),
        h('p', { class: 'note' }, `${count(v['scanned'])} ${t('seriesScanned')}`),
        items.length ? feed : h('p', { class: 'note' }, t('noAnomaly')),
      ),
    ];
  },
};
