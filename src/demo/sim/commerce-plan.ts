import type { DemoContext } from '../demo-context.js';
import type { SeasonCalendar } from './seasonality.js';

/**
 * What the catalogue and customers parts decide and the sales part simulates: the hidden
 * parameters behind the tables (demand weights, promotion effects, member rates…). Kept off the
 * shared DemoContext because no other part should depend on them; the manifest carries the
 * public version.
 */

export interface CostStep {
  /** First day (epoch day) this cost holds. */
  readonly from: number;
  /** Unit cost in ten-thousandths of a euro (the model's 4-decimal price unit). */
  readonly units: number;
}

export interface SkuPlan {
  readonly index: number;
  readonly sku: string;
  readonly name: string;
  readonly category: number;
  readonly subcategory: string;
  readonly brand: string;
  readonly supplier: number;
  /** Share of a stream's demand lines this SKU draws (weights of all SKUs sum to 1). */
  readonly weight: number;
  /** List price excluding VAT, euro cents. */
  readonly listCents: number;
  /** Marketplace list price excluding VAT, pence. */
  readonly gbpListCents: number;
  readonly launchedOn: number;
  readonly discontinuedOn: number | null;
  readonly costs: readonly CostStep[];
  /** Units per supplier case. */
  readonly pack: number;
}

export interface LocationPlan {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly kind: 'store' | 'warehouse';
  readonly storeType: string | null;
  readonly region: string;
  readonly city: string;
  readonly sqm: number;
  readonly openedOn: number;
  /** Opened during the period (not like-for-like). */
  readonly isNew: boolean;
  /** Relative size of the store's demand (mean 1 over mature stores). */
  readonly factor: number;
  /**
   * Expected guest demand lines per day at season 1, per stream: walk-in and click-and-collect
   * (stores), shipped online orders (warehouse). Members' demand comes on top (see sales part).
   */
  readonly walkInRate: number;
  readonly clickCollectRate: number;
  readonly onlineRate: number;
  /** POS transactions / visitors (stores). */
  readonly conversion: number;
  /** Share of book units lost at each physical count. */
  readonly shrinkRate: number;
  /** Days of the physical counts (epoch days, ascending). */
  readonly countDays: readonly number[];
}

export interface SupplierDisruption {
  /** Purchase orders placed from `from` to `to` (inclusive) arrive `extraDays` late. */
  readonly from: number;
  readonly to: number;
  readonly extraDays: number;
}

export interface SupplierPlan {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly origin: string;
  readonly leadTimeDays: number;
  readonly onboardedOn: number;
  readonly disruptions: readonly SupplierDisruption[];
}

export type PromotionKind = 'percent_off' | 'amount_off' | 'free_shipping';

export interface PromotionPlan {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly kind: PromotionKind;
  /** targeted: a few SKUs of one category; soldes: seasonal markdown; shipping: free delivery. */
  readonly role: 'targeted' | 'soldes' | 'shipping';
  readonly startsOn: number;
  readonly endsOn: number;
  readonly discountPct: number | null;
  /** Euro cents off per unit (amount_off). */
  readonly amountOffCents: number | null;
  readonly category: number | null;
  readonly skus: readonly number[];
  /** Demand multiplier of promoted SKUs is 1 + uplift. */
  readonly uplift: number;
  /** Same-category SKUs that are not promoted: demand × (1 − cannibalisation). */
  readonly cannibalised: readonly number[];
  readonly cannibalisation: number;
  /** Basket companions (other category): demand × (1 + halo). */
  readonly companions: readonly number[];
  readonly halo: number;
  readonly supplier: number | null;
  readonly fundingShare: number;
  /** Lump sum agreed with the supplier, euro cents. */
  readonly fundingCents: number;
  readonly channelScope: string;
}

export interface AffinityPair {
  readonly a: number;
  readonly b: number;
  /** Probability that a guest line of A pulls an unmatched B line of the same pool into its basket. */
  readonly attach: number;
}

