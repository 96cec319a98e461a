/** Roles of an API token, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/**
 * Splits a viewer may ask for: the dashboard's filters and drill-downs (channel → region →
 * location, category → product). Any other split is an ad-hoc analysis, for analysts.
 */
export const VIEWER_DIMENSIONS: readonly string[] = [
  'channel',
  'channel_kind',
  'region',
  'location',
  'category',
  'subcategory',
  'product',
  'contact_channel',
  'contact_reason',
  'marketing_channel',
  'source_medium',
];
