import type { ModelAnswer, ModelDiagnostics, WorkspaceInfo } from '../api-client.js';
import { ApiError, api } from '../api-client.js';
import type { AppState } from '../app-state.js';
import type { AnalysisId } from '../boards.js';
import type { Chart } from '../charts.js';
import { PALETTE, mountChart } from '../charts.js';
import { addDays } from '../dates.js';
import { download, downloadCsv, h } from '../dom.js';
import type { MessageKey } from '../i18n.js';
import { formatChangePct, formatDate, formatValue, getLang, t } from '../i18n.js';
import type { BoardContext } from './board-view.js';
import { openExplain } from './explain-view.js';

/**
 * The analysis boards: one per analytics model (basket affinity, CLV, attribution, A/B test,
 * promo uplift, cohorts, anomalies). Each runs its model through POST /api/models/{name} with the
 * dashboard view (the server caches the result per model, params and scope), shows how long the
 * run takes while it runs, then the model's tables and charts and its diagnostics.
 */

export interface AnalysisContext extends BoardContext {
  readonly ws: WorkspaceInfo;
  readonly role: 'viewer' | 'analyst' | 'admin';
  readonly scoped: boolean;
}

type Obj = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});

const money = (v: unknown) => formatValue(num(v), { unit: 'currency', unit_detail: null });
const ratio = (v: unknown) => formatValue(num(v), { unit: 'ratio', unit_detail: null });
const count = (v: unknown) => formatValue(num(v), { unit: 'count', unit_detail: null });
const plain = (v: unknown, digits = 2) => {
  const x = num(v);
  return x === null
    ? '—'
    : new Intl.NumberFormat(getLang() === 'fr' ? 'fr-FR' : 'en-GB', {
        maximumFractionDigits: digits,
      }).format(x);
};
const pValue = (v: unknown) => {
  const x = num(v);
  return x === null ? '—' : x < 0.0001 ? '< 0.0001' : plain(x, 4);
};
const interval = (v: unknown, f: (x: unknown) => string) =>
  Array.isArray(v) && v.length === 2 ? `[${f(v[0])} ; ${f(v[1])}]` : '—';

// ---- building blocks -----------------------------------------------------------------------

interface Column {
  readonly key: string;
  readonly label: string;
  /** Text shown; the raw value goes to the CSV export and the cell's data-value. */
  readonly show?: (row: Obj) => string;
  readonly value?: (row: Obj) => unknown;
  readonly num?: boolean;
}

/** A table with a CSV export of exactly the rows shown. */
function dataTable(id: string, title: string, columns: Column[], rows: Obj[]): HTMLElement {
  const value = (c: Column, r: Obj) => (c.value ? c.value(r) : r[c.key]);
  const csv = () =>
    downloadCsv(`${id}.csv`, [
      columns.map((c) => c.label),
      ...rows.map((r) => columns.map((c) => value(c, r))),
    ]);
  return h(
    'section',
    { class: 'panel wide', 'data-table': id },
    h(
      'header',
      {},
      h('h2', {}, title),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'export-csv', onclick: csv }, t('exportCsv')),
      ),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h('tr', {}, ...columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.label))),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              ...columns.map((c) => {
                const v = value(c, r);
                return h(
                  'td',
                  {
                    class: c.num ? 'num' : '',
                    'data-col': c.key,
                    'data-value': typeof v === 'number' || typeof v === 'string' ? v : null,
                  },
                  c.show ? c.show(r) : str(v),
                );
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A chart panel with a PNG export. */
function chartPanel(
  id: string,
  title: string,
  draw: (el: HTMLElement) => Promise<Chart>,
  wide = false,
): HTMLElement {
  let chart: Chart | null = null;
  const body = h('div', { class: 'chart' });
  const el = h(
    'section',
    { class: wide ? 'panel wide' : 'panel', 'data-chart': id },
    h(
      'header',
      {},
      h('h2', {}, title),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            class: 'export-png',
            onclick: async () => {
              if (!chart) return;
              const bg =
                getComputedStyle(document.body).getPropertyValue('--panel').trim() || '#fff';
              const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: bg });
              download(`${id}.png`, await (await fetch(url)).blob());
            },
          },
          t('exportPng'),
        ),
      ),
    ),
    body,
  );
  void draw(body).then((c) => {
    chart = c;
    el.setAttribute('data-ready', '1');
  });
  return el;
}

