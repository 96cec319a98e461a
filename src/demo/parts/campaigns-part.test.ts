import { describe, expect, it } from 'vitest';
import { CAMPAIGN_CHANNELS } from '../../model/tables.js';
import { epochDay, lastWeekdayOfMonth } from '../../time/civil-date.js';
import { buildCampaigns } from './campaigns-part.js';

describe('campaign calendar', () => {
  const startDay = epochDay(2023, 1, 1);
  const endDay = epochDay(2026, 11, 22);
  const campaigns = buildCampaigns(startDay, endDay);

  it('runs at least one campaign of every channel on every day, inside the period', () => {
    for (let day = startDay; day <= endDay; day++) {
      for (const ch of CAMPAIGN_CHANNELS) {
        const running = campaigns.some(
          (c) => c.channel === ch && c.startsOn <= day && c.endsOn >= day,
        );
        if (!running) throw new Error(`no ${ch} campaign on day ${day}`);
      }
    }
    expect(
      campaigns.every(
        (c) => c.startsOn >= startDay && c.endsOn <= endDay && c.startsOn <= c.endsOn,
      ),
    ).toBe(true);
    expect(new Set(campaigns.map((c) => c.id)).size).toBe(campaigns.length);
  });

  it('plans the Black Friday week and weekly newsletters', () => {
    const bf = lastWeekdayOfMonth(2025, 11, 5);
    const sea = campaigns.find((c) => c.name === 'SEA Black Friday 2025');
    expect(sea?.startsOn).toBe(bf - 7);
    expect(sea?.endsOn).toBe(bf + 3);
    const newsletters = campaigns.filter((c) => c.name.startsWith('Newsletter '));
    expect(newsletters.length).toBe(Math.ceil((endDay - (startDay - 6) + 1) / 7));
    expect(newsletters.every((c) => c.endsOn - c.startsOn <= 6)).toBe(true);
  });

  it('is the same calendar every time (no randomness)', () => {
    expect(buildCampaigns(startDay, endDay)).toEqual(campaigns);
  });
});
