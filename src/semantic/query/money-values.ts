import { moneyDifference, roundMoney } from '../../format/number-format.js';
import type { KpiDictionary } from '../dictionary/kpi-dictionary.js';
import type { ComparisonValue, QueryResponse, QueryRow } from './query-types.js';

/**
 * Money as the answer publishes it: every value of a currency KPI rounded to the reporting
 * currency's minor unit, and its changes computed in minor units, so that JSON and CSV carry the
 * exact decimal (547666.75, a change of 624.1) rather than the binary noise of a sum of doubles
 * (547666.7500000071). Ratios, counts and the relative change keep full precision.
 *
 * How money is: `QueryContext.money`; `binary` keeps the engine's doubles, for computations that
 * go on from the values (a recipe's sub-query, a KPI example checked to 1e-9).
 */
export type MoneyPrecision = 'minor-unit' | 'binary';

export function withExactMoney(
  res: QueryResponse,
  dictionary: Pick<KpiDictionary, 'has' | 'get'>,
  currency: string,
): QueryResponse {
  const money = new Set(
    res.request.kpis.filter(
      (id) => dictionary.has(id) && dictionary.get(id).def.unit === 'currency',
    ),
  );
  if (money.size === 0) return res;
  const rows: QueryRow[] = res.rows.map((row) => {
    const values: Record<string, number | null> = { ...row.values };
    for (const id of money) {
      const v = values[id];
      if (v !== null && v !== undefined) values[id] = roundMoney(v, currency);
    }
    const comparisons: Record<string, Record<string, ComparisonValue>> = {};
    for (const [c, byKpi] of Object.entries(row.comparisons)) {
      const out: Record<string, ComparisonValue> = { ...byKpi };
      for (const id of money) {
        const cv = byKpi[id];
        if (!cv) continue;
        const now = row.values[id];
        out[id] = {
          ...cv,
          value: cv.value === null ? null : roundMoney(cv.value, currency),
          change:
            cv.change === null || cv.value === null || now === null || now === undefined
              ? cv.change
              : moneyDifference(now, cv.value, currency),
        };
      }
      comparisons[c] = out;
    }
    return { ...row, values, comparisons };
  });
  return { ...res, rows };
}
