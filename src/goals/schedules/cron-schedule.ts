/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week) read in the
 * workspace's time zone. Conventions are those of Vixie cron: lists, ranges, steps and names
 * (`0 8 * * mon-fri`, `30 7 1 * *`); when both day fields are restricted a day matching either
 * runs; `7` is Sunday like `0`. Across DST a wall time that does not exist runs at the instant
 * the clocks jump to, and a repeated one runs once.
 */
import { civil, isoWeekday } from '../../time/civil-date.js';
import { localDateTime, zonedInstant } from '../../time/zoned-time.js';
import { VitrineError } from '../../util/errors.js';

export interface CronSchedule {
  readonly text: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] as string[] },
  { name: 'hour', min: 0, max: 23, names: [] as string[] },
  { name: 'day of month', min: 1, max: 31, names: [] as string[] },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
] as const;

function fail(text: string, why: string): never {
  throw new VitrineError(
    'BAD_CRON',
    `schedule "${text}": ${why} (five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * 1" for Mondays at 08:00)`,
  );
}

function parseField(text: string, spec: string, field: (typeof FIELDS)[number]): Set<number> {
  const value = (s: string): number => {
    const named = field.names.indexOf(s.toLowerCase());
    if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
    if (!/^\d+$/.test(s)) fail(text, `${field.name}: "${s}" is not a number`);
    const n = Number(s);
    if (n < field.min || n > field.max) {
      fail(text, `${field.name}: ${n} is outside ${field.min}–${field.max}`);
    }
    return n;
  };
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(text, `${field.name}: bad step "${stepText}"`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = field.min;
      hi = field.max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      lo = value(a);
      hi = value(b);
      if (hi < lo) fail(text, `${field.name}: range ${range} runs backwards`);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : field.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(field.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(text: string): CronSchedule {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) fail(text, `${fields.length} fields`);
  const [m = '', h = '', dom = '', mon = '', dow = ''] = fields;
  const schedule: CronSchedule = {
    text: text.trim(),
    minutes: parseField(text, m, FIELDS[0]),
    hours: parseField(text, h, FIELDS[1]),
    daysOfMonth: parseField(text, dom, FIELDS[2]),
    months: parseField(text, mon, FIELDS[3]),
    daysOfWeek: parseField(text, dow, FIELDS[4]),
    domRestricted: dom !== '*',
    dowRestricted: dow !== '*',
  };
  // 30 February would otherwise be found "never" only when the first run is looked for.
  const longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const someDay = [...schedule.months].some((month) =>
    [...schedule.daysOfMonth].some((d) => d <= (longest[month] ?? 0)),
  );
  if (!someDay && !schedule.dowRestricted) fail(text, 'never runs: no month has that day');
  return schedule;
}

function dayMatches(s: CronSchedule, day: number): boolean {
  const { month, day: dom } = civil(day);
  if (!s.months.has(month)) return false;
  const domOk = s.daysOfMonth.has(dom);
  const dowOk = s.daysOfWeek.has(isoWeekday(day) % 7);
  if (s.domRestricted && s.dowRestricted) return domOk || dowOk;
  return domOk && dowOk;
}

/**
 * The first run strictly after `afterMs`, as an instant. Looks ahead up to eight years (a
 * schedule on 29 February still finds its day) and fails beyond, naming the schedule.
 */
export function nextRun(s: CronSchedule, afterMs: number, timeZone: string): number {
  const start = localDateTime(afterMs, timeZone);
  const times: number[] = [];
  for (const h of [...s.hours].sort((a, b) => a - b)) {
    for (const m of [...s.minutes].sort((a, b) => a - b)) times.push(h * 60 + m);
  }
  for (let day = start.day - 1; day <= start.day + 366 * 8; day++) {
    if (!dayMatches(s, day)) continue;
    for (const minute of times) {
      const at = zonedInstant(day, minute, timeZone);
      if (at > afterMs) return at;
    }
  }
  fail(s.text, 'never runs');
}

/** Runs due in (fromMs, toMs]: what a server that was down must catch up on (the caller runs the last one once). */
export function runsBetween(
  s: CronSchedule,
  fromMs: number,
  toMs: number,
  timeZone: string,
): number[] {
  const out: number[] = [];
  let t = fromMs;
  while (out.length < 1000) {
    const next = nextRun(s, t, timeZone);
    if (next > toMs) break;
    out.push(next);
    t = next;
  }
  return out;
}
