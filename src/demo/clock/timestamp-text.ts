import { MS_PER_DAY } from '../../time/civil-date.js';

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * ISO-8601 UTC text of epoch milliseconds, identical to `Date#toISOString` for years 0–9999.
 * The web tables write millions of timestamps and `toISOString` costs over a microsecond each
 * on small machines; caching the date part per day makes this several times cheaper.
 */
export class TimestampText {
  private day = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const day = Math.floor(ms / MS_PER_DAY);
    if (day !== this.day) {
      this.day = day;
      this.prefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    }
    let rest = ms - day * MS_PER_DAY;
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = Math.floor(rest / 1000);
    const milli = Math.floor(rest - s * 1000);
    return `${this.prefix}${PAD2[h] ?? ''}:${PAD2[m] ?? ''}:${PAD2[s] ?? ''}.${PAD3[milli] ?? ''}Z`;
  }
}
