import './styles.css';
import type { KpiSummary, Me, WorkspaceInfo } from './api-client.js';
import { ApiError, api, storeToken, storedToken } from './api-client.js';
import { filterOptionQueries } from '../../src/server/dashboard-boards.js';
import type { AppState, CompareKind, FilterDimension } from './app-state.js';
import { FILTER_DIMENSIONS, getState, onChange, update } from './app-state.js';
import type { AnalysisId } from './boards.js';
import { ANALYSES, BOARDS } from './boards.js';
import { disposeCharts } from './charts.js';
import type { Preset } from './dates.js';
import { PRESETS, presetRange } from './dates.js';
import { h } from './dom.js';
import type { MessageKey } from './i18n.js';
import { getLang, setCurrency, setLang, t } from './i18n.js';
import { renderAnalysis } from './views/analysis-view.js';
import { renderBoard } from './views/board-view.js';
import { renderDictionary, renderSources } from './views/dictionary-view.js';
import { renderQuality } from './views/quality-view.js';

const app = document.getElementById('app') as HTMLElement;
const TV_ROTATE_MS = 30_000;
let tvTimer: number | null = null;

// A link printed by `npm start` carries the token in the fragment (never sent to a server or
// kept in the history): store it and drop it from the address bar.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('token')) {
  storeToken(fragment.get('token'));
  history.replaceState(null, '', location.pathname + location.search);
}

interface Session {
  me: Me;
  ws: WorkspaceInfo;
  kpis: Map<string, KpiSummary>;
  /** Values of each filter, from the data the token may see. */
  options: Map<FilterDimension, string[]>;
}

function signIn(message?: string): void {
  const input = h('input', {
    type: 'password',
    name: 'token',
    placeholder: 'vt_…',
    autocomplete: 'off',
  });
  app.replaceChildren(
    h(
      'form',
      {
        class: 'sign-in',
        onsubmit: (e: Event) => {
          e.preventDefault();
          storeToken(input.value.trim());
          void boot();
        },
      },
      h('h1', {}, 'Vitrine'),
      h('p', {}, t('signIn')),
      input,
      h('button', { type: 'submit' }, t('go')),
      h('p', { class: 'note' }, message ?? t('signInHelp')),
    ),
  );
}

async function loadOptions(ws: WorkspaceInfo): Promise<Map<FilterDimension, string[]>> {
  const out = new Map<FilterDimension, string[]>();
  const from = ws.data_from ?? '2000-01-01';
  const to = ws.data_to ?? from;
  await Promise.all(
    filterOptionQueries({ from, to }).map(async ({ dimension: d, query }) => {
      try {
        const res = await api.query(query);
        out.set(
          d,
          res.rows
            .map((r) => String(r.dims[d] ?? ''))
            .filter(Boolean)
            .sort(),
        );
      } catch {
        out.set(d, []);
      }
    }),
  );
  return out;
}

function range(s: AppState, ws: WorkspaceInfo): { from: string; to: string } {
  if (s.preset === 'custom' && s.from && s.to) return { from: s.from, to: s.to };
  return presetRange(
    s.preset === 'custom' ? 'mtd' : s.preset,
    ws.data_to ?? new Date().toISOString().slice(0, 10),
  );
}

function select(
  name: string,
  value: string,
  options: [string, string][],
  onchange: (v: string) => void,
): HTMLSelectElement {
  const el = h(
    'select',
    { name, 'aria-label': name },
    ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
  el.addEventListener('change', () => onchange(el.value));
  return el;
}

/** A member's display name (a channel's name for its id), the value itself when it has none. */
function memberLabel(session: Session, dimension: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const v = String(value);
  return session.ws.labels[dimension]?.[v] ?? v;
}

const isAnalysis = (board: string): board is AnalysisId =>
  (ANALYSES as readonly string[]).includes(board);

function header(s: AppState, session: Session): HTMLElement {
  const r = range(s, session.ws);
  const dimLabel = (d: string) =>
    session.ws.dimensions.find((x) => x.id === d)?.label[getLang()] ?? d;
  const views: MessageKey[] = [
    ...BOARDS.map((b) => b.id),
    'analyses',
    'quality',
    'dictionary',
    'sources',
  ];
  const activeTab = isAnalysis(s.board) ? 'analyses' : s.board;
  const from = h('input', { type: 'date', name: 'from', value: r.from });
  const to = h('input', { type: 'date', name: 'to', value: r.to });
  const custom = () =>
    from.value && to.value && update({ preset: 'custom', from: from.value, to: to.value });
  from.addEventListener('change', custom);
  to.addEventListener('change', custom);
  const scopes = Object.entries(session.me.scopes);
  return h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: '?' }, 'Vitrine', h('small', {}, session.ws.name)),
      h(
        'nav',
        {},
        ...views.map((v) =>
          h(
            'button',
            {
              class: v === activeTab ? 'tab active' : 'tab',
              'data-board-tab': v,
              onclick: () => update({ board: v === 'analyses' ? ANALYSES[0] : v }),
            },
            t(v),
          ),
        ),
      ),
      h(
        'div',
        { class: 'tools' },
        scopes.length
          ? h(
              'span',
              { class: 'scope', title: t('scope') },
              scopes
                .map(
                  ([k, v]) =>
                    `${dimLabel(k)}: ${v.map((x) => memberLabel(session, k, x)).join(', ')}`,
                )
                .join(' · '),
            )
          : null,
        select(
          'lang',
          s.lang,
          [
            ['en', 'English'],
            ['fr', 'Français'],
          ],
          (v) => update({ lang: v === 'fr' ? 'fr' : 'en' }),
        ),
        h(
          'button',
          {
            class: 'theme-toggle',
            title: t('theme'),
            onclick: () => update({ theme: s.theme === 'dark' ? 'light' : 'dark' }),
          },
          s.theme === 'dark' ? `☀ ${t('light')}` : `☾ ${t('dark')}`,
        ),
        h(
          'button',
          { class: 'tv-toggle', onclick: () => update({ tv: !s.tv }) },
          s.tv ? t('exitTv') : t('tv'),
        ),
        h('button', { class: 'link', onclick: () => (storeToken(null), signIn()) }, t('signOut')),
      ),
    ),
    // The filter bar drives the team boards; analyses pick their own window (shown on them).
    !BOARDS.some((b) => b.id === s.board)
      ? null
      : h(
          'div',
          { class: 'filters' },
          h(
            'label',
            {},
            t('period'),
            select(
              'period',
              s.preset,
              [...PRESETS.map((p): [string, string] => [p, t(p)]), ['custom', t('custom')]],
              (v) => update({ preset: v as Preset, from: null, to: null }),
            ),
          ),
          from,
          to,
          h(
            'label',
            {},
            t('compare'),
            select(
              'compare',
              s.compare,
              (['yoy', 'yoy-weekday', 'previous'] as const).map((c): [string, string] => [c, t(c)]),
              (v) => update({ compare: v as CompareKind }),
            ),
          ),
          ...FILTER_DIMENSIONS.map((d) =>
            h(
              'label',
              {},
              dimLabel(d),
              select(
                d,
                s.filters[d] ?? '',
                [
                  ['', t('all')],
                  ...(session.options.get(d) ?? [])
                    .map((v): [string, string] => [v, memberLabel(session, d, v)])
                    .sort((a, b) => a[1].localeCompare(b[1], getLang())),
                ],
                (v) => update({ filters: { ...s.filters, [d]: v || undefined } }),
              ),
            ),
          ),
        ),
  );
}

