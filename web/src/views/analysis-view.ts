import type { ModelAnswer } from '../api-client.js';
import { ApiError, api } from '../api-client.js';
import type { AppState } from '../app-state.js';
import type { AnalysisId } from '../boards.js';
import { h } from '../dom.js';
import type { MessageKey } from '../i18n.js';
import { t } from '../i18n.js';
import { ANALYSES } from './analyses/analysis-catalogue.js';
import type { AnalysisContext, Obj } from './analyses/analysis-kit.js';
import { diagnosticsBlock, plain } from './analyses/analysis-kit.js';

export type { AnalysisContext } from './analyses/analysis-kit.js';

/**
 * An analysis board: runs its model through POST /api/models/{name} with the dashboard view
 * (the server caches the result per model, params and scope), shows how long the run takes while
 * it runs, then the board's tables and charts (one file per model in ./analyses/) and the
 * model's diagnostics.
 */

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
