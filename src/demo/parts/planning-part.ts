import type { DemoContext, DemoPart } from '../demo-context.js';
import { writeAudience, writeCompetitorPrices, writeMarketSize } from '../planning/market-plan.js';
import { writeRange } from '../planning/range-plan.js';
import { writeTargets } from '../planning/targets-plan.js';
import { writeTech } from '../planning/tech-plan.js';

/** Plans and outside inputs: targets, market, competitors, audience, target range, tech delivery. */
export const planningPart: DemoPart = {
  name: 'planning',
  tables: [
    'targets',
    'market_size',
    'competitor_prices',
    'audience',
    'range_targets',
    'product_fitments',
    'releases',
    'bugs',
  ],
  run(ctx: DemoContext): void {
    ctx.truth['planning'] = {
      targets: writeTargets(ctx),
      marketSize: writeMarketSize(ctx),
      competitorPrices: writeCompetitorPrices(ctx),
      audience: writeAudience(ctx),
      range: writeRange(ctx),
      tech: writeTech(ctx),
    };
  },
};
