import { loadDictionary } from '../semantic/dictionary/kpi-dictionary.js';
import { runQuery } from '../semantic/query/query-runner.js';
import { civil, epochDay, isoDate, todayEpochDay } from '../time/civil-date.js';
import { openWorkspace } from '../workspace/workspace.js';

const SUMMARY_KPIS = ['net_sales', 'orders', 'aov', 'units_sold', 'upt'];

/**
 * A few lines a director reads first: the headline KPIs of the last full month against the
 * same month a year earlier.
 */
export async function summaryLines(dir: string, today = todayEpochDay()): Promise<string[]> {
  const ws = await openWorkspace(dir, { readOnly: true });
  try {
    const dictionary = loadDictionary({ workspaceDir: ws.dir });
    const kpis = SUMMARY_KPIS.filter((k) => dictionary.has(k));
    const { year, month } = civil(today);
    const from = month === 1 ? epochDay(year - 1, 12, 1) : epochDay(year, month - 1, 1);
    const to = epochDay(year, month, 1) - 1;
    const res = await runQuery(
      { engine: ws.engine, dictionary, config: ws.config },
      { kpis, from: isoDate(from), to: isoDate(to), compare: ['yoy'] },
    );
    const row = res.rows[0];
    const money = new Intl.NumberFormat(ws.config.locale, {
      style: 'currency',
      currency: ws.config.reporting_currency,
    });
    const num = new Intl.NumberFormat(ws.config.locale, { maximumFractionDigits: 2 });
    const lines = [
      `\n${ws.config.name} — ${isoDate(from)} to ${isoDate(to)} vs the same month last year`,
    ];
    for (const k of kpis) {
      const entry = dictionary.get(k).def;
      const v = row?.values[k] ?? null;
      const c = row?.comparisons['yoy']?.[k];
      const fmt = (x: number | null | undefined) =>
        x === null || x === undefined
          ? '—'
          : entry.unit === 'currency'
            ? money.format(x)
            : num.format(x);
      const pct =
        c?.change_ratio === null || c?.change_ratio === undefined
          ? ''
          : ` (${c.change_ratio >= 0 ? '+' : ''}${(c.change_ratio * 100).toFixed(1)} %)`;
      lines.push(
        `  ${entry.name.en.padEnd(26)} ${fmt(v).padStart(16)}   N-1 ${fmt(c?.value).padStart(16)}${pct}`,
      );
    }
    return lines;
  } finally {
    await ws.close();
  }
}
