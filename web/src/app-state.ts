import type { CompareKind, FilterDimension } from '../../src/server/dashboard-boards.js';
import { DEFAULT_PRESET, FILTER_DIMENSIONS } from '../../src/server/dashboard-boards.js';
import type { Preset } from './dates.js';
import { PRESETS } from './dates.js';
import type { Lang } from './i18n.js';

/**
 * Everything a view depends on lives here and in the URL's query string, so that a link is the
 * board as its sender saw it (board, period, comparison, filters, language, theme, TV mode).
 */

export { FILTER_DIMENSIONS };
export type { CompareKind, FilterDimension };

export interface AppState {
  board: string;
  preset: Preset;
  from: string | null;
  to: string | null;
  compare: CompareKind;
  filters: Partial<Record<FilterDimension, string>>;
  lang: Lang;
  theme: 'light' | 'dark';
  tv: boolean;
}

type Listener = (s: AppState) => void;
const listeners: Listener[] = [];

function fromUrl(): AppState {
  const q = new URLSearchParams(location.search);
  const preset = q.get('period') ?? DEFAULT_PRESET;
  const compare = q.get('compare');
  const filters: AppState['filters'] = {};
  for (const d of FILTER_DIMENSIONS) {
    const v = q.get(d);
    if (v) filters[d] = v;
  }
  const browserLang = navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  return {
    board: q.get('board') ?? 'direction',
    preset:
      (PRESETS as readonly string[]).includes(preset) || preset === 'custom'
        ? (preset as Preset)
        : DEFAULT_PRESET,
    from: q.get('from'),
    to: q.get('to'),
    compare: compare === 'previous' || compare === 'yoy-weekday' ? compare : 'yoy',
    filters,
    lang: q.get('lang') === 'fr' ? 'fr' : q.get('lang') === 'en' ? 'en' : browserLang,
    theme: q.get('theme') === 'dark' ? 'dark' : 'light',
    tv: q.get('tv') === '1',
  };
}

let state = fromUrl();

function toUrl(s: AppState): string {
  const q = new URLSearchParams();
  q.set('board', s.board);
  q.set('period', s.preset);
  if (s.preset === 'custom' && s.from && s.to) {
    q.set('from', s.from);
    q.set('to', s.to);
  }
  if (s.compare !== 'yoy') q.set('compare', s.compare);
  for (const d of FILTER_DIMENSIONS) {
    const v = s.filters[d];
    if (v) q.set(d, v);
  }
  q.set('lang', s.lang);
  if (s.theme === 'dark') q.set('theme', 'dark');
  if (s.tv) q.set('tv', '1');
  return `${location.pathname}?${q.toString()}`;
}

export function getState(): AppState {
  return state;
}

/** Applies a change, records it in the URL (one history entry per change) and re-renders. */
export function update(change: Partial<AppState>, options: { replace?: boolean } = {}): void {
  state = { ...state, ...change };
  const url = toUrl(state);
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l(state);
}

export function onChange(l: Listener): void {
  listeners.push(l);
}

window.addEventListener('popstate', () => {
  state = fromUrl();
  for (const l of listeners) l(state);
});
