/**
 * Driver trees: identities that write a KPI as a sum of products of drivers, each driver an
 * expression over KPIs computed on a slice of the business. The explain step reports what the
 * identity leaves out as "other", so contributions always add up to the change.
 */

export interface DriverFactor {
  readonly label: string;
  /** Expression over KPI ids. */
  readonly expr: string;
  readonly kpis: readonly string[];
}

export interface DriverTerm {
  readonly label: string;
  /** The slice the factors are computed on. */
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /** KPIs that are of that slice by nature and cannot be filtered by it (footfall of stores). */
  readonly unfiltered?: readonly string[];
  readonly factors: readonly DriverFactor[];
  /** −1 for a term that is subtracted (refunds). */
  readonly sign?: 1 | -1;
}

export interface DriverTree {
  readonly terms: readonly DriverTerm[];
  readonly otherLabel: string;
}

const ONLINE = ['web', 'app'];

/**
 * net_sales = sessions × (orders / sessions) × ((gross − discounts) / orders) on the e-shop and
 * app + footfall × (orders / footfall) × ticket in stores − refunds + other channels
 * (marketplace, phone) and orders without a session.
 */
export const DRIVER_TREES: Readonly<Record<string, DriverTree>> = {
  net_sales: {
    terms: [
      {
        label: 'online (web and app)',
        where: { channel_kind: ONLINE },
        factors: [
          { label: 'traffic (sessions)', expr: 'sessions', kpis: ['sessions'] },
          {
            label: 'conversion (orders / sessions)',
            expr: 'orders / sessions',
            kpis: ['orders', 'sessions'],
          },
          {
            label: 'average ticket',
            expr: '(gross_sales - discounts) / orders',
            kpis: ['gross_sales', 'discounts', 'orders'],
          },
        ],
      },
      {
        label: 'stores',
        where: { channel_kind: ['store'] },
        unfiltered: ['footfall'],
        factors: [
          { label: 'traffic (footfall)', expr: 'footfall', kpis: ['footfall'] },
          {
            label: 'conversion (tickets / footfall)',
            expr: 'orders / footfall',
            kpis: ['orders', 'footfall'],
          },
          {
            label: 'average ticket',
            expr: '(gross_sales - discounts) / orders',
            kpis: ['gross_sales', 'discounts', 'orders'],
          },
        ],
      },
      {
        label: 'returns',
        sign: -1,
        factors: [{ label: 'refunds', expr: 'refunds', kpis: ['refunds'] }],
      },
    ],
    otherLabel: 'marketplace, phone and orders outside the two families',
  },
};
