/**
 * What an alert says, in the rule's language: the KPI, its value in its unit, what it was
 * compared with and by how much, the window, the filters, and a link to the board showing the
 * same numbers. One text serves e-mail, webhooks and the dashboard feed.
 */
import { formatChange, formatRelativeChange, formatValue } from '../../format/number-format.js';
import type { ValueUnit } from '../../format/number-format.js';
import type { KpiDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { effectiveWhere } from './alert-rule.js';
import type { AlertRule } from './alert-rule.js';
import type { Notification } from './alert-log.js';

export interface AlertMessage {
  readonly subject: string;
  readonly lines: readonly string[];
  readonly link: string | null;
  /** Machine-readable facts, for the JSON webhook body. */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface MessageContext {
  readonly dictionary: KpiDictionary;
  readonly reportingCurrency: string;
  readonly locale: string;
  /** The dashboard's address as recipients reach it. */
  readonly dashboardUrl: string | null;
  /** The board that shows a KPI (its link target). */
  readonly boardOf: (kpi: string) => string;
}

const WORDS = {
  en: {
    firing: 'Alert',
    recovered: 'Recovered',
    value: 'Value',
    window: 'Period',
    filters: 'Filters',
    none: 'whole business',
    vs: {
      threshold: 'threshold',
      yoy: 'N-1',
      previous: 'previous period',
      target: 'target',
      trajectory: 'trajectory',
      expected: 'expected',
    },
    compared: 'Compared with',
    open: 'Open the board',
    backToNormal: 'is back within its rule',
  },
  fr: {
    firing: 'Alerte',
    recovered: 'Rétablie',
    value: 'Valeur',
    window: 'Période',
    filters: 'Filtres',
    none: 'toute l’enseigne',
    vs: {
      threshold: 'seuil',
      yoy: 'N-1',
      previous: 'période précédente',
      target: 'objectif',
      trajectory: 'trajectoire',
      expected: 'attendu',
    },
    compared: 'Comparé à',
    open: 'Ouvrir le tableau de bord',
    backToNormal: 'est revenu dans sa règle',
  },
} as const;

/** A link to the board with the rule's window and filters, or null without a dashboard URL. */
export function boardLink(rule: AlertRule, n: Notification, ctx: MessageContext): string | null {
  if (!ctx.dashboardUrl) return null;
  const q = new URLSearchParams();
  q.set('board', ctx.boardOf(rule.kpi));
  q.set('period', 'custom');
  q.set('from', n.evaluation.window.from);
  q.set('to', n.evaluation.window.to);
  if (rule.condition.kind === 'change' && rule.condition.vs === 'previous')
    q.set('compare', 'previous');
  for (const [dim, values] of Object.entries(effectiveWhere(rule))) {
    if (values.length > 0) q.set(dim, values.join(','));
  }
  q.set('lang', rule.lang);
  return `${ctx.dashboardUrl.replace(/\/+$/, '')}/?${q.toString()}`;
}

export function alertMessage(rule: AlertRule, n: Notification, ctx: MessageContext): AlertMessage {
  const w = WORDS[rule.lang];
  const locale = rule.lang === 'fr' ? 'fr-FR' : ctx.locale.startsWith('fr') ? 'en-GB' : ctx.locale;
  const style = { currency: ctx.reportingCurrency, locale };
  const def = ctx.dictionary.has(rule.kpi) ? ctx.dictionary.get(rule.kpi).def : null;
  const kpiName = def ? def.name[rule.lang] : rule.kpi;
  const unit: ValueUnit = def?.unit ?? 'number';
  const detail = def?.unit_detail;
  const e = n.evaluation;
  const where = effectiveWhere(rule);
  const filters = Object.entries(where)
    .filter(([, v]) => v.length > 0)
    .map(([d, v]) => `${d} = ${v.join(', ')}`)
    .join('; ');
  const value = formatValue(e.value, unit, style, detail);
  const head = n.status === 'firing' ? w.firing : w.recovered;
  const subject =
    n.status === 'firing'
      ? `${head}: ${rule.name ?? kpiName} — ${value}${filters ? ` (${filters})` : ''}`
      : `${head}: ${rule.name ?? kpiName} ${w.backToNormal} — ${value}`;
  const lines = [
    `${kpiName}: ${value}`,
    `${w.window}: ${e.window.from === e.window.to ? e.window.from : `${e.window.from} → ${e.window.to}`}`,
  ];
  if (e.compared) {
    const label = w.vs[e.compared.label as keyof typeof w.vs] ?? e.compared.label;
    const other = formatValue(e.compared.value, unit, style, detail);
    // Evaluations measure moves in % of the compared value or in points of a rate.
    const change =
      e.compared.change === null || !e.compared.changeUnit
        ? ''
        : e.compared.changeUnit === 'pct'
          ? ` (${formatRelativeChange(e.compared.change / 100, style)})`
          : ` (${formatChange(e.compared.change / 100, 'ratio', style)})`;
    lines.push(`${w.compared} ${label}: ${other}${change}`);
  }
  if (e.detail) lines.push(e.detail);
  lines.push(`${w.filters}: ${filters || w.none}`);
  const link = boardLink(rule, n, ctx);
  if (link) lines.push(`${w.open}: ${link}`);
  return {
    subject,
    lines,
    link,
    facts: {
      rule: rule.id,
      name: rule.name ?? null,
      kpi: rule.kpi,
      status: n.status,
      at: n.at,
      window: e.window,
      value: e.value,
      unit,
      compared: e.compared,
      filters: where,
      link,
    },
  };
}
