import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import type { DemoCampaign } from '../demo-context.js';
import type { CampaignChannel } from '../parts/campaigns-part.js';
import type { Random } from '../random.js';

interface Active {
  readonly index: number[];
  readonly cum: number[];
}

/**
 * Which campaigns of a channel run on a day, and a weighted draw among them (a campaign's weight
 * is its share of the channel's traffic relative to the campaigns running beside it).
 */
export class CampaignCalendar {
  readonly campaigns: readonly DemoCampaign[];
  private readonly startDay: number;
  /** [dayIndex * channels + channel] → active campaigns. */
  private readonly active: Active[];

  constructor(campaigns: readonly DemoCampaign[], startDay: number, endDay: number) {
    this.campaigns = campaigns;
    this.startDay = startDay;
    const days = endDay - startDay + 1;
    const n = CAMPAIGN_CHANNELS.length;
    this.active = Array.from({ length: days * n }, () => ({ index: [], cum: [] }));
    campaigns.forEach((c, i) => {
      const ch = CAMPAIGN_CHANNELS.indexOf(c.channel as CampaignChannel);
      if (ch < 0) throw new Error(`campaign ${c.id} has unknown channel ${c.channel}`);
      for (let d = Math.max(c.startsOn, startDay); d <= Math.min(c.endsOn, endDay); d++) {
        const a = this.active[(d - startDay) * n + ch];
        if (!a) continue;
        a.index.push(i);
        a.cum.push((a.cum[a.cum.length - 1] ?? 0) + (c.weight ?? 1));
      }
    });
  }

  /** Index (into campaigns) of a campaign of the channel running on the day, or -1. */
  pick(rng: Random, channel: number, day: number): number {
    const n = CAMPAIGN_CHANNELS.length;
    const a = this.active[(day - this.startDay) * n + channel];
    if (!a || a.index.length === 0) return -1;
    if (a.index.length === 1) return a.index[0] ?? -1;
    const x = rng.next() * (a.cum[a.cum.length - 1] ?? 1);
    for (let i = 0; i < a.cum.length; i++) if (x < (a.cum[i] ?? 0)) return a.index[i] ?? -1;
    return a.index[a.index.length - 1] ?? -1;
  }

  /** Campaign indexes running on the day (all channels). */
  runningOn(day: number): number[] {
    const n = CAMPAIGN_CHANNELS.length;
    const out: number[] = [];
    for (let ch = 0; ch < n; ch++)
      out.push(...(this.active[(day - this.startDay) * n + ch]?.index ?? []));
    return out;
  }
}
