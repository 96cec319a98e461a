/**
 * The fixed vocabulary of the demo retailer "Maison Vitrine": its range, its stores, its
 * suppliers. Plain data; which of it a scale uses, and every number drawn from it, is decided by
 * the catalogue part with its own random stream.
 */

export interface SubcategoryDef {
  readonly name: string;
  /** Shelf prices including VAT, in euros (the range list prices are drawn in). */
  readonly minTtc: number;
  readonly maxTtc: number;
  /** Units per supplier case: purchase orders are whole cases. */
  readonly pack: number;
  /** Product nouns and variants names are built from. */
  readonly noun: string;
}

export interface CategoryDef {
  readonly name: string;
  readonly subcategories: readonly SubcategoryDef[];
}

function sub(
  name: string,
  noun: string,
  minTtc: number,
  maxTtc: number,
  pack: number,
): SubcategoryDef {
  return { name, noun, minTtc, maxTtc, pack };
}

/** The never-promoted category that promotion measurements use as their control. */
export const CONTROL_CATEGORY = 'Rangement';

export const CATEGORIES: readonly CategoryDef[] = [
  {
    name: 'Décoration',
    subcategories: [
      sub('Bougies', 'Bougie', 9, 35, 12),
      sub('Bougeoirs', 'Bougeoir', 12, 45, 6),
      sub('Vases', 'Vase', 19, 89, 4),
      sub('Cadres', 'Cadre', 9, 45, 6),
      sub('Miroirs', 'Miroir', 45, 199, 1),
    ],
  },
  {
    name: 'Linge de maison',
    subcategories: [
      sub('Housses de couette', 'Housse de couette', 49, 139, 2),
      sub("Taies d'oreiller", "Taie d'oreiller", 12, 35, 6),
      sub('Coussins', 'Coussin', 15, 49, 4),
      sub('Plaids', 'Plaid', 29, 99, 2),
      sub('Serviettes', 'Serviette de bain', 9, 35, 6),
    ],
  },
  {
    name: 'Cuisine',
    subcategories: [
      sub('Casseroles', 'Casserole', 35, 129, 2),
      sub('Cafetières', 'Cafetière', 29, 119, 2),
      sub('Ustensiles', 'Ustensile', 5, 25, 12),
      sub('Couteaux', 'Couteau', 19, 89, 4),
      sub('Bocaux', 'Bocal', 5, 19, 12),
    ],
  },
  {
    name: 'Art de la table',
    subcategories: [
      sub('Assiettes', 'Assiette', 7, 25, 12),
      sub('Verres', 'Verre', 5, 19, 12),
      sub('Tasses', 'Tasse', 6, 19, 12),
      sub('Couverts', 'Ménagère', 29, 99, 2),
      sub('Nappes', 'Nappe', 25, 69, 4),
    ],
  },
  {
    name: 'Luminaires',
    subcategories: [
      sub('Lampes', 'Lampe à poser', 39, 159, 2),
      sub('Suspensions', 'Suspension', 59, 249, 1),
      sub('Ampoules', 'Ampoule', 5, 19, 12),
      sub('Guirlandes', 'Guirlande lumineuse', 12, 39, 6),
    ],
  },
  {
    name: 'Rangement',
    subcategories: [
      sub('Paniers', 'Panier', 15, 49, 4),
      sub('Boîtes', 'Boîte', 7, 29, 6),
      sub('Étagères', 'Étagère', 39, 159, 1),
      sub('Patères', 'Patère', 9, 29, 6),
    ],
  },
  {
    name: 'Bien-être',
    subcategories: [
      sub('Diffuseurs', 'Diffuseur', 25, 69, 4),
      sub('Huiles essentielles', 'Huile essentielle', 6, 19, 12),
      sub('Savons', 'Savon', 4, 14, 12),
      sub('Bougies parfumées', 'Bougie parfumée', 15, 45, 6),
    ],
  },
  {
    name: 'Jardin',
    subcategories: [
      sub('Pots', 'Pot', 9, 49, 6),
      sub('Terreau', 'Terreau', 6, 15, 6),
      sub('Mobilier extérieur', 'Chaise de jardin', 59, 299, 1),
      sub('Lanternes', 'Lanterne', 19, 59, 4),
    ],
  },
];

/** Designed basket pairs (category/subcategory of A, then of B). */
export const AFFINITY_TEMPLATES: readonly (readonly [string, string])[] = [
  ['Cuisine/Cafetières', 'Art de la table/Tasses'],
  ['Linge de maison/Housses de couette', "Linge de maison/Taies d'oreiller"],
  ['Luminaires/Lampes', 'Luminaires/Ampoules'],
  ['Bien-être/Diffuseurs', 'Bien-être/Huiles essentielles'],
  ['Jardin/Pots', 'Jardin/Terreau'],
  ['Art de la table/Assiettes', 'Art de la table/Verres'],
];

