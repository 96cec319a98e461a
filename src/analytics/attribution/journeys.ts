/**
 * Marketing journeys: the ordered channels (and campaigns, when known) a visitor touched before
 * converting or not. A journey row may stand for many identical journeys, as in the common
 * path export `path,total_conversions,total_conversion_value,total_null`.
 */
import { VitrineError } from '../../util/errors.js';
import { cell, numberCell, readCsv } from '../io/csv-input.js';

export interface Journey {
  readonly channels: readonly string[];
  /** Campaign of each touch (same length as channels), when known. */
  readonly campaigns?: readonly (string | null)[];
  /** Age of each touch at the conversion (or at the last touch), in days, when known. */
  readonly ageDays?: readonly number[];
  readonly conversions: number;
  readonly value: number;
  /** When the journey converted (epoch ms), when known. */
  readonly at?: number;
  /** Gross margin of the conversions, when known. */
  readonly margin?: number;
  /** Journeys that ended without conversion. */
  readonly nulls: number;
}

export const PATH_SEPARATOR = ' > ';

/** Reads the path export format; channels in a path are separated by ` > `. */
export function readJourneyFile(path: string): Journey[] {
  const table = readCsv(
    path,
    ['path', 'total_conversions', 'total_conversion_value', 'total_null'],
    'attribution --input',
  );
  return table.rows.map((row) => {
    const text = cell(table, row, 'path');
    const channels = text
      .split('>')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (channels.length === 0) {
      throw new VitrineError('INPUT_VALUE', `${path}:${row.line}: column path is empty`);
    }
    return {
      channels,
      conversions: numberCell(table, row, 'total_conversions', { min: 0 }),
      value: numberCell(table, row, 'total_conversion_value', { min: 0 }),
      nulls: numberCell(table, row, 'total_null', { min: 0 }),
    };
  });
}

export interface JourneyTotals {
  readonly journeys: number;
  readonly conversions: number;
  readonly value: number;
  readonly margin: number | null;
  readonly nulls: number;
  readonly channels: string[];
}

export function journeyTotals(journeys: readonly Journey[]): JourneyTotals {
  const channels = new Set<string>();
  let conversions = 0;
  let value = 0;
  let margin: number | null = 0;
  let nulls = 0;
  for (const j of journeys) {
    for (const c of j.channels) channels.add(c);
    conversions += j.conversions;
    value += j.value;
    nulls += j.nulls;
    margin = margin === null || j.margin === undefined ? null : margin + j.margin;
  }
  return {
    journeys: journeys.reduce((s, j) => s + j.conversions + j.nulls, 0),
    conversions,
    value,
    margin: journeys.length === 0 ? null : margin,
    nulls,
    channels: [...channels].sort(),
  };
}
