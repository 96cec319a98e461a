/**
 * Multi-touch attribution: first touch, last touch, linear, time decay, position based and
 * the data-driven Markov model, side by side, with each model's credit summing to the observed
 * conversions and value. On a workspace the journeys are rebuilt from touchpoints and the
 * orders placed in web and app sessions, and the credit is set against spend, new customers
 * and their margin: CAC, ROAS, marketing ROI and LTV/CAC per channel and campaign.
 */
import { z } from 'zod';
import { isoDate, parseIsoDate } from '../../time/civil-date.js';
import { VitrineError } from '../../util/errors.js';
import { cell, numberCell, readCsv } from '../io/csv-input.js';
import { compileFactQuery, num, readFactRows, str } from '../io/fact-query.js';
import type { Diagnostic, Model, ModelResult, WorkspaceSource } from '../analytic-model.js';
import { DiagnosticsBuilder, diagnosticsText, fmt, pct } from '../analytic-model.js';
import { isoDay } from '../model-params.js';
import type { HeuristicOptions } from './heuristic-attribution.js';
import { HEURISTIC_RULES, heuristicCredit } from './heuristic-attribution.js';
import type { Conversion, Touch } from './journey-builder.js';
import { buildJourneys, NO_TOUCH, parseInstant } from './journey-builder.js';
import type { Journey, JourneyTotals } from './journeys.js';
import { journeyTotals, readJourneyFile } from './journeys.js';
import type { MarkovAttribution } from './markov-attribution.js';
import { markovAttribution } from './markov-attribution.js';

export const ATTRIBUTION_MODELS = [...HEURISTIC_RULES, 'markov'] as const;
export type AttributionModelName = (typeof ATTRIBUTION_MODELS)[number];

export const attributionParams = z
  .object({
    halfLife: z.coerce.number().positive().max(3650).optional().meta({
      arg: 'n',
      description: 'time decay half-life: days (workspace) or touches (file); default 7 / 1',
    }),
    firstShare: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.4)
      .meta({ arg: 'x', description: 'position based: share of the first touch' }),
    lastShare: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.4)
      .meta({ arg: 'x', description: 'position based: share of the last touch' }),
    lookbackDays: z.coerce.number().positive().max(3650).default(30).meta({
      arg: 'n',
      description: 'workspace: touches older than this before a conversion are ignored',
    }),
    efficiencyModel: z
      .enum(ATTRIBUTION_MODELS)
      .default('markov')
      .meta({ arg: 'model', description: 'model feeding CAC, ROAS, ROI, LTV/CAC' }),
    spend: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .meta({ arg: 'file', description: 'file mode: CSV channel,spend for ROAS' }),
    from: isoDay.optional().meta({ arg: 'date', description: 'workspace: first conversion day' }),
    to: isoDay.optional().meta({ arg: 'date', description: 'workspace: last conversion day' }),
  })
  .refine((p) => p.firstShare + p.lastShare <= 1, {
    message: 'first and last shares of the position-based model must sum to at most 1',
    path: ['firstShare'],
  });
export type AttributionParams = z.infer<typeof attributionParams>;

export interface SpendRow {
  readonly channel: string;
  readonly campaign: string | null;
  readonly spend: number;
}

export interface CustomerRow {
  readonly channel: string | null;
  readonly campaign: string | null;
  /** Gross margin of all the customer's valid orders to date. */
  readonly margin: number;
}

export interface AttributionData {
  readonly journeys: readonly Journey[];
  /** Time decay runs on touch ages (days) rather than positions. */
  readonly timed: boolean;
  readonly spend: readonly SpendRow[] | null;
  /** Customers acquired in the period, with their acquisition channel and margin to date. */
  readonly acquired: readonly CustomerRow[] | null;
  readonly source: string;
  readonly readWarnings: readonly Diagnostic[];
}

export interface ChannelCreditOut {
  readonly conversions: number;
  readonly value: number;
  readonly margin: number | null;
}

export interface EfficiencyRow {
  readonly key: string;
  readonly spend: number;
  readonly conversions: number;
  readonly revenue: number;
  readonly margin: number | null;
  readonly new_customers: number | null;
  readonly cac: number | null;
  readonly roas: number | null;
  readonly marketing_roi: number | null;
  /** Mean gross margin to date of the customers the channel acquired. */
  readonly ltv: number | null;
  readonly ltv_cac: number | null;
}

