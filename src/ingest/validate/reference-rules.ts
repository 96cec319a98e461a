/**
 * References whose child rows are held until the parent arrives: a line without its order, a
 * web event without its session cannot be counted anywhere, and feeds often deliver children
 * first. Other references (a SKU missing from the catalogue, an unknown channel) do not block a
 * load: the rows are counted, and `vitrine check` reports the orphans.
 */
export interface HeldReference {
  readonly column: string;
  readonly parent: string;
  readonly parentColumn: string;
  /** What one parent row is, for reasons ("order G1 was refused"). */
  readonly noun: string;
}

export const HELD_REFERENCES: Readonly<Record<string, readonly HeldReference[]>> = {
  order_lines: [{ column: 'order_id', parent: 'orders', parentColumn: 'order_id', noun: 'order' }],
  returns: [{ column: 'order_id', parent: 'orders', parentColumn: 'order_id', noun: 'order' }],
  payments: [{ column: 'order_id', parent: 'orders', parentColumn: 'order_id', noun: 'order' }],
  chargebacks: [{ column: 'order_id', parent: 'orders', parentColumn: 'order_id', noun: 'order' }],
  shipments: [{ column: 'order_id', parent: 'orders', parentColumn: 'order_id', noun: 'order' }],
  web_events: [
    { column: 'session_id', parent: 'sessions', parentColumn: 'session_id', noun: 'session' },
  ],
  experiment_assignments: [
    {
      column: 'experiment_id',
      parent: 'experiments',
      parentColumn: 'experiment_id',
      noun: 'experiment',
    },
  ],
  promotion_products: [
    {
      column: 'promotion_id',
      parent: 'promotions',
      parentColumn: 'promotion_id',
      noun: 'promotion',
    },
  ],
};

export function heldReferences(table: string): readonly HeldReference[] {
  return HELD_REFERENCES[table] ?? [];
}
