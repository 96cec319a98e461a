import type { Engine } from '../backends/engine.js';

/**
 * The part of the engine's SQL dialect this needs (the semantic layer's Dialect has it): the
 * workspace room sits below the semantic layer, so the caller hands the dialect in.
 */
export interface LocalDateSql {
  quoteIdentifier(name: string): string;
  /** Local calendar date of an instant in the time zone. */
  localDate(instant: string, timeZone: string): string;
}

/** First and last local day with orders; null for an empty workspace. */
export interface DataRange {
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * The days the workspace has orders for, as calendar dates in the workspace's time zone (an
 * order at 23:30 UTC on 31 December is already 1 January in Paris): the end of the data a board's
 * default period and an objective's progress are measured to. Not scoped: the dates on which a
 * business sold are not rows of anyone's store.
 */
export async function dataRange(
  engine: Engine,
  d: LocalDateSql,
  timeZone: string,
): Promise<DataRange> {
  const day = d.localDate(d.quoteIdentifier('ordered_at'), timeZone);
  const r = await engine.run(
    `SELECT min(${day}) AS lo, max(${day}) AS hi FROM ${d.quoteIdentifier('orders')}`,
  );
  return { from: dateText(r.rows[0]?.['lo']), to: dateText(r.rows[0]?.['hi']) };
}

/** Engines return DATE values as ISO text; anything else is read as such. */
function dateText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return String(v).slice(0, 10);
}