export interface AttributionValues {
  readonly totals: JourneyTotals;
  /** Per model, per channel. */
  readonly models: Record<AttributionModelName, Record<string, ChannelCreditOut>>;
  readonly markov: MarkovAttribution | null;
  readonly efficiency: {
    readonly model: AttributionModelName;
    readonly channels: EfficiencyRow[];
    readonly campaigns: EfficiencyRow[];
  } | null;
}

function readSpendFile(path: string): SpendRow[] {
  const table = readCsv(path, ['channel', 'spend'], 'attribution --spend');
  return table.rows.map((row) => ({
    channel: cell(table, row, 'channel'),
    campaign: table.index.has('campaign') ? cell(table, row, 'campaign') || null : null,
    spend: numberCell(table, row, 'spend', { min: 0 }),
  }));
}

async function readAttributionWorkspace(
  source: WorkspaceSource,
  params: AttributionParams,
): Promise<AttributionData> {
  const range = {
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  };
  // Touches from the lookback window before the first conversion day.
  const touchFrom = params.from
    ? isoDate(parseIsoDate(params.from, 'from') - Math.ceil(params.lookbackDays))
    : undefined;
  const touchQuery = compileFactQuery(
    {
      fact: 'touchpoints',
      columns: {
        visitor: 'coalesce(touchpoints.visitor_id, touchpoints.customer_id)',
        at: 'touchpoints.touched_at',
        channel: 'touchpoints.channel',
        campaign: 'touchpoints.campaign_id',
      },
      filters: ['touchpoints.visitor_id IS NOT NULL or touchpoints.customer_id IS NOT NULL'],
      ...(touchFrom ? { from: touchFrom } : {}),
      ...(params.to ? { to: params.to } : {}),
    },
    { timeZone: source.config.timezone, reportingCurrency: source.config.reporting_currency },
  );
  // Instants as epoch milliseconds from the engine: no text parsing of a million timestamps.
  const touchRows = (
    await source.engine.run(
      `SELECT t.visitor, epoch_ms(t.at) AS ms, t.channel, t.campaign FROM (${touchQuery.sql}) AS t`,
      touchQuery.params,
    )
  ).rows;
  const touches: Touch[] = touchRows.map((r) => ({
    visitor: String(r['visitor']),
    ms: num(r['ms']) ?? 0,
    channel: String(r['channel']),
    campaign: str(r['campaign']),
  }));
  // Conversions: valid orders placed in a web or app session, valued net of discounts, excl. tax.
  const orderRows = await readFactRows(source, {
    fact: 'sales_lines',
    columns: {
      order_id: 'orders.order_id',
      session_id: 'orders.session_id',
      at: 'orders.ordered_at',
    },
    aggregates: {
      value: { agg: 'sum', expr: 'order_lines.quantity * order_lines.unit_price * fact.fx' },
      margin: {
        agg: 'sum',
        expr: 'order_lines.quantity * (order_lines.unit_price - order_lines.unit_cost) * fact.fx',
      },
    },
    filters: ['valid_order', 'orders.session_id IS NOT NULL'],
    ...range,
  });
  const sessionRows = await readFactRows(source, {
    fact: 'sessions',
    columns: { session_id: 'sessions.session_id', visitor: 'sessions.visitor_id' },
    filters: ['sessions.order_id IS NOT NULL'],
    ...(params.from ? { from: isoDate(parseIsoDate(params.from, 'from') - 2) } : {}),
    ...(params.to ? { to: params.to } : {}),
  });
  const visitorOf = new Map(
    sessionRows.map((r) => [String(r['session_id']), String(r['visitor'])]),
  );
  const warnings: Diagnostic[] = [];
  let noSession = 0;
  const conversions: Conversion[] = [];
  for (const r of orderRows) {
    const visitor = visitorOf.get(String(r['session_id']));
    if (!visitor) {
      noSession++;
      continue;
    }
    conversions.push({
      visitor,
      ms: parseInstant(String(r['at'])),
      value: num(r['value']) ?? 0,
      margin: num(r['margin']),
    });
  }
  if (noSession > 0) {
    warnings.push({
      code: 'ORDER_WITHOUT_SESSION',
      message: `${noSession} order(s) name a session that is not in the sessions table and are left out`,
    });
  }
  const built = buildJourneys(touches, conversions, params.lookbackDays);
  if (built.untouched > 0) {
    warnings.push({
      code: 'NO_TOUCHPOINT',
      message: `${built.untouched} conversion(s) had no touchpoint within ${params.lookbackDays} days; they are credited to "${NO_TOUCH}"`,
    });
  }
  const spendRows = await readFactRows(source, {
    fact: 'ad_spend',
    columns: { channel: 'ad_spend.channel', campaign: 'ad_spend.campaign_id' },
    aggregates: { spend: { agg: 'sum', expr: 'ad_spend.spend * fact.fx' } },
    ...range,
  });
  const customerRows = await readFactRows(source, {
    fact: 'customers',
    columns: {
      customer_id: 'customers.customer_id',
      channel: 'customers.acquisition_channel',
      campaign: 'customers.acquisition_campaign_id',
    },
    ...range,
  });
  const marginRows = await readFactRows(source, {
    fact: 'sales_lines',
    columns: { customer_id: 'orders.customer_id' },
    aggregates: {
      margin: {
        agg: 'sum',
        expr: 'order_lines.quantity * (order_lines.unit_price - order_lines.unit_cost) * fact.fx',
      },
    },
    filters: ['valid_order', 'orders.customer_id IS NOT NULL'],
  });
  const marginOf = new Map(
    marginRows.map((r) => [String(r['customer_id']), num(r['margin']) ?? 0]),
  );
  return {
    journeys: built.journeys,
    timed: true,
    spend: spendRows.map((r) => ({
      channel: String(r['channel']),
      campaign: str(r['campaign']),
      spend: num(r['spend']) ?? 0,
    })),
    acquired: customerRows.map((r) => ({
      channel: str(r['channel']),
      campaign: str(r['campaign']),
      margin: marginOf.get(String(r['customer_id'])) ?? 0,
    })),
    source: `workspace (${touches.length} touchpoints, ${conversions.length} conversions)`,
    readWarnings: warnings,
  };
}