export interface CataloguePlan {
  readonly categories: readonly string[];
  readonly controlCategory: number;
  readonly skus: readonly SkuPlan[];
  readonly locations: readonly LocationPlan[];
  readonly warehouse: number;
  readonly suppliers: readonly SupplierPlan[];
  readonly promotions: readonly PromotionPlan[];
  readonly pairs: readonly AffinityPair[];
  readonly calendar: SeasonCalendar;
  /** EUR per GBP, per day index from startDay. */
  readonly gbpRate: Float64Array;
  /** Demand structure shared with the sales simulation. */
  readonly demand: DemandShape;
}

export interface DemandShape {
  /** Mean lines per anonymous store ticket (1 + Poisson(linesPerTicket − 1)). */
  readonly linesPerTicket: number;
  /** Mean lines per anonymous online order. */
  readonly linesPerOnlineOrder: number;
  /** Share of anonymous web/app orders collected in store. */
  readonly clickCollectShare: number;
  /** Units per line: values and probabilities. */
  readonly quantities: readonly number[];
  readonly quantityProbs: readonly number[];
  /** Guest online orders by channel: web, app, marketplace (shipped orders). */
  readonly onlineChannelShares: readonly [number, number, number];
}

/** French (and UK) standard VAT rate applied to every line and to shipping. */
export const VAT_RATE = 0.2;

export const OUTLET_WALK_IN = 0;
export const OUTLET_CLICK_COLLECT = 1;
export const OUTLET_SHIP = 2;

export const CHANNEL_STORE = 0;
export const CHANNEL_WEB = 1;
export const CHANNEL_APP = 2;
export const CHANNEL_MARKETPLACE = 3;

/** Repeat-purchase plan of the members, drawn by the customers part. */
export interface MemberPlan {
  readonly count: number;
  readonly ids: readonly string[];
  /** Purchases sorted by day; the first purchase of each member is its acquisition. */
  readonly purchases: {
    readonly count: number;
    readonly day: Int32Array;
    /** Exact instant (UTC ms) of the purchase. */
    readonly ms: Float64Array;
    readonly member: Int32Array;
    /** Gamma-Gamma transaction value to approximate, euro cents excluding tax. */
    readonly targetCents: Int32Array;
    readonly outlet: Uint8Array;
    readonly channel: Uint8Array;
    readonly location: Int32Array;
  };
  /** Index of the first purchase of each day (length days + 1). */
  readonly dayStart: Int32Array;
}

interface CommerceState {
  catalogue?: CataloguePlan;
  members?: MemberPlan;
}

const states = new WeakMap<DemoContext, CommerceState>();

function state(ctx: DemoContext): CommerceState {
  let s = states.get(ctx);
  if (!s) {
    s = {};
    states.set(ctx, s);
  }
  return s;
}

export function setCataloguePlan(ctx: DemoContext, plan: CataloguePlan): void {
  state(ctx).catalogue = plan;
}

export function cataloguePlan(ctx: DemoContext): CataloguePlan {
  const p = state(ctx).catalogue;
  if (!p) throw new Error('the catalogue part must run before the customers and sales parts');
  return p;
}

export function setMemberPlan(ctx: DemoContext, plan: MemberPlan): void {
  state(ctx).members = plan;
}

export function memberPlan(ctx: DemoContext): MemberPlan {
  const p = state(ctx).members;
  if (!p) throw new Error('the customers part must run before the sales part');
  return p;
}

/** Cost (4-decimal units) of a SKU on a day: the last step that started on or before it. */
export function costOn(sku: SkuPlan, day: number): number {
  let units = sku.costs[0]?.units ?? 0;
  for (const step of sku.costs) {
    if (step.from <= day) units = step.units;
    else break;
  }
  return units;
}

/** Demand ramp of a location: 0 before opening; new stores ramp from 55 % to 100 % over a year. */
export const NEW_STORE_RAMP = { start: 0.55, days: 365 } as const;

export function locationRamp(loc: LocationPlan, day: number): number {
  if (day < loc.openedOn) return 0;
  if (!loc.isNew) return 1;
  const t = (day - loc.openedOn) / NEW_STORE_RAMP.days;
  return t >= 1 ? 1 : NEW_STORE_RAMP.start + (1 - NEW_STORE_RAMP.start) * t;
}
