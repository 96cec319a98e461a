/** UI strings in English and French, and locale-aware number, money and date formats. */

export type Lang = 'en' | 'fr';

const STRINGS = {
  en: {
    direction: 'Direction',
    marketing: 'Marketing',
    service: 'Customer service',
    product: 'Product & purchasing',
    supply: 'Supply chain',
    finance: 'Finance',
    stores: 'Stores',
    tech: 'Tech',
    dictionary: 'KPI dictionary',
    sources: 'Source systems',
    period: 'Period',
    compare: 'Compare with',
    channel: 'Channel',
    region: 'Region',
    location: 'Location',
    category: 'Category',
    all: 'All',
    vsN1: 'vs N-1',
    vsPrevious: 'vs previous',
    vsTarget: 'vs target',
    yoy: 'Same period N-1',
    'yoy-weekday': 'N-1, same weekdays',
    previous: 'Previous period',
    mtd: 'Month to date',
    'last-7': 'Last 7 days',
    'last-30': 'Last 30 days',
    'last-month': 'Last month',
    qtd: 'Quarter to date',
    ytd: 'Year to date',
    'last-12m': 'Last 12 months',
    custom: 'Custom',
    cumulativeRevenue: 'Cumulative net sales, year to date',
    thisYear: 'This year',
    lastYear: 'N-1',
    target: 'Target',
    salesByChannel: 'Net sales by channel',
    salesByCategory: 'Net sales by category',
    drillHint: 'Click a bar to drill down',
    back: 'Up one level',
    exportCsv: 'CSV',
    exportPng: 'PNG',
    tv: 'TV mode',
    exitTv: 'Exit TV mode',
    theme: 'Theme',
    light: 'Light',
    dark: 'Dark',
    noData: 'no data',
    loading: 'Loading…',
    search: 'Search KPIs…',
    area: 'Area',
    owner: 'Owner',
    unit: 'Unit',
    polarity: 'Polarity',
    formula: 'Formula',
    version: 'Version',
    changelog: 'Changelog',
    rules: 'Rules',
    tables: 'Tables',
    why: 'Why did it move?',
    drivers: 'Drivers',
    segments: 'By segment',
    signIn: 'Sign in with an API token',
    signInHelp: 'Create one with: vitrine token create --role viewer',
    token: 'Token',
    go: 'Open',
    signOut: 'Sign out',
    missingData: 'missing data',
    scope: 'Scope',
    kpis: 'KPIs',
  },
  fr: {
    direction: 'Direction',
    marketing: 'Marketing',
    service: 'Service client',
    product: 'Produit & achats',
    supply: 'Supply chain',
    finance: 'Finance',
    stores: 'Magasins',
    tech: 'Tech',
    dictionary: 'Dictionnaire des KPI',
    sources: 'Systèmes sources',
    period: 'Période',
    compare: 'Comparer à',
    channel: 'Canal',
    region: 'Région',
    location: 'Site',
    category: 'Catégorie',
    all: 'Tous',
    vsN1: 'vs N-1',
    vsPrevious: 'vs période préc.',
    vsTarget: 'vs objectif',
    yoy: 'Même période N-1',
    'yoy-weekday': 'N-1, mêmes jours',
    previous: 'Période précédente',
    mtd: 'Mois en cours',
    'last-7': '7 derniers jours',
    'last-30': '30 derniers jours',
    'last-month': 'Mois dernier',
    qtd: 'Trimestre en cours',
    ytd: 'Depuis le 1er janvier',
    'last-12m': '12 derniers mois',
    custom: 'Personnalisée',
    cumulativeRevenue: "Chiffre d'affaires net cumulé depuis le 1er janvier",
    thisYear: 'Cette année',
    lastYear: 'N-1',
    target: 'Objectif',
    salesByChannel: "Chiffre d'affaires net par canal",
    salesByCategory: "Chiffre d'affaires net par catégorie",
    drillHint: 'Cliquer sur une barre pour détailler',
    back: 'Remonter',
    exportCsv: 'CSV',
    exportPng: 'PNG',
    tv: 'Mode TV',
    exitTv: 'Quitter le mode TV',
    theme: 'Thème',
    light: 'Clair',
    dark: 'Sombre',
    noData: 'pas de données',
    loading: 'Chargement…',
    search: 'Chercher un KPI…',
    area: 'Domaine',
    owner: 'Responsable',
    unit: 'Unité',
    polarity: 'Sens',
    formula: 'Formule',
    version: 'Version',
    changelog: 'Historique',
    rules: 'Règles',
    tables: 'Tables',
    why: 'Pourquoi ça a bougé ?',
    drivers: 'Leviers',
    segments: 'Par segment',
    signIn: "Connexion avec un jeton d'API",
    signInHelp: 'Créez-en un avec : vitrine token create --role viewer',
    token: 'Jeton',
    go: 'Ouvrir',
    signOut: 'Se déconnecter',
    missingData: 'données manquantes',
    scope: 'Périmètre',
    kpis: 'KPI',
  },
} as const;

export type MessageKey = keyof (typeof STRINGS)['en'];

let lang: Lang = 'en';
let currency = 'EUR';

export function setLang(l: Lang): void {
  lang = l;
  document.documentElement.lang = l;
}
export function getLang(): Lang {
  return lang;
}
export function setCurrency(c: string): void {
  currency = c;
}

export function t(key: MessageKey): string {
  return STRINGS[lang][key];
}

export function locale(): string {
  return lang === 'fr' ? 'fr-FR' : 'en-GB';
}

export interface UnitInfo {
  unit: string;
  unit_detail: string | null;
}

const DURATION_UNITS: Record<string, string> = {
  milliseconds: 'ms',
  seconds: 's',
  minutes: 'min',
  hours: 'h',
  days: 'd',
};

/** A KPI value in its unit: money in the reporting currency, ratios as percentages. */
export function formatValue(
  v: number | null | undefined,
  u: UnitInfo,
  compact: boolean | 'axis' = false,
): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const loc = locale();
  // Tiles shorten from 100 000, axes (little room between ticks) from 1 000.
  const notation =
    compact && Math.abs(v) >= (compact === 'axis' ? 1000 : 100_000) ? 'compact' : 'standard';
  switch (u.unit) {
    case 'currency':
      return new Intl.NumberFormat(loc, {
        style: 'currency',
        currency,
        notation,
        maximumFractionDigits: notation === 'compact' ? 1 : Math.abs(v) >= 1000 ? 0 : 2,
        minimumFractionDigits: notation === 'compact' ? 0 : Math.abs(v) >= 1000 ? 0 : 2,
      }).format(v);
    case 'ratio':
      return new Intl.NumberFormat(loc, {
        style: 'percent',
        maximumFractionDigits: 1,
        minimumFractionDigits: 1,
      }).format(v);
    case 'duration': {
      const suffix = DURATION_UNITS[u.unit_detail ?? ''] ?? '';
      return `${new Intl.NumberFormat(loc, { maximumFractionDigits: 1 }).format(v)}${suffix ? `\u202f${suffix}` : ''}`;
    }
    case 'count':
      return new Intl.NumberFormat(loc, {
        notation,
        maximumFractionDigits: notation === 'compact' ? 1 : 0,
      }).format(v);
    default:
      return new Intl.NumberFormat(loc, {
        notation,
        maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1,
      }).format(v);
  }
}

/** A money amount with cents, as accountants read it (fr-FR: 1 234,56 €). */
export function formatMoney(v: number): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(v);
}

export function formatChangePct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(locale(), {
    style: 'percent',
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(v);
}

export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}

export function monthLabel(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)),
  );
}
