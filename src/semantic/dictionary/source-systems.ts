import type { SourceSystem } from '../../model/model-types.js';
import { SOURCE_SYSTEMS } from '../../model/model-types.js';
import { TABLES } from '../../model/tables.js';

/**
 * The source systems KPIs are declared against, with the grain of what they send and how late
 * it usually arrives: what a reader of `vitrine kpi sources` needs to know how fresh a KPI can
 * be. The tables each one feeds come from the canonical model, so they cannot drift.
 */
export interface SourceSystemInfo {
  readonly id: SourceSystem;
  readonly name: { readonly en: string; readonly fr: string };
  /** The finest record the system sends. */
  readonly grain: string;
  /** Typical delay between an event and its arrival in Vitrine. */
  readonly latency: string;
  /** Canonical tables this system feeds. */
  readonly tables: readonly string[];
}

const INFO: Record<SourceSystem, Omit<SourceSystemInfo, 'id' | 'tables'>> = {
  POS: {
    name: { en: 'Point of sale', fr: 'Caisses (point de vente)' },
    grain: 'ticket line; store footfall per day',
    latency: 'end of day (nightly upload), minutes when streamed',
  },
  ECOM: {
    name: { en: 'E-commerce platform', fr: 'Plateforme e-commerce' },
    grain: 'order line, return line, payment, review',
    latency: 'minutes to 1 hour (API or webhook)',
  },
  ERP: {
    name: { en: 'ERP', fr: 'ERP (gestion commerciale et comptable)' },
    grain: 'reference data; cost, purchase order, chargeback, plan rows',
    latency: '1 day (nightly batch); market studies monthly to yearly',
  },
  WMS: {
    name: { en: 'Warehouse management', fr: 'WMS (gestion d’entrepôt)' },
    grain: 'shipment; stock per SKU × location × day; physical count',
    latency: 'hours for shipments, 1 day for stock snapshots',
  },
  CRM: {
    name: { en: 'CRM and loyalty', fr: 'CRM et fidélité' },
    grain: 'customer; owned-media audience per day',
    latency: '1 day',
  },
  WEB: {
    name: { en: 'Web analytics', fr: 'Web analytics' },
    grain: 'session, event, touchpoint, experiment assignment',
    latency: 'hours intraday; 1 day for consolidated exports',
  },
  ADS: {
    name: { en: 'Ad platforms', fr: 'Régies publicitaires' },
    grain: 'campaign × day (spend, impressions, clicks)',
    latency: '1 to 3 days until figures settle',
  },
  SUPPORT: {
    name: { en: 'Customer service tool', fr: 'Outil de service client' },
    grain: 'contact (call, e-mail, chat, social message)',
    latency: 'minutes to 1 hour',
  },
  SURVEY: {
    name: { en: 'Survey tool', fr: 'Outil d’enquêtes' },
    grain: 'survey response',
    latency: '1 day',
  },
  TECH: {
    name: { en: 'Tech tracker and monitoring', fr: 'Suivi technique et monitoring' },
    grain: 'release, bug; page load per session',
    latency: '1 day',
  },
};

export const SOURCE_SYSTEM_INFO: readonly SourceSystemInfo[] = SOURCE_SYSTEMS.map((id) => ({
  id,
  ...INFO[id],
  tables: TABLES.filter((t) => t.sources.includes(id)).map((t) => t.name),
}));

export function sourceSystemInfo(id: SourceSystem): SourceSystemInfo {
  return SOURCE_SYSTEM_INFO.find((s) => s.id === id) as SourceSystemInfo;
}
