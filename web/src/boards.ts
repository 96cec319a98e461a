import type {
  BoardSpec as SharedBoard,
  ChartSpec as SharedChart,
} from '../../src/server/dashboard-boards.js';
import { BOARDS as SHARED_BOARDS } from '../../src/server/dashboard-boards.js';
import type { MessageKey } from './i18n.js';

/**
 * The boards as data: each team's tiles (dictionary KPIs) and charts. A board is only a choice of
 * KPIs; every number comes from the semantic layer through /api/query. The specs live beside the
 * server (src/server/dashboard-boards.ts), which computes the first board's queries at start;
 * here they are typed with the UI's message keys.
 */

export type ChartSpec =
  | (Extract<SharedChart, { kind: 'cumulative' }> & { title: MessageKey })
  | (Extract<SharedChart, { kind: 'breakdown' }> & { title?: MessageKey })
  | Extract<SharedChart, { kind: 'trend' | 'bars' | 'funnel' }>;

export interface BoardSpec extends SharedBoard {
  readonly id: MessageKey;
  readonly charts: readonly ChartSpec[];
}

export const BOARDS = SHARED_BOARDS as readonly BoardSpec[];

/** The analysis boards: one per model of the API (analyst role). */
export const ANALYSES = [
  'anomalies',
  'basket',
  'clv',
  'attribution',
  'abtest',
  'promo',
  'cohorts',
  'lost-sales',
  'shrinkage',
  'budget',
  'paths',
] as const satisfies readonly MessageKey[];
export type AnalysisId = (typeof ANALYSES)[number];
