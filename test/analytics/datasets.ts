/** Paths of the public data sets in ../shared/datasets and small readers for their formats. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '../../src/analytics/clv/customer-summary.js';
import { epochDay, isoDate } from '../../src/time/civil-date.js';

const dataset = (name: string) =>
  fileURLToPath(new URL(`../../../shared/datasets/${name}`, import.meta.url));

export const GROCERIES = dataset('groceries.csv');
export const CDNOW = dataset('cdnow_sample.txt');
export const ATTRIBUTION_PATHS = dataset('attribution_paths.csv');

/**
 * CDNOW sample: whitespace-separated master id, sample id, date (YYYYMMDD), CDs, dollars.
 * Customers are keyed by master id (lifetimes' customer 1 is master id 00004).
 */
export function cdnowTransactions(): Transaction[] {
  return readFileSync(CDNOW, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [id, , date, , amount] = l.trim().split(/\s+/) as [
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        customerId: id,
        day: epochDay(Number(date.slice(0, 4)), Number(date.slice(4, 6)), Number(date.slice(6, 8))),
        amount: Number(amount),
        margin: null,
      };
    });
}

/** The CDNOW sample written as the `customer_id,date,amount` CSV of `vitrine model clv --input`. */
export function writeCdnowCsv(path: string): void {
  const lines = ['customer_id,date,amount'];
  for (const t of cdnowTransactions()) lines.push(`${t.customerId},${isoDate(t.day)},${t.amount}`);
  writeFileSync(path, lines.join('\n') + '\n');
}
