import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import {
  civil,
  epochDay,
  isoDate,
  isoWeekday,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
} from '../../time/civil-date.js';
import type { DemoCampaign, DemoContext, DemoPart } from '../demo-context.js';

export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/**
 * The marketing calendar of Maison Vitrine. Every channel has always-on campaigns (one per
 * calendar year) so that any touchpoint or session of a channel has a campaign to belong to;
 * bursts follow the French retail calendar: soldes d'hiver (2nd Wednesday of January, 4 weeks),
 * spring (15 March – 15 April), soldes d'été (last Wednesday of June, 4 weeks), rentrée (1–21
 * September), Black Friday week (last Friday of November − 7 days to the Monday after) and
 * Christmas (1–24 December). Newsletters are weekly campaigns (Monday to Sunday).
 */
interface Burst {
  readonly key: string;
  readonly label: string;
  readonly window: (year: number) => readonly [number, number];
}

const BURSTS: Record<string, Burst> = {
  winter: {
    key: 'winter',
    label: "Soldes d'hiver",
    window: (y) => {
      const s = nthWeekdayOfMonth(y, 1, 3, 2);
      return [s, s + 27];
    },
  },
  spring: {
    key: 'spring',
    label: 'Printemps',
    window: (y) => [epochDay(y, 3, 15), epochDay(y, 4, 15)],
  },
  summer: {
    key: 'summer',
    label: "Soldes d'été",
    window: (y) => {
      const s = lastWeekdayOfMonth(y, 6, 3);
      return [s, s + 27];
    },
  },
  backToSchool: {
    key: 'backToSchool',
    label: 'Rentrée',
    window: (y) => [epochDay(y, 9, 1), epochDay(y, 9, 21)],
  },
  blackFriday: {
    key: 'blackFriday',
    label: 'Black Friday',
    window: (y) => {
      const bf = lastWeekdayOfMonth(y, 11, 5);
      return [bf - 7, bf + 3];
    },
  },
  christmas: {
    key: 'christmas',
    label: 'Noël',
    window: (y) => [epochDay(y, 12, 1), epochDay(y, 12, 24)],
  },
  tvSpring: {
    key: 'tvSpring',
    label: 'TV Printemps',
    window: (y) => [epochDay(y, 3, 20), epochDay(y, 4, 10)],
  },
  tvBackToSchool: {
    key: 'tvBackToSchool',
    label: 'TV Rentrée',
    window: (y) => [epochDay(y, 9, 1), epochDay(y, 9, 20)],
  },
  tvChristmas: {
    key: 'tvChristmas',
    label: 'TV Noël',
    window: (y) => [epochDay(y, 11, 20), epochDay(y, 12, 20)],
  },
};

interface ChannelPlan {
  /** Always-on campaigns of the channel: name and weight. */
  readonly alwaysOn: readonly (readonly [string, number])[];
  /** Bursts: key of BURSTS and weight while active. */
  readonly bursts: readonly (readonly [string, number])[];
}

/** Weights: a burst draws more of its channel's traffic than an always-on campaign. */
export const CAMPAIGN_PLAN: Record<CampaignChannel, ChannelPlan> = {
  sea: {
    alwaysOn: [
      ['SEA Marque', 0.4],
      ['SEA Générique', 0.35],
      ['SEA Shopping', 0.25],
    ],
    bursts: [['blackFriday', 0.5]],
  },
  social: {
    alwaysOn: [['Social Always-on', 1]],
    bursts: [
      ['winter', 1.5],
      ['spring', 1.5],
      ['summer', 1.5],
      ['blackFriday', 1.5],
      ['christmas', 1.5],
    ],
  },
  display: {
    alwaysOn: [['Display Retargeting', 1]],
    bursts: [
      ['backToSchool', 1],
      ['christmas', 1],
    ],
  },
  email: {
    alwaysOn: [],
    bursts: [
      ['winter', 1],
      ['blackFriday', 1],
    ],
  },
  affiliate: { alwaysOn: [['Affiliation', 1]], bursts: [['blackFriday', 1]] },
  sms: {
    alwaysOn: [['SMS Relationnel', 1]],
    bursts: [
      ['winter', 2],
      ['summer', 2],
      ['blackFriday', 2],
    ],
  },
  seo: { alwaysOn: [['SEO Contenus', 1]], bursts: [] },
  tv: {
    alwaysOn: [['CTV Replay', 1]],
    bursts: [
      ['tvSpring', 3],
      ['tvBackToSchool', 3],
      ['tvChristmas', 3],
    ],
  },
};