export const VARIANTS: readonly string[] = [
  'Lin lavé',
  'Grès',
  'Terracotta',
  'Rotin',
  'Chêne clair',
  'Laiton',
  'Verre soufflé',
  'Céramique',
  'Coton bio',
  'Ardoise',
  'Sauge',
  'Ocre',
  'Blanc cassé',
  'Bleu Klein',
  'Figuier',
  'Ambre',
  'Noyer',
  'Marbre',
  'Jute',
  'Olivier',
];

export const COLLECTIONS: readonly string[] = [
  'Camargue',
  'Belle-Île',
  'Luberon',
  'Étretat',
  'Vercors',
  'Cassis',
  'Honfleur',
  'Colmar',
  'Biarritz',
  'Giverny',
];

export const BRANDS: readonly string[] = [
  'Maison Vitrine',
  'Atelier Lumen',
  'Terre & Lin',
  'Cuivre & Co',
  'Verrerie d’Argonne',
  'Nordlys',
  'Bois Flotté',
  'Céramiques du Sud',
];

export interface SupplierDef {
  readonly name: string;
  /** Imports have long lead times; domestic suppliers short ones. */
  readonly origin: 'domestic' | 'europe' | 'import';
}

export const SUPPLIERS: readonly SupplierDef[] = [
  { name: 'Textiles du Nord SAS', origin: 'domestic' },
  { name: 'Porcelaines de Limoges', origin: 'domestic' },
  { name: 'Verrerie de Bretagne', origin: 'domestic' },
  { name: 'Lumen Industrie', origin: 'europe' },
  { name: 'Guangzhou HomeCraft Ltd', origin: 'import' },
  { name: 'Porto Cerâmica Lda', origin: 'europe' },
  { name: 'Rotin de Java', origin: 'import' },
  { name: 'Savonnerie de Marseille', origin: 'domestic' },
  { name: 'Coutellerie de Thiers', origin: 'domestic' },
  { name: 'Jardins de Provence', origin: 'domestic' },
  { name: 'Nordic Living AB', origin: 'europe' },
  { name: 'Delhi Textile Exports', origin: 'import' },
  { name: 'Cristallerie Lorraine', origin: 'domestic' },
  { name: 'Bois des Vosges', origin: 'domestic' },
  { name: 'Milano Design Srl', origin: 'europe' },
  { name: 'Ningbo Light Co', origin: 'import' },
  { name: 'Linge des Alpes', origin: 'domestic' },
  { name: 'Ateliers de Vallauris', origin: 'domestic' },
  { name: 'Hamburg Küche GmbH', origin: 'europe' },
  { name: 'Vietnam Bamboo JSC', origin: 'import' },
];

export interface StoreDef {
  readonly name: string;
  readonly city: string;
  readonly region: string;
  readonly storeType: 'flagship' | 'city' | 'mall' | 'outlet';
  readonly sqm: number;
}

