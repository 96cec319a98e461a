import { VitrineError } from '../util/errors.js';

export type DemoScale = 'small' | 'medium' | 'large';
export const DEMO_SCALES: readonly DemoScale[] = ['small', 'medium', 'large'];

/**
 * Sizes of the demo retailer per scale. small: tests (seconds); medium: the default demo
 * (under 2 minutes); large: benchmarks (at least 10 million order lines).
 */
export interface ScaleParams {
  /** Stores open from before the period. */
  readonly matureStores: number;
  /** Stores opened during the period (not like-for-like). */
  readonly newStores: number;
  readonly skus: number;
  readonly suppliers: number;
  /** Known customers following BG/NBD (members of the loyalty programme / accounts). */
  readonly members: number;
  /** Mean anonymous store tickets per store and day at seasonality 1. */
  readonly storeGuestOrdersPerDay: number;
  /** Mean anonymous online orders per day (all online channels) at seasonality 1. */
  readonly onlineGuestOrdersPerDay: number;
  /** Days between inventory snapshots (1 = daily; 7 = every Sunday). */
  readonly snapshotEveryDays: number;
  /**
   * Whether anonymous store tickets are listed in ctx.orders. Online orders and every order of
   * a known customer always are; at large scale the millions of guest tickets are left out to
   * bound memory (they are in the orders table all the same).
   */
  readonly guestTicketsInContext: boolean;
}

export const SCALES: Record<DemoScale, ScaleParams> = {
  small: {
    matureStores: 4,
    newStores: 1,
    skus: 64,
    suppliers: 8,
    members: 2000,
    storeGuestOrdersPerDay: 18,
    onlineGuestOrdersPerDay: 10,
    snapshotEveryDays: 1,
    guestTicketsInContext: true,
  },
  medium: {
    matureStores: 8,
    newStores: 2,
    skus: 150,
    suppliers: 14,
    members: 12000,
    storeGuestOrdersPerDay: 40,
    onlineGuestOrdersPerDay: 40,
    snapshotEveryDays: 1,
    guestTicketsInContext: true,
  },
  large: {
    matureStores: 24,
    newStores: 4,
    skus: 600,
    suppliers: 20,
    members: 60000,
    storeGuestOrdersPerDay: 180,
    onlineGuestOrdersPerDay: 130,
    snapshotEveryDays: 7,
    guestTicketsInContext: false,
  },
};

export function parseScale(value: string): DemoScale {
  if ((DEMO_SCALES as readonly string[]).includes(value)) return value as DemoScale;
  throw new VitrineError(
    'BAD_SCALE',
    `unknown scale "${value}"; valid scales: ${DEMO_SCALES.join(', ')}`,
  );
}
