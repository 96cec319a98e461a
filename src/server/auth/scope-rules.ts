import type { Role } from './roles.js';
import { roleAtLeast } from './roles.js';
import type { Scopes } from './token-store.js';

/**
 * Whether `inner` sees no more than `outer`: every dimension `outer` limits is limited in
 * `inner` to a subset of its values (`inner` may limit more dimensions). An unscoped `outer`
 * contains every scope.
 */
export function scopeWithin(inner: Scopes, outer: Scopes): boolean {
  return Object.entries(outer).every(([dim, allowed]) => {
    const values = inner[dim];
    return values !== undefined && values.length > 0 && values.every((v) => allowed.includes(v));
  });
}

/** The first dimension of `outer` that `inner` exceeds, as `dim=values` for an error message. */
export function scopeExcess(inner: Scopes, outer: Scopes): string | null {
  for (const [dim, allowed] of Object.entries(outer)) {
    const values = inner[dim];
    if (values === undefined || values.length === 0) return `${dim} (any value)`;
    const extra = values.filter((v) => !allowed.includes(v));
    if (extra.length > 0) return `${dim}=${extra.join(',')}`;
  }
  return null;
}

export function scopeText(scopes: Scopes): string {
  const parts = Object.entries(scopes).map(([dim, values]) => `${dim}=${values.join(',')}`);
  return parts.length === 0 ? 'the whole business' : parts.join(' and ');
}

/** A token may hand out its own role or a weaker one, never a stronger. */
export function roleWithin(role: Role, own: Role): boolean {
  return roleAtLeast(own, role);
}

/**
 * Whether a target of this segment lies inside `scopes`: for a scoped token only the targets of
 * a segment it is limited to (a whole-business target sets the goal of stores it cannot see).
 */
export function targetWithin(
  segmentKey: string | null | undefined,
  segmentValue: string | null | undefined,
  scopes: Scopes,
): boolean {
  if (Object.keys(scopes).length === 0) return true;
  if (!segmentKey || segmentValue == null) return false;
  return scopes[segmentKey]?.includes(segmentValue) ?? false;
}
