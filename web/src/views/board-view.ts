import type { BoardQueryContext } from '../../../src/server/dashboard-boards.js';
import {
  breakdownLevel,
  chartQuery,
  tileQueries,
  whereOf as sharedWhereOf,
} from '../../../src/server/dashboard-boards.js';
import type { KpiSummary, QueryRequest, QueryResponse, QueryRow } from '../api-client.js';
import { api } from '../api-client.js';
import type { AppState } from '../app-state.js';
import { FILTER_DIMENSIONS, getState, update } from '../app-state.js';
import type { BoardSpec, ChartSpec } from '../boards.js';
import type { Chart } from '../charts.js';
import { PALETTE, mountChart } from '../charts.js';
import { download, h } from '../dom.js';
import { formatChangePct, formatValue, getLang, monthLabel, t } from '../i18n.js';
import { openExplain } from './explain-view.js';

export interface BoardContext {
  readonly range: { from: string; to: string };
  readonly kpis: ReadonlyMap<string, KpiSummary>;
  readonly canExplain: boolean;
  readonly dimLabel: (id: string) => string;
  /** The display name of a member (a channel's name for its id); the value itself otherwise. */
  readonly label: (dimension: string, value: unknown) => string;
}

export function whereOf(s: AppState): Record<string, string[]> {
  return sharedWhereOf(s.filters);
}

function queryContext(ctx: BoardContext, state: AppState): BoardQueryContext {
  return { range: ctx.range, compare: state.compare, filters: state.filters };
}

const kpiName = (ctx: BoardContext, id: string) => ctx.kpis.get(id)?.name[getLang()] ?? id;
const unitOf = (ctx: BoardContext, id: string) =>
  ctx.kpis.get(id) ?? { unit: 'number', unit_detail: null };

/**
 * One query for all tiles; when a KPI cannot take a filter (a service KPI has no product), the
 * board falls back to one query per tile so that the others still show.
 */
async function queryEach(
  req: QueryRequest,
  kpis: readonly string[],
): Promise<Map<string, QueryResponse | Error>> {
  const out = new Map<string, QueryResponse | Error>();
  try {
    const res = await api.query({ ...req, kpis: [...kpis] });
    for (const k of kpis) out.set(k, res);
  } catch {
    await Promise.all(
      kpis.map(async (k) => {
        try {
          out.set(k, await api.query({ ...req, kpis: [k] }));
        } catch (e) {
          out.set(k, e as Error);
        }
      }),
    );
  }
  return out;
}

function changeChip(label: string, pct: number | null | undefined, polarity: string): HTMLElement {
  const good =
    pct == null || pct === 0 || polarity === 'neutral'
      ? 'neutral'
      : pct > 0 === (polarity === 'up')
        ? 'good'
        : 'bad';
  return h(
    'span',
    { class: `chip ${good}`, 'data-change': pct ?? '' },
    `${formatChangePct(pct)} ${label}`,
  );
}

