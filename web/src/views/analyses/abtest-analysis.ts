import type { Analysis } from './analysis-kit.js';
import {
  arr,
  count,
  dataTable,
  figures,
  interval,
  num,
  obj,
  plain,
  pValue,
  ratio,
  str,
} from './analysis-kit.js';
import { formatChangePct, formatDate, t } from '../../i18n.js';

export const abtestAnalysis: Analysis = {
  model: 'abtest',
  title: 'abtestTitle',
  params: (_ws, choice) => (choice['experiment'] ? { experiment: choice['experiment'] } : {}),
  controls: (ctx) => {
    const exps = Object.entries(ctx.ws.labels['experiment'] ?? {}).sort((a, b) =>
      b[0].localeCompare(a[0]),
    );
    return exps.length
      ? [
          [
            'experiment',
            [
              ['', t('latestExperiment')],
              ...exps.map(([id, name]): [string, string] => [id, `${name} (${id})`]),
            ],
          ],
        ]
      : [];
  },
  render(v, ctx) {
    const exp = obj(v['experiment']);
    const srm = v['srm'] ? obj(v['srm']) : null;
    const metric = str(v['metric']);
    const eff = (x: unknown) => (metric === 'proportion' ? ratio(x) : plain(x, 3));
    const comparisons = arr(v['comparisons']);
    return [
      figures([
        [
          t('experiment'),
          exp['id'] ? `${ctx.label('experiment', exp['id'])} (${str(exp['id'])})` : '—',
        ],
        [
          t('window'),
          exp['startsOn']
            ? `${formatDate(str(exp['startsOn']))} → ${formatDate(str(exp['endsOn']))}`
            : '—',
        ],
        [t('outcome'), str(exp['outcome'])],
        [
          'SRM',
          srm
            ? `p = ${pValue(srm['p_value'])}${srm['mismatch'] ? ` — ${t('srmMismatch')}` : ''}`
            : '—',
        ],
      ]),
      dataTable(
        'abtest-variants',
        t('variants'),
        [
          { key: 'name', label: t('variant') },
          { key: 'n', label: t('sampleSize'), num: true, show: (r) => count(r['n']) },
          {
            key: 'mean',
            label: metric === 'proportion' ? t('rate') : t('mean'),
            num: true,
            show: (r) => eff(r['mean']),
          },
        ],
        arr(v['variants']),
      ),
      dataTable(
        'abtest-comparisons',
        `${t('vsControl')} ${str(v['control'])}`,
        [
          { key: 'variant', label: t('variant') },
          {
            key: 'absolute_effect',
            label: t('absoluteLift'),
            num: true,
            show: (r) => eff(r['absolute_effect']),
          },
          {
            key: 'relative_effect',
            label: t('relativeLift'),
            num: true,
            show: (r) => formatChangePct(num(r['relative_effect'])),
          },
          {
            key: 'ci_relative',
            label: `${t('ci')} ${plain((num(v['confidence']) ?? 0.95) * 100, 0)} %`,
            show: (r) => interval(r['ci_relative'], (x) => formatChangePct(num(x))),
            value: (r) => JSON.stringify(r['ci_relative']),
          },
          { key: 'p_value', label: t('pValue'), num: true, show: (r) => pValue(r['p_value']) },
          {
            key: 'significant',
            label: t('significant'),
            show: (r) => (r['significant'] ? t('yes') : t('no')),
          },
          {
            key: 'chance',
            label: t('chanceToBeat'),
            num: true,
            value: (r) => num(obj(r['bayes'])['chance_to_beat_control']),
            show: (r) => ratio(obj(r['bayes'])['chance_to_beat_control']),
          },
        ],
        comparisons,
      ),
    ];
  },
};
