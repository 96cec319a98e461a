/**
 * The shape of the manifest sections written by the commerce parts (catalogue, customers,
 * sales): the contract the effects tests and any analytics check read. Dates are ISO local
 * dates (Europe/Paris), money is decimal text in euros, rates are fractions.
 */

export interface PeriodTruth {
  readonly startsOn: string;
  readonly endsOn: string;
}

export interface SeasonalityTruth {
  readonly formula: string;
  readonly kinds: string;
  readonly weekday: {
    readonly store: Record<string, number>;
    readonly online: Record<string, number>;
  };
  readonly month: Record<string, number>;
  readonly trend: {
    readonly rule: string;
    readonly annualGrowth: { readonly store: number; readonly online: number };
  };
  readonly blackFriday: {
    readonly rule: string;
    readonly multipliers: Record<
      'store' | 'online',
      { readonly friday: number; readonly saturday: number; readonly sunday: number }
    >;
    readonly dates: readonly string[];
  };
  readonly soldes: {
    readonly rule: string;
    readonly multipliers: { readonly firstWeek: number; readonly laterWeeks: number };
    readonly periods: ReadonlyArray<PeriodTruth & { readonly name: string }>;
  };
  readonly christmas: Record<string, number | string>;
  readonly storeClosedDays: { readonly days: readonly string[]; readonly onlineMultiplier: number };
  readonly members: string;
}

export interface DemandShapeTruth {
  readonly linesPerTicket: number;
  readonly linesPerOnlineOrder: number;
  readonly clickCollectShare: number;
  readonly quantities: readonly number[];
  readonly quantityProbs: readonly number[];
  readonly onlineChannelShares: readonly number[];
}

export interface CatalogueTruth {
  readonly categories: readonly string[];
  readonly controlCategory: string;
  readonly skus: number;
  readonly prices: string;
  readonly gbpPricing: { readonly premium: number; readonly referenceRate: number };
  readonly vatRate: number;
  readonly costs: string;
  readonly demandShape: DemandShapeTruth;
  readonly locations: ReadonlyArray<{
    readonly id: string;
    readonly kind: 'store' | 'warehouse';
    readonly storeType: string | null;
    readonly region: string;
    readonly openedOn: string;
    readonly new: boolean;
    readonly factor: number;
    /** Guest demand lines per day at season 1, per stream (members' lines come on top). */
    readonly guestLinesPerDay: {
      readonly walkIn: number;
      readonly clickCollect: number;
      readonly online: number;
    };
  }>;
  readonly suppliers: ReadonlyArray<{
    readonly id: string;
    readonly origin: string;
    readonly leadTimeDays: number;
    readonly onboardedOn: string;
    readonly disruptions: ReadonlyArray<{
      readonly ordersPlacedFrom: string;
      readonly ordersPlacedTo: string;
      readonly extraDays: number;
    }>;
  }>;
  readonly channels: ReadonlyArray<{
    readonly id: string;
    readonly kind: string;
    readonly currency: string;
  }>;
}

export interface StoresTruth {
  readonly newStores: ReadonlyArray<{ readonly id: string; readonly openedOn: string }>;
  readonly newStoreRamp: { readonly rule: string; readonly start: number; readonly days: number };
  readonly footfall: { readonly rule: string; readonly conversion: Record<string, number> };
}

export interface FxTruth {
  readonly currency: string;
  readonly rateToReporting: string;
  readonly walk: {
    readonly rule: string;
    readonly mean: number;
    readonly reversion: number;
    readonly dailySd: number;
    readonly min: number;
    readonly max: number;
  };
  readonly marketplaceChannel: string;
}

export interface BasketAffinityTruth {
  readonly rule: string;
  readonly pairs: ReadonlyArray<{
    readonly a: string;
    readonly b: string;
    readonly aName: string;
    readonly bName: string;
    readonly attach: number;
  }>;
}

export interface MembersTruth {
  readonly model: string;
  readonly timeUnit: 'week';
  readonly bgnbd: {
    readonly r: number;
    readonly alpha: number;
    readonly a: number;
    readonly b: number;
  };
  readonly gammaGamma: { readonly p: number; readonly q: number; readonly gamma: number };
  readonly distributions: Record<string, string>;
  readonly conventions: {
    readonly acquisition: string;
    readonly frequency: string;
    readonly dropout: string;
    readonly calibrationEnd: string;
    readonly stationarity: string;
    readonly closedDays: string;
    readonly orderStatus: string;
    readonly everyCustomerIsAMember: boolean;
  };
  readonly mix: Record<string, number>;
  readonly counts: {
    readonly members: number;
    readonly storeMembers: number;
    readonly onlineMembers: number;
    readonly transactions: number;
    readonly repeatTransactions: number;
    readonly movedFromClosedDays: number;
    readonly firstAcquisition: string | null;
  };
  /** Added by the sales part. */
  readonly basketMatching?: {
    readonly rule: string;
    readonly orders: number;
    readonly meanTarget: string;
    readonly meanBasket: string;
    readonly meanAbsoluteError: string;
    readonly toppedUpLines: number;
    /** Planned purchases that found no stock at all (not written; 0 in practice). */
    readonly unservedPurchases: number;
  };
}

export interface LostPair {
  readonly during: number;
  readonly baseline: number;
}

