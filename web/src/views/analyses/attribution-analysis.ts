import type { Analysis, Obj } from './analysis-kit.js';
import {
  arr,
  chartPanel,
  count,
  dataTable,
  figures,
  lastYear,
  money,
  num,
  obj,
  plain,
  ratio,
  str,
} from './analysis-kit.js';
import { mountChart } from '../../charts.js';
import type { MessageKey } from '../../i18n.js';
import { t } from '../../i18n.js';

const STRINGS_MODEL: Record<string, MessageKey> = {
  first_touch: 'firstTouch',
  last_touch: 'lastTouch',
  linear: 'linear',
  time_decay: 'timeDecay',
  position_based: 'positionBased',
  markov: 'markov',
};

export const attributionAnalysis: Analysis = {
  model: 'attribution',
  title: 'attributionTitle',
  params: (ws) => ({ ...lastYear(ws) }),
  render(v, _ctx, _state, dark) {
    const models = obj(v['models']);
    const names = Object.keys(models);
    const totals = obj(v['totals']);
    const channels = Array.isArray(totals['channels']) ? (totals['channels'] as string[]) : [];
    const eff = obj(v['efficiency']);
    const markov = obj(v['markov']);
    const removal = obj(markov['removalEffects']);
    const modelLabel = (m: string) => (STRINGS_MODEL[m] ? t(STRINGS_MODEL[m]) : m);
    return [
      figures([
        [t('journeys'), count(totals['journeys'])],
        [
          t('conversions'),
          count(totals['conversions']),
          { 'data-conversions': num(totals['conversions']) ?? '' },
        ],
        [t('value'), money(totals['value'])],
      ]),
      chartPanel(
        'attribution-models',
        t('attributionByModel'),
        (el) =>
          mountChart(
            el,
            {
              tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
              legend: { top: 0 },
              grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: channels },
              yAxis: { type: 'value', name: t('conversions') },
              series: names.map((m) => ({
                name: modelLabel(m),
                type: 'bar',
                data: channels.map((c) => num(obj(obj(models[m])[c])['conversions'])),
              })),
            },
            dark,
          ),
        true,
      ),
      dataTable(
        'attribution-table',
        t('attributionTable'),
        [
          { key: 'channel', label: t('channel') },
          ...names.map((m) => ({
            key: m,
            label: modelLabel(m),
            num: true,
            show: (r: Obj) => plain(r[m], 1),
          })),
          {
            key: 'removal',
            label: t('removalEffect'),
            num: true,
            show: (r) => ratio(r['removal']),
          },
        ],
        channels.map((c) => ({
          channel: c,
          ...Object.fromEntries(names.map((m) => [m, num(obj(obj(models[m])[c])['conversions'])])),
          removal: num(removal[c]),
        })),
      ),
      dataTable(
        'attribution-efficiency',
        `${t('efficiency')} (${modelLabel(str(eff['model']))})`,
        [
          { key: 'key', label: t('channel') },
          { key: 'spend', label: t('spend'), num: true, show: (r) => money(r['spend']) },
          { key: 'revenue', label: t('value'), num: true, show: (r) => money(r['revenue']) },
          { key: 'cac', label: 'CAC', num: true, show: (r) => money(r['cac']) },
          { key: 'roas', label: 'ROAS', num: true, show: (r) => plain(r['roas']) },
          {
            key: 'marketing_roi',
            label: 'ROI',
            num: true,
            show: (r) => plain(r['marketing_roi']),
          },
          { key: 'ltv_cac', label: 'LTV/CAC', num: true, show: (r) => plain(r['ltv_cac']) },
        ],
        arr(eff['channels']),
      ),
    ];
  },
};