/** Stores open before the period, in the order scales take them. */
export const MATURE_STORES: readonly StoreDef[] = [
  {
    name: 'Paris Le Marais',
    city: 'Paris',
    region: 'Île-de-France',
    storeType: 'flagship',
    sqm: 420,
  },
  {
    name: 'Lyon Presqu’île',
    city: 'Lyon',
    region: 'Auvergne-Rhône-Alpes',
    storeType: 'city',
    sqm: 310,
  },
  {
    name: 'Bordeaux Sainte-Catherine',
    city: 'Bordeaux',
    region: 'Nouvelle-Aquitaine',
    storeType: 'city',
    sqm: 280,
  },
  {
    name: 'Lille Vieux-Lille',
    city: 'Lille',
    region: 'Hauts-de-France',
    storeType: 'city',
    sqm: 260,
  },
  {
    name: 'Nantes Graslin',
    city: 'Nantes',
    region: 'Pays de la Loire',
    storeType: 'city',
    sqm: 240,
  },
  {
    name: 'Marseille Terrasses du Port',
    city: 'Marseille',
    region: "Provence-Alpes-Côte d'Azur",
    storeType: 'mall',
    sqm: 330,
  },
  { name: 'Toulouse Capitole', city: 'Toulouse', region: 'Occitanie', storeType: 'city', sqm: 270 },
  {
    name: 'Strasbourg Petite France',
    city: 'Strasbourg',
    region: 'Grand Est',
    storeType: 'city',
    sqm: 230,
  },
  { name: 'Rennes Thabor', city: 'Rennes', region: 'Bretagne', storeType: 'city', sqm: 210 },
  {
    name: 'Paris La Défense',
    city: 'Puteaux',
    region: 'Île-de-France',
    storeType: 'mall',
    sqm: 360,
  },
  {
    name: 'Montpellier Polygone',
    city: 'Montpellier',
    region: 'Occitanie',
    storeType: 'mall',
    sqm: 290,
  },
  {
    name: 'Nice Masséna',
    city: 'Nice',
    region: "Provence-Alpes-Côte d'Azur",
    storeType: 'city',
    sqm: 220,
  },
  {
    name: 'Grenoble Victor Hugo',
    city: 'Grenoble',
    region: 'Auvergne-Rhône-Alpes',
    storeType: 'city',
    sqm: 200,
  },
  {
    name: 'Dijon Darcy',
    city: 'Dijon',
    region: 'Bourgogne-Franche-Comté',
    storeType: 'city',
    sqm: 190,
  },
  { name: 'Rouen Gros-Horloge', city: 'Rouen', region: 'Normandie', storeType: 'city', sqm: 200 },
  {
    name: 'Tours Halles',
    city: 'Tours',
    region: 'Centre-Val de Loire',
    storeType: 'city',
    sqm: 180,
  },
  {
    name: 'Clermont Jaude',
    city: 'Clermont-Ferrand',
    region: 'Auvergne-Rhône-Alpes',
    storeType: 'mall',
    sqm: 250,
  },
  {
    name: 'Annecy Vieille Ville',
    city: 'Annecy',
    region: 'Auvergne-Rhône-Alpes',
    storeType: 'city',
    sqm: 170,
  },
  { name: 'Metz Saint-Jacques', city: 'Metz', region: 'Grand Est', storeType: 'mall', sqm: 230 },
  { name: 'Reims Erlon', city: 'Reims', region: 'Grand Est', storeType: 'city', sqm: 180 },
  {
    name: 'Aix Cours Mirabeau',
    city: 'Aix-en-Provence',
    region: "Provence-Alpes-Côte d'Azur",
    storeType: 'city',
    sqm: 210,
  },
  {
    name: 'Versailles Parly 2',
    city: 'Le Chesnay',
    region: 'Île-de-France',
    storeType: 'mall',
    sqm: 340,
  },
  { name: 'Caen Saint-Pierre', city: 'Caen', region: 'Normandie', storeType: 'city', sqm: 170 },
  {
    name: 'Orléans Place d’Arc',
    city: 'Orléans',
    region: 'Centre-Val de Loire',
    storeType: 'mall',
    sqm: 220,
  },
  {
    name: 'Troyes Marques Avenue',
    city: 'Troyes',
    region: 'Grand Est',
    storeType: 'outlet',
    sqm: 380,
  },
  {
    name: 'Roubaix McArthurGlen',
    city: 'Roubaix',
    region: 'Hauts-de-France',
    storeType: 'outlet',
    sqm: 350,
  },
];

/** Stores opened during the period (not like-for-like), in the order scales take them. */
export const NEW_STORES: readonly StoreDef[] = [
  {
    name: 'Angers Ralliement',
    city: 'Angers',
    region: 'Pays de la Loire',
    storeType: 'city',
    sqm: 200,
  },
  {
    name: 'Biarritz Halles',
    city: 'Biarritz',
    region: 'Nouvelle-Aquitaine',
    storeType: 'city',
    sqm: 180,
  },
  {
    name: 'Avignon République',
    city: 'Avignon',
    region: "Provence-Alpes-Côte d'Azur",
    storeType: 'city',
    sqm: 170,
  },
  {
    name: 'La Rochelle Vieux-Port',
    city: 'La Rochelle',
    region: 'Nouvelle-Aquitaine',
    storeType: 'city',
    sqm: 190,
  },
  {
    name: 'Saint-Malo Intra-Muros',
    city: 'Saint-Malo',
    region: 'Bretagne',
    storeType: 'city',
    sqm: 160,
  },
];

export const WAREHOUSE = {
  name: 'Entrepôt Saint-Quentin-Fallavier',
  city: 'Saint-Quentin-Fallavier',
  region: 'Auvergne-Rhône-Alpes',
  sqm: 18000,
} as const;

/** Regions of residence of online customers, weighted roughly by population. */
export const REGIONS: readonly (readonly [string, number])[] = [
  ['Île-de-France', 18],
  ['Auvergne-Rhône-Alpes', 12],
  ['Nouvelle-Aquitaine', 9],
  ['Occitanie', 9],
  ['Hauts-de-France', 9],
  ["Provence-Alpes-Côte d'Azur", 8],
  ['Grand Est', 8],
  ['Pays de la Loire', 6],
  ['Bretagne', 5],
  ['Normandie', 5],
  ['Bourgogne-Franche-Comté', 4],
  ['Centre-Val de Loire', 4],
  ['Corse', 0.5],
];