let session: Session | null = null;
let renderSeq = 0;

async function render(s: AppState): Promise<void> {
  if (!session) return;
  const seq = ++renderSeq;
  setLang(s.lang);
  document.documentElement.dataset['theme'] = s.theme;
  document.body.classList.toggle('tv', s.tv);
  disposeCharts();
  document.querySelector('.drawer')?.remove();
  const main = h('main', {});
  app.replaceChildren(header(s, session), main);
  const current = session;
  const ctx = {
    range: range(s, session.ws),
    kpis: session.kpis,
    canExplain: session.me.role !== 'viewer',
    dimLabel: (d: string) => current.ws.dimensions.find((x) => x.id === d)?.label[getLang()] ?? d,
    label: (d: string, v: unknown) => memberLabel(current, d, v),
  };
  const board = BOARDS.find((b) => b.id === s.board);
  const scoped = Object.keys(session.me.scopes).length > 0;
  if (board) main.append(renderBoard(board, ctx, s));
  else if (isAnalysis(s.board)) {
    main.append(
      h(
        'nav',
        { class: 'subnav' },
        ...ANALYSES.map((a) =>
          h(
            'button',
            {
              class: a === s.board ? 'tab active' : 'tab',
              'data-analysis-tab': a,
              onclick: () => update({ board: a }),
            },
            t(a),
          ),
        ),
      ),
      renderAnalysis(s.board, { ...ctx, ws: session.ws, role: session.me.role, scoped }, s),
    );
  } else if (s.board === 'quality') main.append(renderQuality(session.me.role, scoped));
  else if (s.board === 'dictionary') main.append(renderDictionary([...session.kpis.values()]));
  else if (s.board === 'sources') {
    main.append(t('loading'));
    const el = await renderSources(session.kpis).catch((e: Error) =>
      h('p', { class: 'note' }, e.message),
    );
    if (seq === renderSeq) main.replaceChildren(el);
  } else main.append(renderBoard(BOARDS[0] as (typeof BOARDS)[number], ctx, s));

  if (tvTimer !== null) clearTimeout(tvTimer);
  tvTimer = null;
  if (s.tv) {
    // TV mode: team boards take turns on the screen.
    tvTimer = window.setTimeout(() => {
      const i = BOARDS.findIndex((b) => b.id === getState().board);
      update(
        { board: (BOARDS[(i + 1) % BOARDS.length] ?? BOARDS[0])?.id ?? 'direction' },
        { replace: true },
      );
    }, TV_ROTATE_MS);
    if (!document.fullscreenElement)
      document.documentElement.requestFullscreen?.().catch(() => undefined);
  } else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
}

function waitForTiles(): Promise<void> {
  return new Promise((resolve) => {
    const done = () =>
      !document.querySelector('.tiles') || document.querySelector('.tiles[data-ready]');
    if (done()) return resolve();
    const obs = new MutationObserver(() => {
      if (done()) {
        obs.disconnect();
        resolve();
      }
    });
    obs.observe(app, { subtree: true, attributes: true, childList: true });
  });
}

async function boot(): Promise<void> {
  setLang(getState().lang);
  if (!storedToken()) return signIn();
  try {
    const { me, workspace: ws, kpis } = await api.session();
    setCurrency(ws.reporting_currency);
    session = { me, ws, kpis: new Map(kpis.map((k) => [k.id, k])), options: new Map() };
    // The board renders at once; filter choices (queries over the whole history) are asked
    // only once its tiles are drawn, so that they never queue ahead of the first board.
    await render(getState());
    await waitForTiles();
    session.options = await loadOptions(ws);
    const current = session;
    app.querySelector('header.top')?.replaceWith(header(getState(), current));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      storeToken(null);
      signIn(e.message);
    } else app.replaceChildren(h('p', { class: 'note' }, (e as Error).message));
  }
}

onChange((s) => void render(s));
void boot();