function toOut(m: Map<string, { conversions: number; value: number; margin: number | null }>) {
  const out: Record<string, ChannelCreditOut> = {};
  for (const k of [...m.keys()].sort()) {
    const c = m.get(k) as ChannelCreditOut;
    out[k] = { conversions: c.conversions, value: c.value, margin: c.margin };
  }
  return out;
}

const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : a / b;

function efficiencyRows(
  keys: readonly string[],
  credit: Record<string, ChannelCreditOut>,
  spend: Map<string, number>,
  acquired: Map<string, { n: number; margin: number }> | null,
): EfficiencyRow[] {
  return keys.map((key) => {
    const c = credit[key];
    const s = spend.get(key) ?? 0;
    const acq = acquired ? (acquired.get(key) ?? { n: 0, margin: 0 }) : null;
    const cac = acq ? ratio(s, acq.n) : null;
    const ltv = acq ? ratio(acq.margin, acq.n) : null;
    const margin = c?.margin ?? null;
    return {
      key,
      spend: s,
      conversions: c?.conversions ?? 0,
      revenue: c?.value ?? 0,
      margin,
      new_customers: acq ? acq.n : null,
      cac,
      roas: ratio(c?.value ?? 0, s),
      marketing_roi: margin === null ? null : ratio(margin - s, s),
      ltv,
      ltv_cac: ratio(ltv, cac),
    };
  });
}

