import { join } from 'node:path';
import type {
  DemoChannel,
  DemoContext,
  DemoCustomer,
  DemoLocation,
  DemoOrder,
  DemoProduct,
} from '../../src/demo/demo-context.js';
import { demoPeriod } from '../../src/demo/demo-generator.js';
import { SCALES } from '../../src/demo/demo-scale.js';
import { Random } from '../../src/demo/random.js';
import { TableWriter } from '../../src/demo/table-writer.js';
import { centralEuropeLocalToUtcMs, MS_PER_DAY, parseIsoDate } from '../../src/time/civil-date.js';

/**
 * A small retailer built by hand, standing in for the catalogue, customers and sales parts, so
 * that the web, service and planning parts can be run and checked on their own. Its entities
 * follow the DemoContext contract; their numbers are simple, not realistic.
 */
export interface HandBuiltOptions {
  readonly today?: string;
  readonly seed?: number;
  /** Mean web, app and store orders per day. */
  readonly webPerDay?: number;
  readonly appPerDay?: number;
  readonly storePerDay?: number;
  readonly skus?: number;
  readonly members?: number;
  /** Share of shipped online orders delivered late. */
  readonly lateShare?: number;
}

const CATEGORIES = ['Décoration', 'Linge de maison', 'Cuisine', 'Luminaires', 'Rangement'];

export function handBuiltContext(dir: string, options: HandBuiltOptions = {}): DemoContext {
  const seed = options.seed ?? 11;
  const rng = new Random(seed, 'hand-built');
  const { startDay, endDay } = demoPeriod(parseIsoDate(options.today ?? '2026-11-23'));
  const channels: DemoChannel[] = [
    { id: 'CH-STORE', name: 'Magasins', kind: 'store', currency: 'EUR' },
    { id: 'CH-WEB', name: 'E-shop', kind: 'web', currency: 'EUR' },
    { id: 'CH-APP', name: 'Application', kind: 'app', currency: 'EUR' },
    { id: 'CH-MKP', name: 'Marketplace UK', kind: 'marketplace', currency: 'GBP' },
  ];
  const locations: DemoLocation[] = [
    ['L01', 'Paris', 'Île-de-France'],
    ['L02', 'Lyon', 'Auvergne-Rhône-Alpes'],
    ['L03', 'Lille', 'Hauts-de-France'],
  ].map(([id, city, region]) => ({
    id: id as string,
    name: `Maison Vitrine ${city}`,
    kind: 'store' as const,
    storeType: 'city',
    region: region as string,
    city: city as string,
    openedOn: startDay - 400,
    closedOn: null,
    sqm: 250,
  }));
  locations.push({
    id: 'W01',
    name: 'Entrepôt',
    kind: 'warehouse',
    storeType: null,
    region: 'Auvergne-Rhône-Alpes',
    city: 'Saint-Quentin-Fallavier',
    openedOn: startDay - 800,
    closedOn: null,
    sqm: 18000,
  });
  const products: DemoProduct[] = Array.from({ length: options.skus ?? 60 }, (_, i) => {
    const price = rng.int(800, 12000);
    return {
      sku: `SKU${String(i + 1).padStart(4, '0')}`,
      name: `Produit ${i + 1}`,
      category: CATEGORIES[i % CATEGORIES.length] ?? 'Décoration',
      subcategory: 'Divers',
      brand: 'Maison Vitrine',
      supplierId: 'SUP01',
      listPriceCents: price,
      unitCostCents: Math.round(price * 0.45),
      launchedOn: i % 10 === 9 ? startDay + 300 : startDay - 200,
      discontinuedOn: i % 15 === 14 ? endDay - 200 : null,
    };
  });
  const customers: DemoCustomer[] = Array.from({ length: options.members ?? 800 }, (_, i) => ({
    id: `C${String(i + 1).padStart(6, '0')}`,
    createdAtMs: (startDay - 100) * MS_PER_DAY,
    visitorId: `V${String(i + 1).padStart(7, '0')}`,
    webAccountId: `A${i + 1}`,
    loyaltyId: `L${i + 1}`,
    region: locations[i % 3]?.region ?? 'Île-de-France',
    acquisitionChannel: 'seo',
    acquisitionCampaignId: null,
    segment: 'regular',
  }));

  const orders: DemoOrder[] = [];
  let n = 0;
  let guest = 0;
  const lateShare = options.lateShare ?? 0.1;
  const endMs = centralEuropeLocalToUtcMs(endDay + 1, 0);
  for (let day = startDay; day <= endDay; day++) {
    for (const [channel, mean] of [
      [channels[1], options.webPerDay ?? 12],
      [channels[2], options.appPerDay ?? 3],
      [channels[0], options.storePerDay ?? 20],
      [channels[3], 1],
    ] as const) {
      if (!channel) continue;
      const count = rng.poisson(mean);
      for (let k = 0; k < count; k++) {
        const orderedAtMs =
          centralEuropeLocalToUtcMs(day, rng.int(7 * 60, 23 * 60 + 50)) + rng.int(0, 59_999);
        const member = rng.chance(0.5) ? customers[rng.int(0, customers.length - 1)] : undefined;
        const online = channel.kind === 'web' || channel.kind === 'app';
        const lines = rng.int(1, 3);
        const skus = Array.from(
          { length: lines },
          () => products[rng.int(0, products.length - 1)]?.sku ?? 'SKU0001',
        );
        const status = rng.chance(0.02) ? 'cancelled' : rng.chance(0.003) ? 'fraud' : 'delivered';
        const ship = channel.kind !== 'store';
        const late = ship && status === 'delivered' && rng.chance(lateShare);
        const delivered =
          ship && status === 'delivered' ? orderedAtMs + (late ? 6 : 3) * MS_PER_DAY : null;
        n++;
        orders.push({
          orderId: `O${String(n).padStart(8, '0')}`,
          channelId: channel.id,
          channelKind: channel.kind,
          locationId: ship ? 'W01' : (locations[rng.int(0, 2)]?.id ?? 'L01'),
          customerId: member?.id ?? null,
          visitorId: online ? (member?.visitorId ?? `G${String(++guest).padStart(8, '0')}`) : null,
          sessionId: online ? `S${String(n).padStart(9, '0')}` : null,
          orderedAtMs,
          status,
          subtotalCents: skus.length * rng.int(1500, 9000),
          units: skus.length,
          skus: [...new Set(skus)],
          fulfilment: ship ? 'ship' : 'carry_out',
          deliveredAtMs: delivered !== null && delivered < endMs ? delivered : null,
          late,
        });
      }
    }
  }
  const fx = new Map<string, Map<number, number>>([['GBP', new Map()]]);
  for (let day = startDay; day <= endDay; day++) fx.get('GBP')?.set(day, 1.16);

  const root = new Random(seed, 'demo');
  return {
    seed,
    scale: 'small',
    params: SCALES.small,
    startDay,
    endDay,
    reportingCurrency: 'EUR',
    rng: (label) => root.fork(label),
    out: new TableWriter(join(dir, 'rows')),
    truth: {},
    locations,
    channels,
    fx,
    products,
    customers,
    campaigns: [],
    orders,
  };
}
