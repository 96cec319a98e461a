import type { Role } from './auth/roles.js';
import { roleAtLeast } from './auth/roles.js';

/**
 * A KPI's description as a token may read it: the file a definition was read from is an
 * absolute path of the server's disk (install directory, workspace directory), which only an
 * admin needs (issue 15.10); the others keep `origin` (shipped or workspace).
 */
export function kpiForRole<T extends { readonly file?: unknown }>(
  kpi: T,
  role: Role,
): T | Omit<T, 'file'> {
  if (roleAtLeast(role, 'admin')) return kpi;
  const { file: _file, ...rest } = kpi;
  return rest;
}