export function fitAttribution(
  data: AttributionData,
  params: AttributionParams,
): ModelResult<AttributionValues> {
  const d = new DiagnosticsBuilder();
  for (const w of data.readWarnings) d.warn(w.code, w.message);
  const journeys = data.journeys;
  if (journeys.length === 0) {
    throw new VitrineError('NO_DATA', `${data.source}: no journey to attribute`);
  }
  const totals = journeyTotals(journeys);
  const halfLife = params.halfLife ?? (data.timed ? 7 : 1);
  const options: HeuristicOptions = {
    halfLife,
    firstShare: params.firstShare,
    lastShare: params.lastShare,
  };
  d.assume(
    'each conversion carries a credit of 1 (and its value) split over its touches; every model sums to the observed conversions and value',
  );
  d.assume(
    data.timed
      ? `time decay: a touch's weight halves every ${fmt(halfLife)} days before the conversion`
      : `time decay: without timestamps, a touch's weight halves every ${fmt(halfLife)} touch(es) counted back from the last`,
  );
  d.assume(
    `position based: ${pct(params.firstShare, 0)} to the first touch, ${pct(params.lastShare, 0)} to the last, the rest shared by the touches between (two touches: first and last only)`,
  );
  d.assume(
    'Markov: first-order chain estimated from all journeys, converting or not; removal effects solved exactly on the absorbing chain; conversion value is shared like the conversions',
  );
  if (data.timed) {
    d.assume(
      `a conversion's path is the visitor's touches since their previous conversion, within ${fmt(params.lookbackDays)} days; touches after a visitor's last conversion form a journey without conversion (journeys still open at the end of the period count as such)`,
    );
  }
  if (totals.conversions === 0) {
    d.warn(
      'ZERO_CONVERSIONS',
      'no journey converts: every model attributes 0 and the Markov removal effects are undefined',
    );
  }
  if (totals.conversions > 0 && totals.conversions < 30) {
    d.warn(
      'THIN_DATA',
      `only ${fmt(totals.conversions, 0)} conversions: credits are very uncertain`,
    );
  }
  const models = {} as Record<AttributionModelName, Record<string, ChannelCreditOut>>;
  const zero = Object.fromEntries(
    totals.channels.map((c) => [
      c,
      { conversions: 0, value: 0, margin: totals.margin === null ? null : 0 },
    ]),
  );
  for (const rule of HEURISTIC_RULES) {
    models[rule] = { ...zero, ...toOut(heuristicCredit(rule, journeys, options)) };
  }
  const markov = totals.conversions > 0 ? markovAttribution(journeys) : null;
  if (markov) {
    const effects = Object.values(markov.removalEffects);
    if (effects.every((e) => e <= 0)) {
      d.warn('NO_REMOVAL_EFFECT', 'no channel has a positive removal effect; Markov credit is 0');
    }
    models.markov = Object.fromEntries(
      totals.channels.map((c) => {
        const s = markov.shares[c] ?? 0;
        return [
          c,
          {
            conversions: s * totals.conversions,
            value: s * totals.value,
            margin: totals.margin === null ? null : s * totals.margin,
          },
        ];
      }),
    );
  } else {
    models.markov = { ...zero };
  }

  let efficiency: AttributionValues['efficiency'] = null;
  if (data.spend) {
    const model = params.efficiencyModel;
    const credit = models[model];
    const channelSpend = new Map<string, number>();
    const campaignSpend = new Map<string, number>();
    for (const s of data.spend) {
      channelSpend.set(s.channel, (channelSpend.get(s.channel) ?? 0) + s.spend);
      if (s.campaign) campaignSpend.set(s.campaign, (campaignSpend.get(s.campaign) ?? 0) + s.spend);
    }
    let byChannelAcq: Map<string, { n: number; margin: number }> | null = null;
    let byCampaignAcq: Map<string, { n: number; margin: number }> | null = null;
    if (data.acquired) {
      byChannelAcq = new Map();
      byCampaignAcq = new Map();
      for (const c of data.acquired) {
        for (const [map, key] of [
          [byChannelAcq, c.channel],
          [byCampaignAcq, c.campaign],
        ] as const) {
          if (!key) continue;
          const a = map.get(key) ?? { n: 0, margin: 0 };
          a.n++;
          a.margin += c.margin;
          map.set(key, a);
        }
      }
    }
    const channelKeys = [...new Set([...totals.channels, ...channelSpend.keys()])].sort();
    // Campaign credit: heuristic rules run on campaigns directly; Markov credit of a channel is
    // split over its campaigns by their linear credit (a chain over hundreds of campaigns
    // would be too sparse to estimate).
    const campaignOf = (j: Journey, i: number) => j.campaigns?.[i] ?? `(${j.channels[i]})`;
    let campaignCredit: Record<string, ChannelCreditOut>;
    if (model !== 'markov') {
      campaignCredit = toOut(heuristicCredit(model, journeys, options, campaignOf));
    } else {
      const linear = heuristicCredit('linear', journeys, options, campaignOf);
      const channelOfCampaign = new Map<string, string>();
      for (const j of journeys) {
        j.channels.forEach((c, i) => channelOfCampaign.set(campaignOf(j, i), c));
      }
      const linearChannel = models.linear;
      const split = new Map<string, ChannelCreditOut>();
      for (const [camp, c] of linear) {
        const ch = channelOfCampaign.get(camp) as string;
        const base = linearChannel[ch];
        const mk = models.markov[ch];
        if (!base || !mk) continue;
        const f = (x: number, y: number) => (y === 0 ? 0 : x / y);
        split.set(camp, {
          conversions: mk.conversions * f(c.conversions, base.conversions),
          value: mk.value * f(c.value, base.value),
          margin:
            mk.margin === null || c.margin === null || base.margin === null
              ? null
              : mk.margin * f(c.margin, base.margin),
        });
      }
      campaignCredit = toOut(split);
    }
    const campaignKeys = [...new Set([...Object.keys(campaignCredit), ...campaignSpend.keys()])]
      .filter((k) => !k.startsWith('('))
      .sort();
    efficiency = {
      model,
      channels: efficiencyRows(channelKeys, credit, channelSpend, byChannelAcq),
      campaigns: efficiencyRows(campaignKeys, campaignCredit, campaignSpend, byCampaignAcq),
    };
    d.assume(
      `efficiency uses the ${model} credit: ROAS = attributed revenue / spend; marketing ROI = (attributed gross margin − spend) / spend; CAC = spend / customers acquired in the period (customers.acquisition_channel); LTV = their mean gross margin to date; null where a denominator is 0`,
    );
  }
  return { values: { totals, models, markov, efficiency }, diagnostics: d.build() };
}