export interface TargetedPromotionTruth extends PeriodTruth {
  readonly id: string;
  readonly name: string;
  readonly kind: 'percent_off' | 'amount_off';
  readonly days: number;
  readonly channelScope: string;
  readonly category: string;
  readonly skus: readonly string[];
  readonly discountPct: number | null;
  readonly amountOffPerUnit: string | null;
  readonly uplift: number;
  readonly cannibalisation: number;
  readonly cannibalisedSkus: readonly string[];
  readonly halo: { readonly companions: readonly string[]; readonly effect: number };
  readonly funding: {
    readonly supplierId: string;
    readonly share: number;
    readonly amount: string;
    readonly basis: string;
  } | null;
  readonly baselineBefore: { readonly from: string; readonly to: string };
  readonly baselineAfter: { readonly from: string; readonly to: string };
  readonly measuredSkus: {
    readonly cannibalised: readonly string[];
    readonly control: readonly string[];
  };
  readonly lostUnits: Record<'promoted' | 'cannibalised' | 'companions' | 'control', LostPair>;
}

interface SeasonalPromotionBase extends PeriodTruth {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly days: number;
  readonly channelScope: string;
}

/** Soldes markdowns: measured on their first week against the week before. */
export interface SoldesTruth extends SeasonalPromotionBase {
  readonly role: 'soldes';
  readonly discountPct: number | null;
  readonly skus: readonly string[];
  readonly markdownUplift: number;
  readonly measuredSkus: {
    readonly markedDown: readonly string[];
    readonly others: readonly string[];
  };
  readonly lostUnits: Record<
    'markedDown' | 'others',
    { readonly firstWeek: number; readonly weekBefore: number }
  >;
}

/** Black Friday free shipping (no demand effect of its own). */
export interface ShippingPromotionTruth extends SeasonalPromotionBase {
  readonly role: 'shipping';
}

export type SeasonalPromotionTruth = SoldesTruth | ShippingPromotionTruth;

export interface PromotionsTruth {
  readonly rule: string;
  readonly controlCategory: string;
  readonly measurement: string;
  readonly discounts: string;
  readonly targeted: readonly TargetedPromotionTruth[];
  readonly seasonal: readonly SeasonalPromotionTruth[];
}

export interface LostSalesTruth {
  readonly rule: string;
  readonly totals: { readonly units: number; readonly value: string };
  readonly byLocation: Record<string, { readonly units: number; readonly value: string }>;
  readonly byLocationDay: {
    readonly rule: string;
    readonly firstDay: string;
    readonly units: Record<string, readonly number[]>;
  };
  readonly bySkuLocation: ReadonlyArray<{
    readonly sku: string;
    readonly location: string;
    readonly units: number;
    readonly value: string;
  }>;
}

export interface ShrinkageTruth {
  readonly rule: string;
  readonly schedule: string;
  readonly estimator: string;
  readonly ratePerCount: Record<string, number>;
  readonly countDays: Record<string, readonly string[]>;
}

export interface ReturnsTruth {
  readonly rule: string;
  readonly rates: Readonly<Record<string, { readonly store: number; readonly online: number }>>;
  readonly reasons: readonly string[];
  readonly reasonWeights: { readonly store: readonly number[]; readonly online: readonly number[] };
  readonly restock: {
    readonly neverRestocked: readonly string[];
    readonly otherwiseProbability: number;
  };
  readonly where: string;
  readonly delays: Record<string, number>;
  readonly refund: string;
}

export interface FulfilmentTruth {
  readonly carriers: ReadonlyArray<{
    readonly name: string;
    readonly lateRate: number;
    readonly promiseDays: number;
  }>;
  readonly mix: { readonly webAndApp: Record<string, number>; readonly marketplace: string };
  readonly late: string;
  readonly warehouse: Record<string, number | string>;
  readonly promise: string;
  readonly costs: Record<string, number>;
  readonly clickCollect: string;
  readonly unitsShipped: string;
}

export interface OrdersTruth {
  readonly statuses: string;
  readonly abnormal: string;
  readonly abnormalShares: {
    readonly cancelled: number;
    readonly fraud: number;
    readonly of: string;
  };
  readonly payments: Record<string, unknown>;
  readonly shipping: Record<string, unknown>;
  readonly coupons: {
    readonly welcomeCode: string;
    readonly welcomeShare: number;
    readonly newsletterShare: number;
    readonly pct: number;
    readonly rule: string;
  };
  readonly chargebacks: Record<string, unknown>;
  readonly tax: string;
  readonly ids: Record<string, string>;
  readonly counts: {
    readonly orders: Record<string, number>;
    readonly statuses: Record<string, number>;
    readonly lines: number;
    readonly returns: number;
    readonly returnedUnits: number;
    readonly shipments: number;
    readonly chargebacks: number;
    readonly payments: number;
  };
  readonly footfall: { readonly visitors: number; readonly tickets: number };
}

export interface InventoryTruth {
  readonly balance: string;
  readonly dayOrder: string;
  readonly localDates: string;
  readonly snapshots: {
    readonly everyDays: number;
    readonly rows: string;
    readonly zeroColumns: string;
  };
  readonly firstStock: string;
  readonly replenishment: Record<string, unknown>;
  readonly receivedUnitsByLocation: Record<string, number>;
}

/** Every section the commerce parts write, by its key in ground-truth.json. */
export interface CommerceManifest {
  readonly meta: {
    readonly start: string;
    readonly end: string;
    readonly seed: number;
    readonly scale: string;
  };
  readonly seasonality: SeasonalityTruth;
  readonly catalogue: CatalogueTruth;
  readonly stores: StoresTruth;
  readonly fx: FxTruth;
  readonly basketAffinity: BasketAffinityTruth;
  readonly members: MembersTruth;
  readonly promotions: PromotionsTruth;
  readonly lostSales: LostSalesTruth;
  readonly inventory: InventoryTruth;
  readonly shrinkage: ShrinkageTruth;
  readonly returns: ReturnsTruth;
  readonly fulfilment: FulfilmentTruth;
  readonly orders: OrdersTruth;
}