function renderTiles(
  board: BoardSpec,
  ctx: BoardContext,
  state: AppState,
  dark: boolean,
): HTMLElement {
  const where = whereOf(state);
  const grid = h('section', {
    class: 'tiles',
    'data-from': ctx.range.from,
    'data-to': ctx.range.to,
    'data-where': JSON.stringify(where),
    'data-compare': state.compare,
  });
  const tiles = new Map<string, HTMLElement>();
  for (const k of board.tiles) {
    const tile = h(
      'article',
      { class: 'tile loading', 'data-kpi': k },
      h('h3', {}, kpiName(ctx, k)),
      h('div', { class: 'value' }, '…'),
    );
    tiles.set(k, tile);
    grid.append(tile);
  }
  const compare = state.compare;
  // The same requests the server computed at start for the default board (shared builder).
  const { values: base, spark } = tileQueries(board, queryContext(ctx, state));
  void (async () => {
    const [values, lines] = await Promise.all([
      queryEach(base, board.tiles),
      queryEach(spark, board.tiles),
    ]);
    for (const k of board.tiles) {
      const tile = tiles.get(k);
      if (!tile) continue;
      tile.classList.remove('loading');
      const res = values.get(k);
      const info = ctx.kpis.get(k);
      if (!res || res instanceof Error) {
        tile.classList.add('unavailable');
        tile.replaceChildren(
          h('h3', {}, kpiName(ctx, k)),
          h('div', { class: 'value' }, '—'),
          h('p', { class: 'note', title: res?.message ?? '' }, res?.message ?? t('noData')),
        );
        continue;
      }
      const row = res.rows[0];
      const v = row?.values[k] ?? null;
      const cmp = row?.comparisons[compare]?.[k];
      const target = row?.comparisons['target']?.[k];
      const polarity = info?.polarity ?? 'neutral';
      tile.setAttribute('data-value', v === null ? '' : String(v));
      const sparkEl = h('div', { class: 'spark' });
      tile.replaceChildren(
        h('h3', { title: info?.description[getLang()] ?? '' }, kpiName(ctx, k)),
        h('div', { class: 'value' }, formatValue(v, unitOf(ctx, k), true)),
        h(
          'div',
          { class: 'chips' },
          changeChip(
            compare === 'previous' ? t('vsPrevious') : t('vsN1'),
            cmp?.change_ratio,
            polarity,
          ),
          target?.value != null ? changeChip(t('vsTarget'), target.change_ratio, polarity) : null,
        ),
        sparkEl,
        ctx.canExplain
          ? h('button', { class: 'link why', onclick: () => openExplain(k, ctx, state) }, t('why'))
          : '',
      );
      const line = lines.get(k);
      if (line && !(line instanceof Error)) {
        void mountChart(
          sparkEl,
          {
            grid: { left: 0, right: 0, top: 2, bottom: 2 },
            xAxis: { type: 'category', show: false, data: line.rows.map((r) => r.period) },
            yAxis: { type: 'value', show: false, scale: true },
            series: [
              {
                type: 'line',
                data: line.rows.map((r) => r.values[k] ?? null),
                symbol: 'none',
                lineStyle: { width: 1.5 },
                areaStyle: { opacity: 0.12 },
              },
            ],
          },
          dark,
        );
      }
    }
    grid.setAttribute('data-ready', '1');
  })();
  return grid;
}

interface Panel {
  el: HTMLElement;
  body: HTMLElement;
  setChart(c: Chart): void;
  setRequest(r: QueryRequest): void;
}

function panel(title: string, testId: string): Panel {
  let chart: Chart | null = null;
  let request: QueryRequest | null = null;
  const body = h('div', { class: 'chart' });
  const el = h(
    'section',
    { class: 'panel', 'data-chart': testId },
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
            class: 'export-csv',
            title: 'CSV',
            onclick: async () => request && download(`${testId}.csv`, await api.queryCsv(request)),
          },
          t('exportCsv'),
        ),
        h(
          'button',
          {
            class: 'export-png',
            title: 'PNG',
            onclick: async () => {
              if (!chart) return;
              const bg =
                getComputedStyle(document.body).getPropertyValue('--panel').trim() || '#fff';
              download(
                `${testId}.png`,
                await (
                  await fetch(chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: bg }))
                ).blob(),
              );
            },
          },
          t('exportPng'),
        ),
      ),
    ),
    body,
  );
  return { el, body, setChart: (c) => (chart = c), setRequest: (r) => (request = r) };
}

function errorInto(p: Panel, e: unknown): void {
  p.body.replaceChildren(h('p', { class: 'note' }, (e as Error).message));
  p.el.setAttribute('data-ready', 'error');
}