function summarizeAttribution(result: ModelResult<AttributionValues>): string {
  const v = result.values;
  const t = v.totals;
  const lines = [
    `Attribution — ${fmt(t.journeys, 0)} journeys, ${fmt(t.conversions, 0)} conversions worth ${fmt(t.value)}, ${fmt(t.nulls, 0)} without conversion, ${t.channels.length} channels`,
  ];
  if (v.markov) lines.push(`Markov: P(conversion) = ${pct(v.markov.conversionProbability, 2)}`);
  lines.push('', 'Attributed conversions by model:');
  const names = ATTRIBUTION_MODELS;
  const w = Math.max(10, ...t.channels.map((c) => c.length));
  lines.push(
    `  ${'channel'.padEnd(w)} ${names.map((n) => n.padStart(14)).join(' ')}${v.markov ? '  removal eff.' : ''}`,
  );
  for (const c of t.channels) {
    lines.push(
      `  ${c.padEnd(w)} ${names.map((n) => fmt(v.models[n][c]?.conversions ?? 0, 1).padStart(14)).join(' ')}${v.markov ? `  ${pct(v.markov.removalEffects[c] ?? 0).padStart(12)}` : ''}`,
    );
  }
  if (v.efficiency) {
    lines.push('', `Efficiency by channel (${v.efficiency.model} credit):`);
    lines.push(
      `  ${'channel'.padEnd(w)} ${'spend'.padStart(12)} ${'revenue'.padStart(12)} ${'ROAS'.padStart(7)} ${'ROI'.padStart(8)} ${'new cust.'.padStart(9)} ${'CAC'.padStart(9)} ${'LTV/CAC'.padStart(8)}`,
    );
    for (const r of v.efficiency.channels) {
      lines.push(
        `  ${r.key.padEnd(w)} ${fmt(r.spend).padStart(12)} ${fmt(r.revenue).padStart(12)} ${fmt(r.roas).padStart(7)} ${pct(r.marketing_roi, 0).padStart(8)} ${fmt(r.new_customers, 0).padStart(9)} ${fmt(r.cac).padStart(9)} ${fmt(r.ltv_cac).padStart(8)}`,
      );
    }
  }
  lines.push('', diagnosticsText(result.diagnostics));
  return lines.join('\n') + '\n';
}

export const attributionModel: Model<AttributionParams, AttributionData, AttributionValues> = {
  name: 'attribution',
  description:
    'first touch, last touch, linear, time decay, position based and Markov (exact removal effects) attribution, with CAC, ROAS, ROI and LTV/CAC',
  params: attributionParams,
  needs: [
    {
      fact: 'touchpoints',
      filters: [],
      reads: 'visitor, time, channel and campaign of each touch',
    },
    {
      fact: 'sales_lines',
      filters: ['valid_order', 'orders.session_id IS NOT NULL'],
      reads: 'orders placed in a session: time, value and margin (the conversions)',
    },
    { fact: 'sessions', filters: [], reads: 'visitor of each ordering session' },
    { fact: 'ad_spend', filters: [], reads: 'spend per channel and campaign' },
    {
      fact: 'customers',
      filters: [],
      reads: 'customers acquired in the period and their acquisition channel and campaign',
    },
  ],
  fromWorkspace: readAttributionWorkspace,
  fromFile: (path, params) => ({
    journeys: readJourneyFile(path),
    timed: false,
    spend: params.spend ? readSpendFile(params.spend) : null,
    acquired: null,
    source: path,
    readWarnings: [],
  }),
  fit: fitAttribution,
  summarize: (result) => summarizeAttribution(result),
};
