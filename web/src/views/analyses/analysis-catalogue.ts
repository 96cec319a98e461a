import type { AnalysisId } from '../../boards.js';
import { abtestAnalysis } from './abtest-analysis.js';
import type { Analysis } from './analysis-kit.js';
import { anomaliesAnalysis } from './anomalies-analysis.js';
import { attributionAnalysis } from './attribution-analysis.js';
import { basketAnalysis } from './basket-analysis.js';
import { budgetAnalysis } from './budget-analysis.js';
import { clvAnalysis } from './clv-analysis.js';
import { cohortsAnalysis } from './cohorts-analysis.js';
import { lostSalesAnalysis } from './lost-sales-analysis.js';
import { pathsAnalysis } from './paths-analysis.js';
import { promoAnalysis } from './promo-analysis.js';
import { shrinkageAnalysis } from './shrinkage-analysis.js';

/**
 * The analysis boards, one per analytics model. A new board: a `<model>-analysis.ts` file here,
 * its id in boards.ts, and one line below.
 */
export const ANALYSES: Record<AnalysisId, Analysis> = {
  anomalies: anomaliesAnalysis,
  basket: basketAnalysis,
  clv: clvAnalysis,
  attribution: attributionAnalysis,
  abtest: abtestAnalysis,
  promo: promoAnalysis,
  cohorts: cohortsAnalysis,
  'lost-sales': lostSalesAnalysis,
  shrinkage: shrinkageAnalysis,
  budget: budgetAnalysis,
  paths: pathsAnalysis,
};
