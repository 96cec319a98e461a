import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export { launchChromium } from '../../src/goals/reports/report-pdf.js';

/** Builds the dashboard with Vite when web/dist is missing (a fresh clone before `npm run build`). */
export async function ensureDashboardBuilt(): Promise<string> {
  if (!existsSync(`${WEB_DIST}index.html`)) {
    const { build } = await import('vite');
    await build({ root: fileURLToPath(new URL('../../web/', import.meta.url)), logLevel: 'warn' });
  }
  return WEB_DIST.replace(/\/$/, '');
}