function cumulativeChart(
  spec: Extract<ChartSpec, { kind: 'cumulative' }>,
  ctx: BoardContext,
  state: AppState,
  dark: boolean,
): HTMLElement {
  const p = panel(t(spec.title), 'cumulative');
  const req = chartQuery(spec, queryContext(ctx, state));
  p.setRequest(req);
  api.query(req).then(
    (res) => {
      // Cumulative rows all start on 1 January; the period label (YYYY-MM) names the month.
      const months = res.rows.map((r) =>
        /^\d{4}-\d{2}$/.test(r.period) ? monthLabel(`${r.period}-01`) : r.period,
      );
      const u = unitOf(ctx, spec.kpi);
      const get = (r: QueryRow, c: string | null) =>
        c ? (r.comparisons[c]?.[spec.kpi]?.value ?? null) : (r.values[spec.kpi] ?? null);
      void mountChart(
        p.body,
        {
          tooltip: {
            trigger: 'axis',
            valueFormatter: (v: unknown) => formatValue(v as number, u),
          },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: months },
          yAxis: {
            type: 'value',
            axisLabel: { formatter: (v: number) => formatValue(v, u, 'axis') },
          },
          series: [
            {
              name: t('thisYear'),
              type: 'line',
              data: res.rows.map((r) => get(r, null)),
              lineStyle: { width: 3 },
              areaStyle: { opacity: 0.08 },
            },
            {
              name: t('lastYear'),
              type: 'line',
              data: res.rows.map((r) => get(r, 'yoy')),
              lineStyle: { type: 'dashed' },
            },
            {
              name: t('target'),
              type: 'line',
              data: res.rows.map((r) => get(r, 'target')),
              lineStyle: { type: 'dotted', width: 2 },
              symbol: 'none',
            },
          ],
        },
        dark,
      ).then((chart) => {
        p.setChart(chart);
        p.el.setAttribute('data-ready', '1');
      });
    },
    (e) => errorInto(p, e),
  );
  return p.el;
}

function breakdownChart(
  spec: Extract<ChartSpec, { kind: 'breakdown' }>,
  ctx: BoardContext,
  state: AppState,
  dark: boolean,
  index: number,
): HTMLElement {
  // The level shown is the first one not yet filtered: filtering channel shows regions, etc.
  const levels = spec.levels;
  const { level, depth } = breakdownLevel(levels, state.filters);
  const title = `${spec.title ? t(spec.title) : kpiName(ctx, spec.kpi)} — ${ctx.dimLabel(level)}`;
  const p = panel(title, `breakdown-${index}`);
  p.el.setAttribute('data-level', level);
  const parent =
    depth > 0 ? levels[depth - 1] : depth === -1 ? levels[levels.length - 2] : undefined;
  if (parent && state.filters[parent as keyof AppState['filters']]) {
    p.el.querySelector('header h2')?.after(
      h(
        'button',
        {
          class: 'link drill-up',
          onclick: () => update({ filters: { ...state.filters, [parent]: undefined } }),
        },
        `↑ ${t('back')}`,
      ),
    );
  }
  const req = chartQuery(spec, queryContext(ctx, state));
  p.setRequest(req);
  api.query(req).then(
    (res) => {
      const u = unitOf(ctx, spec.kpi);
      const rows = [...res.rows]
        .sort((a, b) => (b.values[spec.kpi] ?? 0) - (a.values[spec.kpi] ?? 0))
        .slice(0, 20)
        .reverse();
      const names = rows.map((r) => ctx.label(level, r.dims[level]));
      void mountChart(
        p.body,
        {
          tooltip: {
            trigger: 'axis',
            axisPointer: { type: 'shadow' },
            valueFormatter: (v: unknown) => formatValue(v as number, u),
          },
          legend: { top: 0 },
          grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
          // Labels take clicks too: a short bar is a small target.
          yAxis: { type: 'category', data: names, triggerEvent: true },
          xAxis: {
            type: 'value',
            axisLabel: { hideOverlap: true, formatter: (v: number) => formatValue(v, u, 'axis') },
          },
          series: [
            {
              name: kpiName(ctx, spec.kpi),
              type: 'bar',
              data: rows.map((r) => r.values[spec.kpi] ?? null),
              itemStyle: { color: PALETTE[0] },
            },
            {
              name: state.compare === 'previous' ? t('previous') : t('lastYear'),
              type: 'bar',
              data: rows.map((r) => r.comparisons[state.compare]?.[spec.kpi]?.value ?? null),
              itemStyle: { color: '#9aa5b1' },
            },
          ],
        },
        dark,
      ).then((chart) => {
        const canDrill =
          depth !== -1 &&
          depth < levels.length - 1 &&
          (levels as readonly string[]).every(
            (l) => l === 'product' || (FILTER_DIMENSIONS as readonly string[]).includes(l),
          );
        if (canDrill) {
          p.body.title = t('drillHint');
          // Bars show names; the filter takes the member's id.
          const drill = (i: number | undefined) => {
            const value = i === undefined || i < 0 ? null : rows[i]?.dims[level];
            if (value != null)
              update({ filters: { ...getState().filters, [level]: String(value) } });
          };
          chart.on('click', (e) => {
            const ev = e as { componentType?: string; dataIndex?: number; value?: unknown };
            drill(ev.componentType === 'yAxis' ? names.indexOf(String(ev.value)) : ev.dataIndex);
          });
          // A click anywhere on a bar's row, beside the bar, drills too.
          chart.getZr().on('click', (ev) => {
            if (ev.target) return;
            const at = [ev.offsetX, ev.offsetY];
            if (!chart.containPixel('grid', at)) return;
            const y = (chart.convertFromPixel('grid', at) as number[])[1];
            drill(y === undefined ? undefined : Math.round(y));
          });
        }
        p.setChart(chart);
        p.el.setAttribute('data-ready', '1');
        p.el.setAttribute('data-values', JSON.stringify(rows.map((r) => r.dims[level])));
        p.el.setAttribute('data-labels', JSON.stringify(names));
      });
    },
    (e) => errorInto(p, e),
  );
  return p.el;
}