const CHANNEL_LABEL: Record<CampaignChannel, string> = {
  sea: 'SEA',
  social: 'Social',
  display: 'Display',
  email: 'Email',
  affiliate: 'Affiliation',
  sms: 'SMS',
  seo: 'SEO',
  tv: 'TV',
};

/** Builds the campaign calendar for the period (pure: the calendar has no randomness). */
export function buildCampaigns(startDay: number, endDay: number): DemoCampaign[] {
  const out: Omit<DemoCampaign, 'id'>[] = [];
  const clip = (name: string, channel: CampaignChannel, s: number, e: number, weight: number) => {
    const startsOn = Math.max(s, startDay);
    const endsOn = Math.min(e, endDay);
    if (startsOn <= endsOn) out.push({ name, channel, startsOn, endsOn, weight });
  };
  for (let y = civil(startDay).year; y <= civil(endDay).year; y++) {
    const yearStart = epochDay(y, 1, 1);
    const yearEnd = epochDay(y, 12, 31);
    for (const channel of CAMPAIGN_CHANNELS) {
      const plan = CAMPAIGN_PLAN[channel];
      for (const [name, weight] of plan.alwaysOn) {
        clip(`${name} ${y}`, channel, yearStart, yearEnd, weight);
      }
      for (const [key, weight] of plan.bursts) {
        const burst = BURSTS[key];
        if (!burst) throw new Error(`campaign plan: unknown burst ${key}`);
        const [s, e] = burst.window(y);
        const label = burst.label.startsWith(CHANNEL_LABEL[channel])
          ? burst.label
          : `${CHANNEL_LABEL[channel]} ${burst.label}`;
        clip(`${label} ${y}`, channel, s, e, weight);
      }
    }
  }
  // Weekly newsletters, Monday to Sunday, the first one covering the period's first day.
  for (let monday = startDay - (isoWeekday(startDay) - 1); monday <= endDay; monday += 7) {
    clip(`Newsletter ${isoDate(monday)}`, 'email', monday, monday + 6, 1);
  }
  out.sort((a, b) => a.startsOn - b.startsOn || a.name.localeCompare(b.name));
  return out.map((c, i) => ({ id: `CMP${String(i + 1).padStart(4, '0')}`, ...c }));
}

export const campaignsPart: DemoPart = {
  name: 'campaigns',
  tables: ['campaigns'],
  run(ctx: DemoContext): void {
    const campaigns = buildCampaigns(ctx.startDay, ctx.endDay);
    for (const c of campaigns) {
      ctx.out.row('campaigns', [c.id, c.name, c.channel, isoDate(c.startsOn), isoDate(c.endsOn)]);
    }
    ctx.campaigns = campaigns;
    const byChannel: Record<string, number> = {};
    for (const c of campaigns) byChannel[c.channel] = (byChannel[c.channel] ?? 0) + 1;
    ctx.truth['campaigns'] = {
      count: campaigns.length,
      byChannel,
      rules:
        'every channel has always-on campaigns (one per calendar year, clipped to the period; email: weekly newsletters Monday–Sunday) so that every day has an active campaign per channel; bursts follow the French retail calendar; weight = share of the channel traffic relative to the other campaigns active that day',
      alwaysOn: Object.fromEntries(
        CAMPAIGN_CHANNELS.map((ch) => [
          ch,
          CAMPAIGN_PLAN[ch].alwaysOn.map(([n, w]) => ({ name: n, weight: w })),
        ]),
      ),
      bursts: Object.fromEntries(
        CAMPAIGN_CHANNELS.map((ch) => [
          ch,
          CAMPAIGN_PLAN[ch].bursts.map(([k, w]) => ({ burst: BURSTS[k]?.label ?? k, weight: w })),
        ]),
      ),
    };
  },
};