function figures(items: [string, string, Obj?][]): HTMLElement {
  return h(
    'div',
    { class: 'figures' },
    ...items.map(([label, value, attrs]) =>
      h(
        'div',
        { class: 'figure', ...(attrs as Record<string, string>) },
        h('span', { class: 'label' }, label),
        h('span', { class: 'value' }, value),
      ),
    ),
  );
}

function diagnosticsBlock(d: ModelDiagnostics): HTMLElement {
  return h(
    'details',
    { class: 'diagnostics', open: d.warnings.length > 0 },
    h(
      'summary',
      {},
      `${t('diagnostics')} (${d.warnings.length} ${t('warnings')}, ${d.assumptions.length} ${t('assumptions')})`,
    ),
    d.warnings.length
      ? h(
          'ul',
          { class: 'warnings' },
          ...d.warnings.map((w) => h('li', {}, `[${w.code}] ${w.message}`)),
        )
      : '',
    ...Object.entries(d.convergence).map(([name, c]) =>
      h('p', { class: 'note' }, `${name}: ${c.converged ? '✓' : '✗'} ${c.method} — ${c.message}`),
    ),
    h('ul', {}, ...d.assumptions.map((a) => h('li', {}, a))),
  );
}

// ---- the analyses ----------------------------------------------------------------------------

interface Analysis {
  readonly model: string;
  readonly title: MessageKey;
  /** Params of the run; `controls` may change them (a level, an experiment). */
  params(ws: WorkspaceInfo, choice: Record<string, string>): Record<string, unknown>;
  controls?(ctx: AnalysisContext, choice: Record<string, string>): [string, [string, string][]][];
  render(values: Obj, ctx: AnalysisContext, state: AppState, dark: boolean): HTMLElement[];
}

/** Models read a year of history by default: a month is too thin for baskets or journeys. */
function lastYear(ws: WorkspaceInfo): { from: string; to: string } | Record<string, never> {
  return ws.data_to ? { from: addDays(ws.data_to, -364), to: ws.data_to } : {};
}

const SEVERITY = (z: number) => (Math.abs(z) >= 8 ? 'high' : Math.abs(z) >= 5 ? 'medium' : 'low');

const ANALYSES: Record<AnalysisId, Analysis> = {
  anomalies: {
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
  },

  basket: {
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
  },

  clv: {
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
  },

  attribution: {
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
            ...Object.fromEntries(
              names.map((m) => [m, num(obj(obj(models[m])[c])['conversions'])]),
            ),
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
  },

  abtest: {
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
  },

  promo: {
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
  },

  cohorts: {
    model: 'cohorts',
    title: 'cohortsTitle',
    params: () => ({ maxMonths: 12 }),
    render(v) {
      const cohorts = arr(v['cohorts']).slice(-24);
      const maxK = Math.max(0, ...cohorts.map((c) => arr(c['months']).length - 1));
      const ks = Array.from({ length: maxK + 1 }, (_, i) => i);
      // Colour by retention; month 0 is 100 % by definition and would wash out the scale.
      const later = cohorts.flatMap((c) =>
        arr(c['months'])
          .filter((m) => num(m['k']) !== 0)
          .map((m) => num(m['retention']) ?? 0),
      );
      const top = Math.max(0.0001, ...later);
      const cell = (m: Obj | undefined) => {
        const r = num(m?.['retention']);
        if (r === null) return h('td', { class: 'heat empty' }, '');
        const k = num(m?.['k']);
        const alpha = k === 0 ? 0.15 : Math.min(1, r / top);
        return h(
          'td',
          {
            class: 'heat num',
            'data-k': k ?? '',
            'data-value': r,
            style: `background: rgba(47, 102, 144, ${alpha.toFixed(3)}); color: ${alpha > 0.55 ? '#fff' : 'inherit'}`,
            title: `${count(m?.['active'])} / ${ratio(r)}`,
          },
          ratio(r),
        );
      };
      return [
        h(
          'section',
          { class: 'panel wide', 'data-table': 'cohorts-heatmap' },
          h('header', {}, h('h2', {}, t('retentionHeatmap'))),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'data heatmap' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', {}, t('cohort')),
                  h('th', { class: 'num' }, t('customers')),
                  ...ks.map((k) => h('th', { class: 'num' }, `M${k}`)),
                ),
              ),
              h(
                'tbody',
                {},
                ...cohorts.map((c) => {
                  const months = new Map(arr(c['months']).map((m) => [num(m['k']), m]));
                  return h(
                    'tr',
                    { 'data-cohort': str(c['cohort']) },
                    h('th', {}, str(c['cohort'])),
                    h('td', { class: 'num' }, count(c['customers'])),
                    ...ks.map((k) => cell(months.get(k))),
                  );
                }),
              ),
            ),
          ),
        ),
      ];
    },
  },
};