function seriesChart(
  spec: Extract<ChartSpec, { kind: 'trend' | 'bars' | 'funnel' }>,
  ctx: BoardContext,
  state: AppState,
  dark: boolean,
  index: number,
): HTMLElement {
  const names = spec.kpis.map((k) => kpiName(ctx, k));
  const title =
    spec.kind === 'bars'
      ? `${names.join(', ')} — ${ctx.dimLabel(spec.by)}`
      : names.join(spec.kind === 'funnel' ? ' → ' : ', ');
  const p = panel(title, `${spec.kind}-${index}`);
  const req: QueryRequest = chartQuery(spec, queryContext(ctx, state));
  p.setRequest(req);
  api.query(req).then(
    (res) => {
      const u = unitOf(ctx, spec.kpis[0] ?? '');
      let option: Record<string, unknown>;
      if (spec.kind === 'funnel') {
        const row = res.rows[0];
        option = {
          tooltip: { trigger: 'item' },
          series: [
            {
              type: 'funnel',
              left: '10%',
              width: '80%',
              sort: 'none',
              label: { formatter: '{b}: {c}' },
              data: spec.kpis.map((k, i) => ({ name: names[i], value: row?.values[k] ?? 0 })),
            },
          ],
        };
      } else {
        const cats =
          spec.kind === 'trend'
            ? res.rows.map((r) => r.period)
            : res.rows.map((r) => ctx.label(spec.by, r.dims[spec.by]));
        option = {
          tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatValue(v as number, u) },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: cats, axisLabel: { hideOverlap: true } },
          yAxis: {
            type: 'value',
            axisLabel: { formatter: (v: number) => formatValue(v, u, 'axis') },
          },
          series: spec.kpis.map((k, i) => ({
            name: names[i],
            type: spec.kind === 'trend' && !spec.stacked ? 'line' : 'bar',
            ...(spec.kind === 'trend' && spec.stacked ? { stack: 'total' } : {}),
            data: res.rows.map((r) => r.values[k] ?? null),
            symbol: 'none',
          })),
        };
      }
      void mountChart(p.body, option, dark).then((chart) => {
        p.setChart(chart);
        p.el.setAttribute('data-ready', '1');
      });
    },
    (e) => errorInto(p, e),
  );
  return p.el;
}

export function renderBoard(board: BoardSpec, ctx: BoardContext, state: AppState): HTMLElement {
  const dark = state.theme === 'dark';
  const root = h('div', { class: 'board', 'data-board': board.id });
  root.append(renderTiles(board, ctx, state, dark));
  const charts = h('div', { class: 'charts' });
  board.charts.forEach((spec, i) => {
    charts.append(
      spec.kind === 'cumulative'
        ? cumulativeChart(spec, ctx, state, dark)
        : spec.kind === 'breakdown'
          ? breakdownChart(spec, ctx, state, dark, i)
          : seriesChart(spec, ctx, state, dark, i),
    );
  });
  root.append(charts);
  return root;
}
