/**
 * From transactions to the per-customer summary the CLV models use, with the standard
 * conventions (Fader, Hardie & Lee; lifetimes; BTYD): transactions of a customer on the same
 * day are merged; frequency counts repeat purchase days; recency is the age at the last
 * purchase and T the age at the end of calibration, both from the first purchase; monetary is
 * the mean value of the repeat purchases (0 without one).
 */

export interface Transaction {
  readonly customerId: string;
  /** Epoch day (local date). */
  readonly day: number;
  readonly amount: number;
  /** Gross margin of the transaction, when known. */
  readonly margin: number | null;
}

export interface CustomerSummary {
  readonly customerId: string;
  readonly firstDay: number;
  readonly lastDay: number;
  readonly frequency: number;
  /** In time units. */
  readonly recency: number;
  readonly T: number;
  /** Mean value of repeat purchases; 0 without repeat purchase. */
  readonly monetary: number;
  /** Mean margin of repeat purchases (null when margins are unknown). */
  readonly monetaryMargin: number | null;
  readonly revenue: number;
  readonly margin: number | null;
  /** Purchase days after the calibration end (the holdout), and their value. */
  readonly holdoutPurchases: number;
  readonly holdoutRevenue: number;
}

export interface SummaryResult {
  readonly customers: CustomerSummary[];
  readonly calibrationEnd: number;
  readonly lastDay: number;
  /** Customers whose first purchase is after the calibration end (not summarised). */
  readonly firstSeenAfter: number;
  readonly transactions: number;
  readonly purchaseDays: number;
  readonly marginsKnown: boolean;
}

export function summarizeTransactions(
  transactions: readonly Transaction[],
  calibrationEnd: number,
  unitDays: number,
): SummaryResult {
  // customer → day → [amount, margin]
  const byCustomer = new Map<string, Map<number, [number, number | null]>>();
  let lastDay = -Infinity;
  let marginsKnown = transactions.length > 0;
  for (const t of transactions) {
    if (t.day > lastDay) lastDay = t.day;
    if (t.margin === null) marginsKnown = false;
    let days = byCustomer.get(t.customerId);
    if (!days) byCustomer.set(t.customerId, (days = new Map()));
    const cur = days.get(t.day);
    if (cur) {
      cur[0] += t.amount;
      cur[1] = cur[1] === null || t.margin === null ? null : cur[1] + t.margin;
    } else days.set(t.day, [t.amount, t.margin]);
  }
  const customers: CustomerSummary[] = [];
  let firstSeenAfter = 0;
  let purchaseDays = 0;
  const ids = [...byCustomer.keys()].sort();
  for (const id of ids) {
    const days = byCustomer.get(id) as Map<number, [number, number | null]>;
    const sorted = [...days.entries()].sort((a, b) => a[0] - b[0]);
    purchaseDays += sorted.length;
    const cal = sorted.filter(([d]) => d <= calibrationEnd);
    const hold = sorted.filter(([d]) => d > calibrationEnd);
    if (cal.length === 0) {
      firstSeenAfter++;
      continue;
    }
    const first = (cal[0] as [number, unknown])[0];
    const last = (cal[cal.length - 1] as [number, unknown])[0];
    const repeats = cal.slice(1);
    const revenue = cal.reduce((s, [, v]) => s + v[0], 0);
    const margin = marginsKnown ? cal.reduce((s, [, v]) => s + (v[1] ?? 0), 0) : null;
    customers.push({
      customerId: id,
      firstDay: first,
      lastDay: last,
      frequency: repeats.length,
      recency: (last - first) / unitDays,
      T: (calibrationEnd - first) / unitDays,
      monetary: repeats.length > 0 ? repeats.reduce((s, [, v]) => s + v[0], 0) / repeats.length : 0,
      monetaryMargin: !marginsKnown
        ? null
        : repeats.length > 0
          ? repeats.reduce((s, [, v]) => s + (v[1] ?? 0), 0) / repeats.length
          : 0,
      revenue,
      margin,
      holdoutPurchases: hold.length,
      holdoutRevenue: hold.reduce((s, [, v]) => s + v[0], 0),
    });
  }
  return {
    customers,
    calibrationEnd,
    lastDay,
    firstSeenAfter,
    transactions: transactions.length,
    purchaseDays,
    marginsKnown,
  };
}
