/**
 * Roles of an API token. `viewer` < `analyst` < `admin`: each may do everything the ones before
 * it may. `ingest` stands apart: a till, a shop back end or a survey tool that sends events
 * (POST /api/events) and reads nothing; admins may send events too.
 */
export const ROLES = ['viewer', 'analyst', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];
const LADDER: readonly Role[] = ['viewer', 'analyst', 'admin'];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  if (needed === 'ingest') return role === 'ingest' || role === 'admin';
  if (role === 'ingest') return false;
  return LADDER.indexOf(role) >= LADDER.indexOf(needed);
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
