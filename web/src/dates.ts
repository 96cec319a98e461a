/** Civil dates as YYYY-MM-DD strings and the period presets of the filter bar. */

export const PRESETS = [
  'mtd',
  'last-7',
  'last-30',
  'last-month',
  'qtd',
  'ytd',
  'last-12m',
] as const;
export type Preset = (typeof PRESETS)[number] | 'custom';

function parse(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}
export function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}
export function addDays(s: string, n: number): string {
  const d = parse(s);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}
export function daysBetween(a: string, b: string): number {
  return Math.round((parse(b).getTime() - parse(a).getTime()) / 86_400_000);
}

/** The range of a preset, ending on the last day with data ("today" of the workspace). */
export function presetRange(
  preset: Exclude<Preset, 'custom'>,
  today: string,
): { from: string; to: string } {
  const d = parse(today);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (preset) {
    case 'mtd':
      return { from: iso(new Date(Date.UTC(y, m, 1))), to: today };
    case 'last-7':
      return { from: addDays(today, -6), to: today };
    case 'last-30':
      return { from: addDays(today, -29), to: today };
    case 'last-month':
      return { from: iso(new Date(Date.UTC(y, m - 1, 1))), to: iso(new Date(Date.UTC(y, m, 0))) };
    case 'qtd':
      return { from: iso(new Date(Date.UTC(y, m - (m % 3), 1))), to: today };
    case 'ytd':
      return { from: `${y}-01-01`, to: today };
    case 'last-12m':
      return { from: iso(new Date(Date.UTC(y - 1, m + 1, 1))), to: today };
  }
}

/** A grain that gives a sparkline 7 to 60 points. */
export function sparkGrain(from: string, to: string): 'day' | 'week' | 'month' {
  const n = daysBetween(from, to);
  return n <= 62 ? 'day' : n <= 370 ? 'week' : 'month';
}
