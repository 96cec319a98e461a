import { moneyDifference, roundMoney } from '../../format/number-format.js';
import type { KpiDictionary } from '../dictionary/kpi-dictionary.js';
import type { ComparisonValue, QueryResponse, QueryRow } from './query-types.js';

/**
 * Money as the answer publishes it: every amount of money (isMoneyAmount) rounded to the reporting
 * currency's minor unit, and its changes computed in minor units, so that JSON and CSV carry the
 * exact decimal (547666.75, a change of 624.1) rather than the binary noise of a sum of doubles
 * (547666.7500000071). Ratios, counts and the relative change keep full precision.
 *
 * How money is: `QueryContext.money`; `binary` keeps the engine's doubles, for computations that
 * go on from the values (a recipe's sub-query, a KPI example checked to 1e-9).
 */
export type MoneyPrecision = 'minor-unit' | 'binary';

/**
 * A KPI whose values are amounts of money: unit currency and summed over rows (additive, or
 * semi-additive as a stock value). Money per something (AOV, CLV, sales per m²) is a ratio and
 * keeps full precision, as every ratio does.
 */
export function isMoneyAmount(dictionary: Pick<KpiDictionary, 'has' | 'get'>, id: string): boolean {
  if (!dictionary.has(id)) return false;
  const def = dictionary.get(id).def;
  return def.unit === 'currency' && def.additivity !== 'non_additive';
}

export function withExactMoney(
  res: QueryResponse,
  dictionary: Pick<KpiDictionary, 'has' | 'get'>,
  currency: string,
): QueryResponse {
  const money = new Set(res.request.kpis.filter((id) => isMoneyAmount(dictionary, id)));
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