const STRINGS_MODEL: Record<string, MessageKey> = {
  first_touch: 'firstTouch',
  last_touch: 'lastTouch',
  linear: 'linear',
  time_decay: 'timeDecay',
  position_based: 'positionBased',
  markov: 'markov',
};

const choices = new Map<string, Record<string, string>>();

export function renderAnalysis(id: AnalysisId, ctx: AnalysisContext, state: AppState): HTMLElement {
  const a = ANALYSES[id];
  const root = h('div', { class: 'board analysis', 'data-board': id, 'data-analysis': id });
  root.append(h('h1', { class: 'analysis-title' }, t(a.title)));
  // The API refuses models to viewers (403) and to scoped tokens; say so instead of asking.
  if (ctx.role === 'viewer') {
    root.setAttribute('data-ready', 'forbidden');
    root.append(h('p', { class: 'notice needs-role' }, t('needsAnalyst')));
    return root;
  }
  if (ctx.scoped) {
    root.setAttribute('data-ready', 'forbidden');
    root.append(h('p', { class: 'notice needs-role' }, t('needsUnscoped')));
    return root;
  }
  const choice = choices.get(id) ?? {};
  const params = a.params(ctx.ws, choice);
  root.setAttribute('data-params', JSON.stringify(params));
  const controls = a.controls?.(ctx, choice) ?? [];
  if (controls.length) {
    root.append(
      h(
        'div',
        { class: 'analysis-controls' },
        ...controls.map(([name, options]) => {
          const sel = h(
            'select',
            { name: `analysis-${name}`, 'aria-label': name },
            ...options.map(([v, label]) =>
              h(
                'option',
                {
                  value: v,
                  selected: (choice[name] ?? (name === 'level' ? 'subcategory' : '')) === v,
                },
                label,
              ),
            ),
          );
          sel.addEventListener('change', () => {
            choices.set(id, { ...choice, [name]: sel.value });
            root.replaceWith(renderAnalysis(id, ctx, state));
          });
          return h('label', {}, t(name as MessageKey), sel);
        }),
      ),
    );
  }
  const status = h('div', { class: 'model-status loading', role: 'status' }, t('runningModel'));
  root.append(status);
  const started = performance.now();
  const timer = window.setInterval(() => {
    if (!root.isConnected) return window.clearInterval(timer);
    const s = Math.round((performance.now() - started) / 1000);
    status.textContent = `${t('runningModel')} ${s} s — ${t('firstRunNote')}`;
  }, 1000);
  const dark = state.theme === 'dark';
  api.model<Obj>(a.model, params).then(
    (res: ModelAnswer<Obj>) => {
      window.clearInterval(timer);
      status.classList.remove('loading');
      status.textContent = res.meta.cached
        ? t('fromCache')
        : `${t('computedIn')} ${plain(res.meta.ms / 1000, 1)} s`;
      const content = h(
        'div',
        { class: 'charts' },
        ...a.render(res.result.values, ctx, state, dark),
      );
      root.append(content, diagnosticsBlock(res.result.diagnostics));
      root.setAttribute('data-ready', '1');
    },
    (e: unknown) => {
      window.clearInterval(timer);
      status.classList.remove('loading');
      status.classList.add('error');
      status.textContent =
        e instanceof ApiError && e.status === 403
          ? `${t('needsAnalyst')} (${e.message})`
          : (e as Error).message;
      root.setAttribute('data-ready', 'error');
    },
  );
  return root;
}
