import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import { isoDate } from '../../time/civil-date.js';
import { money } from '../table-writer.js';
import type { TableWriter } from '../table-writer.js';
import type { Random } from '../random.js';
import type { CampaignChannel } from '../parts/campaigns-part.js';
import type { CampaignCalendar } from './campaign-calendar.js';

/**
 * Daily delivery and spend of each running campaign, tied to the sessions it brought: clicks =
 * tracked sessions of the campaign that day + untracked clicks (visitors refusing analytics
 * cookies), so that clicks ≈ sessions / trackingRate. Impressions follow from clicks and the
 * channel's CTR (impressions − clicks ~ Poisson(clicks × (1 − ctr) / ctr), so Σ clicks / Σ
 * impressions → ctr), spend from clicks and CPC (or sends × cost per send, or a TV budget).
 */
export interface ChannelDelivery {
  readonly ctr: number;
  /** cpc: spend = clicks × cpc × noise; send: spend = impressions × costPerSend; free; budget. */
  readonly pricing: 'cpc' | 'send' | 'free' | 'budget';
  readonly cpc?: number;
  readonly costPerSend?: number;
  /** Engagements (likes, shares, comments) per impression. */
  readonly engagementRate: number;
}

export const AD_SPEND = {
  trackingRate: 0.85,
  /** Lognormal spend noise per campaign-day, mean 1. */
  spendSigma: 0.15,
  /** TV: daily spend = share × average daily online revenue, split over the TV campaigns running; CPM in EUR. */
  tv: { alwaysOnShare: 0.01, flightShare: 0.08, cpm: 12 },
  channels: {
    sea: { ctr: 0.045, pricing: 'cpc', cpc: 0.42, engagementRate: 0 },
    social: { ctr: 0.009, pricing: 'cpc', cpc: 0.55, engagementRate: 0.012 },
    display: { ctr: 0.0025, pricing: 'cpc', cpc: 0.38, engagementRate: 0 },
    email: { ctr: 0.025, pricing: 'send', costPerSend: 0.0015, engagementRate: 0 },
    affiliate: { ctr: 0.012, pricing: 'cpc', cpc: 0.3, engagementRate: 0 },
    sms: { ctr: 0.04, pricing: 'send', costPerSend: 0.045, engagementRate: 0 },
    seo: { ctr: 0.03, pricing: 'free', engagementRate: 0 },
    tv: { ctr: 0, pricing: 'budget', engagementRate: 0 },
  } satisfies Record<CampaignChannel, ChannelDelivery> as Record<CampaignChannel, ChannelDelivery>,
};

/** Expected spend per click of a channel (null when the channel has no clicks). */
export function expectedCpc(d: ChannelDelivery): number | null {
  if (d.pricing === 'cpc') return d.cpc ?? 0;
  if (d.pricing === 'send') return (d.costPerSend ?? 0) / d.ctr;
  if (d.pricing === 'free') return 0;
  return null;
}

export class AdSpendSim {
  private readonly calendar: CampaignCalendar;
  private readonly currency: string;
  /** Tracked sessions per campaign for two consecutive days (by day parity): a converting session can start the evening before its order's day. */
  private readonly sessions: [Int32Array, Int32Array];
  private readonly tvDailyRevenue: number;

  constructor(calendar: CampaignCalendar, currency: string, averageDailyOnlineRevenue: number) {
    this.calendar = calendar;
    this.currency = currency;
    this.sessions = [
      new Int32Array(calendar.campaigns.length),
      new Int32Array(calendar.campaigns.length),
    ];
    this.tvDailyRevenue = averageDailyOnlineRevenue;
  }

  /** A tracked session of the campaign (index) started on the (local) day; days must not be written yet. */
  countSession(campaign: number, day: number): void {
    if (campaign < 0) return;
    const counts = this.sessions[day & 1];
    if (counts) counts[campaign] = (counts[campaign] ?? 0) + 1;
  }

  /** Writes the day's rows for every campaign running, then resets the day's tallies. */
  writeDay(rng: Random, out: TableWriter, day: number): void {
    const counts = this.sessions[day & 1] as Int32Array;
    const running = this.calendar.runningOn(day);
    const tvRunning = running.filter((i) => this.calendar.campaigns[i]?.channel === 'tv');
    const tvWeight = tvRunning.reduce((s, i) => s + (this.calendar.campaigns[i]?.weight ?? 1), 0);
    const date = isoDate(day);
    for (const i of running) {
      const c = this.calendar.campaigns[i];
      if (!c) continue;
      const d = AD_SPEND.channels[c.channel as CampaignChannel];
      const noise = Math.exp(AD_SPEND.spendSigma * rng.normal() - AD_SPEND.spendSigma ** 2 / 2);
      let impressions = 0;
      let clicks = 0;
      let spendCents = 0;
      if (d.pricing === 'budget') {
        // Flights (weight > 1) spend the flight share, always-on the always-on share.
        const w = c.weight ?? 1;
        const share = w > 1 ? AD_SPEND.tv.flightShare : AD_SPEND.tv.alwaysOnShare;
        spendCents = Math.round(
          ((this.tvDailyRevenue * share * w) / Math.max(tvWeight, 1)) * noise * 100,
        );
        impressions = Math.round((spendCents / 100 / AD_SPEND.tv.cpm) * 1000);
      } else {
        const tracked = counts[i] ?? 0;
        const untrackedMean =
          ((tracked + 0.5) * (1 - AD_SPEND.trackingRate)) / AD_SPEND.trackingRate;
        clicks = tracked + rng.poisson(untrackedMean);
        impressions = clicks + rng.poisson((clicks * (1 - d.ctr)) / d.ctr);
        if (d.pricing === 'cpc') spendCents = Math.round(clicks * (d.cpc ?? 0) * noise * 100);
        else if (d.pricing === 'send')
          spendCents = Math.round(impressions * (d.costPerSend ?? 0) * 100);
      }
      const engagements = d.engagementRate > 0 ? rng.binomial(impressions, d.engagementRate) : 0;
      out.row('ad_spend', [
        date,
        c.id,
        c.channel,
        impressions,
        clicks,
        engagements,
        money(spendCents),
        this.currency,
      ]);
    }
    counts.fill(0);
  }
}

export function adSpendTruth(averageDailyOnlineRevenue: number): Record<string, unknown> {
  return {
    trackingRate: AD_SPEND.trackingRate,
    rule: 'one row per campaign and day it runs; clicks = tracked sessions of the campaign + Poisson((sessions + 0.5)(1 − trackingRate)/trackingRate); impressions = clicks + Poisson(clicks (1 − ctr)/ctr); spend: cpc → clicks × cpc × LogNormal(mean 1, sigma), send → impressions × costPerSend, free → 0, tv → daily budget at CPM',
    spendSigma: AD_SPEND.spendSigma,
    tv: { ...AD_SPEND.tv, averageDailyOnlineRevenue },
    channels: Object.fromEntries(
      CAMPAIGN_CHANNELS.map((ch) => {
        const d = AD_SPEND.channels[ch];
        return [
          ch,
          { ctr: d.ctr, cpc: expectedCpc(d), pricing: d.pricing, engagementRate: d.engagementRate },
        ];
      }),
    ),
  };
}
